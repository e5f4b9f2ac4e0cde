"""Tests of the checkers of chapter 9: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import math

import pytest

from relu_book import nonsmooth
from relu_book.exercises import check, grade

IDS = ["ex-ch9-1", "ex-ch9-2", "ex-ch9-3", "ex-ch9-4", "ex-ch9-5"]


@pytest.mark.parametrize("exercise", IDS)
def test_unanswered_exercise_is_not_marked_correct(exercise, capsys):
    assert not grade(exercise, None).correct
    check(exercise, None)
    assert capsys.readouterr().out.startswith("Not yet:")


@pytest.mark.parametrize(
    "exercise, malformed",
    [("ex-ch9-1", [0, 1, 2]), ("ex-ch9-2", "0.618"), ("ex-ch9-3", [1, 2]), ("ex-ch9-4", "half"), ("ex-ch9-5", True)],
)
def test_malformed_answer_says_what_was_expected(exercise, malformed):
    feedback = grade(exercise, malformed)
    assert not feedback.correct
    assert feedback.message.startswith("could not read your answer")
    assert feedback.hint.startswith("expected")


def test_9_1_accepts_zero_to_three_and_spots_the_clarke_gradient():
    assert grade("ex-ch9-1", [0, 3]).correct
    assert grade("ex-ch9-1", (0.0, 3.0)).correct
    feedback = grade("ex-ch9-1", [1, 2])
    assert not feedback.correct and "Clarke gradient" in feedback.hint
    assert "lower end first" in grade("ex-ch9-1", [3, 0]).hint


def test_9_2_accepts_the_golden_ratio_conjugate_and_explains_one_half():
    assert grade("ex-ch9-2", (math.sqrt(5) - 1) / 2).correct
    assert grade("ex-ch9-2", 0.6180340).correct
    feedback = grade("ex-ch9-2", 0.5)
    assert not feedback.correct and "3/4" in feedback.hint
    assert "negative" in grade("ex-ch9-2", -(math.sqrt(5) + 1) / 2).hint


def test_9_3_accepts_the_vgg13_count_and_spots_the_minibatch():
    expected = 2 * 64 * 32**2 + 2 * 128 * 16**2 + 2 * 256 * 8**2 + 2 * 512 * 4**2 + 2 * 512 * 2**2
    assert grade("ex-ch9-3", expected).correct
    assert "minibatch" in grade("ex-ch9-3", 128 * expected).hint
    assert "224" in grade("ex-ch9-3", expected * 49).hint


def test_9_4_accepts_the_model_prediction_and_spots_a_percentage():
    data = nonsmooth.BERTOIN2021_MNIST
    widths = sorted(data["width"][32])
    rate = nonsmooth.fit_zero_rate(
        [3 * w * 60000 for w in widths], [data["width"][32][w] for w in widths], data["runs"]
    )
    expected = 1 - math.exp(-rate * 3 * 128 * 60000)
    assert 0.163 < expected < 0.478  # between the published widths 64 and 256
    assert grade("ex-ch9-4", expected).correct
    assert not grade("ex-ch9-4", expected + 0.01).correct
    assert "percentage" in grade("ex-ch9-4", 100 * expected).hint


def test_9_5_accepts_the_distance_to_the_box_and_spots_the_smooth_gradient():
    assert grade("ex-ch9-5", math.hypot(1.0, 0.5)).correct
    assert "smooth part" in grade("ex-ch9-5", math.hypot(2.0, 0.5)).hint
    assert not grade("ex-ch9-5", 0.0).correct
