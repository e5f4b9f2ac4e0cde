r"""Checkers for the exercises of Chapter 3, *Non-differentiability at zero*.

Readers call them through ``check("3.k", answer)``. An answer that is still
``None`` gets a reminder of what to fill in rather than an error.

* 3.1 -- the subdifferential of leaky relu (slope 0.2) at 0, as ``[lower, upper]``.
* 3.2 -- what reverse-mode autodiff returns at 0 for ``2 relu(x) - relu(-x)``.
* 3.3 -- the Clarke generalised gradient of ``relu(x) - 2 relu(x - 1)`` at 1.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("3.1", [0.2, 1]).correct
True
>>> grade("3.2", 1.5).correct
False
"""

from __future__ import annotations

import math

import numpy as np

from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

#: The negative-side slope of the leaky relu in Exercise 3.1.
SLOPE_3_1 = 0.2
#: The interval asked for in Exercise 3.3: left slope -1 ... right slope 1, ordered.
CLARKE_3_3 = (-1.0, 1.0)
_TOL = 1e-9


def _unanswered(what: str) -> Feedback:
    return Feedback(False, f"no answer yet. Replace `None` by {what} and run the cell again.")


def _interval(answer) -> tuple[float, float]:
    got = as_array(answer)
    if got.shape != (2,):
        raise MalformedAnswer(f"got shape {got.shape}; give two numbers [lower, upper]")
    if not np.all(np.isfinite(got)):
        raise MalformedAnswer("give two finite numbers [lower, upper]")
    return float(got[0]), float(got[1])


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL


# ------------------------------------------------------------------ Exercise 3.1


@register("3.1", "two numbers [lower, upper]: the subdifferential of leaky relu (slope 0.2) at 0")
def check_leaky_subdifferential(answer) -> Feedback:
    """Exercise 3.1: :math:`\\partial\\,\\mathrm{leaky\\_relu}_{0.2}(0) = [0.2, 1]`."""
    if answer is None:
        return _unanswered("a list [lower, upper] with the ends of the subdifferential")
    lo, hi = _interval(answer)
    hint = "the subdifferential of a convex function of one variable at p is [left derivative, right derivative]."
    if _close(lo, SLOPE_3_1) and _close(hi, 1.0):
        return Feedback(True, "every slope g in [0.2, 1] gives a line g*x below leaky relu, touching it at 0.")
    if _close(lo, 1.0) and _close(hi, SLOPE_3_1):
        return Feedback(False, "these are the right ends in the wrong order.", "write the smaller end first: [lower, upper].")
    if _close(lo, 0.0) and _close(hi, 1.0):
        return Feedback(False, "[0, 1] is the subdifferential of relu, whose left slope is 0.", "what is the slope of leaky relu for x < 0?")
    if _close(lo, hi):
        return Feedback(False, "a single number would mean leaky relu is differentiable at 0.", hint)
    return Feedback(False, f"[{lo:g}, {hi:g}] is not the subdifferential.", hint)


# ------------------------------------------------------------------ Exercise 3.2


@register("3.2", "a number: the derivative reverse-mode autodiff returns at x = 0")
def check_autodiff_at_zero(answer) -> Feedback:
    """Exercise 3.2: autodiff of ``2 relu(x) - relu(-x)`` at 0 with relu'(0) = 0 gives 0."""
    if answer is None:
        return _unanswered("the number that autodiff (with relu'(0) = 0) returns at x = 0")
    value = as_number(answer)
    if not math.isfinite(value):
        raise MalformedAnswer(f"got {value}; give a finite number")
    hint = "apply the chain rule node by node: d/dx relu(-x) = -relu'(-x), and relu'(0) is taken as 0."
    if _close(value, 0.0):
        return Feedback(True, "2*relu'(0) + relu'(0) = 3*0 = 0, which is not in the Clarke gradient [1, 2] of the function at 0.")
    if _close(value, 1.5):
        return Feedback(False, "1.5 is the central difference (the average of the one-sided slopes 1 and 2), not what autodiff returns.", hint)
    if _close(value, 1.0) or _close(value, 2.0):
        return Feedback(False, f"{value:g} is a one-sided derivative of the function; autodiff never looks at the function, only at its operations.", hint)
    if _close(value, 3.0):
        return Feedback(False, "3 is what you get with relu'(0) = 1.", "the question uses PyTorch's rule relu'(0) = 0.")
    return Feedback(False, f"{value:g} is not what reverse mode returns.", hint)


# ------------------------------------------------------------------ Exercise 3.3


@register("3.3", "two numbers [lower, upper]: the Clarke generalised gradient at x = 1")
def check_clarke_gradient(answer) -> Feedback:
    """Exercise 3.3: the Clarke gradient of ``relu(x) - 2 relu(x - 1)`` at 1 is [-1, 1]."""
    if answer is None:
        return _unanswered("a list [lower, upper] with the ends of the Clarke gradient")
    lo, hi = _interval(answer)
    hint = "find the slope just left of 1 and just right of 1; the Clarke gradient is the interval between them."
    if _close(lo, CLARKE_3_3[0]) and _close(hi, CLARKE_3_3[1]):
        return Feedback(True, "the limiting slopes are 1 (left) and -1 (right); their convex hull is [-1, 1]. The kink is concave, so there is no subgradient.")
    if _close(lo, 1.0) and _close(hi, -1.0):
        return Feedback(False, "these are the left and right slopes, but an interval is written [lower, upper].", "write the smaller end first.")
    if _close(lo, 0.0) and _close(hi, 1.0):
        return Feedback(False, "[0, 1] is the Clarke gradient of relu at 0; here the kink is at 1 and the right slope is 1 - 2.", hint)
    if _close(lo, hi):
        return Feedback(False, "a single number would mean the function is differentiable at 1.", hint)
    return Feedback(False, f"[{lo:g}, {hi:g}] is not the Clarke gradient.", hint)
