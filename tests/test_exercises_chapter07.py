"""Tests of the checkers of chapter 7: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, special

from relu_book.exercises import exercise_ids, grade

IDS = ["ex-ch7-1", "ex-ch7-2", "ex-ch7-3", "ex-ch7-4"]


def test_chapter_7_registers_its_auto_checked_exercises():
    assert set(IDS) <= set(exercise_ids())


@pytest.mark.parametrize(
    "exercise, malformed", [("ex-ch7-1", "log(2)/4"), ("ex-ch7-2", [1, 2]), ("ex-ch7-3", [1.4]), ("ex-ch7-4", "x")]
)
def test_malformed_answer_says_what_was_expected(exercise, malformed):
    feedback = grade(exercise, malformed)
    assert not feedback.correct
    assert feedback.message.startswith("could not read your answer")
    assert feedback.hint.startswith("expected")


def test_softplus_gap_accepts_log_two_over_beta():
    assert grade("ex-ch7-1", math.log(2) / 4).correct


def test_softplus_gap_spots_the_beta_one_answer():
    feedback = grade("ex-ch7-1", math.log(2))
    assert not feedback.correct and "beta = 1" in feedback.hint


def test_least_squares_fit_accepts_the_exact_coefficients():
    assert grade("ex-ch7-2", [3 / 32, 1 / 2, 15 / 32]).correct


def test_least_squares_fit_spots_the_step_fit():
    feedback = grade("ex-ch7-2", [0.5, 0.75, 0.0])
    assert not feedback.correct and "step" in feedback.hint


def test_least_squares_fit_spots_the_integrated_step():
    feedback = grade("ex-ch7-2", [0.0, 0.5, 0.375])
    assert not feedback.correct and "integrated" in feedback.hint


def test_relu_scale_accepts_square_root_of_two():
    assert grade("ex-ch7-3", np.sqrt(2)).correct


def test_relu_scale_rejects_two():
    feedback = grade("ex-ch7-3", 2.0)
    assert not feedback.correct and "lambda^2" in feedback.hint


def test_silu_minimum_accepts_the_root_of_the_derivative():
    x_star = optimize.brentq(lambda x: 1 + x * (1 - special.expit(x)), -3, -0.5, xtol=1e-14)
    assert grade("ex-ch7-4", x_star).correct


def test_silu_minimum_spots_the_minimum_value_instead_of_its_location():
    x_star = optimize.brentq(lambda x: 1 + x * (1 - special.expit(x)), -3, -0.5, xtol=1e-14)
    feedback = grade("ex-ch7-4", x_star + 1)
    assert not feedback.correct and "location" in feedback.hint
