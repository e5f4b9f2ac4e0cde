"""Tests of the checkers of chapter 8: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import pytest

from relu_book.exercises import grade

IDS = ["ex-ch8-1", "ex-ch8-2", "ex-ch8-3", "ex-ch8-4", "ex-ch8-5"]
RIGHT = {"ex-ch8-1": 0.75, "ex-ch8-2": [1 / 8, 1 / 2, 1 / 4], "ex-ch8-3": 10, "ex-ch8-4": 4.0, "ex-ch8-5": 2}


@pytest.mark.parametrize("exercise", IDS)
def test_right_answer_is_accepted(exercise):
    assert grade(exercise, RIGHT[exercise]).correct


@pytest.mark.parametrize(
    "exercise, malformed",
    [("ex-ch8-1", "3/4"), ("ex-ch8-2", [1, 2]), ("ex-ch8-3", 9.5), ("ex-ch8-4", [4]), ("ex-ch8-5", "two")],
)
def test_malformed_answer_says_what_was_expected(exercise, malformed):
    feedback = grade(exercise, malformed)
    assert not feedback.correct
    assert feedback.message.startswith("could not read your answer")
    assert feedback.hint.startswith("expected")


@pytest.mark.parametrize(
    "exercise, wrong, hint",
    [
        ("ex-ch8-1", 0.25, "positive homogeneity"),
        ("ex-ch8-1", 1.5, "best constant"),
        ("ex-ch8-1", 3 / 16, "degree-2"),
        ("ex-ch8-1", 0.7, "constant c"),
        ("ex-ch8-2", [1 / 16, 1 / 2, 1 / 2], "[-1, 1]"),
        ("ex-ch8-2", [3 / 16, 1 / 2, 15 / 64], "least-squares"),
        ("ex-ch8-2", [0.2, 0.5, 0.2], "x coefficient is right"),
        ("ex-ch8-2", [0.0, 0.0, 1.0], "odd part"),
        ("ex-ch8-3", 13, "without folding"),
        ("ex-ch8-3", 16, "Horner"),
        ("ex-ch8-3", 6, "weight layers count"),
        ("ex-ch8-3", 7, "ceil(log2 d)"),
        ("ex-ch8-4", 3.0, "bias adds"),
        ("ex-ch8-4", 3.5, "forget the bias"),
        ("ex-ch8-4", 3.0, "corner"),
        ("ex-ch8-4", 2.0, "four corners"),
        ("ex-ch8-5", 3, "more than the 98 left"),
        ("ex-ch8-5", 7, "N = 16384"),
        ("ex-ch8-5", 4, "subtract"),
    ],
)
def test_wrong_answer_gets_a_targeted_hint(exercise, wrong, hint):
    feedback = grade(exercise, wrong)
    assert not feedback.correct and hint in feedback.hint
