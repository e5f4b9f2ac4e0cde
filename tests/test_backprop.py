"""Tests of relu_book.backprop: hand-written backward passes against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from relu_book import relu, relu_grad
from relu_book.backprop import (
    DenseReluCache,
    dense_relu_backward,
    dense_relu_forward,
    graph_layer_grad_A,
    graph_layer_loss,
)
from relu_book.numerics import numerical_gradient

H = 1e-6  # central-difference step; truncation ~H**2, round-off ~1e-16/H


def rel_err(a, b) -> float:
    """Largest entrywise difference, relative to the largest entry of either array."""
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b)) / scale)


def assert_matches_central_differences(analytic, numeric, loss: float, what: str = "") -> None:
    """Agreement to 1e-6 of the largest entry, plus the central quotient's round-off.

    The round-off is about eps * |loss| / H (allowed a hundredfold): it
    dominates when the gradient is much smaller than the loss.
    """
    assert analytic.shape == numeric.shape, what
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)))
    tolerance = 1e-6 * scale + 100 * np.finfo(np.float64).eps * max(abs(loss), 1.0) / H
    assert np.max(np.abs(analytic - numeric)) <= tolerance, what


def dense_problem(seed, batch, n_in, n_out, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n_in)).astype(dtype)
    W = rng.standard_normal((n_in, n_out)).astype(dtype)
    b = rng.standard_normal(n_out).astype(dtype)
    G = rng.standard_normal((batch, n_out)).astype(dtype)  # upstream gradient
    return x, W, b, G


def graph_problem(seed, n, d, h, k, dtype=np.float64):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)).astype(dtype)
    X = rng.standard_normal((n, d)).astype(dtype)
    W0 = rng.standard_normal((d, h)).astype(dtype)
    W1 = rng.standard_normal((h, k)).astype(dtype)
    Y = rng.standard_normal((n, k)).astype(dtype)
    return A, X, W0, W1, Y


def dense_loss(x, W, b, G) -> float:
    """L = <G, relu(xW + b)>: the upstream gradient G contracted with the layer's output."""
    return float(np.sum(G * relu(x @ W + b)))


def dense_numeric_grads(x, W, b, G):
    """Finite-difference gradients of :func:`dense_loss` in x, W and b."""
    return (
        numerical_gradient(lambda v: dense_loss(v, W, b, G), x, h=H),
        numerical_gradient(lambda v: dense_loss(x, v, b, G), W, h=H),
        numerical_gradient(lambda v: dense_loss(x, W, v, G), b, h=H),
    )


shapes = st.integers(min_value=1, max_value=5)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


# ----------------------------------------------------------------- dense layer: forward


def test_dense_relu_forward_is_relu_of_affine_map():
    x, W, b, _ = dense_problem(0, 4, 3, 2)
    out, cache = dense_relu_forward(x, W, b)
    np.testing.assert_array_equal(out, np.maximum(x @ W + b, 0))
    assert isinstance(cache, DenseReluCache)
    np.testing.assert_array_equal(cache.pre_activation, x @ W + b)
    assert cache.x is x and cache.W is W


def test_dense_relu_forward_accepts_lists_and_integers_as_float64():
    out, cache = dense_relu_forward([[1, -2]], [[1, 0], [0, 1]], [0, 0])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 0.0]])


# ---------------------------------------------------------------- dense layer: backward


@settings(max_examples=40, deadline=None)
@given(seed=seeds, batch=shapes, n_in=shapes, n_out=shapes)
def test_dense_relu_backward_matches_finite_differences_away_from_zero(seed, batch, n_in, n_out):
    x, W, b, G = dense_problem(seed, batch, n_in, n_out)
    _, cache = dense_relu_forward(x, W, b)
    # A step of H moves a pre-activation by at most ~H * max(|x|, 1) * n_in,
    # so keep every pre-activation well clear of the kink.
    assume(np.min(np.abs(cache.pre_activation)) > 1e-3)
    analytic = dense_relu_backward(G, cache)
    numeric = dense_numeric_grads(x, W, b, G)
    loss = dense_loss(x, W, b, G)
    for name, a, n in zip(("x", "W", "b"), analytic, numeric):
        assert_matches_central_differences(a, n, loss, name)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, batch=shapes, n_in=shapes, n_out=shapes)
def test_dense_relu_backward_is_masked_upstream_gradient(seed, batch, n_in, n_out):
    x, W, b, G = dense_problem(seed, batch, n_in, n_out)
    _, cache = dense_relu_forward(x, W, b)
    gx, gW, gb = dense_relu_backward(G, cache)
    delta = G * relu_grad(x @ W + b, at_zero=0)
    np.testing.assert_allclose(gx, delta @ W.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gW, x.T @ delta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gb, delta.sum(axis=0), rtol=1e-12, atol=1e-12)


def kinked_dense_problem(seed, column=0):
    """A dense problem whose pre-activation z[0, column] is exactly 0."""
    x, W, b, G = dense_problem(seed, 4, 3, 3)
    b = b.copy()
    b[column] = -(x @ W)[0, column]
    z = x @ W + b
    assert z[0, column] == 0.0
    others = np.delete(z.ravel(), column)  # z[0, column] is the first row's entry
    assert np.min(np.abs(others)) > 1e-3
    return x, W, b, G


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dense_relu_backward_uses_zero_at_an_exact_zero_pre_activation(seed):
    x, W, b, G = kinked_dense_problem(seed, column=1)
    _, cache = dense_relu_forward(x, W, b)
    assert cache.pre_activation[0, 1] == 0.0
    gx, gW, gb = dense_relu_backward(G, cache)
    mask = relu_grad(cache.pre_activation, at_zero=0)
    assert mask[0, 1] == 0.0
    delta = G * mask
    np.testing.assert_array_equal(gb, delta.sum(axis=0))
    np.testing.assert_allclose(gW, x.T @ delta, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gx, delta @ W.T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_central_difference_at_the_kink_sees_half_the_upstream_gradient(seed):
    # The central difference of relu at 0 is (h - 0) / (2h) = 1/2: the average of
    # the one-sided slopes 0 and 1. So where z[0, 1] == 0, the finite difference
    # equals the analytic gradient (which uses relu'(0) = 0) plus 1/2 of the
    # path through that unit; everywhere else the two agree to 1e-6.
    x, W, b, G = kinked_dense_problem(seed, column=1)
    _, cache = dense_relu_forward(x, W, b)
    gx, gW, gb = dense_relu_backward(G, cache)
    nx, nW, nb = dense_numeric_grads(x, W, b, G)
    half = np.zeros_like(G)
    half[0, 1] = 0.5 * G[0, 1]  # the kink's contribution at slope 1/2
    assert rel_err(nb, gb + half.sum(axis=0)) < 1e-6
    assert rel_err(nW, gW + x.T @ half) < 1e-6
    assert rel_err(nx, gx + half @ W.T) < 1e-6
    # Away from the kink (other columns of W and b, other rows of x) they agree.
    assert rel_err(np.delete(nb, 1), np.delete(gb, 1)) < 1e-6
    assert rel_err(np.delete(nW, 1, axis=1), np.delete(gW, 1, axis=1)) < 1e-6
    assert rel_err(nx[1:], gx[1:]) < 1e-6
    # ... and at the kink they differ by a visible amount.
    assert abs(nb[1] - gb[1] - 0.5 * G[0, 1]) < 1e-6 * max(1.0, abs(gb[1]))
    assert abs(nb[1] - gb[1]) > 1e-3


def test_dense_relu_backward_of_a_dead_layer_is_zero():
    x = np.ones((2, 3))
    W = -np.ones((3, 4))
    out, cache = dense_relu_forward(x, W, np.zeros(4))
    gx, gW, gb = dense_relu_backward(np.ones((2, 4)), cache)
    assert not out.any() and not gx.any() and not gW.any() and not gb.any()


# ------------------------------------------------------------------ dtype and mutation


def test_dense_layer_keeps_float32():
    x, W, b, G = dense_problem(0, 3, 2, 4, dtype=np.float32)
    out, cache = dense_relu_forward(x, W, b)
    assert out.dtype == np.float32
    assert all(a.dtype == np.float32 for a in cache)
    assert all(g.dtype == np.float32 for g in dense_relu_backward(G, cache))


def test_dense_layer_promotes_mixed_dtypes_to_float64():
    x, W, b, G = dense_problem(0, 3, 2, 4, dtype=np.float32)
    out, cache = dense_relu_forward(x, W.astype(np.float64), b)
    assert out.dtype == np.float64
    _, cache32 = dense_relu_forward(x, W, b)
    assert all(g.dtype == np.float64 for g in dense_relu_backward(G.astype(np.float64), cache32))


def test_graph_layer_keeps_float32():
    args = graph_problem(0, 4, 3, 5, 2, dtype=np.float32)
    grad = graph_layer_grad_A(*args)
    assert grad.dtype == np.float32
    assert grad.shape == (4, 4)
    assert isinstance(graph_layer_loss(*args), float)


def test_dense_layer_does_not_mutate_its_inputs():
    x, W, b, G = kinked_dense_problem(5)
    copies = [a.copy() for a in (x, W, b, G)]
    out, cache = dense_relu_forward(x, W, b)
    out_copy = out.copy()
    dense_relu_backward(G, cache)
    for original, copy in zip((x, W, b, G), copies):
        np.testing.assert_array_equal(original, copy)
    np.testing.assert_array_equal(out, out_copy)


def test_graph_layer_does_not_mutate_its_inputs():
    args = graph_problem(0, 4, 3, 5, 2)
    copies = [a.copy() for a in args]
    graph_layer_loss(*args)
    graph_layer_grad_A(*args)
    for original, copy in zip(args, copies):
        np.testing.assert_array_equal(original, copy)


# --------------------------------------------------------------------- graph layer


def test_graph_layer_loss_is_half_squared_frobenius_norm():
    A, X, W0, W1, Y = graph_problem(3, 5, 2, 4, 3)
    E = A @ np.maximum(A @ X @ W0, 0) @ W1 - Y
    assert graph_layer_loss(A, X, W0, W1, Y) == pytest.approx(0.5 * np.sum(E**2), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=shapes, d=shapes, h=shapes, k=shapes)
# A gradient far smaller than the loss: gradient -1.7e-4, loss 2.3, difference 1.9e-10,
# which is 1.2e-6 of the gradient but within the round-off of the quotient.
@example(seed=212225, n=1, d=1, h=1, k=1)
def test_graph_layer_grad_A_matches_finite_differences(seed, n, d, h, k):
    A, X, W0, W1, Y = graph_problem(seed, n, d, h, k)
    assume(np.min(np.abs(A @ X @ W0)) > 1e-3)  # no pre-activation near the kink
    analytic = graph_layer_grad_A(A, X, W0, W1, Y)
    numeric = numerical_gradient(lambda a: graph_layer_loss(a, X, W0, W1, Y), A, h=H)
    assert analytic.shape == A.shape
    assert_matches_central_differences(analytic, numeric, graph_layer_loss(A, X, W0, W1, Y))


def test_graph_layer_grad_A_needs_both_paths():
    # Dropping either term of the gradient breaks agreement with finite differences.
    A, X, W0, W1, Y = graph_problem(7, 4, 3, 5, 2)
    Hm = A @ X @ W0
    R = np.maximum(Hm, 0)
    E = A @ R @ W1 - Y
    direct = E @ W1.T @ R.T
    through = ((A.T @ E @ W1.T) * relu_grad(Hm)) @ W0.T @ X.T
    numeric = numerical_gradient(lambda a: graph_layer_loss(a, X, W0, W1, Y), A, h=H)
    np.testing.assert_allclose(graph_layer_grad_A(A, X, W0, W1, Y), direct + through, rtol=1e-12)
    assert rel_err(direct + through, numeric) < 1e-6
    assert rel_err(direct, numeric) > 1e-2
    assert rel_err(through, numeric) > 1e-2


# ----------------------------------------------------------------------- bad input


def test_dense_forward_rejects_x_that_is_not_a_matrix():
    with pytest.raises(ValueError, match=r"x must be a 2-D array of shape \(batch, n_in\), got shape \(3,\)"):
        dense_relu_forward(np.ones(3), np.ones((3, 2)), np.ones(2))


def test_dense_forward_rejects_W_that_does_not_match_x():
    with pytest.raises(
        ValueError,
        match=r"W must have shape \(n_in, n_out\) = \(3, \.\.\.\) to match x of shape \(5, 3\), got \(4, 2\)",
    ):
        dense_relu_forward(np.ones((5, 3)), np.ones((4, 2)), np.ones(2))


def test_dense_forward_rejects_W_that_is_not_a_matrix():
    with pytest.raises(ValueError, match=r"W must be a 2-D array of shape \(n_in, n_out\), got shape \(3,\)"):
        dense_relu_forward(np.ones((5, 3)), np.ones(3), np.ones(2))


@pytest.mark.parametrize("bad_b", [np.ones(3), np.ones((1, 2)), 1.0])
def test_dense_forward_rejects_b_of_the_wrong_shape(bad_b):
    with pytest.raises(ValueError, match=r"b must have shape \(n_out,\) = \(2,\) to match W of shape \(3, 2\)"):
        dense_relu_forward(np.ones((5, 3)), np.ones((3, 2)), bad_b)


@pytest.mark.parametrize(
    ("name", "position"),
    [("x", 0), ("W", 1), ("b", 2)],
)
def test_dense_forward_rejects_non_real_arguments(name, position):
    args = [np.ones((2, 3)), np.ones((3, 2)), np.ones(2)]
    args[position] = args[position].astype(complex)
    with pytest.raises(TypeError, match=rf"{name} must be a real number or array of real numbers"):
        dense_relu_forward(*args)


def test_dense_forward_rejects_strings():
    with pytest.raises(TypeError, match="x must be a real number or array of real numbers, got str"):
        dense_relu_forward("x", np.ones((3, 2)), np.ones(2))


def test_dense_backward_rejects_grad_out_of_the_wrong_shape():
    _, cache = dense_relu_forward(np.ones((5, 3)), np.ones((3, 2)), np.ones(2))
    with pytest.raises(
        ValueError, match=r"grad_out must have shape \(batch, n_out\) = \(5, 2\).*got \(5, 3\)"
    ):
        dense_relu_backward(np.ones((5, 3)), cache)


def test_dense_backward_rejects_something_other_than_a_cache():
    with pytest.raises(TypeError, match="cache must be the DenseReluCache returned by dense_relu_forward, got tuple"):
        dense_relu_backward(np.ones((5, 2)), (np.ones((5, 3)), np.ones((3, 2)), np.ones((5, 2))))


def test_dense_backward_rejects_non_real_grad_out():
    _, cache = dense_relu_forward(np.ones((5, 3)), np.ones((3, 2)), np.ones(2))
    with pytest.raises(TypeError, match="grad_out must be a real number or array of real numbers"):
        dense_relu_backward(np.ones((5, 2), dtype=complex), cache)


@pytest.mark.parametrize(
    ("position", "shape", "message"),
    [
        (0, (4, 3), r"A must be a square 2-D array of shape \(n, n\), got shape \(4, 3\)"),
        (0, (4,), r"A must be a 2-D array of shape \(n, n\), got shape \(4,\)"),
        (1, (3, 3), r"X must have shape \(n, d\) = \(4, \.\.\.\) to match A of shape \(4, 4\), got \(3, 3\)"),
        (2, (2, 5), r"W0 must have shape \(d, h\) = \(3, \.\.\.\) to match X of shape \(4, 3\), got \(2, 5\)"),
        (3, (4, 2), r"W1 must have shape \(h, k\) = \(5, \.\.\.\) to match W0 of shape \(3, 5\), got \(4, 2\)"),
        (
            4,
            (4, 3),
            r"Y must have shape \(n, k\) = \(4, 2\) to match A of shape \(4, 4\) and W1 of shape \(5, 2\), "
            r"got \(4, 3\)",
        ),
    ],
)
def test_graph_layer_rejects_shapes_that_do_not_chain(position, shape, message):
    args = list(graph_problem(0, 4, 3, 5, 2))
    args[position] = np.ones(shape)
    with pytest.raises(ValueError, match=message):
        graph_layer_loss(*args)
    with pytest.raises(ValueError, match=message):
        graph_layer_grad_A(*args)


def test_graph_layer_rejects_non_real_A():
    args = list(graph_problem(0, 3, 2, 2, 2))
    args[0] = args[0].astype(complex)
    with pytest.raises(TypeError, match="A must be a real number or array of real numbers"):
        graph_layer_grad_A(*args)
