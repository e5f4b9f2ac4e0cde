r"""Checkers for the exercises of Chapter 1, *The ReLU function*.

Each checker receives the reader's answer and returns a
:class:`~relu_book.exercises.Feedback`; readers call them through
``check(label, answer)`` with the label of the exercise.

* ``ex-ch1-1`` -- relu at five points.
* ``ex-ch1-3`` -- the exact mean of relu of a standard normal.
* ``ex-ch1-5`` -- relu written as (x + |x|)/2, as a vectorised function.
* ``ex-ch1-6`` -- the fraction of zero outputs of a layer with bias -0.5.
* ``ex-ch1-7`` -- the mean of relu of a normal with mean 1.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch1-1", [0, 0, 0, 0.5, 3]).correct
True
>>> grade("ex-ch1-3", 0.5).correct
False
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

#: The points at which ``ex-ch1-1`` asks for relu.
RELU_POINTS = (-2.0, -0.5, 0.0, 0.5, 3.0)
#: E[relu(Z)] for Z ~ N(0, 1) (``ex-ch1-3``).
MEAN_RELU_STD_NORMAL = 1.0 / math.sqrt(2.0 * math.pi)
#: The bias of every unit of the layer in ``ex-ch1-6``.
LAYER_BIAS = -0.5
#: The mean of the normal input in ``ex-ch1-7``.
SHIFTED_MEAN = 1.0


def _std_normal_cdf(z: float) -> float:
    r"""The standard normal distribution function :math:`\Phi(z)`."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _std_normal_pdf(z: float) -> float:
    r"""The standard normal density :math:`\varphi(z)`."""
    return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


# ------------------------------------------------------------------ ex-ch1-1


@register("ex-ch1-1", "a list of 5 numbers (relu at -2, -0.5, 0, 0.5 and 3, in this order)")
def check_relu_values(answer) -> Feedback:
    """The values of relu at :data:`RELU_POINTS`."""
    got = as_array(answer)
    if got.shape != (len(RELU_POINTS),):
        raise MalformedAnswer(f"got shape {got.shape}; give 5 numbers, one for each point, in order")
    x = np.array(RELU_POINTS)
    expected = np.maximum(x, 0.0)
    wrong = ~np.isclose(got, expected, rtol=0.0, atol=1e-9)
    if not wrong.any():
        return Feedback(True, "relu keeps positive inputs and sends the rest to 0.")
    if np.allclose(got, x):
        return Feedback(False, "these are the inputs themselves.", "relu(x) = max(0, x): a negative input gives 0.")
    if np.allclose(got, np.abs(x)):
        return Feedback(
            False, "these are the absolute values |x|.", "relu(x) = max(0, x) sends a negative input to 0, not to -x."
        )
    bad = ", ".join(f"x = {x[i]:g}" for i in np.flatnonzero(wrong))
    return Feedback(False, f"the value at {bad} is not right.", "relu(x) = max(0, x): compare each input with 0.")


# ------------------------------------------------------------------ ex-ch1-3


@register("ex-ch1-3", "a number (the exact value of E[relu(Z)] for Z ~ N(0, 1))")
def check_mean_of_relu(answer) -> Feedback:
    """:math:`E[\\operatorname{relu}(Z)] = 1/\\sqrt{2\\pi}`."""
    value = as_number(answer)
    target = MEAN_RELU_STD_NORMAL
    if abs(value - target) <= 1e-6:
        return Feedback(True, f"E[relu(Z)] = 1/sqrt(2 pi) = {target:.6f}.")
    if abs(value - target) <= 1e-2:
        return Feedback(
            False,
            f"{value:.6f} is close to the exact value but not equal to it (a sampling estimate?).",
            "Integrate x times the normal density from 0 to infinity, exactly (with sympy or by hand).",
        )
    known = {
        0.0: "this is E[Z]; relu(Z) >= Z, and relu(Z) > Z whenever Z < 0, so the mean is positive.",
        0.5: "this is P(Z > 0) (or E[relu(Z)^2]), not E[relu(Z)].",
        math.sqrt(2.0 / math.pi): "this is E[|Z|]; relu(x) = (x + |x|)/2, so take half of it.",
        1.0 / math.sqrt(math.pi): "check the normalising constant of the density: 1/sqrt(2 pi).",
    }
    for wrong, message in known.items():
        if abs(value - wrong) <= 1e-4:
            return Feedback(False, message, "E[relu(Z)] is the integral of x exp(-x^2/2)/sqrt(2 pi) over x > 0.")
    return Feedback(
        False, f"{value:g} is not E[relu(Z)].", "E[relu(Z)] is the integral of x exp(-x^2/2)/sqrt(2 pi) over x > 0."
    )


# ------------------------------------------------------------------ ex-ch1-5


def _call(func, x: np.ndarray):
    """Call the reader's function; return (output, error message)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = func(x)
    except Exception as exc:  # the reader's code may fail in any way
        return None, f"{type(exc).__name__}: {exc}"
    try:
        return np.asarray(out), None
    except Exception as exc:  # pragma: no cover - exotic return values
        return None, f"its result could not be read as an array ({type(exc).__name__})"


@register("ex-ch1-5", "your function my_relu (it takes a numpy array and returns relu of it, elementwise)")
def check_relu_implementation(answer) -> Feedback:
    """A vectorised relu written as (x + |x|)/2."""
    if not callable(answer):
        raise MalformedAnswer(f"got {type(answer).__name__}; give the function itself, e.g. `answer = my_relu`")
    hint = "return (x + np.abs(x)) / 2, which builds a new array of x's dtype."

    grid = np.linspace(-3.0, 3.0, 13)  # contains 0.0 exactly
    grid_before = grid.copy()
    out, error = _call(answer, grid)
    if error:
        if "truth value" in error:
            hint = "Python's max() and `if` look at one number at a time; np.abs and np.maximum work elementwise."
        return Feedback(False, f"called on a float64 array, your function raised {error}.", hint)
    if not np.array_equal(grid, grid_before):
        return Feedback(
            False,
            "your function changed its input array.",
            "do not assign into x (x[...] = ..., x += ...); build a new array.",
        )
    if out.shape != grid.shape:
        return Feedback(False, f"on an input of shape {grid.shape} it returned shape {out.shape}.", hint)
    if out.dtype.kind != "f":
        return Feedback(False, f"on a float64 array it returned an array of dtype {out.dtype}.", hint)
    expected = np.maximum(grid, 0.0)
    wrong = ~np.isclose(out, expected, rtol=1e-12, atol=0.0)
    if wrong.any():
        i = np.flatnonzero(wrong)[0]
        return Feedback(False, f"at x = {grid[i]:g} it returned {out[i]:g}; relu({grid[i]:g}) = {expected[i]:g}.", hint)

    for special in (np.array([0.0, -0.0]), np.array([-1e300, 1e300])):
        out, error = _call(answer, special)
        expected = np.maximum(special, 0.0)
        if error:
            return Feedback(False, f"on the input {special.tolist()} it raised {error}.", hint)
        if out.shape != special.shape or not np.array_equal(out, expected):
            return Feedback(
                False,
                f"on the input {special.tolist()} it returned {out.tolist()}; relu gives {expected.tolist()}.",
                hint,
            )

    x32 = np.array([[-1.5, 0.0], [0.25, 2.0]], dtype=np.float32)
    out, error = _call(answer, x32)
    if error:
        return Feedback(False, f"called on a float32 matrix, your function raised {error}.", hint)
    if out.shape != x32.shape:
        return Feedback(
            False, f"on a {x32.shape} matrix it returned shape {out.shape}; it should work elementwise.", hint
        )
    if out.dtype != np.float32:
        return Feedback(
            False,
            f"a float32 input came back as {out.dtype}.",
            "avoid mixing in float64 arrays; (x + np.abs(x)) / 2 keeps float32.",
        )
    if not np.array_equal(out, np.maximum(x32, np.float32(0))):
        return Feedback(False, "its values on a float32 matrix are not relu's.", hint)
    return Feedback(True, "it agrees with relu (also at 0 and -0.0),\nkeeps float32 and leaves its input alone.")


# ------------------------------------------------------------------ ex-ch1-6


@register("ex-ch1-6", "a number between 0 and 1 (the fraction of outputs that are exactly 0)")
def check_fraction_of_zeros(answer) -> Feedback:
    """The fraction of zeros after a random layer with bias :data:`LAYER_BIAS`."""
    value = as_number(answer)
    if 1.0 < value <= 100.0:
        raise MalformedAnswer(f"got {value:g}, which looks like a percentage; give a fraction between 0 and 1")
    if not 0.0 <= value <= 1.0:
        raise MalformedAnswer(f"got {value:g}; a fraction lies between 0 and 1")
    target = _std_normal_cdf(-LAYER_BIAS)
    hint = "a pre-activation is close to N(b, 1); the output is 0 exactly when the pre-activation is <= 0."
    if abs(value - target) <= 0.01:
        return Feedback(True, f"{value:.4f} is within 0.01 of Phi(-b) = {target:.4f}.")
    if abs(value - 0.5) <= 0.01:
        return Feedback(False, "this is the fraction without a bias.", "did you add b = -0.5 to every pre-activation?")
    if abs(value - (1.0 - target)) <= 0.01:
        return Feedback(
            False,
            "this is the fraction of non-zero outputs, or the fraction for b = +0.5.",
            "a negative bias pushes pre-activations down, so more than half the outputs are 0.",
        )
    return Feedback(False, f"{value:.4f} is not within 0.01 of the expected fraction.", hint)


# ------------------------------------------------------------------ ex-ch1-7


@register("ex-ch1-7", "a number (E[relu(X)] for X ~ N(1, 1))")
def check_mean_of_shifted_relu(answer) -> Feedback:
    """:math:`E[\\operatorname{relu}(X)] = \\mu\\Phi(\\mu) + \\varphi(\\mu)` at mu = 1."""
    value = as_number(answer)
    mu = SHIFTED_MEAN
    target = mu * _std_normal_cdf(mu) + _std_normal_pdf(mu)
    hint = "E[relu(X)] = mu Phi(mu) + phi(mu); a sampling estimate should be within a few standard errors of it."
    if abs(value - target) <= 1e-6:
        return Feedback(True, f"mu Phi(mu) + phi(mu) = {target:.6f} at mu = 1.")
    if abs(value - target) <= 5e-3:
        return Feedback(True, f"{value:.4f} is within 0.005 of mu Phi(mu) + phi(mu) = {target:.4f}.")
    known = {
        mu: "this is E[X]; relu(X) >= X, with strict inequality when X < 0, so E[relu(X)] > E[X].",
        MEAN_RELU_STD_NORMAL: "this is the value for mu = 0.",
        mu * _std_normal_cdf(mu): "this is only the first term, mu Phi(mu).",
        _std_normal_pdf(mu): "this is only the second term, phi(mu).",
    }
    for wrong, message in known.items():
        if abs(value - wrong) <= 5e-3:
            return Feedback(False, message, hint)
    return Feedback(False, f"{value:g} is not E[relu(X)] for X ~ N(1, 1).", hint)
