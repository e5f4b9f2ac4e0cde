r"""Checkers for the exercises of Chapter 5, *The dying-ReLU problem*.

Readers call them through ``check("5.k", answer)``. An answer that is still
``None`` gets a reminder of what to fill in rather than an error.

* 5.1 -- the probability that a zero-bias network of depth 3 and width 2 is
  born dead on the positive inputs.
* 5.2 -- which of four units is dead on a three-point data set (one bool per unit).
* 5.3 -- the smallest width that keeps a depth-50 network born dead with
  probability at most 1 %.

Examples
--------
>>> from relu_book.exercises import grade
>>> grade("5.1", 37 / 64).correct
True
>>> grade("5.3", 12).correct
False
"""

from __future__ import annotations

import math

import numpy as np

from relu_book.exercises import Feedback, MalformedAnswer, register
from relu_book.exercises._answers import as_number

__all__: list[str] = []

#: Exercise 5.1: depth and width.
DEPTH_5_1, WIDTH_5_1 = 3, 2
#: Exercise 5.2: one input, four units; weights, biases and data set.
WEIGHTS_5_2 = np.array([1.0, -1.0, 0.5, -2.0])
BIASES_5_2 = np.array([0.0, 0.5, -1.0, 1.0])
DATA_5_2 = np.array([0.5, 1.0, 2.0])
#: Exercise 5.3: depth and the largest acceptable probability.
DEPTH_5_3, TOLERANCE_5_3 = 50, 0.01
_TOL = 1e-9


def _unanswered(what: str) -> Feedback:
    return Feedback(False, f"no answer yet. Replace `None` by {what} and run the cell again.")


def _born_dead(depth: int, width: int) -> float:
    return 1.0 - (1.0 - 2.0 ** -width) ** depth


# ------------------------------------------------------------------ Exercise 5.1


@register("5.1", "a number: the probability that the network is born dead on x > 0")
def check_born_dead_probability(answer) -> Feedback:
    """Exercise 5.1: :math:`1 - (1 - 2^{-2})^3 = 37/64`."""
    if answer is None:
        return _unanswered("a number between 0 and 1")
    value = as_number(answer)
    if not math.isfinite(value):
        raise MalformedAnswer(f"got {value}; give a finite number")
    exact = _born_dead(DEPTH_5_1, WIDTH_5_1)
    hint = "a layer of 2 units kills the network with probability 1/4; the network survives only if all 3 layers do."
    if abs(value - exact) <= 1e-6:
        return Feedback(True, "1 - (3/4)^3 = 37/64 = 0.578125: more than half of these small networks are born dead.")
    if abs(value - 0.75**3) <= 1e-6:
        return Feedback(False, "(3/4)^3 is the probability that the network is *alive*.", hint)
    if abs(value - 3 / 4) <= 1e-6 or abs(value - 1 / 4) <= 1e-6:
        return Feedback(False, f"{value:g} is about one layer; there are 3.", hint)
    if abs(value - (1 - 0.5**3)) <= 1e-6:
        return Feedback(False, "this uses 1/2 per layer, the probability for a single unit; a layer dies only if both units do.", hint)
    if not 0.0 <= value <= 1.0:
        return Feedback(False, f"{value:g} is not a probability.", hint)
    return Feedback(False, f"{value:g} is not the probability.", hint)


# ------------------------------------------------------------------ Exercise 5.2


def _dead_5_2() -> np.ndarray:
    z = DATA_5_2[:, None] * WEIGHTS_5_2[None, :] + BIASES_5_2[None, :]
    return np.all(z <= 0, axis=0)


def _bools(answer) -> np.ndarray:
    if isinstance(answer, (str, bytes)) or callable(answer) or not hasattr(answer, "__len__"):
        raise MalformedAnswer(f"got {type(answer).__name__}; give a list of 4 booleans, e.g. [True, False, False, True]")
    arr = np.asarray(answer)
    if arr.shape != (4,):
        raise MalformedAnswer(f"got shape {arr.shape}; give one boolean per unit, 4 in all")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "iu" and np.all((arr == 0) | (arr == 1)):
        return arr.astype(bool)
    raise MalformedAnswer("give booleans (True for a dead unit), e.g. [True, False, False, True]")


@register("5.2", "a list of 4 booleans: True where the unit is dead on the data set")
def check_dead_units(answer) -> Feedback:
    """Exercise 5.2: units 2, 3 and 4 are dead (each is exactly 0 at one input and negative elsewhere)."""
    if answer is None:
        return _unanswered("a list of 4 booleans, True for each dead unit")
    got = _bools(answer)
    truth = _dead_5_2()
    if np.array_equal(got, truth):
        return Feedback(True, "units 2, 3 and 4 are dead: each reaches exactly 0 at one input and is negative at the others, and relu'(0) = 0.")
    strict = np.all(DATA_5_2[:, None] * WEIGHTS_5_2 + BIASES_5_2 < 0, axis=0)
    if np.array_equal(got, strict):
        return Feedback(False, "you required a strictly negative pre-activation; a pre-activation of exactly 0 also gives output 0 and gradient 0.",
                        "compute z = w x + b at all three inputs; dead means z <= 0 at every one.")
    wrong = [str(i + 1) for i in np.flatnonzero(got != truth)]
    return Feedback(False, f"unit(s) {', '.join(wrong)} are misclassified.", "compute z = w x + b at x = 0.5, 1 and 2 for each unit; dead means z <= 0 at all three.")


# ------------------------------------------------------------------ Exercise 5.3


def _smallest_width(depth: int, tolerance: float) -> int:
    width = 1
    while _born_dead(depth, width) > tolerance:
        width += 1
    return width


@register("5.3", "a whole number: the smallest width")
def check_smallest_width(answer) -> Feedback:
    """Exercise 5.3: the smallest N with 1 - (1 - 2^-N)^50 <= 0.01 is 13."""
    if answer is None:
        return _unanswered("a whole number (a width)")
    value = as_number(answer)
    if not math.isfinite(value) or value != int(value):
        raise MalformedAnswer(f"got {value}; give a whole number")
    n = int(value)
    best = _smallest_width(DEPTH_5_3, TOLERANCE_5_3)
    if n == best:
        return Feedback(True, f"width {best} gives {_born_dead(DEPTH_5_3, best):.4f}, width {best - 1} gives {_born_dead(DEPTH_5_3, best - 1):.4f}.")
    if n < 1:
        return Feedback(False, "a width is at least 1.", "solve 1 - (1 - 2^-N)^50 <= 0.01 for N.")
    p = _born_dead(DEPTH_5_3, n)
    if n < best:
        return Feedback(False, f"with width {n} the probability is {p:.4f}, above 0.01.", "try wider layers.")
    return Feedback(False, f"width {n} works ({p:.4f}) but is not the smallest.", "try narrower layers.")

