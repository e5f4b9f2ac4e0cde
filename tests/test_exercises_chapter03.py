"""Tests of the Chapter 3 exercise checkers: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from relu_book import calculus, symbolic
from relu_book.autodiff import grad, relu
from relu_book.exercises import exercise_ids, grade

CHAPTER_3 = ["ex-ch3-1", "ex-ch3-2", "ex-ch3-3"]


def test_chapter3_checkers_are_registered():
    assert set(CHAPTER_3) <= set(exercise_ids())


# ------------------------------------------------------------------ ex-ch3-1


def test_leaky_subdifferential_right_answer_is_accepted():
    assert grade("ex-ch3-1", [0.2, 1]).correct
    assert grade("ex-ch3-1", np.array([0.2, 1.0], dtype=np.float64)).correct


def test_leaky_subdifferential_agrees_with_symbolic_module():
    x = sympy.Symbol("x")
    interval = calculus.subdifferential(symbolic.leaky_relu(x, negative_slope=sympy.Rational(1, 5)), x, 0)
    assert grade("ex-ch3-1", [float(interval.start), float(interval.end)]).correct


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [([1, 0.2], "wrong order"), ([0, 1], "subdifferential of relu"), ([0.2, 0.2], "single number")],
)
def test_leaky_subdifferential_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch3-1", answer)
    assert not fb.correct and phrase in fb.message


def test_leaky_subdifferential_other_wrong_interval_gets_hint():
    fb = grade("ex-ch3-1", [0.1, 0.9])
    assert not fb.correct and fb.hint


@pytest.mark.parametrize("answer", ["[0.2, 1]", [0.2], [[0.2, 1]], [0.2, float("nan")]])
def test_leaky_subdifferential_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch3-1", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch3-2


def test_autodiff_at_zero_right_answer_is_accepted_and_matches_relu_book_autodiff():
    value = float(grad(lambda v: 2.0 * relu(v) - relu(-v), 0.0))
    assert value == 0.0
    assert grade("ex-ch3-2", value).correct


@pytest.mark.parametrize(
    ("answer", "phrase"), [(1.5, "central difference"), (1, "one-sided"), (2, "one-sided"), (3, "relu'(0) = 1")]
)
def test_autodiff_at_zero_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch3-2", answer)
    assert not fb.correct and phrase in fb.message


def test_autodiff_at_zero_other_wrong_number_gets_hint():
    fb = grade("ex-ch3-2", -4.0)
    assert not fb.correct and "chain rule" in fb.hint


@pytest.mark.parametrize("answer", ["0", [0.0], True, float("inf")])
def test_autodiff_at_zero_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch3-2", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch3-3


def test_clarke_gradient_right_answer_is_accepted_and_matches_symbolic_module():
    x = sympy.Symbol("x")
    expr = symbolic.relu(x) - 2 * symbolic.relu(x - 1)
    interval = calculus.clarke_gradient(expr, x, 1)
    assert (float(interval.start), float(interval.end)) == (-1.0, 1.0)
    assert grade("ex-ch3-3", [-1, 1]).correct


@pytest.mark.parametrize(
    ("answer", "phrase"), [([1, -1], "[lower, upper]"), ([0, 1], "relu at 0"), ([1, 1], "single number")]
)
def test_clarke_gradient_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch3-3", answer)
    assert not fb.correct and phrase in fb.message


def test_clarke_gradient_other_wrong_interval_gets_hint():
    fb = grade("ex-ch3-3", [-2, 2])
    assert not fb.correct and fb.hint


@pytest.mark.parametrize("answer", [None.__class__, "[-1, 1]", [-1, 0, 1]])
def test_clarke_gradient_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch3-3", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")
