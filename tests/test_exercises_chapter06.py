"""Tests of the Chapter 6 exercise checkers: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import math

import numpy as np
import pytest

import relu_book as rb
from relu_book.exercises import exercise_ids, grade
from relu_book.exercises.chapter06 import (
    GENERALIZED_PARAMS,
    GENERALIZED_POINTS,
    SHARED_INPUTS,
    SHARED_SLOPE,
    SHARED_UPSTREAM,
)
from relu_book.variants import prelu_init_gain, prelu_weight_grad, rrelu_divisor

CHAPTER_6 = ["ex-ch6-1", "ex-ch6-2", "ex-ch6-3", "ex-ch6-6"]


def test_chapter6_checkers_are_registered():
    assert set(CHAPTER_6) <= set(exercise_ids())


@pytest.mark.parametrize("exercise_id", CHAPTER_6)
@pytest.mark.parametrize("answer", ["0.5", [[1.0]], True])
def test_malformed_answers_get_feedback(exercise_id, answer):
    fb = grade(exercise_id, answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch6-1


def test_shared_slope_gradient_right_answer_agrees_with_the_library():
    expected = float(prelu_weight_grad(SHARED_INPUTS, np.float64(SHARED_SLOPE), SHARED_UPSTREAM))
    assert expected == -3.0
    assert grade("ex-ch6-1", expected).correct and grade("ex-ch6-1", np.float32(-3)).correct


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [(-3.5, "upstream gradient"), (5.0, "positive part"), (-0.75, "does not appear"), (3.0, "not the gradient")],
)
def test_shared_slope_gradient_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch6-1", answer)
    assert not fb.correct and phrase in fb.message and fb.hint


def test_shared_slope_gradient_nan_is_malformed():
    assert grade("ex-ch6-1", float("nan")).message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch6-2


def test_prelu_init_std_right_answer_agrees_with_the_gain():
    expected = float(prelu_init_gain(0.25)) / math.sqrt(64)
    assert grade("ex-ch6-2", expected).correct and grade("ex-ch6-2", 0.1715).correct


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (math.sqrt(2 / 64), "He initialisation for ReLU"),
        (2 / (1.0625 * 64), "variance"),
        (math.sqrt(2 / 1.0625), "gain"),
        (math.sqrt(2 / (1.25 * 64)), "squared"),
        (0.5, "not the standard deviation"),
    ],
)
def test_prelu_init_std_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch6-2", answer)
    assert not fb.correct and phrase in fb.message


# ------------------------------------------------------------------ ex-ch6-3


def test_generalized_relu_grad_right_answer_is_the_library_value():
    truth = rb.generalized_relu_grad(GENERALIZED_POINTS, **GENERALIZED_PARAMS)
    assert truth.tolist() == pytest.approx([0.1, 0.0, 1.0, 0.5, 0.0])
    assert grade("ex-ch6-3", truth).correct and grade("ex-ch6-3", (0.1, 0, 1, 0.5, 0)).correct


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ([0.1, 0.1, 1.0, 0.5, 0.0], "only x = 1"),
        ([0.1, 0.0, 1.0, 0.0, 0.0], "only x = 4"),
        ([0.0, 0.1, 1.0, 0.5, 0.0], "x = -1, x = 1"),
    ],
)
def test_generalized_relu_grad_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch6-3", answer)
    assert not fb.correct and phrase in fb.message


def test_generalized_relu_grad_wrong_length_is_malformed():
    assert grade("ex-ch6-3", [0.1, 0.1, 1.0]).message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch6-6


def test_mean_divisor_slope_right_answer_agrees_with_sampling():
    _, slopes = rrelu_divisor(-np.ones(100_000), training=True, rng=0, return_slopes=True)
    assert grade("ex-ch6-6", math.log(8 / 3) / 5).correct
    assert abs(slopes.mean() - math.log(8 / 3) / 5) < 1e-3


@pytest.mark.parametrize(("answer", "phrase"), [(2 / 11, "1/E[a]"), (11 / 48, "PyTorch"), (0.3, "not the mean slope")])
def test_mean_divisor_slope_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch6-6", answer)
    assert not fb.correct and phrase in fb.message
