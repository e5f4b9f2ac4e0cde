"""Float32 accuracy of the smooth activations and their derivatives.

Each function is evaluated on a dense float32 grid on [-40, 40] plus the
extremes, and compared with a float64 reference (the same formulas in
float64, themselves checked against mpmath at 50 digits on a subgrid). Two
claims are tested:

- the worst error in ulps stated in each function's docstring ("worst error
  0.5 ulp") holds, with or without PyTorch;
- at every grid point the error is no larger than the error of PyTorch's
  float32 kernel (forward, or autograd's backward) plus one ulp, and PyTorch's
  worst error is the one the docstring states.
"""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest
from framework_imports import require

import relu_book as rb
from relu_book import _precise

F32 = np.float32
GRID = np.unique(np.concatenate([
    np.linspace(-40, 40, 2_000_001, dtype=np.float64).astype(F32),
    (np.array([np.finfo(F32).max, np.finfo(F32).tiny, np.finfo(F32).smallest_subnormal, 1e-30, 1e-7, 88.7, 20.0,
              np.nextafter(F32(20), F32(21)), 1e3], dtype=F32) * np.array([[1], [-1]], dtype=F32)).ravel(),
    np.zeros(1, F32),
]).astype(F32))

SELU = (rb.SELU_ALPHA, rb.SELU_SCALE)
# name -> (function, float64 reference kernel, mpmath reference, PyTorch call)
CASES = {
    "softplus": (rb.softplus, lambda x: _precise.softplus(x, 1.0, 20.0),
                 lambda x: x if x > 20 else mpmath.log1p(mpmath.exp(x)), "F.softplus(t)"),
    "softplus_grad": (rb.softplus_grad, lambda x: _precise.softplus_grad(x, 1.0, 20.0),
                      lambda x: mpmath.mpf(1) if x > 20 else 1 / (1 + mpmath.exp(-x)), "F.softplus(t)"),
    "elu": (rb.elu, lambda x: _precise.elu(x, 1.0), lambda x: x if x > 0 else mpmath.expm1(x), "F.elu(t)"),
    "elu_grad": (rb.elu_grad, lambda x: _precise.elu_grad(x, 1.0),
                 lambda x: mpmath.mpf(1) if x > 0 else mpmath.exp(x), "F.elu(t)"),
    "selu": (rb.selu, lambda x: _precise.elu(x, *SELU),
             lambda x: SELU[1] * (x if x > 0 else SELU[0] * mpmath.expm1(x)), "F.selu(t)"),
    "selu_grad": (rb.selu_grad, lambda x: _precise.elu_grad(x, *SELU),
                  lambda x: SELU[1] * (1 if x > 0 else SELU[0] * mpmath.exp(x)), "F.selu(t)"),
    "gelu": (rb.gelu, _precise.gelu, lambda x: x * mpmath.ncdf(x), "F.gelu(t)"),
    "gelu_grad": (rb.gelu_grad, _precise.gelu_grad, lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x), "F.gelu(t)"),
    "gelu_tanh": (lambda x: rb.gelu(x, "tanh"), _precise.gelu_tanh,
                  lambda x: x * (1 + mpmath.tanh(_u(x))) / 2, "F.gelu(t, approximate='tanh')"),
    "gelu_tanh_grad": (lambda x: rb.gelu_grad(x, "tanh"), _precise.gelu_tanh_grad,
                       lambda x: (1 + mpmath.tanh(_u(x))) / 2
                       + x * (1 - mpmath.tanh(_u(x)) ** 2) / 2 * _du(x), "F.gelu(t, approximate='tanh')"),
    "silu": (rb.silu, _precise.silu, lambda x: x / (1 + mpmath.exp(-x)), "F.silu(t)"),
    "silu_grad": (rb.silu_grad, _precise.silu_grad,
                  lambda x: (1 + x * (1 - 1 / (1 + mpmath.exp(-x)))) / (1 + mpmath.exp(-x)), "F.silu(t)"),
}
DOCSTRING = {"softplus": rb.softplus, "softplus_grad": rb.softplus_grad, "elu": rb.elu, "elu_grad": rb.elu_grad,
             "selu": rb.selu, "selu_grad": rb.selu_grad, "gelu": rb.gelu, "gelu_grad": rb.gelu_grad,
             "gelu_tanh": rb.gelu, "gelu_tanh_grad": rb.gelu_grad, "silu": rb.silu, "silu_grad": rb.silu_grad}


def _u(x):
    return mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf(0.044715) * x**3)


def _du(x):
    return mpmath.sqrt(2 / mpmath.pi) * (1 + 3 * mpmath.mpf(0.044715) * x**2)


def _ulp32(ref: np.ndarray) -> np.ndarray:
    """The spacing of float32 numbers at |ref| (at least the smallest subnormal)."""
    with np.errstate(over="ignore"):
        mag = np.abs(ref).astype(F32)
    return np.spacing(np.minimum(mag, np.finfo(F32).max)).astype(np.float64)


def _representable(ref: np.ndarray) -> np.ndarray:
    """Where the reference is a finite number inside the float32 range."""
    return np.abs(ref) <= np.finfo(F32).max


def _ulp_errors(values, ref):
    with np.errstate(invalid="ignore", over="ignore"):
        return np.abs(np.asarray(values, dtype=np.float64) - ref) / _ulp32(ref)


def _documented(name):
    """(our worst error, PyTorch's worst error) in ulps, as the docstring states them."""
    tag = "tanh form: " if name.startswith("gelu_tanh") else ("exact form: " if name.startswith("gelu") else "")
    doc = " ".join(DOCSTRING[name].__doc__.split())
    m = re.search(rf"{tag}worst error ([0-9.]+) ulp \(PyTorch 2\.13: ([0-9.e+]+) ulp", doc)
    assert m, f"{name}: no accuracy statement ({tag}worst error ...) in the docstring"
    return float(m.group(1)), float(m.group(2))


@pytest.mark.parametrize("name", list(CASES))
def test_float64_reference_agrees_with_mpmath(name):
    _, kernel, exact, _ = CASES[name]
    xs = np.concatenate([np.linspace(-40, 40, 1601).astype(F32), GRID[:9], GRID[-9:]]).astype(np.float64)
    with mpmath.workdps(50):
        truth = np.array([float(exact(mpmath.mpf(float(v)))) for v in xs])
    finite = np.isfinite(truth) & (np.abs(truth) < np.finfo(F32).max)
    err = _ulp_errors(kernel(xs), truth)[finite]
    assert err.max() < 1e-3, f"{name}: the float64 reference is off by {err.max():.2e} ulp of float32"


@pytest.mark.parametrize("name", list(CASES))
def test_worst_float32_error_is_the_documented_one(name):
    f, kernel, _, _ = CASES[name]
    ref = kernel(GRID.astype(np.float64))
    ours = f(GRID)
    assert ours.dtype == F32
    finite = _representable(ref)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(ours[~finite], ref[~finite].astype(F32))  # overflow: inf
    worst = _ulp_errors(ours, ref)[finite].max()
    assert worst <= _documented(name)[0] + 1e-6


@pytest.mark.parametrize("name", list(CASES))
def test_float32_error_is_at_most_pytorch_error_plus_one_ulp_at_every_point(name):
    torch = require("torch")
    F = torch.nn.functional
    f, kernel, _, call = CASES[name]
    ref = kernel(GRID.astype(np.float64))
    t = torch.tensor(GRID, requires_grad=True)
    y = eval(call, {"F": F, "t": t})
    if name.endswith("_grad"):
        (theirs,) = torch.autograd.grad(y.sum(), t)
    else:
        theirs = y.detach()
    theirs = theirs.numpy()
    finite = _representable(ref)
    ours_err = _ulp_errors(f(GRID), ref)[finite]
    torch_err = _ulp_errors(theirs, ref)[finite]
    worse = ours_err > torch_err + 1
    assert not worse.any(), f"{name}: worse than PyTorch + 1 ulp at x = {GRID[finite][worse][:5]}"
    # PyTorch's tanh-form backward returns NaN for |x| >= 1e13 (x**3 overflows): nanmax
    assert float(f"{np.nanmax(torch_err):.3g}") == pytest.approx(_documented(name)[1], rel=1e-9)
