r"""Checkers for the exercises of Chapter 5, *The dying-ReLU problem*.

Readers call them through ``check(label, answer)`` with the label of the
exercise.

* ``ex-ch5-1`` -- the probability that a zero-bias network of depth 3 and width 2 is
  born dead on the positive inputs.
* ``ex-ch5-2`` -- which of four units is dead on a three-point data set (one bool per unit).
* ``ex-ch5-3`` -- the smallest width that keeps a depth-50 network born dead with
  probability at most 1 %.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("ex-ch5-1", 37 / 64).correct
True
>>> grade("ex-ch5-3", 12).correct
False
"""

from __future__ import annotations

import numpy as np

from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_number

__all__: list[str] = []

#: ``ex-ch5-1``: depth and width of the small network.
SMALL_DEPTH, SMALL_WIDTH = 3, 2
#: ``ex-ch5-2``: one input, four units; weights, biases and data set.
UNIT_WEIGHTS = np.array([1.0, -1.0, 0.5, -2.0])
UNIT_BIASES = np.array([0.0, 0.5, -1.0, 1.0])
UNIT_DATA = np.array([0.5, 1.0, 2.0])
#: ``ex-ch5-3``: depth of the deep network and the largest acceptable probability.
DEEP_DEPTH, DEAD_TOLERANCE = 50, 0.01


def _born_dead(depth: int, width: int) -> float:
    return 1.0 - (1.0 - 2.0**-width) ** depth


# ------------------------------------------------------------------ ex-ch5-1


@register("ex-ch5-1", "a number between 0 and 1 (the probability that the network is born dead on x > 0)")
def check_born_dead_probability(answer) -> Feedback:
    """:math:`1 - (1 - 2^{-2})^3 = 37/64`."""
    value = as_number(answer)
    exact = _born_dead(SMALL_DEPTH, SMALL_WIDTH)
    hint = "a layer of 2 units kills the network with probability 1/4; the network survives only if all 3 layers do."
    if abs(value - exact) <= 1e-6:
        return Feedback(True, "1 - (3/4)^3 = 37/64 = 0.578125: more than half of these small networks are born dead.")
    if abs(value - 0.75**3) <= 1e-6:
        return Feedback(False, "(3/4)^3 is the probability that the network is *alive*.", hint)
    if abs(value - 3 / 4) <= 1e-6 or abs(value - 1 / 4) <= 1e-6:
        return Feedback(False, f"{value:g} is about one layer; there are 3.", hint)
    if abs(value - (1 - 0.5**3)) <= 1e-6:
        return Feedback(
            False,
            "this uses 1/2 per layer, the probability for a single unit; a layer dies only if both units do.",
            hint,
        )
    if not 0.0 <= value <= 1.0:
        return Feedback(False, f"{value:g} is not a probability.", hint)
    return Feedback(False, f"{value:g} is not the probability.", hint)


# ------------------------------------------------------------------ ex-ch5-2


def _dead_units() -> np.ndarray:
    z = UNIT_DATA[:, None] * UNIT_WEIGHTS[None, :] + UNIT_BIASES[None, :]
    return np.all(z <= 0, axis=0)


def _bools(answer) -> np.ndarray:
    if isinstance(answer, (str, bytes)) or callable(answer) or not hasattr(answer, "__len__"):
        raise MalformedAnswer(
            f"got {type(answer).__name__}; give a list of 4 booleans, e.g. [True, False, False, True]"
        )
    try:
        arr = np.asarray(answer)
    except (ValueError, TypeError, OverflowError):
        raise MalformedAnswer(
            "could not read it as a list; give a list of 4 booleans, e.g. [True, False, False, True]"
        ) from None
    if arr.shape != (4,):
        raise MalformedAnswer(f"got shape {arr.shape}; give one boolean per unit, 4 in all")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "iu" and np.all((arr == 0) | (arr == 1)):
        return arr.astype(bool)
    raise MalformedAnswer("give booleans (True for a dead unit), e.g. [True, False, False, True]")


@register("ex-ch5-2", "a list of 4 booleans (True where the unit is dead on the data set)")
def check_dead_units(answer) -> Feedback:
    """Units 2, 3 and 4 are dead (each is exactly 0 at one input and negative elsewhere)."""
    got = _bools(answer)
    truth = _dead_units()
    if np.array_equal(got, truth):
        return Feedback(
            True,
            "units 2, 3 and 4 are dead: each reaches exactly 0 at one input and is negative at the "
            "others, and relu'(0) = 0.",
        )
    strict = np.all(UNIT_DATA[:, None] * UNIT_WEIGHTS + UNIT_BIASES < 0, axis=0)
    if np.array_equal(got, strict):
        return Feedback(
            False,
            "you required a strictly negative pre-activation; a pre-activation of exactly 0 also "
            "gives output 0 and gradient 0.",
            "compute z = w x + b at all three inputs; dead means z <= 0 at every one.",
        )
    wrong = [str(i + 1) for i in np.flatnonzero(got != truth)]
    return Feedback(
        False,
        f"unit(s) {', '.join(wrong)} are misclassified.",
        "compute z = w x + b at x = 0.5, 1 and 2 for each unit; dead means z <= 0 at all three.",
    )


# ------------------------------------------------------------------ ex-ch5-3


def _smallest_width(depth: int, tolerance: float) -> int:
    width = 1
    while _born_dead(depth, width) > tolerance:
        width += 1
    return width


@register("ex-ch5-3", "a whole number (the smallest width)")
def check_smallest_width(answer) -> Feedback:
    """The smallest N with 1 - (1 - 2^-N)^50 <= 0.01 is 13."""
    value = as_number(answer)
    if value != int(value):
        raise MalformedAnswer(f"got {value}; give a whole number")
    n = int(value)
    best = _smallest_width(DEEP_DEPTH, DEAD_TOLERANCE)
    if n == best:
        return Feedback(
            True,
            f"width {best} gives {_born_dead(DEEP_DEPTH, best):.4f}, width {best - 1} gives "
            f"{_born_dead(DEEP_DEPTH, best - 1):.4f}.",
        )
    if n < 1:
        return Feedback(False, "a width is at least 1.", "solve 1 - (1 - 2^-N)^50 <= 0.01 for N.")
    p = _born_dead(DEEP_DEPTH, n)
    if n < best:
        return Feedback(False, f"with width {n} the probability is {p:.4f}, above 0.01.", "try wider layers.")
    return Feedback(False, f"width {n} works ({p:.4f}) but is not the smallest.", "try narrower layers.")
