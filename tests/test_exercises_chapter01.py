"""Tests of the Chapter 1 exercise checkers: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import math

import numpy as np
import pytest

from relu_book.exercises import exercise_ids, grade

CHAPTER_1 = ["ex-ch1-1", "ex-ch1-3", "ex-ch1-5", "ex-ch1-6", "ex-ch1-7"]


def test_chapter1_checkers_are_registered():
    assert set(CHAPTER_1) <= set(exercise_ids())


# ------------------------------------------------------------------ ex-ch1-1


def test_relu_values_right_answer_is_accepted():
    assert grade("ex-ch1-1", [0, 0, 0, 0.5, 3]).correct
    assert grade("ex-ch1-1", np.array([0.0, 0.0, 0.0, 0.5, 3.0], dtype=np.float32)).correct


def test_relu_values_identity_answer_is_recognised():
    fb = grade("ex-ch1-1", [-2, -0.5, 0, 0.5, 3])
    assert not fb.correct and "inputs themselves" in fb.message


def test_relu_values_absolute_value_answer_is_recognised():
    fb = grade("ex-ch1-1", [2, 0.5, 0, 0.5, 3])
    assert not fb.correct and "|x|" in fb.message


def test_relu_values_wrong_entry_is_named():
    fb = grade("ex-ch1-1", [0, 0, 1, 0.5, 3])
    assert not fb.correct and "x = 0" in fb.message and fb.hint


@pytest.mark.parametrize("answer", ["0, 0, 0, 0.5, 3", [0, 0, 0.5], [[0, 0, 0, 0.5, 3]], ["a", "b", "c", "d", "e"]])
def test_relu_values_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch1-1", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch1-3


def test_mean_of_relu_exact_value_is_accepted():
    assert grade("ex-ch1-3", 1 / math.sqrt(2 * math.pi)).correct
    assert grade("ex-ch1-3", np.float32(1 / math.sqrt(2 * math.pi))).correct


def test_mean_of_relu_sampling_estimate_is_close_but_not_exact():
    fb = grade("ex-ch1-3", 0.3992)
    assert not fb.correct and "close" in fb.message


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [(0.0, "E[Z]"), (0.5, "P(Z > 0)"), (math.sqrt(2 / math.pi), "E[|Z|]"), (1 / math.sqrt(math.pi), "normalising")],
)
def test_mean_of_relu_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch1-3", answer)
    assert not fb.correct and phrase in fb.message and fb.hint


def test_mean_of_relu_other_wrong_number_gets_a_hint():
    fb = grade("ex-ch1-3", 2.0)
    assert not fb.correct and fb.hint


@pytest.mark.parametrize("answer", ["0.3989", [0.3989], True, float("nan"), float("inf")])
def test_mean_of_relu_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch1-3", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")


# ------------------------------------------------------------------ ex-ch1-5


def relu_by_abs(x):
    return (x + np.abs(x)) / 2


def test_relu_implementation_right_answers_are_accepted():
    assert grade("ex-ch1-5", relu_by_abs).correct
    assert grade("ex-ch1-5", lambda x: np.maximum(x, 0)).correct
    assert grade("ex-ch1-5", lambda x: np.where(x > 0, x, 0)).correct


def test_relu_implementation_wrong_values_are_located():
    fb = grade("ex-ch1-5", lambda x: (x - np.abs(x)) / 2)
    assert not fb.correct and "at x = -3" in fb.message


def test_relu_implementation_mutating_input_is_rejected():
    def relu_in_place(x):
        x[x < 0] = 0
        return x

    fb = grade("ex-ch1-5", relu_in_place)
    assert not fb.correct and "changed its input" in fb.message


def test_relu_implementation_float32_must_stay_float32():
    fb = grade("ex-ch1-5", lambda x: np.asarray(relu_by_abs(x), dtype=np.float64))
    assert not fb.correct and "float32 input came back as float64" in fb.message


def test_relu_implementation_scalar_only_function_gets_elementwise_hint():
    fb = grade("ex-ch1-5", lambda x: max(0, x))
    assert not fb.correct and "raised ValueError" in fb.message and "elementwise" in fb.hint


def test_relu_implementation_integer_output_is_rejected():
    fb = grade("ex-ch1-5", lambda x: np.maximum(x, 0).astype(int))
    assert not fb.correct and "dtype int" in fb.message


def test_relu_implementation_wrong_shape_is_rejected():
    fb = grade("ex-ch1-5", lambda x: np.maximum(x, 0).ravel()[:3])
    assert not fb.correct and "shape" in fb.message


def test_relu_implementation_overflowing_formula_is_caught():
    fb = grade("ex-ch1-5", lambda x: np.sqrt(x * x) / 2 + x / 2)
    assert not fb.correct and "1e+300" in fb.message


@pytest.mark.parametrize("answer", ["(x + abs(x)) / 2", 3.0, [1, 2]])
def test_relu_implementation_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch1-5", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer") and "function" in fb.hint


# ------------------------------------------------------------------ ex-ch1-6


def test_fraction_of_zeros_right_answer_is_accepted():
    assert grade("ex-ch1-6", 0.6915).correct
    assert grade("ex-ch1-6", 0.69).correct


def test_fraction_of_zeros_without_bias_is_recognised():
    fb = grade("ex-ch1-6", 0.5)
    assert not fb.correct and "without a bias" in fb.message


def test_fraction_of_zeros_sign_error_is_recognised():
    fb = grade("ex-ch1-6", 0.3085)
    assert not fb.correct and "b = +0.5" in fb.message


def test_fraction_of_zeros_other_wrong_answer_gets_hint():
    fb = grade("ex-ch1-6", 0.9)
    assert not fb.correct and "N(b, 1)" in fb.hint


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [(69.15, "percentage"), (-0.2, "between 0 and 1"), (150.0, "between 0 and 1"), ("0.69", "give a number")],
)
def test_fraction_of_zeros_malformed_answer_gets_feedback(answer, phrase):
    fb = grade("ex-ch1-6", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer") and phrase in fb.message


# ------------------------------------------------------------------ ex-ch1-7


def test_mean_of_shifted_relu_exact_and_sampled_values_are_accepted():
    exact = 0.5 * math.erfc(-1 / math.sqrt(2)) + math.exp(-0.5) / math.sqrt(2 * math.pi)
    assert grade("ex-ch1-7", exact).correct
    assert grade("ex-ch1-7", exact + 0.003).correct


@pytest.mark.parametrize(
    ("answer", "phrase"), [(1.0, "E[X]"), (0.3989, "mu = 0"), (0.8413, "first term"), (0.2420, "second term")]
)
def test_mean_of_shifted_relu_common_mistakes_are_explained(answer, phrase):
    fb = grade("ex-ch1-7", answer)
    assert not fb.correct and phrase in fb.message and "Phi" in fb.hint


def test_mean_of_shifted_relu_other_wrong_answer_gets_hint():
    fb = grade("ex-ch1-7", 1.5)
    assert not fb.correct and fb.hint


@pytest.mark.parametrize("answer", ["1.08", np.array([1.08, 1.09]), False])
def test_mean_of_shifted_relu_malformed_answer_gets_feedback(answer):
    fb = grade("ex-ch1-7", answer)
    assert not fb.correct and fb.message.startswith("could not read your answer")
