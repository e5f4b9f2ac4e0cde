"""Tests of the checkers of chapter 2: a right, a wrong and a malformed answer each."""

from __future__ import annotations

import numpy as np

from relu_book.backprop import graph_layer_loss
from relu_book.exercises import exercise_ids, grade
from relu_book.exercises.chapter02 import JACOBIAN_B, JACOBIAN_W, JACOBIAN_X, graph_layer_grad_W0
from relu_book.numerics import numerical_gradient


def right_backward(grad_out, x, W, b):
    delta = grad_out * (x @ W + b > 0)
    return delta @ W.T, x.T @ delta, delta.sum(axis=0)


def test_chapter_2_registers_its_auto_checked_exercises():
    assert {"ex-ch2-1", "ex-ch2-2", "ex-ch2-3", "ex-ch2-4", "ex-ch2-5", "ex-ch2-7"} <= set(exercise_ids())


# ---------------------------------------------------------------------- ex-ch2-1


def test_derivative_at_points_accepts_the_pytorch_convention():
    assert grade("ex-ch2-1", [0, 0, 0, 1, 1]).correct
    assert grade("ex-ch2-1", np.array([0.0, 0.0, 0.0, 1.0, 1.0])).correct


def test_derivative_at_points_explains_sympys_one_half_at_zero():
    feedback = grade("ex-ch2-1", [0, 0, 0.5, 1, 1])
    assert not feedback.correct
    assert "x = 0" in feedback.message
    assert "Heaviside(0)" in feedback.hint


def test_derivative_at_points_names_the_wrong_points():
    feedback = grade("ex-ch2-1", [1, 0, 0, 1, 0])
    assert not feedback.correct
    assert "x = -2" in feedback.message and "x = 3" in feedback.message


def test_derivative_at_points_reads_a_malformed_answer_as_feedback():
    feedback = grade("ex-ch2-1", [0, 1])
    assert not feedback.correct
    assert "expected shape (5,)" in feedback.message


# ---------------------------------------------------------------------- ex-ch2-2


def test_central_difference_accepts_the_quotient_across_the_kink():
    assert grade("ex-ch2-2", 0.3).correct


def test_central_difference_rejects_a_slope_taken_on_trust():
    feedback = grade("ex-ch2-2", 0)
    assert not feedback.correct
    assert "relu at x + h" in feedback.hint


def test_central_difference_rejects_a_non_number():
    feedback = grade("ex-ch2-2", "0.3")
    assert not feedback.correct
    assert "give a number" in feedback.message


# ---------------------------------------------------------------------- ex-ch2-3


def test_layer_jacobian_accepts_the_masked_weight_matrix():
    z = JACOBIAN_W @ JACOBIAN_X + JACOBIAN_B
    assert grade("ex-ch2-3", (z > 0)[:, None] * JACOBIAN_W).correct
    assert grade("ex-ch2-3", [[1, 2], [0, 0], [3, -1]]).correct


def test_layer_jacobian_recognises_the_unmasked_weights():
    feedback = grade("ex-ch2-3", JACOBIAN_W)
    assert not feedback.correct
    assert "affine map" in feedback.message


def test_layer_jacobian_rejects_the_transpose_by_shape():
    feedback = grade("ex-ch2-3", JACOBIAN_W.T)
    assert not feedback.correct
    assert "expected shape (3, 2)" in feedback.message


# ---------------------------------------------------------------------- ex-ch2-4


def test_dense_backward_accepts_a_correct_backward_pass():
    assert grade("ex-ch2-4", right_backward).correct


def test_dense_backward_catches_the_wrong_convention_at_zero():
    def backward_ge(grad_out, x, W, b):
        delta = grad_out * (x @ W + b >= 0)
        return delta @ W.T, x.T @ delta, delta.sum(axis=0)

    feedback = grade("ex-ch2-4", backward_ge)
    assert not feedback.correct
    assert "exactly 0" in feedback.message


def test_dense_backward_names_the_wrong_gradient():
    def backward_no_mask_on_b(grad_out, x, W, b):
        gx, gW, _ = right_backward(grad_out, x, W, b)
        return gx, gW, grad_out.sum(axis=0)

    feedback = grade("ex-ch2-4", backward_no_mask_on_b)
    assert not feedback.correct
    assert feedback.message == "grad_b is wrong."


def test_dense_backward_reports_a_stub_and_a_crash_without_raising():
    assert "returned None" in grade("ex-ch2-4", lambda g, x, W, b: None).message
    assert "return a tuple" in grade("ex-ch2-4", lambda g, x, W, b: [g, x, W]).message
    assert "raised ZeroDivisionError" in grade("ex-ch2-4", lambda g, x, W, b: 1 / 0).message


def test_dense_backward_rejects_a_function_that_mutates_its_inputs():
    def mutating(grad_out, x, W, b):
        x *= 0
        return right_backward(grad_out, x, W, b)

    assert "modified its inputs" in grade("ex-ch2-4", mutating).message


def test_dense_backward_rejects_a_value_instead_of_a_function():
    feedback = grade("ex-ch2-4", [1, 2, 3])
    assert not feedback.correct
    assert "give a function" in feedback.message


# ---------------------------------------------------------------------- ex-ch2-5


def test_graph_grad_w0_reference_answer_matches_finite_differences():
    rng = np.random.default_rng(3)
    A, X, W0, W1, Y = (rng.standard_normal(s) for s in [(4, 4), (4, 3), (3, 5), (5, 2), (4, 2)])
    numeric = numerical_gradient(lambda w: graph_layer_loss(A, X, w, W1, Y), W0, h=1e-6)
    np.testing.assert_allclose(graph_layer_grad_W0(A, X, W0, W1, Y), numeric, rtol=1e-6, atol=1e-8)


def test_graph_grad_w0_accepts_the_right_gradient():
    assert grade("ex-ch2-5", graph_layer_grad_W0).correct


def test_graph_grad_w0_rejects_a_gradient_without_the_relu_mask():
    def unmasked(A, X, W0, W1, Y):
        E = A @ np.maximum(A @ X @ W0, 0) @ W1 - Y
        return X.T @ A.T @ (A.T @ E @ W1.T)

    feedback = grade("ex-ch2-5", unmasked)
    assert not feedback.correct
    assert "dR = relu'(H)" in feedback.hint


def test_graph_grad_w0_reports_a_stub_that_returns_none():
    feedback = grade("ex-ch2-5", lambda A, X, W0, W1, Y: None)
    assert not feedback.correct
    assert "returned None" in feedback.message


def test_graph_grad_w0_rejects_the_wrong_shape():
    feedback = grade("ex-ch2-5", lambda A, X, W0, W1, Y: np.zeros((5, 3)))
    assert not feedback.correct
    assert "shape of W0" in feedback.message


# ---------------------------------------------------------------------- ex-ch2-7


def test_chain_rule_at_kink_accepts_the_chain_rule_value():
    assert grade("ex-ch2-7", 0).correct


def test_chain_rule_at_kink_explains_that_the_true_derivative_is_not_the_chain_rule_value():
    feedback = grade("ex-ch2-7", 1)
    assert not feedback.correct
    assert "true derivative" in feedback.message


def test_chain_rule_at_kink_rejects_a_bool():
    feedback = grade("ex-ch2-7", False)
    assert not feedback.correct
    assert "got a bool" in feedback.message
