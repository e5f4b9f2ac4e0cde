"""Tests of the checkers of chapter 4: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import numpy as np
import pytest

from relu_book.exercises import exercise_ids, grade
from relu_book.exercises.chapter04 import SEGMENT_END, SEGMENT_START, region_count_network
from relu_book.regions import grid_region_changes

CHECKED = ["ex-ch4-1", "ex-ch4-2", "ex-ch4-3", "ex-ch4-5"]


def test_chapter_4_registers_its_auto_checked_exercises():
    assert set(CHECKED) <= set(exercise_ids())


@pytest.mark.parametrize("exercise", CHECKED)
def test_malformed_answer_says_what_was_expected(exercise):
    feedback = grade(exercise, "a quarter")
    assert not feedback.correct
    assert feedback.message.startswith("could not read your answer")
    assert "expected" in feedback.hint


def test_sigmoid_bound_accepts_a_quarter_to_the_tenth():
    assert grade("ex-ch4-1", 0.25**10).correct
    assert grade("ex-ch4-1", np.float64(1 / 4**10)).correct


def test_sigmoid_bound_explains_a_single_factor_and_the_tanh_bound():
    assert "10 of them" in grade("ex-ch4-1", 0.25).hint
    assert "tanh" in grade("ex-ch4-1", 1).hint
    assert not grade("ex-ch4-1", 0.5**10).correct


def test_he_std_accepts_the_he_standard_deviation():
    assert grade("ex-ch4-2", 0.2).correct


def test_he_std_distinguishes_variance_and_glorot_from_he():
    assert "variance" in grade("ex-ch4-2", 0.04).hint
    assert "halves" in grade("ex-ch4-2", np.sqrt(1 / 50)).hint
    assert not grade("ex-ch4-2", 1.0).correct


def test_region_count_accepts_the_region_count_seen_on_a_fine_grid():
    changes = grid_region_changes(region_count_network(), SEGMENT_START, SEGMENT_END, num=100_001)
    assert grade("ex-ch4-3", len(changes) + 1).correct


def test_region_count_explains_breakpoints_versus_regions():
    changes = grid_region_changes(region_count_network(), SEGMENT_START, SEGMENT_END, num=100_001)
    feedback = grade("ex-ch4-3", len(changes))
    assert not feedback.correct and "k + 1 regions" in feedback.hint
    assert not grade("ex-ch4-3", 100).correct


def test_leaky_variance_accepts_the_leaky_he_variance():
    assert grade("ex-ch4-5", 2 / (1.25 * 100)).correct


def test_leaky_variance_recognises_the_relu_value_and_the_standard_deviation():
    assert "ReLU value" in grade("ex-ch4-5", 0.02).hint
    assert "standard deviation" in grade("ex-ch4-5", np.sqrt(0.016)).hint
    assert not grade("ex-ch4-5", 0.01).correct
