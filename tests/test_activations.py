"""Tests of relu_book.activations: values, kink conventions, properties, bad input."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from framework_imports import require
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relu_book as rb
from relu_book import activations as act
from relu_book import registry
from relu_book._validation import ML_FLOAT_DTYPES, as_float_array

FLOAT_DTYPES = [np.float16, np.float32, np.float64]
# The low-precision floats of ml_dtypes: kept by as_float_array and every activation.
ML_DTYPES = [ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2]


def _case_id(name, params):
    return name + "".join(f"-{k}={v}" for k, v in params.items())


def _case(spec, params):
    f, g = spec.numeric(**params)
    return (_case_id(spec.name, params), f, g, {}, spec.kinks_at(**params))


# Every (name, function, derivative, keyword arguments, {kink: derivative there})
# the tests sweep: each registry entry at its defaults and at its examples.
CASES = [_case(spec, params) for spec in registry.REGISTRY for params in spec.cases()]
IDS = [c[0] for c in CASES]
#: Case id -> the parameters bound into its functions.
PARAMS = {_case_id(spec.name, params): params for spec in registry.REGISTRY for params in spec.cases()}


def _central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------------------ values


def test_relu_is_max_of_zero_and_x():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(rb.relu(x), [0.0, 0.0, 0.0, 0.5, 2.0])


def test_relu_grad_is_one_on_positive_side_and_zero_on_negative_side():
    x = np.array([-3.0, -1e-300, 1e-300, 3.0])
    np.testing.assert_array_equal(rb.relu_grad(x), [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("c", [0.0, 0.25, 0.5, 1.0])
def test_relu_grad_at_zero_returns_the_chosen_value(c):
    np.testing.assert_array_equal(rb.relu_grad([-1.0, 0.0, -0.0, 1.0], at_zero=c), [0.0, c, c, 1.0])


def test_scalar_input_gives_scalar_output():
    out = rb.relu(-2)
    assert np.ndim(out) == 0 and float(out) == 0.0 and out.dtype == np.float64


@pytest.mark.parametrize("dtype", sorted(ML_FLOAT_DTYPES, key=str), ids=str)
def test_as_float_array_keeps_every_ml_dtypes_float_without_copying(dtype):
    x = np.array([-1.5, 0.0, 2.0], dtype=dtype)
    out = as_float_array(x)
    assert out is x and out.dtype == dtype


def test_as_float_array_refuses_the_ml_dtypes_integers():
    with pytest.raises(TypeError, match="x must be a real number or array of real numbers, got an array of dtype int4"):
        as_float_array(np.array([1, 2], dtype=ml_dtypes.int4))


def test_list_and_integer_inputs_become_float64():
    assert rb.relu([1, -1]).dtype == np.float64
    assert rb.relu_grad(np.array([1, -1], dtype=np.int32)).dtype == np.float64


def test_leaky_relu_grad_is_slope_on_negative_side():
    np.testing.assert_allclose(rb.leaky_relu_grad([-5.0, -1e-3], negative_slope=0.07), [0.07, 0.07])


def test_leaky_relu_with_slope_above_one_is_min_of_x_and_alpha_x():
    x = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(rb.leaky_relu(x, negative_slope=3.0), np.minimum(x, 3.0 * x))


def test_leaky_relu_with_slope_below_one_is_max_of_x_and_alpha_x():
    x = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(rb.leaky_relu(x, negative_slope=0.2), np.maximum(x, 0.2 * x))


def test_prelu_grad_weight_is_min_of_zero_and_x():
    x = np.array([-2.0, -0.5, 0.0, 1.0])
    gx, gw = rb.prelu_grad(x, 0.25)
    np.testing.assert_array_equal(gw, np.minimum(0, x))
    np.testing.assert_array_equal(gx, [0.25, 0.25, 0.25, 1.0])


def test_prelu_channelwise_weight_broadcasts_over_rows():
    x = np.array([[-1.0, -1.0], [2.0, -3.0]])
    w = np.array([0.1, 0.5])
    np.testing.assert_allclose(rb.prelu(x, w), [[-0.1, -0.5], [2.0, -1.5]])
    gx, gw = rb.prelu_grad(x, w)
    np.testing.assert_allclose(gx, [[0.1, 0.5], [1.0, 0.5]])
    np.testing.assert_allclose(gw, [[-1.0, -1.0], [0.0, -3.0]])


def test_prelu_propagates_a_diverged_slope_like_a_nan_input():
    x = np.array([-2.0, 0.0, 3.0])
    y = rb.prelu(x, np.inf)
    assert y[0] == -np.inf and np.isnan(y[1]) and y[2] == 3.0  # 0 * inf is nan
    gx, gw = rb.prelu_grad(x, np.nan)
    assert np.isnan(gx[0]) and np.isnan(gx[1]) and gx[2] == 1.0
    np.testing.assert_array_equal(gw, [-2.0, 0.0, 0.0])


def test_prelu_takes_one_slope_per_unit_or_per_channel_in_the_dtype_of_x():
    x = np.arange(-12.0, 12.0).reshape(2, 3, 4).astype(np.float32)
    for w in (np.float64(0.2), np.full(4, 0.2), np.full((3, 1), 0.2), np.full((1, 3, 1), 0.2)):
        y = rb.prelu(x, w)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y, np.where(x > 0, x, np.float32(0.2) * x))


def test_prelu_slope_gradient_matches_finite_difference():
    x = np.array([-1.5, -0.2, 0.7])
    a, h = 0.3, 1e-6
    numeric = (rb.prelu(x, a + h) - rb.prelu(x, a - h)) / (2 * h)
    np.testing.assert_allclose(rb.prelu_grad(x, a)[1], numeric, atol=1e-9)


def test_rrelu_eval_slope_is_mean_of_bounds_11_over_48_by_default():
    assert rb.rrelu_slopes([-1.0])[0] == pytest.approx(11 / 48)


def test_rrelu_training_slopes_lie_in_bounds_and_depend_on_seed():
    x = -np.ones(1000)
    s1 = rb.rrelu_slopes(x, training=True, rng=1)
    s2 = rb.rrelu_slopes(x, training=True, rng=np.random.default_rng(1))
    s3 = rb.rrelu_slopes(x, training=True, rng=2)
    assert np.all((s1 >= 1 / 8) & (s1 <= 1 / 3))
    np.testing.assert_array_equal(s1, s2)
    assert not np.array_equal(s1, s3)
    assert s1.std() > 0.03  # really random, not constant


def test_rrelu_grad_equals_forward_slopes():
    x = np.array([-2.0, 0.0, 3.0, -1.0])
    out, slopes = rb.rrelu(x, training=True, rng=5, return_slopes=True)
    np.testing.assert_array_equal(rb.rrelu_grad(x, slopes=slopes), slopes)
    np.testing.assert_array_equal(rb.rrelu_grad(x, training=True, rng=5), slopes)
    np.testing.assert_allclose(out, x * slopes)
    assert slopes[2] == 1.0


def test_generalized_relu_defaults_are_relu():
    x = np.linspace(-4, 4, 81)
    np.testing.assert_array_equal(rb.generalized_relu(x), rb.relu(x))
    np.testing.assert_array_equal(rb.generalized_relu_grad(x), rb.relu_grad(x))


def test_generalized_relu_with_max_value_six_is_relu6():
    x = np.linspace(-4, 10, 141)
    np.testing.assert_array_equal(rb.generalized_relu(x, max_value=6), rb.relu6(x))
    np.testing.assert_array_equal(rb.generalized_relu_grad(x, max_value=6), rb.relu6_grad(x))


def test_generalized_relu_with_negative_slope_is_leaky_relu_with_jax_rule_at_zero():
    x = np.linspace(-4, 4, 81)
    np.testing.assert_allclose(rb.generalized_relu(x, negative_slope=0.3), rb.leaky_relu(x, 0.3))
    away = x != 0
    np.testing.assert_array_equal(
        rb.generalized_relu_grad(x, negative_slope=0.3)[away], rb.leaky_relu_grad(x, 0.3)[away]
    )
    # Keras calls jax.nn.leaky_relu, where(x >= 0, x, a x): slope 1 at 0 (PyTorch: a)
    assert float(rb.generalized_relu_grad(0.0, negative_slope=0.3)) == 1.0


def test_generalized_relu_matches_keras_documented_examples():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_allclose(rb.generalized_relu(x, negative_slope=0.5), [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(rb.generalized_relu(x, max_value=5.0), [0, 0, 0, 5, 5])
    np.testing.assert_array_equal(rb.generalized_relu(x, threshold=5.0), [0, 0, 0, 0, 10])  # x > 5 strictly
    # keras.layers.ReLU documentation: threshold=1.5 on [-3, -1, 1, 2]
    np.testing.assert_allclose(rb.generalized_relu([-3.0, -1.0, 1.0, 2.0], threshold=1.5), [0, 0, 0, 2])


def test_generalized_relu_jumps_just_after_nonzero_threshold():
    t = 1.5
    at = rb.generalized_relu(t, threshold=t)
    right = rb.generalized_relu(np.nextafter(t, np.inf), threshold=t)
    assert at == 0.0 and right == pytest.approx(t)


def test_softplus_error_to_relu_is_log2_over_beta_at_zero():
    for beta in [1.0, 4.0, 50.0]:
        x = np.linspace(-5, 5, 2001)
        err = np.asarray(rb.softplus(x, beta=beta, threshold=np.inf)) - rb.relu(x)
        assert err.max() == pytest.approx(math.log(2) / beta)
        assert x[np.argmax(err)] == 0.0


def test_softplus_switches_to_identity_above_threshold_as_pytorch():
    assert rb.softplus(21.0) == 21.0
    assert rb.softplus_grad(21.0) == 1.0
    assert rb.softplus(19.0) == pytest.approx(math.log1p(math.exp(19.0)))


def test_selu_constants_match_pytorch():
    assert pytest.approx(1.6732632423543772) == act.SELU_ALPHA
    assert pytest.approx(1.0507009873554805) == act.SELU_SCALE


def test_gelu_tanh_form_is_close_to_exact_form():
    x = np.linspace(-6, 6, 1201)
    assert np.max(np.abs(rb.gelu(x) - rb.gelu(x, approximate="tanh"))) < 5e-4


def test_sigmoid_grad_is_at_most_a_quarter():
    x = np.linspace(-10, 10, 2001)
    assert rb.sigmoid_grad(x).max() == pytest.approx(0.25)


# -------------------------------------------------------------- kink values


@pytest.mark.parametrize(
    ("grad", "x", "expected"),
    [
        (lambda x: rb.relu_grad(x), 0.0, 0.0),  # torch.relu backward: grad * (out > 0)
        (lambda x: rb.leaky_relu_grad(x, 0.2), 0.0, 0.2),  # torch: x > 0 ? 1 : slope
        (lambda x: rb.prelu_grad(x, 0.3)[0], 0.0, 0.3),
        (lambda x: rb.prelu_grad(x, 0.3)[1], 0.0, 0.0),
        (lambda x: rb.rrelu_grad(x, lower=0.1, upper=0.3), 0.0, 0.2),
        (lambda x: rb.relu6_grad(x), 0.0, 0.0),  # hardtanh backward: strict inequalities
        (lambda x: rb.relu6_grad(x), 6.0, 0.0),
        (lambda x: rb.generalized_relu_grad(x, negative_slope=0.1, max_value=3.0, threshold=1.0), 1.0, 0.0),  # Keras
        (lambda x: rb.generalized_relu_grad(x, negative_slope=0.1, max_value=3.0, threshold=1.0), 3.0, 0.5),  # jnp.clip
        (lambda x: rb.generalized_relu_grad(x, max_value=6.0), 6.0, 0.0),  # Keras calls jax.nn.relu6
        (lambda x: rb.elu_grad(x, alpha=2.0), 0.0, 2.0),  # torch elu backward: x <= 0 branch
        (lambda x: rb.selu_grad(x), 0.0, act.SELU_SCALE * act.SELU_ALPHA),
        (lambda x: rb.softplus_grad(x), 20.0, 1 / (1 + math.exp(-20.0))),  # at threshold: smooth branch
    ],
)
def test_documented_kink_value(grad, x, expected):
    assert float(grad(x)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
def test_derivative_at_each_recorded_kink_is_the_value_the_registry_records(name, f, g, kw, kinks):
    for k, value in kinks.items():
        assert float(g(np.float64(k), **kw)) == pytest.approx(value, rel=1e-12, abs=1e-15), (name, k)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
def test_kink_value_is_between_one_sided_derivatives_or_at_a_slope(name, f, g, kw, kinks):
    """At each kink the convention is one of the one-sided slopes (a valid choice for autodiff)."""
    h = 1e-7
    for k in kinks:
        params = PARAMS[name]
        t = float(params.get("threshold", 0))
        if name.startswith("generalized_relu") and t != 0 and k == t:
            # a jump: no derivative at all; Keras's slope there is 0 (tested above)
            continue
        if name.startswith("generalized_relu") and k == 0 == t and params.get("max_value") is not None and params.get(
            "negative_slope"
        ):
            # autodiff of Keras's composite code gives 0, outside [alpha, 1] (tested above)
            assert float(g(k, **kw)) == 0.0
            continue
        left = float(g(k - h, **kw))
        right = float(g(k + h, **kw))
        at = float(g(k, **kw))
        assert min(left, right) - 1e-6 <= at <= max(left, right) + 1e-6, (name, k, left, at, right)


# --------------------------------------------------- properties (hypothesis)

finite_floats = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(x=st.floats(min_value=-8, max_value=8, allow_nan=False))
def test_derivative_equals_central_difference_away_from_kinks(name, f, g, kw, kinks, x):
    if any(abs(x - k) < 1e-3 for k in kinks):
        return
    fx = lambda t: np.asarray(f(np.float64(t), **kw), dtype=np.float64)  # noqa: E731
    numeric = float(_central(fx, x))
    assert float(g(np.float64(x), **kw)) == pytest.approx(numeric, abs=2e-6, rel=1e-6)


@settings(max_examples=100, deadline=None)
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite_floats),
       c=st.floats(min_value=0, max_value=1e3))
def test_relu_is_positively_homogeneous(x, c):
    np.testing.assert_allclose(rb.relu(c * x), c * rb.relu(x), rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite_floats))
def test_relu_is_idempotent(x):
    np.testing.assert_array_equal(rb.relu(rb.relu(x)), rb.relu(x))


@settings(max_examples=100, deadline=None)
@given(x=hnp.arrays(np.float64, 20, elements=finite_floats), y=hnp.arrays(np.float64, 20, elements=finite_floats),
       t=st.floats(min_value=0, max_value=1))
def test_relu_is_convex(x, y, t):
    lhs = rb.relu(t * x + (1 - t) * y)
    rhs = t * rb.relu(x) + (1 - t) * rb.relu(y)
    assert np.all(lhs <= rhs + 1e-9)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_dtype_and_shape_are_preserved(name, f, g, kw, kinks, dtype, data):
    x = data.draw(hnp.arrays(dtype, hnp.array_shapes(max_dims=3, max_side=4),
                             elements=st.floats(-100, 100, width=16)))
    y, d = np.asarray(f(x, **kw)), np.asarray(g(x, **kw))
    assert y.dtype == dtype and d.dtype == dtype
    assert y.shape == x.shape and d.shape == x.shape


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", ML_DTYPES, ids=lambda d: np.dtype(d).name)
def test_low_precision_ml_dtypes_are_preserved_and_values_rounded_from_float32(name, f, g, kw, kinks, dtype):
    x = np.array([-7.0, -1.5, -0.25, 0.0, 0.5, 1.0, 3.0, 7.0], dtype=dtype)
    before = x.copy()
    y, d = np.asarray(f(x, **kw)), np.asarray(g(x, **kw))
    assert y.dtype == dtype and d.dtype == dtype and y.shape == x.shape
    np.testing.assert_array_equal(x, before)
    # the same inputs in float32, rounded to the low precision, within its spacing
    x32 = x.astype(np.float32)
    for low, ref in ((y, f(x32, **kw)), (d, g(x32, **kw))):
        ref = np.asarray(ref, dtype=np.float32)
        tol = 2 * float(ml_dtypes.finfo(dtype).eps) * np.maximum(np.abs(ref), 1)
        assert np.all(np.abs(low.astype(np.float32) - ref) <= tol), (name, low, ref)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
def test_input_is_not_modified(name, f, g, kw, kinks):
    x = np.array([-3.0, -0.0, 0.0, 2.0, 7.0, np.nan])
    before = x.copy()
    f(x, **kw)
    g(x, **kw)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(("name", "f", "g", "kw", "kinks"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_large_inputs_and_nan_in_gives_nan_out(name, f, g, kw, kinks, dtype):
    x = np.array([-1e4, -1e3, -30.0, 30.0, 1e3, 1e4, np.nan], dtype=dtype)
    with np.errstate(over="raise", divide="raise"):  # underflow to 0 is harmless
        y, d = np.asarray(f(x, **kw)), np.asarray(g(x, **kw))
    assert np.all(np.isfinite(y[:-1])) and np.all(np.isfinite(d[:-1]))
    assert np.isnan(y[-1]) and np.isnan(d[-1])


# ------------------------------------------------------------------ bad input

BAD_INPUT = [
    (lambda: rb.relu(None), TypeError, "x must be a real number"),
    (lambda: rb.relu("1.0"), TypeError, "x must be a real number or array.*str"),
    (lambda: rb.relu(np.array([1 + 2j])), TypeError, "dtype complex128"),
    (lambda: rb.relu([[1.0], [1.0, 2.0]]), TypeError, "x must be a real number"),
    (lambda: rb.relu(np.array(["a"])), TypeError, "dtype <U1"),
    (lambda: rb.relu_grad(1.0, at_zero=2.0), ValueError, r"at_zero must be <= 1.0, got 2.0"),
    (lambda: rb.relu_grad(1.0, at_zero=-0.1), ValueError, r"at_zero must be >= 0.0, got -0.1"),
    (lambda: rb.relu_grad(1.0, at_zero=float("nan")), ValueError, "at_zero must not be nan"),
    (lambda: rb.relu_grad(1.0, at_zero="half"), TypeError, "at_zero must be a real number, got str"),
    (lambda: rb.relu_grad(1.0, at_zero=True), TypeError, "at_zero must be a real number, got bool"),
    (lambda: rb.leaky_relu(1.0, negative_slope=float("inf")), ValueError, "negative_slope must be finite, got inf"),
    (lambda: rb.leaky_relu_grad(1.0, negative_slope=None), TypeError, "negative_slope must be a real number"),
    (lambda: rb.prelu([1.0, 2.0], [0.1, 0.2, 0.3]), ValueError, r"weight of shape \(3,\) does not broadcast"),
    (lambda: rb.prelu([1.0, 2.0], np.ones((2, 2))), ValueError, r"weight of shape \(2, 2\) does not broadcast"),
    (lambda: rb.prelu_grad([1.0], "a"), TypeError, "weight must be a real number"),
    (lambda: rb.rrelu([1.0], lower=0.5, upper=0.1), ValueError, "lower must be <= upper"),
    (lambda: rb.rrelu([1.0], training="yes"), TypeError, "training must be a bool"),
    (lambda: rb.rrelu([1.0], training=True, rng="seed"), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: rb.rrelu_grad([1.0, 2.0], slopes=[1.0]), ValueError, "slopes must have the shape of x"),
    (lambda: rb.generalized_relu(1.0, max_value=-1.0), ValueError, r"max_value must be >= threshold \(0.0\)"),
    (lambda: rb.generalized_relu(1.0, threshold=float("nan")), ValueError, "threshold must not be nan"),
    (lambda: rb.softplus(1.0, beta=0.0), ValueError, "beta must be > 0.0, got 0.0"),
    (lambda: rb.softplus_grad(1.0, beta=-2), ValueError, "beta must be > 0.0"),
    (lambda: rb.elu(1.0, alpha="1"), TypeError, "alpha must be a real number, got str"),
    (lambda: rb.gelu(1.0, approximate="erf"), ValueError, 'approximate must be "none" or "tanh"'),
    (lambda: rb.gelu_grad(1.0, approximate=None), ValueError, "approximate must be"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------- PyTorch, if installed (required with REQUIRE_FRAMEWORKS=1)


def _torch_cases():
    import torch
    import torch.nn.functional as F

    return [
        (rb.relu, rb.relu_grad, F.relu),
        (lambda x: rb.leaky_relu(x, 0.1), lambda x: rb.leaky_relu_grad(x, 0.1), lambda t: F.leaky_relu(t, 0.1)),
        (lambda x: rb.prelu(x, 0.3), lambda x: rb.prelu_grad(x, 0.3)[0],
         lambda t: F.prelu(t, torch.tensor([0.3], dtype=t.dtype))),
        (lambda x: rb.rrelu(x), lambda x: rb.rrelu_grad(x), lambda t: F.rrelu(t, training=False)),
        (rb.relu6, rb.relu6_grad, F.relu6),
        (lambda x: rb.softplus(x, beta=2.0, threshold=5.0), lambda x: rb.softplus_grad(x, beta=2.0, threshold=5.0),
         lambda t: F.softplus(t, beta=2.0, threshold=5.0)),
        (lambda x: rb.elu(x, 1.5), lambda x: rb.elu_grad(x, 1.5), lambda t: F.elu(t, 1.5)),
        (rb.selu, rb.selu_grad, F.selu),
        (rb.gelu, rb.gelu_grad, F.gelu),
        (lambda x: rb.gelu(x, "tanh"), lambda x: rb.gelu_grad(x, "tanh"), lambda t: F.gelu(t, approximate="tanh")),
        (rb.silu, rb.silu_grad, F.silu),
        (rb.sigmoid, rb.sigmoid_grad, torch.sigmoid),
        (rb.tanh, rb.tanh_grad, torch.tanh),
    ]


def test_every_activation_and_gradient_matches_torch_autograd():
    torch = require("torch")
    x = np.array([-30.0, -3.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 2.5, 6.0, 7.0, 30.0])
    for f, g, tf in _torch_cases():
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = tf(t)
        (grad,) = torch.autograd.grad(y.sum(), t)
        np.testing.assert_allclose(f(x), y.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g(x), grad.numpy(), rtol=1e-12, atol=1e-12)
