"""Tests of relu_book.variants: maxout view, PReLU slope gradients and gain, RReLU as a divisor, the sweep."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import relu_book as rb
from relu_book import symbolic
from relu_book.dying import make_regression, train_and_measure
from relu_book.nn import MLP, train
from relu_book.numerics import numerical_gradient
from relu_book.variants import (
    VARIANTS,
    SlopeTracker,
    maxout,
    prelu_init_gain,
    prelu_weight_grad,
    rrelu_divisor,
    signal_propagation,
    variant_sweep,
)

finite = st.floats(-1e3, 1e3, allow_nan=False)

# ------------------------------------------------------------------ maxout


@settings(max_examples=50, deadline=None)
@given(x=finite, alpha=st.floats(-2.0, 1.0))
def test_leaky_relu_is_the_maxout_of_x_and_alpha_x_for_alpha_at_most_one(x, alpha):
    assert maxout(np.array([x]), [1.0, alpha])[0] == rb.leaky_relu(np.array([x]), alpha)[0]


@settings(max_examples=50, deadline=None)
@given(x=finite, alpha=st.floats(1.0, 5.0))
def test_leaky_relu_is_the_min_of_x_and_alpha_x_for_alpha_at_least_one(x, alpha):
    assert rb.leaky_relu(np.array([x]), alpha)[0] == min(x, alpha * x)


def test_maxout_of_zero_and_identity_is_relu_and_preserves_float32():
    x = np.linspace(-2, 2, 9, dtype=np.float32)
    out = maxout(x, [0.0, 1.0])
    assert out.dtype == np.float32 and np.array_equal(out, rb.relu(x))


def test_maxout_uses_intercepts():
    assert maxout(np.array([0.0, 3.0]), [1.0, -1.0], [0.0, 2.0]).tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"slopes": []}, ValueError, "slopes must be a non-empty 1-D array"),
        ({"slopes": [1.0, np.inf]}, ValueError, "slopes and intercepts must be finite"),
        ({"slopes": [1.0, 0.0], "intercepts": [0.0]}, ValueError, r"intercepts must have the shape of slopes \(2,\)"),
        ({"slopes": "1"}, TypeError, "slopes must be a real number or array"),
    ],
)
def test_maxout_bad_arguments_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        maxout([1.0], **kwargs)


# ------------------------------------------------------------------ PReLU slope gradient


@pytest.mark.parametrize("weight_shape", [(), (3, 1), (1, 3, 1)])
def test_prelu_weight_grad_matches_finite_differences(weight_shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4))  # (batch, channels, positions)
    g = rng.standard_normal(x.shape)
    w = rng.uniform(0.1, 0.5, weight_shape)

    def loss(weight):
        return float(np.sum(g * rb.prelu(x, weight)))

    numeric = numerical_gradient(loss, w)
    assert np.allclose(prelu_weight_grad(x, w, g), numeric, rtol=1e-7, atol=1e-10)


def test_prelu_weight_grad_is_upstream_times_prelu_grad_summed():
    x = np.array([[-2.0, 1.0, 0.0], [-0.5, -1.0, 3.0]])
    g = np.array([[1.0, 2.0, 5.0], [-4.0, 3.0, 1.0]])
    _, ga = rb.prelu_grad(x, 0.25)
    assert prelu_weight_grad(x, np.float64(0.25), g) == pytest.approx(np.sum(g * ga))
    assert np.allclose(prelu_weight_grad(x, np.full(3, 0.25), g), np.sum(g * ga, axis=0))


def test_prelu_weight_grad_bad_shapes_raise_clear_errors():
    with pytest.raises(ValueError, match=r"weight of shape \(4,\) does not broadcast to x of shape \(2, 3\)"):
        prelu_weight_grad(np.zeros((2, 3)), np.zeros(4), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"upstream must have the shape of x \(2, 3\), got \(3,\)"):
        prelu_weight_grad(np.zeros((2, 3)), 0.25, np.zeros(3))


# ------------------------------------------------------------------ initialisation gain


def test_prelu_init_gain_follows_from_the_second_moment_of_a_leaky_relu():
    z, a = sympy.symbols("z a", real=True)
    s = sympy.Symbol("sigma", positive=True)
    density = sympy.exp(-z**2 / (2 * s**2)) / sympy.sqrt(2 * sympy.pi * s**2)
    f = symbolic.leaky_relu(z, negative_slope=a)
    second_moment = sympy.integrate(f**2 * density, (z, -sympy.oo, sympy.oo))
    assert sympy.simplify(second_moment - (1 + a**2) / 2 * s**2) == 0
    for value in (0.0, 0.25, 1.0, 3.0):
        assert prelu_init_gain(value) == pytest.approx(np.sqrt(2 / (1 + value**2)))


def test_prelu_init_gain_is_he_for_relu_and_one_for_linear_and_validates():
    assert np.allclose(prelu_init_gain([0.0, 1.0, -1.0]), [np.sqrt(2), 1.0, 1.0])
    with pytest.raises(ValueError, match="negative_slope must be finite"):
        prelu_init_gain(np.nan)


@pytest.mark.parametrize("alpha", [0.0, 0.25, 2.0])
def test_matched_gain_keeps_forward_and_backward_signal_of_order_one(alpha):
    out = signal_propagation(alpha, float(prelu_init_gain(alpha)), depth=20, width=128, seeds=range(3))
    assert np.all((out["forward"] > 0.2) & (out["forward"] < 5))
    assert np.all((out["backward"] > 0.2) & (out["backward"] < 5))


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.5, 2.0])
def test_unit_gain_changes_the_backward_signal_by_the_predicted_factor_per_layer(alpha):
    depth = 20
    out = signal_propagation(alpha, 1.0, depth=depth, width=256, seeds=range(3))
    per_layer = np.median(out["backward"][:, 0] / out["backward"][:, -1]) ** (1 / (depth - 1))
    assert per_layer == pytest.approx((1 + alpha**2) / 2, rel=0.1)


def test_signal_propagation_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="gain must be > 0.0, got 0.0"):
        signal_propagation(0.1, 0.0)
    with pytest.raises(ValueError, match="depth must be >= 2, got 1"):
        signal_propagation(0.1, 1.0, depth=1)
    with pytest.raises(ValueError, match="seeds must not be empty"):
        signal_propagation(0.1, 1.0, seeds=[])


# ------------------------------------------------------------------ RReLU as a divisor


def test_rrelu_divisor_test_slope_is_two_elevenths():
    assert rrelu_divisor(np.array([-11.0, 0.0, 4.0])).tolist() == [-2.0, 0.0, 4.0]
    _, slopes = rrelu_divisor(np.array([-1.0]), return_slopes=True)
    assert slopes[0] == pytest.approx(2 / 11)
    assert rb.rrelu_slopes(np.array([-1.0]))[0] == pytest.approx(11 / 48)


def test_rrelu_divisor_training_slopes_have_mean_log_ratio_over_width():
    x = -np.ones(200_000)
    _, slopes = rrelu_divisor(x, training=True, rng=1, return_slopes=True)
    assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3))
    assert slopes.mean() == pytest.approx(np.log(8 / 3) / 5, abs=1e-3)


def test_rrelu_divisor_is_seeded_preserves_dtype_and_validates():
    x = -np.ones(5, dtype=np.float32)
    a = rrelu_divisor(x, training=True, rng=3)
    assert a.dtype == np.float32 and np.array_equal(a, rrelu_divisor(x, training=True, rng=3))
    with pytest.raises(ValueError, match="lower must be > 0.0, got 0.0"):
        rrelu_divisor(x, lower=0.0)
    with pytest.raises(ValueError, match="lower must be <= upper"):
        rrelu_divisor(x, lower=5.0, upper=4.0)
    with pytest.raises(TypeError, match="training must be a bool, got str"):
        rrelu_divisor(x, training="yes")
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        rrelu_divisor(x, training=True, rng="seed")


# ------------------------------------------------------------------ training


def test_slope_tracker_records_initial_and_learned_slopes():
    X, Y = make_regression(n=32)
    model = MLP([2, 4, 3, 1], activation="prelu", seed=1)
    tracker = SlopeTracker(model)
    train(model, X, Y, lr=0.1, epochs=5, batch_size=8, callback=tracker)
    assert tracker.epochs == [0, 1, 2, 3, 4, 5]
    assert tracker.slopes(0).shape == (6, 4) and tracker.slopes(1).shape == (6, 3)
    assert np.all(tracker.slopes(0)[0] == 0.25)
    assert np.array_equal(tracker.slopes(1)[-1], model.activation_layers[1].params["weight"])
    assert not np.array_equal(tracker.slopes(1)[-1], tracker.slopes(1)[0])


def test_slope_tracker_refuses_models_without_prelu():
    with pytest.raises(ValueError, match='model must have activation="prelu", got \'relu\''):
        SlopeTracker(MLP([2, 3, 1]))
    with pytest.raises(TypeError, match="model must be a relu_book.nn.MLP, got list"):
        SlopeTracker([])
    tracker = SlopeTracker(MLP([2, 3, 1], activation="prelu"))
    with pytest.raises(ValueError, match="layer must be < 1"):
        tracker.slopes(1)


def test_variant_sweep_runs_every_variant_and_is_deterministic():
    a = variant_sweep([0.05], seeds=[0, 1], epochs=2)
    b = variant_sweep([0.05], seeds=[0, 1], epochs=2)
    assert set(a) == set(VARIANTS)
    for name in VARIANTS:
        assert a[name]["dead"].shape == (1, 2)
        assert np.array_equal(a[name]["loss"], b[name]["loss"])


def test_rrelu_runs_in_the_dying_tooling():
    run = train_and_measure(lr=0.05, seed=0, epochs=3, activation="rrelu")
    assert not run.diverged and 0.0 <= run.dead <= 1.0


def test_variant_sweep_refuses_an_empty_dict():
    with pytest.raises(TypeError, match="variants must be a non-empty dict"):
        variant_sweep([0.1], variants={})


# ------------------------------------------------------- transcendental_calls

from relu_book.variants import transcendental_calls  # noqa: E402


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "rrelu", "relu6"])
def test_piecewise_linear_activations_call_no_transcendental_function(name):
    out = transcendental_calls(name)
    assert out["function"] == 0 and out["derivative"] == 0


def test_elu_calls_one_exponential_per_element_in_each_pass():
    out = transcendental_calls("elu", n=37)
    assert out["function"] == 1.0 and out["derivative"] == 1.0
    assert set(out["ufuncs"]) <= {"exp", "expm1"}


def test_exact_gelu_derivative_needs_both_the_normal_cdf_and_the_gaussian_density():
    out = transcendental_calls("gelu")
    assert out["function"] == 1.0 and out["derivative"] == 2.0


def test_transcendental_calls_restores_the_activation_module():
    import numpy
    from scipy import special

    from relu_book import _precise, activations

    transcendental_calls("silu")
    assert activations.np is numpy and _precise.np is numpy and _precise.special is special


def test_transcendental_calls_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="name must be an activation"):
        transcendental_calls("not_an_activation")


def test_guide_rows_read_the_kink_and_the_tuned_runs():
    from relu_book.dying import learning_rate_sweep
    from relu_book.variants import guide_rows

    cfg = {"leaky": {"activation": "leaky_relu", "negative_slope": 0.2}, "ELU": {"activation": "elu"}}
    tuned = {name: learning_rate_sweep([0.05], seeds=[0, 1], epochs=1, **kw) for name, kw in cfg.items()}
    rows = {r["activation"]: r for r in guide_rows(cfg, tuned, seeds=[0], depth=3, width=8)}
    assert (rows["leaky"]["f'(0-)"], rows["leaky"]["f'(0+)"], rows["leaky"]["f'(0)"]) == (0.2, 1.0, 0.2)
    assert rows["ELU"]["f'(0-)"] == pytest.approx(1.0, abs=1e-6)  # elu with alpha = 1 has no kink
    assert rows["ELU"]["transcendental"] == "1 / 1"
    assert rows["leaky"]["loss"] == np.median(tuned["leaky"]["loss"][0])
    with pytest.raises(ValueError, match="no entry"):
        guide_rows(cfg, {"leaky": tuned["leaky"]}, seeds=[0], depth=3, width=8)


def test_guide_rows_read_the_framework_conventions_of_chapter_3():
    from relu_book.variants import _frameworks_at_zero

    assert _frameworks_at_zero("relu") == "PyTorch, JAX, Keras, TF: left"
    assert _frameworks_at_zero("leaky_relu") == "PyTorch, TF: left; JAX, Keras: right"
    assert _frameworks_at_zero("prelu") == "-"
