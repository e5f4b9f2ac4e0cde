"""Tests of the Chapter 5 exercise checkers: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import numpy as np
import pytest

from relu_book.dying import born_dead_probability_exact, dead_units
from relu_book.exercises import exercise_ids, grade
from relu_book.exercises.chapter05 import UNIT_BIASES, UNIT_DATA, UNIT_WEIGHTS
from relu_book.nn import MLP

CHAPTER_5 = ["ex-ch5-1", "ex-ch5-2", "ex-ch5-3"]


def test_chapter5_checkers_are_registered():
    assert set(CHAPTER_5) <= set(exercise_ids())


# ------------------------------------------------------------------ ex-ch5-1


def test_born_dead_right_answer_agrees_with_the_library():
    assert grade("ex-ch5-1", born_dead_probability_exact(3, 2)).correct
    assert grade("ex-ch5-1", np.float32(0.578125)).correct


@pytest.mark.parametrize(
    ("answer", "phrase"), [(27 / 64, "alive"), (0.25, "one layer"), (0.875, "single unit"), (2.0, "not a probability")]
)
def test_born_dead_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch5-1", answer)
    assert not fb.correct and phrase in fb.message and fb.hint


@pytest.mark.parametrize("answer", ["0.58", [0.58], True, float("nan")])
def test_born_dead_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch5-1", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch5-2


def test_dead_units_right_answer_agrees_with_dead_units_of_a_model():
    model = MLP([1, 4, 1])
    model.weights[0] = UNIT_WEIGHTS[None, :].copy()
    model.biases[0] = UNIT_BIASES.copy()
    truth = dead_units(model, UNIT_DATA[:, None])[0]
    assert truth.tolist() == [False, True, True, True]
    assert grade("ex-ch5-2", truth).correct and grade("ex-ch5-2", [0, 1, 1, 1]).correct


def test_dead_units_strict_inequality_mistake_is_explained():
    fb = grade("ex-ch5-2", [False, False, False, False])
    assert not fb.correct and "strictly negative" in fb.message


def test_dead_units_other_wrong_answer_names_the_units():
    fb = grade("ex-ch5-2", [True, True, True, True])
    assert not fb.correct and "unit(s) 1" in fb.message


@pytest.mark.parametrize("answer", ["TTTF", [True, False], [0.5, 1, 1, 1], 3])
def test_dead_units_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch5-2", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch5-3


def test_smallest_width_right_answer():
    assert born_dead_probability_exact(50, 13) <= 0.01 < born_dead_probability_exact(50, 12)
    assert grade("ex-ch5-3", 13).correct and grade("ex-ch5-3", 13.0).correct


@pytest.mark.parametrize(("answer", "phrase"), [(12, "above 0.01"), (20, "not the smallest"), (0, "at least 1")])
def test_smallest_width_wrong_answers_are_explained(answer, phrase):
    fb = grade("ex-ch5-3", answer)
    assert not fb.correct and phrase in fb.message


@pytest.mark.parametrize("answer", ["13", 12.5, [13], float("inf")])
def test_smallest_width_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch5-3", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")
