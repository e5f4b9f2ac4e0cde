r"""Checkers for the exercises of Chapter 6, *Leaky, parametric and generalised ReLU*.

Readers call them through ``check(label, answer)`` with the label of the
exercise.

* ``ex-ch6-1`` -- the gradient of a loss with respect to a channel-shared PReLU slope.
* ``ex-ch6-2`` -- the standard deviation of He et al.'s initialisation before a PReLU
  with initial slope 0.25.
* ``ex-ch6-3`` -- the derivative of a generalised ReLU at five points, kinks included,
  with the library's conventions.
* ``ex-ch6-6`` -- the mean training slope of randomised leaky ReLU as Xu et al. write it.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch6-1", -3).correct
True
>>> grade("ex-ch6-3", [0.1, 0.0, 1.0, 0.5, 0.0]).correct
True
"""

from __future__ import annotations

import math

import numpy as np

from relu_book.activations import generalized_relu_grad, prelu_grad
from relu_book.exercises import Feedback, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

#: ``ex-ch6-1``: inputs of the PReLU, upstream gradients, shared slope.
SHARED_INPUTS = np.array([-2.0, 1.0, -0.5, 3.0, -1.0])
SHARED_UPSTREAM = np.array([1.0, 2.0, -4.0, 1.0, 3.0])
SHARED_SLOPE = 0.25
#: ``ex-ch6-2``: fan-in and initial slope.
INIT_FAN_IN, INIT_SLOPE = 64, 0.25
#: ``ex-ch6-3``: the points and the parameters of the generalised ReLU.
GENERALIZED_POINTS = np.array([-1.0, 1.0, 2.0, 4.0, 5.0])
GENERALIZED_PARAMS = {"negative_slope": 0.1, "max_value": 4.0, "threshold": 1.0}
#: ``ex-ch6-6``: bounds of the divisor.
DIVISOR_LOWER, DIVISOR_UPPER = 3.0, 8.0


def _close(a: float, b: float, rel: float = 1e-4) -> bool:
    return abs(a - b) <= rel * max(abs(b), 1e-12)


# ------------------------------------------------------------------ ex-ch6-1


@register("ex-ch6-1", "a number (dL/da for the shared slope)")
def check_shared_slope_gradient(answer) -> Feedback:
    """:math:`\\sum_i g_i \\min(0, x_i) = -2 + 2 - 3 = -3`."""
    value = as_number(answer)
    _, ga = prelu_grad(SHARED_INPUTS, SHARED_SLOPE)
    exact = float(np.sum(SHARED_UPSTREAM * ga))
    hint = "dL/da = sum over the elements of g_i * min(0, x_i): only the negative inputs contribute."
    if _close(value, exact):
        return Feedback(
            True, "-2 + 2 - 3 = -3: only the three negative inputs contribute, each weighted by its upstream gradient."
        )
    if _close(value, float(np.sum(np.minimum(SHARED_INPUTS, 0)))):
        return Feedback(
            False, "that is the sum of min(0, x); each term must be multiplied by its upstream gradient g_i.", hint
        )
    if _close(value, float(np.sum(SHARED_UPSTREAM * np.maximum(SHARED_INPUTS, 0)))):
        return Feedback(False, "that uses max(0, x), the positive part; the slope multiplies the negative part.", hint)
    if _close(value, SHARED_SLOPE * exact):
        return Feedback(False, "the slope a itself does not appear in df/da = min(0, x).", hint)
    return Feedback(False, f"{value:g} is not the gradient.", hint)


# ------------------------------------------------------------------ ex-ch6-2


@register("ex-ch6-2", "a number (the standard deviation of the weights)")
def check_prelu_init_std(answer) -> Feedback:
    """:math:`\\sqrt{2 / ((1 + 0.25^2) \\cdot 64)} \\approx 0.1715`."""
    value = as_number(answer)
    a, n = INIT_SLOPE, INIT_FAN_IN
    exact = math.sqrt(2 / ((1 + a * a) * n))
    hint = "set (1 + a^2)/2 * n * Var(w) = 1 and take the square root of Var(w)."
    if _close(value, exact, rel=1e-3):
        return Feedback(
            True,
            f"sqrt(2 / (1.0625 * 64)) = {exact:.4f}, about 3% below He's ReLU value sqrt(2/64) = "
            f"{math.sqrt(2 / n):.4f}.",
        )
    if _close(value, exact**2, rel=1e-3):
        return Feedback(False, "that is the variance; the question asks for the standard deviation.", hint)
    if _close(value, math.sqrt(2 / n), rel=1e-3):
        return Feedback(
            False,
            "that is He initialisation for ReLU (a = 0); the negative side adds a^2/2 to the second moment.",
            hint,
        )
    if _close(value, math.sqrt(2 / (1 + a * a)), rel=1e-3):
        return Feedback(False, "that is the gain; divide by sqrt(fan-in).", hint)
    if _close(value, math.sqrt(2 / ((1 + a) * n)), rel=1e-3):
        return Feedback(False, "the slope enters squared: the negative half contributes a^2 z^2.", hint)
    return Feedback(False, f"{value:g} is not the standard deviation.", hint)


# ------------------------------------------------------------------ ex-ch6-3


@register("ex-ch6-3", "a list of 5 numbers (f'(x) at x = -1, 1, 2, 4, 5)")
def check_generalized_relu_grad(answer) -> Feedback:
    """``[0.1, 0, 1, 0.5, 0]``: Keras's slopes, 0 at the threshold and 1/2 at the cap."""
    got = as_array(answer, shape=(5,))
    truth = np.asarray(generalized_relu_grad(GENERALIZED_POINTS, **GENERALIZED_PARAMS))
    hint = (
        "away from the kinks: alpha below the threshold, 1 between threshold and cap, 0 above the cap; "
        "at each kink use Keras's rule (section on the generalised ReLU)."
    )
    if np.allclose(got, truth):
        return Feedback(
            True,
            "[0.1, 0, 1, 0.5, 0]: at the threshold x = 1 (a jump, no derivative at all) Keras keeps x "
            "only where x > 1, so the slope is 0; at the cap x = 4 its jnp.clip splits the gradient "
            "of a tie: 1/2.",
        )
    wrong = [f"x = {x:g}" for x, g, t in zip(GENERALIZED_POINTS, got, truth) if not np.isclose(g, t)]
    if wrong == ["x = 1"]:
        return Feedback(
            False,
            "only x = 1 is off: Keras keeps x only where x > threshold, and relu'(0) = 0 in its "
            "negative part, so the slope at the threshold is 0.",
            hint,
        )
    if wrong == ["x = 4"]:
        return Feedback(
            False,
            "only x = 4 is off: Keras clips with jnp.clip, and JAX splits the gradient of a tie of minimum "
            "evenly: 1/2 (0 only for max_value=6 without threshold, where Keras calls relu6).",
            hint,
        )
    return Feedback(False, f"wrong at {', '.join(wrong)}.", hint)


# ------------------------------------------------------------------ ex-ch6-6


@register("ex-ch6-6", "a number (the mean slope 1/a for a ~ U(3, 8))")
def check_mean_divisor_slope(answer) -> Feedback:
    """:math:`E[1/a] = \\ln(8/3)/5 \\approx 0.1962`."""
    value = as_number(answer)
    lo, hi = DIVISOR_LOWER, DIVISOR_UPPER
    exact = math.log(hi / lo) / (hi - lo)
    hint = "E[1/a] is the integral of (1/a) / (u - l) over [l, u]."
    if _close(value, exact, rel=1e-3):
        return Feedback(
            True,
            f"ln(8/3)/5 = {exact:.4f}: larger than 2/11 = {2 / 11:.4f} (Jensen: E[1/a] > 1/E[a]) and "
            f"smaller than 11/48 = {11 / 48:.4f}.",
        )
    if _close(value, 2 / (lo + hi), rel=1e-3):
        return Feedback(
            False, "2/11 = 1/E[a], the paper's test-time slope; the mean of 1/a is not 1 over the mean of a.", hint
        )
    if _close(value, (1 / lo + 1 / hi) / 2, rel=1e-3):
        return Feedback(
            False, "11/48 is PyTorch's rule: the mean of a uniform slope on [1/8, 1/3]; here 1/a is not uniform.", hint
        )
    return Feedback(False, f"{value:g} is not the mean slope.", hint)
