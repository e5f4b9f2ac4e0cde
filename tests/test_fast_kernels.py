"""The compiled float32 kernels (relu_book._fast) give the numbers of the float64 reference kernels.

relu_book._precise evaluates a float32 input in float64 with numpy and scipy
and rounds once; relu_book._fast does the same computation in numba with its
own vectorisable exp, log1p and normal tail, and serves float32 arrays of at
least _precise.FAST_MIN_SIZE elements. Here both are compared, float32 number
for float32 number, on every float32 binade (both signs, random mantissas),
the special values, and a grid on [-40, 40] (test_float32_accuracy.py checks
the fast kernels on its denser grid against the same reference, to 0.5 ulp), for
every kernel and for parameters other than the defaults too.
"""

from __future__ import annotations

import numpy as np
import pytest

import relu_book as rb
from relu_book import _fast, _precise

F32 = np.float32
SELU = (rb.SELU_ALPHA, rb.SELU_SCALE)
# kernel name -> parameter tuples (as relu_book.activations passes them)
PARAMS = {
    "sigmoid": [()],
    "sigmoid_grad": [()],
    "silu": [()],
    "silu_grad": [()],
    "softplus": [(1.0, 20.0), (0.5, 3.0), (3.0, np.inf)],
    "softplus_grad": [(1.0, 20.0), (0.5, 3.0), (3.0, np.inf)],
    "elu": [(1.0, 1.0), (0.3, 1.0), SELU],
    "elu_grad": [(1.0, 1.0), (0.3, 1.0), SELU],
    "gelu": [()],
    "gelu_grad": [()],
    "gelu_tanh": [()],
    "gelu_tanh_grad": [()],
}
CASES = [(name, args) for name, params in PARAMS.items() for args in params]


def _inputs() -> np.ndarray:
    rng = np.random.default_rng(20261201)
    # every binade of float32, subnormals included: 200 random mantissas each, both signs
    exponents = np.repeat(np.arange(-149, 128), 200)
    mantissas = rng.uniform(1, 2, exponents.size)
    binades = np.ldexp(mantissas, exponents).astype(F32)
    binades = np.concatenate([binades, -binades])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, np.finfo(F32).max, -np.finfo(F32).max,
                        np.finfo(F32).smallest_subnormal, -np.finfo(F32).smallest_subnormal, 20, -20, 88.7, -88.7,
                        103.9, -103.9, 1e4, -1e4, 1e13, -1e13], dtype=F32)
    grid = np.linspace(-40, 40, 400_001, dtype=np.float64).astype(F32)
    return np.concatenate([binades, special, grid])


X = _inputs()


def _reference(name, x, args):
    """relu_book._precise's float32 result: the float64 kernel, rounded once."""
    with np.errstate(all="ignore"):
        return getattr(_precise, name)(x.astype(np.float64), *args).astype(F32)


def test_the_tail_coefficients_are_the_ones_normal_tail_coefficients_computes():
    assert _fast.normal_tail_coefficients() == _fast.NORMAL_TAIL


@pytest.mark.parametrize(("name", "args"), CASES, ids=[f"{n}{a}" for n, a in CASES])
def test_fast_kernel_gives_the_float32_numbers_of_the_reference(name, args):
    ours = _fast.apply(name, X, *args)
    ref = _reference(name, X, args)
    assert ours.dtype == F32
    nan = np.isnan(ref)
    np.testing.assert_array_equal(np.isnan(ours), nan, err_msg=f"{name}{args}: NaN where the reference has none")
    differ = ours[~nan] != ref[~nan]
    assert not differ.any(), f"{name}{args}: differs at x = {X[~nan][differ][:5]}: {ours[~nan][differ][:5]}"


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [(rb.softplus, {"beta": 2.0}), (rb.softplus_grad, {}), (rb.elu, {"alpha": 0.5}), (rb.elu_grad, {}),
     (rb.selu, {}), (rb.selu_grad, {}), (rb.gelu, {}), (rb.gelu_grad, {}), (rb.gelu, {"approximate": "tanh"}),
     (rb.gelu_grad, {"approximate": "tanh"}), (rb.silu, {}), (rb.silu_grad, {}), (rb.sigmoid, {}),
     (rb.sigmoid_grad, {})],
)
def test_large_float32_arrays_agree_with_small_ones_and_keep_shape_and_input(func, kwargs):
    """Arrays of FAST_MIN_SIZE elements or more take the compiled path, smaller ones numpy's: same numbers."""
    rng = np.random.default_rng(7)
    base = (rng.standard_normal((2 * _precise.FAST_MIN_SIZE, 3)) * 6).astype(F32)
    base[::97, 1] = np.nan
    x = base[:, 1]  # a strided view: the kernels get a contiguous copy
    x_before = x.copy()
    big = func(x, **kwargs)
    assert big.dtype == F32 and big.shape == x.shape
    np.testing.assert_array_equal(x, x_before)  # the input is not modified
    pieces = np.concatenate([func(x[i : i + 1000], **kwargs) for i in range(0, x.size, 1000)])
    np.testing.assert_array_equal(big, pieces)
    x_before.setflags(write=False)
    np.testing.assert_array_equal(func(x_before, **kwargs), big)  # a read-only input
    matrix = func(x.reshape(-1, 2), **kwargs)
    assert matrix.shape == (x.size // 2, 2)
    np.testing.assert_array_equal(matrix.ravel(), big)
