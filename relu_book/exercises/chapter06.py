r"""Checkers for the exercises of Chapter 6, *Leaky, parametric and generalised ReLU*.

Readers call them through ``check("6.k", answer)``. An answer that is still
``None`` gets a reminder of what to fill in rather than an error.

* 6.1 -- the gradient of a loss with respect to a channel-shared PReLU slope.
* 6.2 -- the standard deviation of He et al.'s initialisation before a PReLU
  with initial slope 0.25.
* 6.3 -- the derivative of a generalised ReLU at five points, kinks included,
  with the library's conventions.
* 6.6 -- the mean training slope of randomised leaky ReLU as Xu et al. write it.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("6.1", -3).correct
True
>>> grade("6.3", [0.1, 0.0, 1.0, 0.5, 0.0]).correct
True
"""

from __future__ import annotations

import math

import numpy as np

from relu_book.activations import generalized_relu_grad, prelu_grad
from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

#: Exercise 6.1: inputs of the PReLU, upstream gradients, shared slope.
X_6_1 = np.array([-2.0, 1.0, -0.5, 3.0, -1.0])
UPSTREAM_6_1 = np.array([1.0, 2.0, -4.0, 1.0, 3.0])
SLOPE_6_1 = 0.25
#: Exercise 6.2: fan-in and initial slope.
FAN_IN_6_2, SLOPE_6_2 = 64, 0.25
#: Exercise 6.3: the points and the parameters of the generalised ReLU.
POINTS_6_3 = np.array([-1.0, 1.0, 2.0, 4.0, 5.0])
PARAMS_6_3 = {"negative_slope": 0.1, "max_value": 4.0, "threshold": 1.0}
#: Exercise 6.6: bounds of the divisor.
LOWER_6_6, UPPER_6_6 = 3.0, 8.0


def _unanswered(what: str) -> Feedback:
    return Feedback(False, f"no answer yet. Replace `None` by {what} and run the cell again.")


def _finite(answer) -> float:
    value = as_number(answer)
    if not math.isfinite(value):
        raise MalformedAnswer(f"got {value}; give a finite number")
    return value


def _close(a: float, b: float, rel: float = 1e-4) -> bool:
    return abs(a - b) <= rel * max(abs(b), 1e-12)


# ------------------------------------------------------------------ Exercise 6.1


@register("6.1", "a number: dL/da for the shared slope")
def check_shared_slope_gradient(answer) -> Feedback:
    """Exercise 6.1: :math:`\\sum_i g_i \\min(0, x_i) = -2 + 2 - 3 = -3`."""
    if answer is None:
        return _unanswered("a number")
    value = _finite(answer)
    _, ga = prelu_grad(X_6_1, SLOPE_6_1)
    exact = float(np.sum(UPSTREAM_6_1 * ga))
    hint = "dL/da = sum over the elements of g_i * min(0, x_i): only the negative inputs contribute."
    if _close(value, exact):
        return Feedback(True, "-2 + 2 - 3 = -3: only the three negative inputs contribute, each weighted by its upstream gradient.")
    if _close(value, float(np.sum(np.minimum(X_6_1, 0)))):
        return Feedback(False, "that is the sum of min(0, x); each term must be multiplied by its upstream gradient g_i.", hint)
    if _close(value, float(np.sum(UPSTREAM_6_1 * np.maximum(X_6_1, 0)))):
        return Feedback(False, "that uses max(0, x), the positive part; the slope multiplies the negative part.", hint)
    if _close(value, SLOPE_6_1 * exact):
        return Feedback(False, "the slope a itself does not appear in df/da = min(0, x).", hint)
    return Feedback(False, f"{value:g} is not the gradient.", hint)


# ------------------------------------------------------------------ Exercise 6.2


@register("6.2", "a number: the standard deviation of the weights")
def check_prelu_init_std(answer) -> Feedback:
    """Exercise 6.2: :math:`\\sqrt{2 / ((1 + 0.25^2) \\cdot 64)} \\approx 0.1715`."""
    if answer is None:
        return _unanswered("a number (a standard deviation)")
    value = _finite(answer)
    a, n = SLOPE_6_2, FAN_IN_6_2
    exact = math.sqrt(2 / ((1 + a * a) * n))
    hint = "set (1 + a^2)/2 * n * Var(w) = 1 and take the square root of Var(w)."
    if _close(value, exact, rel=1e-3):
        return Feedback(True, f"sqrt(2 / (1.0625 * 64)) = {exact:.4f}, about 3% below He's ReLU value sqrt(2/64) = {math.sqrt(2 / n):.4f}.")
    if _close(value, exact**2, rel=1e-3):
        return Feedback(False, "that is the variance; the question asks for the standard deviation.", hint)
    if _close(value, math.sqrt(2 / n), rel=1e-3):
        return Feedback(False, "that is He initialisation for ReLU (a = 0); the negative side adds a^2/2 to the second moment.", hint)
    if _close(value, math.sqrt(2 / (1 + a * a)), rel=1e-3):
        return Feedback(False, "that is the gain; divide by sqrt(fan-in).", hint)
    if _close(value, math.sqrt(2 / ((1 + a) * n)), rel=1e-3):
        return Feedback(False, "the slope enters squared: the negative half contributes a^2 z^2.", hint)
    return Feedback(False, f"{value:g} is not the standard deviation.", hint)


# ------------------------------------------------------------------ Exercise 6.3


@register("6.3", "a list of 5 numbers: f'(x) at x = -1, 1, 2, 4, 5")
def check_generalized_relu_grad(answer) -> Feedback:
    """Exercise 6.3: ``[0.1, 0, 1, 0.5, 0]``: Keras's slopes, 0 at the threshold and 1/2 at the cap."""
    if answer is None:
        return _unanswered("a list of 5 numbers")
    got = as_array(answer, shape=(5,))
    truth = np.asarray(generalized_relu_grad(POINTS_6_3, **PARAMS_6_3))
    hint = "away from the kinks: alpha below the threshold, 1 between threshold and cap, 0 above the cap; at each kink use Keras's rule (section on the generalised ReLU)."
    if np.allclose(got, truth):
        return Feedback(True, "[0.1, 0, 1, 0.5, 0]: at the threshold x = 1 (a jump, no derivative at all) Keras keeps x only where x > 1, so the slope is 0; at the cap x = 4 its jnp.clip splits the gradient of a tie: 1/2.")
    wrong = [f"x = {x:g}" for x, g, t in zip(POINTS_6_3, got, truth) if not np.isclose(g, t)]
    if wrong == ["x = 1"]:
        return Feedback(False, "only x = 1 is off: Keras keeps x only where x > threshold, and relu'(0) = 0 in its negative part, so the slope at the threshold is 0.", hint)
    if wrong == ["x = 4"]:
        return Feedback(False, "only x = 4 is off: Keras clips with jnp.clip, and JAX splits the gradient of a tie of minimum evenly: 1/2 (0 only for max_value=6 without threshold, where Keras calls relu6).", hint)
    return Feedback(False, f"wrong at {', '.join(wrong)}.", hint)


# ------------------------------------------------------------------ Exercise 6.6


@register("6.6", "a number: the mean slope 1/a for a ~ U(3, 8)")
def check_mean_divisor_slope(answer) -> Feedback:
    """Exercise 6.6: :math:`E[1/a] = \\ln(8/3)/5 \\approx 0.1962`."""
    if answer is None:
        return _unanswered("a number")
    value = _finite(answer)
    lo, hi = LOWER_6_6, UPPER_6_6
    exact = math.log(hi / lo) / (hi - lo)
    hint = "E[1/a] is the integral of (1/a) / (u - l) over [l, u]."
    if _close(value, exact, rel=1e-3):
        return Feedback(True, f"ln(8/3)/5 = {exact:.4f}: larger than 2/11 = {2 / 11:.4f} (Jensen: E[1/a] > 1/E[a]) and smaller than 11/48 = {11 / 48:.4f}.")
    if _close(value, 2 / (lo + hi), rel=1e-3):
        return Feedback(False, "2/11 = 1/E[a], the paper's test-time slope; the mean of 1/a is not 1 over the mean of a.", hint)
    if _close(value, (1 / lo + 1 / hi) / 2, rel=1e-3):
        return Feedback(False, "11/48 is PyTorch's rule: the mean of a uniform slope on [1/8, 1/3]; here 1/a is not uniform.", hint)
    return Feedback(False, f"{value:g} is not the mean slope.", hint)
