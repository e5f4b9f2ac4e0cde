"""Tests of relu_book.floating_point: data, exact accumulation, the precision experiment."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book.floating_point import (
    _FORMAT_16BIT,
    PRECISIONS,
    _matmul,
    _matmul_reference,
    _rounding_16bit,
    exact_zero_example,
    init_mlp,
    matmul_in,
    mlp_gradients,
    precision_run,
    precision_runs,
    synthetic_digits,
)
from relu_book.numerics import gradient_check


def _reference_matmul(a, b, dtype):
    """The definition of matmul_in, one scalar operation at a time, in numpy's own arithmetic of dtype."""
    a = np.asarray(a).astype(dtype)
    b = np.asarray(b).astype(dtype)
    out = np.zeros((a.shape[0], b.shape[1]), dtype=dtype)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            acc = dtype.type(0)
            for k in range(a.shape[1]):
                acc = dtype.type(acc + dtype.type(a[i, k] * b[k, j]))
            out[i, j] = acc
    return out


# ----------------------------------------------------------------------- data


def test_synthetic_digits_are_quantised_to_multiples_of_one_over_255():
    X, _ = synthetic_digits(64, seed=3)
    k = X * 255
    assert np.array_equal(np.round(k), k)
    assert X.min() == 0.0 and X.max() == 1.0


def test_synthetic_digits_are_mostly_exact_zeros_like_mnist():
    X, _ = synthetic_digits(256, seed=0)
    zero_fraction = float(np.mean(X == 0))
    assert 0.75 < zero_fraction < 0.9


def test_synthetic_digits_have_ten_classes_and_are_reproducible():
    X1, y1 = synthetic_digits(200, seed=5)
    X2, y2 = synthetic_digits(200, seed=5)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert set(np.unique(y1)) == set(range(10))
    assert not np.array_equal(X1, synthetic_digits(200, seed=6)[0])


def test_synthetic_digits_border_is_background():
    X, _ = synthetic_digits(128, seed=1)
    images = X.reshape(-1, 28, 28)
    assert np.all(images[:, 0, :] == 0) and np.all(images[:, :, -1] == 0)


@pytest.mark.parametrize(
    "bad, exc, msg", [(0, ValueError, "n must be >= 1, got 0"), (2.5, TypeError, "n must be an integer, got float")]
)
def test_synthetic_digits_bad_n_is_refused(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        synthetic_digits(bad)


def test_synthetic_digits_negative_seed_is_refused():
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        synthetic_digits(4, seed=-1)


# ----------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_matmul_in_equals_scalar_reference_bit_for_bit(name):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 40)) * (rng.random((3, 40)) < 0.5)
    b = rng.normal(size=(40, 4))
    dt = PRECISIONS[name]
    got = matmul_in(a, b, name)
    assert got.dtype == dt
    assert np.array_equal(got.view(np.uint8), _reference_matmul(a, b, dt).view(np.uint8))


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_16bit_rounding_in_float32_equals_the_conversion(name):
    """The (x + M) - M rounding of _matmul against astype, on normal, subnormal, tie and boundary values."""
    dt = PRECISIONS[name]
    p, emin = _FORMAT_16BIT[dt]
    rng = np.random.default_rng(7)
    finite_max = float(ml_dtypes.finfo(dt).max)
    top = min(finite_max, 2.0**60)
    x = np.concatenate([
        rng.standard_normal(20000) * 10.0 ** rng.uniform(-12, np.log10(top) - 1, 20000),
        rng.uniform(-(2.0**emin), 2.0**emin, 20000),  # the subnormals of the 16-bit format
        (rng.integers(-(2**12), 2**12, 20000) + 0.5) * 2.0 ** (emin - p + 1),  # ties between subnormals
        (2.0**p + rng.integers(0, 2**p, 2000) + 0.5) * 2.0 ** rng.integers(emin - p, 0, 2000),  # ties of normals
        [0.0, -0.0, 2.0**emin, -(2.0**emin), top, -top],
    ]).astype(np.float32)
    # _matmul's bound excludes an overflow, and values from 2^(103 + p) on (where M would overflow)
    x = x[np.isfinite(x.astype(dt).astype(np.float32)) & (np.abs(x) < 2.0 ** (103 + p))]
    expected = x.astype(dt).astype(np.float32)
    got = x.copy()
    _rounding_16bit(got, p, emin, np.empty(got.shape, dtype=np.uint32))()
    assert np.array_equal(got, expected)  # -0.0 comes out as +0.0, which a running sum never is
    nonzero = expected != 0
    assert np.array_equal(got[nonzero].view(np.uint32), expected[nonzero].view(np.uint32))


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_matmul_in_stack_equals_the_loop_definition_bit_for_bit(name):
    rng = np.random.default_rng(3)
    dt = PRECISIONS[name]
    a = (rng.normal(size=(4, 6, 50)) * (rng.random((4, 6, 50)) < 0.3) * 10.0 ** rng.uniform(-6, 1)).astype(dt)
    b = (rng.normal(size=(4, 50, 5)) * (rng.random((4, 50, 5)) < 0.7)).astype(dt)
    a[1, 2] = 0  # a zero row in one matrix only
    got = _matmul(a, b, dt, dt)
    for s in range(4):
        assert np.array_equal(got[s].view(np.uint8), _matmul_reference(a[s], b[s], dt, dt).view(np.uint8))
        assert np.array_equal(got[s].view(np.uint8), _reference_matmul(a[s], b[s], dt).view(np.uint8))


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_matmul_in_overflow_and_infinities_follow_the_definition(name):
    dt = PRECISIONS[name]
    big = float(ml_dtypes.finfo(dt).max)
    a = np.array([[big, big, -big], [1.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    b = np.array([[1.0], [1.0], [1.0]])
    with np.errstate(over="ignore"):  # the overflow warns, as numpy's own float16 arithmetic does
        got = matmul_in(a, b, name)
        ref = _reference_matmul(a, b, dt)
    assert np.array_equal(got.view(np.uint8), ref.view(np.uint8))
    assert np.isinf(got[0, 0])
    with np.errstate(invalid="ignore", over="ignore"):
        a_inf = np.array([[np.inf, 1.0], [0.0, 1.0]])
        got = matmul_in(a_inf, np.array([[1.0], [0.0]]), name)
        ref = _reference_matmul(a_inf, np.array([[1.0], [0.0]]), dt)
    assert np.array_equal(got, ref, equal_nan=True)


def test_matmul_in_float64_agrees_with_blas_to_rounding():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 30)), rng.normal(size=(30, 6))
    np.testing.assert_allclose(matmul_in(a, b, "float64"), a @ b, rtol=1e-12, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=255), min_size=12, max_size=12), st.integers(0, 2**31 - 1))
def test_matmul_in_float16_matches_numpys_own_half_arithmetic(pixels, seed):
    x = np.array(pixels, dtype=np.float64).reshape(1, 12) / 255
    w = np.random.default_rng(seed).uniform(-0.3, 0.3, size=(12, 2))
    ref = _reference_matmul(x, w, np.dtype(np.float16))
    assert np.array_equal(matmul_in(x, w, np.float16), ref)


def test_matmul_in_float32_accumulation_keeps_small_terms_that_float16_loses():
    a = np.array([[1.0, 2.0**-11, 2.0**-11]])
    b = np.ones((3, 1))
    assert float(matmul_in(a, b, "float16")[0, 0]) == 1.0
    assert float(matmul_in(a, b, "float16", accumulate="float32")[0, 0]) == 1.0 + 2.0**-10


def test_matmul_in_does_not_mutate_inputs():
    a = np.array([[0.5, 0.25]])
    b = np.array([[2.0], [4.0]])
    a0, b0 = a.copy(), b.copy()
    matmul_in(a, b, "bfloat16")
    assert np.array_equal(a, a0) and np.array_equal(b, b0)


def test_matmul_in_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"a and b must be matrices of shapes \(m, k\) and \(k, n\)"):
        matmul_in(np.ones((2, 3)), np.ones((2, 3)), "float32")


def test_matmul_in_unknown_precision_is_refused():
    with pytest.raises(
        ValueError, match="dtype must be one of 'float64', 'float32', 'float16', 'bfloat16', got 'float8'"
    ):
        matmul_in(np.ones((1, 1)), np.ones((1, 1)), "float8")
    with pytest.raises(ValueError, match="dtype must be one of"):
        matmul_in(np.ones((1, 1)), np.ones((1, 1)), np.int32)


# -------------------------------------------------------------------- network


def test_init_mlp_draws_within_pytorch_bounds_in_the_requested_dtype():
    params = init_mlp((100, 20, 5), "bfloat16", seed=2)
    for (W, b), fan_in in zip(params, (100, 20)):
        assert W.dtype == ml_dtypes.bfloat16 and b.dtype == ml_dtypes.bfloat16
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(W.astype(np.float64)).max() <= bound * (1 + 2**-8)


def test_init_mlp_needs_two_sizes():
    with pytest.raises(ValueError, match="sizes must list at least 2 layer widths, got 1"):
        init_mlp((4,), "float32")


def test_mlp_gradients_match_central_differences_in_float64():
    rng = np.random.default_rng(0)
    params = init_mlp((6, 5, 3), "float64", seed=1)
    X = rng.normal(size=(4, 6))
    Y = rng.normal(size=(4, 3))
    grads, zs = mlp_gradients(params, X, Y, "float64")
    assert np.all(zs[0] != 0)
    W0, b0 = params[0]

    def loss(w_flat):
        p = [(w_flat.reshape(W0.shape), b0), params[1]]
        h = np.maximum(X @ p[0][0] + p[0][1], 0)
        out = h @ p[1][0] + p[1][1]
        return 0.5 * np.sum((out - Y) ** 2) / X.shape[0]

    check = gradient_check(loss, grads[0][0].ravel(), W0.ravel())
    assert check.passed(tol=1e-6, atol=1e-9), str(check)


def test_mlp_gradients_depend_on_relu_prime_zero_only_through_exact_zeros():
    params = init_mlp((3, 2, 1), "float64", seed=0)
    W, b = params[0]
    X = np.array([[1.0, 0.0, 0.0]])
    params[0] = (W, -W[0].copy())  # unit pre-activations are exactly 0 for this input
    g0, zs = mlp_gradients(params, X, np.ones((1, 1)), "float64", at_zero=0.0)
    g1, _ = mlp_gradients(params, X, np.ones((1, 1)), "float64", at_zero=1.0)
    assert np.all(zs[0] == 0)
    assert np.all(g0[0][0] == 0) and np.any(g1[0][0] != 0)


# ----------------------------------------------------------------- experiment


def test_precision_run_finds_no_exact_zeros_in_float64():
    run = precision_run("float64", seed=0, steps=4)
    assert run.zeros.sum() == 0 and not run.affected.any()
    assert run.precision == "float64" and run.pre_activations == 32 * 64


def test_precision_run_finds_exact_zeros_in_bfloat16_and_they_change_the_gradient():
    run = precision_run("bfloat16", seed=0, steps=8)
    assert run.zeros.sum() > 0
    assert run.affected.any()
    assert not np.any(run.affected & (run.zeros == 0))


def test_precision_run_is_reproducible_bit_for_bit():
    a = precision_run("float16", seed=1, steps=6)
    b = precision_run("float16", seed=1, steps=6)
    assert np.array_equal(a.zeros, b.zeros) and np.array_equal(a.affected, b.affected)


@pytest.mark.parametrize("name, accumulate", [("float16", None), ("bfloat16", None), ("float32", None),
                                              ("float16", "float32")])
def test_precision_runs_equal_one_precision_run_per_seed(name, accumulate):
    kwargs = {"steps": 8, "accumulate": accumulate}
    runs = precision_runs(name, [1, 0, 1], **kwargs)
    assert [r.seed for r in runs] == [1, 0, 1]
    for r in runs:
        one = precision_run(name, r.seed, **kwargs)
        assert r.precision == one.precision and r.pre_activations == one.pre_activations
        assert np.array_equal(r.zeros, one.zeros) and np.array_equal(r.affected, one.affected)
    if name == "bfloat16":  # the case that matters: exact zeros, and minibatches they affect
        assert sum(r.zeros.sum() for r in runs) > 0 and any(r.affected.any() for r in runs)


def test_precision_runs_bad_seeds_are_refused():
    with pytest.raises(ValueError, match="seeds must not be empty|seeds"):
        precision_runs("float32", [])
    with pytest.raises(ValueError, match="each entry of seeds must be >= 0, got -1"):
        precision_runs("float32", [0, -1])


def test_synthetic_digits_returns_fresh_arrays():
    X, y = synthetic_digits(8, seed=2)
    X[:] = 7.0
    y[:] = 3
    X2, y2 = synthetic_digits(8, seed=2)
    assert X2.max() == 1.0 and X2.flags.writeable and not np.all(y2 == 3)


def test_precision_run_names_the_accumulation_precision():
    run = precision_run("float16", seed=0, steps=1, accumulate="float32")
    assert run.precision == "float16 (accumulate float32)"


@pytest.mark.parametrize(
    "kwargs, msg", [({"steps": 0}, "steps must be >= 1, got 0"), ({"lr": 0.0}, "lr must be > 0.0")]
)
def test_precision_run_bad_arguments_are_refused(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        precision_run("float32", **kwargs)


def test_exact_zero_example_is_a_rounding_coincidence():
    ez = exact_zero_example("float16", seed=0)
    assert ez is not None
    assert ez.computed == 0.0 and ez.product == -ez.bias
    assert ez.exact != 0.0
    # the exact value is within the accumulated rounding error, a few spacings at the largest partial sum
    assert abs(ez.product - ez.exact_product) == pytest.approx(abs(ez.exact), rel=1e-12)
    assert abs(ez.exact) < 10 * ez.spacing


def test_exact_zero_example_in_float64_finds_none():
    assert exact_zero_example("float64", seed=0) is None
