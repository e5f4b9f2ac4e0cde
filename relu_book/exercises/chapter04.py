"""Checkers for the exercises of chapter 4, "ReLU in gradient descent".

Each checker receives the reader's answer (a number) and returns
:class:`~relu_book.exercises.Feedback`; readers call them through
``check(label, answer)`` with the label of the exercise. The expected values
are computed here with ``relu_book``, never typed in twice.

* ``ex-ch4-1`` -- the largest product of 10 sigmoid derivatives.
* ``ex-ch4-2`` -- the He standard deviation for 50 inputs.
* ``ex-ch4-3`` -- the linear regions of :func:`region_count_network` along a segment.
* ``ex-ch4-5`` -- the weight variance for a leaky ReLU layer.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch4-2", 0.2).correct
True
>>> grade("ex-ch4-1", 0.25).correct
False
"""

from __future__ import annotations

import numpy as np

from relu_book.exercises import Feedback, register
from relu_book.exercises._answers import as_number
from relu_book.nn import MLP
from relu_book.regions import region_breakpoints

#: ``ex-ch4-1``: the bound (1/4)**SIGMOID_DEPTH on the product of sigmoid derivatives.
SIGMOID_DEPTH = 10

#: ``ex-ch4-2``: the He standard deviation for a ReLU layer with HE_FAN_IN inputs.
HE_FAN_IN = 50

#: ``ex-ch4-3``: the regions crossed by the segment SEGMENT_START -> SEGMENT_END.
SEGMENT_START = np.array([-1.0, 0.0])
SEGMENT_END = np.array([1.0, 0.5])

#: ``ex-ch4-5``: the weight variance that keeps leaky-ReLU pre-activations of order 1.
LEAKY_SLOPE = 0.5
LEAKY_FAN_IN = 100


def region_count_network() -> MLP:
    """The ReLU network of ``ex-ch4-3``: 2 -> 6 -> 6 -> 1, He weights, fixed biases."""
    model = MLP([2, 6, 6, 1], activation="relu", init="he", seed=43)
    rng = np.random.default_rng(430)
    for b in model.biases:
        b[:] = rng.uniform(-0.5, 0.5, b.shape)
    return model


@register("ex-ch4-1", "a number (the largest possible value of the product of 10 sigmoid derivatives)")
def check_sigmoid_product_bound(answer) -> Feedback:
    """(1/4) ** SIGMOID_DEPTH."""
    got = as_number(answer)
    expected = 0.25**SIGMOID_DEPTH
    if np.isclose(got, expected, rtol=1e-6, atol=0.0):
        return Feedback(True, f"(1/4)^{SIGMOID_DEPTH} = {expected:.3g}: each factor is at most sigmoid'(0) = 1/4.")
    if np.isclose(got, 0.25, rtol=1e-6):
        hint = f"that is one factor; the gradient passes through {SIGMOID_DEPTH} of them."
    elif np.isclose(got, 1.0):
        hint = "1 is the bound for tanh'; the sigmoid's derivative is at most 1/4."
    else:
        hint = "each factor sigma'(z) = sigma(z)(1 - sigma(z)) is at most its value at z = 0."
    return Feedback(False, f"{got:g} is not the bound.", hint)


@register("ex-ch4-2", "a number (the standard deviation of He initialisation for 50 inputs)")
def check_he_std(answer) -> Feedback:
    """sqrt(2 / HE_FAN_IN)."""
    got = as_number(answer)
    expected = float(np.sqrt(2.0 / HE_FAN_IN))
    if np.isclose(got, expected, rtol=1e-4):
        return Feedback(True, f"sqrt(2/{HE_FAN_IN}) = {expected:g}.")
    if np.isclose(got, 2.0 / HE_FAN_IN, rtol=1e-4):
        hint = "that is the variance 2/n; the question asks for the standard deviation."
    elif np.isclose(got, np.sqrt(1.0 / HE_FAN_IN), rtol=1e-4):
        hint = "sqrt(1/n) halves the second moment every layer; ReLU needs twice the variance."
    else:
        hint = "He initialisation draws weights with variance 2 / n_in."
    return Feedback(False, f"{got:g} is not the He standard deviation.", hint)


@register("ex-ch4-3", "a whole number (the number of linear regions the segment crosses)")
def check_region_count(answer) -> Feedback:
    """1 + the number of exact breakpoints of region_count_network along the segment."""
    got = as_number(answer)
    breaks = region_breakpoints(region_count_network(), SEGMENT_START, SEGMENT_END)
    expected = len(breaks) + 1
    if got == expected:
        return Feedback(True, f"{expected} regions, separated by {len(breaks)} breakpoints.")
    if got == len(breaks):
        hint = "that is the number of breakpoints; k breakpoints separate k + 1 regions."
    else:
        hint = (
            "count the changes of activation_patterns on a fine grid of the segment and add 1, "
            "or use region_breakpoints."
        )
    return Feedback(False, f"{got:g} is not the number of regions.", hint)


@register("ex-ch4-5", "a number (the weight variance for a leaky ReLU layer with slope 0.5 and 100 inputs)")
def check_leaky_he_variance(answer) -> Feedback:
    """2 / ((1 + a**2) n)."""
    got = as_number(answer)
    expected = 2.0 / ((1 + LEAKY_SLOPE**2) * LEAKY_FAN_IN)
    if np.isclose(got, expected, rtol=1e-4):
        return Feedback(True, f"2 / ((1 + a^2) n) = {expected:g}; a = 0 gives He's 2/n, a = 1 the linear 1/n.")
    if np.isclose(got, 2.0 / LEAKY_FAN_IN, rtol=1e-4):
        hint = "that is the ReLU value; the negative side now contributes a^2 Var(z) / 2 too."
    elif np.isclose(got, np.sqrt(expected), rtol=1e-4):
        hint = "that is the standard deviation; the question asks for the variance."
    else:
        hint = "compute E[leaky_relu(z)^2] for symmetric z, then require n Var(w) E[f(z)^2] = Var(z)."
    return Feedback(False, f"{got:g} is not the variance.", hint)
