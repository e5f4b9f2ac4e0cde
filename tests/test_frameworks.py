"""The frameworks' rules at the kinks, executed against the frameworks themselves.

Every framework row of :data:`relu_book.conventions.CONVENTIONS` (the table of
chapter 3) is run with its framework at the exact kink, in float32 and
float64, and ``relu_book.generalized_relu`` is compared with
``keras.activations.relu`` (values, and gradients through JAX) on a grid that
contains the threshold, the cap, 0 and their floating-point neighbours.

None of the frameworks is a requirement of the book: without them these tests
are skipped, and with ``REQUIRE_FRAMEWORKS=1`` (as in CI) they fail instead.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from framework_imports import BY_TOOL, require

import relu_book as rb
from relu_book import autodiff as ad
from relu_book import conventions as cv

FRAMEWORK_ROWS = [r for r in cv.rows() if r.tool in cv.FRAMEWORKS]


def _row_id(row) -> str:
    return f"{row.tool}:{row.code}@{row.at:g}"


def test_every_framework_has_rows():
    assert {r.tool for r in FRAMEWORK_ROWS} == set(cv.FRAMEWORKS)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", FRAMEWORK_ROWS, ids=[_row_id(r) for r in FRAMEWORK_ROWS])
def test_framework_returns_the_tabulated_value_and_derivative_at_the_kink(row, dtype):
    require(BY_TOOL[row.tool])
    value, derivative = cv.evaluate(row, dtype)
    # Relative 1e-6, not exact: TensorFlow keeps leaky_relu's alpha as a float32
    # attribute, so even in float64 its derivative at 0 is float32(0.2). Every
    # other row agrees to the last bit of its dtype; the values differ by >= 0.2.
    assert value == pytest.approx(row.value, rel=1e-6, abs=0)
    assert derivative == pytest.approx(row.derivative, rel=1e-6, abs=0)


def test_relu_book_follows_pytorch_where_it_says_so():
    for name in ("relu", "relu6", "leaky_relu", "elu", "selu"):
        ours = {r.at: r.derivative for r in cv.rows(name, "relu_book")}
        torch_rows = {r.at: r.derivative for r in cv.rows(name, "PyTorch")}
        assert ours == torch_rows, name


def test_autodiff_of_relu_difference_is_zero_in_pytorch_and_jax_as_in_relu_book():
    torch = require("torch")
    jax = require("jax")
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (torch.relu(x) - torch.relu(-x)).backward()
    ours = float(ad.grad(lambda v: ad.relu(v) - ad.relu(-v), 0.0))
    theirs = float(jax.grad(lambda v: jax.nn.relu(v) - jax.nn.relu(-v))(0.0))
    assert x.grad.item() == 0.0 == ours == theirs


# ------------------------------------------- Keras's generalised ReLU, exactly

SLOPES = [0.0, 0.1, 0.3]
CAPS = [None, 6.0, 4.5, 0.5, 0.0]
THRESHOLDS = [0.0, 1.5, -1.0, 0.1, 6.0]
COMBOS = [(a, m, t) for a, m, t in itertools.product(SLOPES, CAPS, THRESHOLDS) if m is None or m >= max(t, 0.0)]


#: Points in every grid: its first point (-8) repeated up to this length, so that all grids
#: have one shape and JAX compiles each operation once for all cases (15.6 s -> 6.6 s).
GRID_SIZE = 192


def _grid(dtype, points):
    """A grid on [-8, 8] with the kinks and their nearest floating-point neighbours.

    XLA on the CPU flushes subnormal numbers to zero, so the neighbours of 0
    are the smallest normal numbers, not the subnormal ones.
    """
    tiny = np.finfo(dtype).tiny
    near = [np.nextafter(dtype(p), dtype(d)) for p in points for d in (-np.inf, np.inf)]
    near = [v if v == 0 or abs(v) >= tiny else np.copysign(tiny, v) for v in near]
    grid = np.concatenate([np.linspace(-8, 8, 161), np.asarray(points, dtype), np.asarray(near, dtype)])
    grid = np.unique(grid.astype(dtype))
    return np.concatenate([np.full(GRID_SIZE - grid.size, grid[0]), grid])


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(("negative_slope", "max_value", "threshold"), COMBOS)
def test_generalized_relu_equals_keras_relu_value_and_gradient(negative_slope, max_value, threshold, dtype):
    keras = require("keras")
    jax = require("jax")
    kw = {"negative_slope": negative_slope, "max_value": max_value, "threshold": threshold}
    x = _grid(dtype, [p for p in (threshold, 0.0, max_value) if p is not None])
    with jax.enable_x64(dtype == np.float64):
        value = np.asarray(keras.activations.relu(x, **kw))
        grad = np.asarray(jax.vmap(jax.grad(lambda v: keras.activations.relu(v, **kw)))(x))
    assert value.dtype == grad.dtype == dtype
    tiny = np.finfo(dtype).tiny

    def flush(v):  # XLA flushes subnormal results (e.g. 0.1 * tiny) to zero
        return np.where(np.abs(v) < tiny, 0, v)

    np.testing.assert_array_equal(flush(rb.generalized_relu(x, **kw)), value)
    np.testing.assert_array_equal(rb.generalized_relu_grad(x, **kw), grad)


def test_keras_documented_threshold_example():
    keras = require("keras")
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0], dtype=np.float32)
    expected = np.asarray(keras.activations.relu(x, threshold=5.0))
    np.testing.assert_array_equal(expected, [0, 0, 0, 0, 10])
    np.testing.assert_array_equal(rb.generalized_relu(x, threshold=5.0), expected)


def test_missing_framework_is_skipped_or_fails_under_require_frameworks(monkeypatch):
    monkeypatch.delenv("REQUIRE_FRAMEWORKS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require("no_such_framework_for_relu_book")
    monkeypatch.setenv("REQUIRE_FRAMEWORKS", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_FRAMEWORKS=1"):
        require("no_such_framework_for_relu_book")
