r"""Checkers for the exercises of Chapter 3, *Non-differentiability at zero*.

Readers call them through ``check(label, answer)`` with the label of the
exercise.

* ``ex-ch3-1`` -- the subdifferential of leaky relu (slope 0.2) at 0, as ``[lower, upper]``.
* ``ex-ch3-2`` -- what reverse-mode autodiff returns at 0 for ``2 relu(x) - relu(-x)``.
* ``ex-ch3-3`` -- the Clarke generalised gradient of ``relu(x) - 2 relu(x - 1)`` at 1.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch3-1", [0.2, 1]).correct
True
>>> grade("ex-ch3-2", 1.5).correct
False
"""

from __future__ import annotations

from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_array, as_number

__all__: list[str] = []

#: The negative-side slope of the leaky relu in ``ex-ch3-1``.
LEAKY_SLOPE = 0.2
#: The interval asked for in ``ex-ch3-3``: right slope -1 ... left slope 1, ordered.
CLARKE_INTERVAL = (-1.0, 1.0)
_TOL = 1e-9


def _interval(answer) -> tuple[float, float]:
    got = as_array(answer)
    if got.shape != (2,):
        raise MalformedAnswer(f"got shape {got.shape}; give two numbers [lower, upper]")
    return float(got[0]), float(got[1])


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOL


# ------------------------------------------------------------------ ex-ch3-1


@register("ex-ch3-1", "a list [lower, upper] (the ends of the subdifferential of leaky relu with slope 0.2 at 0)")
def check_leaky_subdifferential(answer) -> Feedback:
    """:math:`\\partial\\,\\mathrm{leaky\\_relu}_{0.2}(0) = [0.2, 1]`."""
    lo, hi = _interval(answer)
    hint = "the subdifferential of a convex function of one variable at p is [left derivative, right derivative]."
    if _close(lo, LEAKY_SLOPE) and _close(hi, 1.0):
        return Feedback(True, "every slope g in [0.2, 1] gives a line g*x below leaky relu, touching it at 0.")
    if _close(lo, 1.0) and _close(hi, LEAKY_SLOPE):
        return Feedback(
            False, "these are the right ends in the wrong order.", "write the smaller end first: [lower, upper]."
        )
    if _close(lo, 0.0) and _close(hi, 1.0):
        return Feedback(
            False,
            "[0, 1] is the subdifferential of relu, whose left slope is 0.",
            "what is the slope of leaky relu for x < 0?",
        )
    if _close(lo, hi):
        return Feedback(False, "a single number would mean leaky relu is differentiable at 0.", hint)
    return Feedback(False, f"[{lo:g}, {hi:g}] is not the subdifferential.", hint)


# ------------------------------------------------------------------ ex-ch3-2


@register("ex-ch3-2", "a number (the derivative reverse-mode autodiff returns at x = 0)")
def check_autodiff_at_zero(answer) -> Feedback:
    """Autodiff of ``2 relu(x) - relu(-x)`` at 0 with relu'(0) = 0 gives 0."""
    value = as_number(answer)
    hint = "apply the chain rule node by node: d/dx relu(-x) = -relu'(-x), and relu'(0) is taken as 0."
    if _close(value, 0.0):
        return Feedback(
            True, "2*relu'(0) + relu'(0) = 3*0 = 0, which is not in the Clarke gradient [1, 2] of the function at 0."
        )
    if _close(value, 1.5):
        return Feedback(
            False,
            "1.5 is the central difference (the average of the one-sided slopes 1 and 2), not what autodiff returns.",
            hint,
        )
    if _close(value, 1.0) or _close(value, 2.0):
        return Feedback(
            False,
            f"{value:g} is a one-sided derivative of the function; autodiff never looks at the "
            "function, only at its operations.",
            hint,
        )
    if _close(value, 3.0):
        return Feedback(False, "3 is what you get with relu'(0) = 1.", "the question uses PyTorch's rule relu'(0) = 0.")
    return Feedback(False, f"{value:g} is not what reverse mode returns.", hint)


# ------------------------------------------------------------------ ex-ch3-3


@register("ex-ch3-3", "a list [lower, upper] (the ends of the Clarke generalised gradient at x = 1)")
def check_clarke_gradient(answer) -> Feedback:
    """The Clarke gradient of ``relu(x) - 2 relu(x - 1)`` at 1 is [-1, 1]."""
    lo, hi = _interval(answer)
    hint = "find the slope just left of 1 and just right of 1; the Clarke gradient is the interval between them."
    if _close(lo, CLARKE_INTERVAL[0]) and _close(hi, CLARKE_INTERVAL[1]):
        return Feedback(
            True,
            "the limiting slopes are 1 (left) and -1 (right); their convex hull is [-1, 1]. The kink "
            "is concave, so there is no subgradient.",
        )
    if _close(lo, 1.0) and _close(hi, -1.0):
        return Feedback(
            False,
            "these are the left and right slopes, but an interval is written [lower, upper].",
            "write the smaller end first.",
        )
    if _close(lo, 0.0) and _close(hi, 1.0):
        return Feedback(
            False,
            "[0, 1] is the Clarke gradient of relu at 0; here the kink is at 1 and the right slope is 1 - 2.",
            hint,
        )
    if _close(lo, hi):
        return Feedback(False, "a single number would mean the function is differentiable at 1.", hint)
    return Feedback(False, f"[{lo:g}, {hi:g}] is not the Clarke gradient.", hint)
