"""Tests of relu_book.nn: hand-written backprop against finite differences, training, validation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book import registry
from relu_book.activations import ACTIVATIONS, relu_grad
from relu_book.nn import (
    ACTIVATION_LAYERS,
    LOSSES,
    MLP,
    Activation,
    LayerRecord,
    TrainingHistory,
    activation_names,
    register_activation,
    train,
    train_step,
)
from relu_book.numerics import gradient_check, numerical_gradient

# Every fixed activation of the registry at its defaults and its examples
# (exact examples as floats), and "linear"; prelu and rrelu have their own tests.
CASES = [
    (spec.name, {k: float(v) if isinstance(v, Fraction) else v for k, v in params.items()})
    for spec in registry.REGISTRY
    if spec.layer == "Activation"
    for params in spec.cases()
] + [("linear", {})]


def small_problem(seed=0, n_in=3, n_out=2, batch=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, n_in))
    Y = rng.standard_normal((batch, n_out))
    labels = rng.integers(0, n_out, batch)
    return X, Y, labels


def check_all_gradients(model, X, Y, loss):
    """Gradient-check every weight and bias of ``model``; return the worst relative error."""
    _, grads_W, grads_b = model.loss_and_grads(X, Y, loss)
    worst = 0.0
    for params, grads in ((model.weights, grads_W), (model.biases, grads_b)):
        for i, g in enumerate(grads):
            original = params[i].copy()

            def fun(p, i=i, params=params):
                params[i] = p
                return model.loss_and_grads(X, Y, loss)[0]

            result = gradient_check(fun, g, original)
            params[i] = original
            assert result.passed(tol=1e-5, atol=1e-9), (i, result)
            worst = max(worst, result.max_rel_error)
    return worst


def pre_activations_away_from_kinks(model, X, margin=1e-3, **params):
    model.forward(X)
    hidden = [r.pre_activation for r in model.activations[:-1]]
    kinks = [] if model.activation == "linear" else registry.get(model.activation).kinks_at(**params)
    return all(np.min(np.abs(z - k)) > margin for z in hidden for k in kinks)


def model_away_from_kinks(sizes, X, name, kwargs, seeds=range(2, 12)):
    """The model of the first seed whose hidden pre-activations on X keep clear of every kink."""
    for seed in seeds:
        model = MLP(sizes, activation=name, seed=seed, **kwargs)
        if pre_activations_away_from_kinks(model, X, **kwargs):
            return model
    raise AssertionError(f"every seed puts a pre-activation of {name} {kwargs} within 1e-3 of a kink")


# ------------------------------------------------------------------ gradients


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_mse_gradients_match_finite_differences_for_every_activation(name, kwargs):
    X, Y, _ = small_problem(seed=1)
    model = model_away_from_kinks([3, 5, 4, 2], X, name, kwargs)
    check_all_gradients(model, X, Y, "mse")


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_cross_entropy_gradients_match_finite_differences_for_every_activation(name, kwargs):
    X, _, labels = small_problem(seed=3, n_out=3)
    model = model_away_from_kinks([3, 4, 4, 3], X, name, kwargs, seeds=range(4, 14))
    check_all_gradients(model, X, labels, "cross_entropy")


def test_every_library_activation_is_available_plus_linear():
    assert set(activation_names()) >= set(ACTIVATIONS) | {"linear"}


def test_every_registry_entry_gets_the_layer_class_it_names():
    # Other modules may add layers through register_activation (e.g. the
    # "polynomial" layer of relu_book.polynomial_networks, when it is imported).
    assert set(activation_names()) >= set(registry.names()) | {"linear"}
    for spec in registry.REGISTRY:
        assert ACTIVATION_LAYERS[spec.name].__name__ == spec.layer


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), depth=st.integers(1, 4), width=st.integers(1, 6))
def test_relu_network_gradients_match_finite_differences_for_random_shapes(seed, depth, width):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, 2))
    Y = rng.standard_normal((4, 1))
    model = MLP([2] + [width] * depth + [1], seed=seed)
    for b in model.biases:
        b += rng.uniform(-0.5, 0.5, b.shape)
    if not pre_activations_away_from_kinks(model, X):
        return  # a pre-activation within 1e-3 of the kink: the central difference straddles it
    check_all_gradients(model, X, Y, "mse")


def test_cross_entropy_output_gradient_is_softmax_minus_one_hot_over_batch():
    X, _, _ = small_problem(seed=5, n_out=3, batch=4)
    labels = np.array([0, 2, 1, 2])
    model = MLP([3, 3], activation="relu", seed=0)  # one linear layer: dL/dZ is visible in grads_b
    value, _, grads_b = model.loss_and_grads(X, labels, "cross_entropy")
    logits = X @ model.weights[0]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = np.eye(3)[labels]
    assert np.allclose(grads_b[0], (p - onehot).sum(axis=0) / 4)
    assert np.isclose(value, -np.mean(np.log(p[np.arange(4), labels])))


def test_cross_entropy_is_stable_for_huge_logits():
    model = MLP([1, 2], init="normal", init_std=1.0)
    model.weights[0] = np.array([[1000.0, -1000.0]])
    value, grads_W, _ = model.loss_and_grads(np.array([[1.0]]), np.array([1]), "cross_entropy")
    assert np.isclose(value, 2000.0)
    assert np.all(np.isfinite(grads_W[0]))


def test_mse_loss_is_half_the_mean_squared_norm_over_the_batch():
    model = MLP([1, 2], init="normal", init_std=1.0)
    model.weights[0] = np.array([[1.0, 2.0]])
    X = np.array([[1.0], [2.0]])
    Y = np.zeros((2, 2))
    value, _, _ = model.loss_and_grads(X, Y, "mse")
    assert value == pytest.approx(0.5 * (1 + 4 + 4 + 16) / 2)


def test_relu_backward_uses_zero_derivative_at_zero_like_pytorch():
    model = MLP([1, 1, 1], init="normal", init_std=1.0)
    model.weights = [np.array([[1.0]]), np.array([[1.0]])]
    _, grads_W, grads_b = model.loss_and_grads(np.array([[0.0]]), np.array([[1.0]]))
    assert grads_b[0][0] == 0.0  # pre-activation exactly 0: relu'(0) = 0, no gradient
    assert relu_grad(0.0) == 0.0


def test_activation_backward_is_upstream_times_library_derivative():
    z = np.array([[-1.0, 0.5, 2.0]])
    act = Activation("leaky_relu", 3, np.float64, negative_slope=0.2)
    grad_z, params = act.backward(z, np.full((1, 3), 3.0))
    assert np.array_equal(grad_z, 3.0 * np.array([[0.2, 1.0, 1.0]]))
    assert params == {} and act.params == {}


def test_records_hold_pre_activations_and_activations_of_every_layer():
    X, _, _ = small_problem()
    model = MLP([3, 5, 4, 2], activation="tanh")
    out = model.forward(X)
    assert len(model.activations) == 3
    assert all(isinstance(r, LayerRecord) for r in model.activations)
    z1, h1 = model.activations[0]
    assert np.allclose(z1, X @ model.weights[0] + model.biases[0])
    assert np.allclose(h1, np.tanh(z1))
    assert out is model.activations[-1].activation
    assert np.array_equal(model.activations[-1].pre_activation, out)


# ------------------------------------------------------------- initialisation


@pytest.mark.parametrize(
    "init, kwargs, expected_var",
    [("he", {}, 2 / 400), ("xavier", {}, 2 / (400 + 300)), ("normal", {"init_std": 0.3}, 0.09)],
)
def test_initialisation_has_the_documented_variance(init, kwargs, expected_var):
    model = MLP([400, 300, 1], init=init, seed=0, **kwargs)
    assert np.var(model.weights[0]) == pytest.approx(expected_var, rel=0.02)
    assert np.all(model.biases[0] == 0)


def test_same_seed_gives_the_same_weights_and_training_run():
    X, Y, _ = small_problem(batch=20)
    runs = []
    for _ in range(2):
        model = MLP([3, 6, 2], seed=7)
        history = train(model, X, Y, lr=0.05, epochs=5, batch_size=4, seed=3)
        runs.append((model.weights[0].copy(), history.loss))
    assert np.array_equal(runs[0][0], runs[1][0])
    assert np.array_equal(runs[0][1], runs[1][1])


def test_different_seeds_give_different_weights():
    assert not np.array_equal(MLP([3, 6, 2], seed=1).weights[0], MLP([3, 6, 2], seed=2).weights[0])


# ---------------------------------------------------------------------- dtypes


def test_float32_model_keeps_float32_everywhere():
    X, Y, labels = small_problem()
    model = MLP([3, 5, 2], dtype=np.float32)
    assert all(w.dtype == np.float32 for w in model.weights + model.biases)
    assert model.forward(X).dtype == np.float32  # float64 input cast to the model's dtype
    assert all(r.pre_activation.dtype == np.float32 for r in model.activations)
    for loss, target in (("mse", Y), ("cross_entropy", labels)):
        _, gW, gb = model.loss_and_grads(X.astype(np.float32), target, loss)
        assert all(g.dtype == np.float32 for g in gW + gb)
    train(model, X, Y, lr=0.01, epochs=2, batch_size=3)
    assert all(w.dtype == np.float32 for w in model.weights + model.biases)


def test_float32_gradients_agree_with_float64():
    X, Y, _ = small_problem()
    m64 = MLP([3, 5, 2], activation="gelu", seed=1)
    m32 = MLP([3, 5, 2], activation="gelu", seed=1, dtype=np.float32)
    _, g64, _ = m64.loss_and_grads(X, Y)
    _, g32, _ = m32.loss_and_grads(X, Y)
    assert np.allclose(g32[0], g64[0], rtol=1e-4, atol=1e-5)


def test_inputs_are_not_modified():
    X, Y, labels = small_problem(batch=12)
    copies = X.copy(), Y.copy(), labels.copy()
    model = MLP([3, 4, 2])
    model.loss_and_grads(X, Y)
    train(model, X, Y, lr=0.1, epochs=2, batch_size=5)
    train(MLP([3, 4, 2]), X, labels, lr=0.1, epochs=2, batch_size=5, loss="cross_entropy")
    assert np.array_equal(X, copies[0]) and np.array_equal(Y, copies[1]) and np.array_equal(labels, copies[2])


# -------------------------------------------------------------------- training


def spiral_like(seed=0, n=60):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    t = rng.uniform(0.5, 3, n)
    angle = t + np.pi * labels
    X = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / 3
    return X, labels


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_training_reduces_the_cross_entropy_on_a_small_problem(activation):
    X, labels = spiral_like()
    model = MLP([2, 16, 16, 2], activation=activation, seed=0)
    before = model.loss_and_grads(X, labels, "cross_entropy")[0]
    history = train(model, X, labels, lr=0.2, epochs=60, batch_size=10, loss="cross_entropy")
    after = model.loss_and_grads(X, labels, "cross_entropy")[0]
    assert after < 0.7 * before
    assert history.loss[-1] < history.loss[0]


def test_history_has_the_documented_fields():
    X, Y, _ = small_problem(batch=10)
    model = MLP([3, 4, 4, 2])
    history = train(model, X, Y, lr=0.01, epochs=4, batch_size=3)
    assert isinstance(history, TrainingHistory)
    assert history.loss.shape == (4,) and history.loss.dtype == np.float64
    assert history.grad_norms.shape == (4, 3)
    assert np.all(history.grad_norms > 0)
    assert history.epochs == 4 and history.stopped_early is False


def test_history_grad_norms_are_the_norms_of_the_step_gradients():
    X, Y, _ = small_problem(batch=6)
    model = MLP([3, 4, 2], seed=3)
    _, gW, _ = MLP([3, 4, 2], seed=3).loss_and_grads(X, Y)
    history = train(model, X, Y, lr=0.01, epochs=1, batch_size=6)  # one full batch: order is irrelevant
    assert np.allclose(history.grad_norms[0], [np.linalg.norm(g) for g in gW])


def test_callback_is_called_every_epoch_and_can_stop_training():
    X, Y, _ = small_problem(batch=8)
    seen = []

    def callback(epoch, model):
        seen.append(epoch)
        return epoch == 3

    history = train(MLP([3, 4, 2]), X, Y, lr=0.01, epochs=10, batch_size=4, callback=callback)
    assert seen == [1, 2, 3]
    assert history.epochs == 3 and history.stopped_early and history.loss.shape == (3,)


def test_train_step_is_one_sgd_step():
    X, Y, _ = small_problem()
    model = MLP([3, 4, 2], seed=1)
    W0 = [w.copy() for w in model.weights]
    _, gW, gb = model.loss_and_grads(X, Y)
    train_step(model, X, Y, lr=0.5)
    assert all(np.allclose(w, w0 - 0.5 * g) for w, w0, g in zip(model.weights, W0, gW))
    assert all(np.allclose(b, -0.5 * g) for b, g in zip(model.biases, gb))


def test_learnable_activation_parameters_are_updated_by_train_step():
    class ScaledRelu(Activation):
        """relu(z) * s with one learnable scale s per unit, as a PReLU layer would be."""

        def __init__(self, name, n_units, dtype, **kwargs):
            super().__init__("relu", n_units, dtype)
            self.params = {"scale": np.ones(n_units, dtype=dtype)}

        def forward(self, z):
            return super().forward(z) * self.params["scale"]

        def backward(self, z, grad_h):
            r = np.maximum(z, 0)
            return grad_h * self.params["scale"] * (z > 0), {"scale": (grad_h * r).sum(axis=0)}

    register_activation("scaled_relu_test", ScaledRelu)
    try:
        X, Y, _ = small_problem()
        model = MLP([3, 4, 2], activation="scaled_relu_test", seed=0)
        model.loss_and_grads(X, Y)
        g = model.activation_grads[0]["scale"].copy()
        train_step(model, X, Y, lr=0.1)
        assert np.allclose(model.activation_layers[0].params["scale"], 1 - 0.1 * g)
    finally:
        del ACTIVATION_LAYERS["scaled_relu_test"]


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"layer_sizes": [3]}, ValueError, "layer_sizes must have at least 2 entries"),
        ({"layer_sizes": [3, 0]}, ValueError, "each entry of layer_sizes must be >= 1, got 0"),
        ({"layer_sizes": [3, 2.5]}, TypeError, "each entry of layer_sizes must be an integer"),
        ({"layer_sizes": "32"}, TypeError, "layer_sizes must be a sequence"),
        ({"activation": "swish"}, ValueError, "activation must be one of .*got 'swish'"),
        ({"init": "glorot"}, ValueError, "init must be one of 'he', 'xavier', 'normal', got 'glorot'"),
        ({"init": "normal"}, ValueError, "init=\"normal\" needs init_std"),
        ({"init": "normal", "init_std": -1.0}, ValueError, "init_std must be >= 0.0, got -1.0"),
        ({"init_std": 0.1}, ValueError, "init_std is only used with init=\"normal\""),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an integer, got float"),
        ({"dtype": np.float16}, TypeError, "dtype must be float32 or float64, got float16"),
        ({"dtype": "complex"}, TypeError, "dtype must be float32 or float64"),
        ({"activation": "leaky_relu", "slope": 0.1}, TypeError, "unexpected keyword arguments \\['slope'\\]"),
        ({"activation": "leaky_relu", "negative_slope": float("nan")}, ValueError, "negative_slope must not be nan"),
        ({"activation": "linear", "alpha": 1.0}, TypeError, "\"linear\" takes no keyword arguments"),
    ],
)
def test_bad_constructor_arguments_raise_clear_errors(kwargs, error, match):
    kwargs = {"layer_sizes": [3, 4, 2], **kwargs}
    with pytest.raises(error, match=match):
        MLP(**kwargs)


def test_wrong_input_shape_names_the_expected_shape():
    model = MLP([3, 4, 2])
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 3\), got \(5, 2\)"):
        model.forward(np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 3\), got \(3,\)"):
        model.forward(np.zeros(3))
    with pytest.raises(ValueError, match="empty batch"):
        model.forward(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="X must be a real number or array"):
        model.forward("abc")


def test_wrong_targets_raise_clear_errors():
    model = MLP([3, 4, 2])
    X = np.zeros((5, 3))
    with pytest.raises(ValueError, match=r"Y must have shape \(5, 2\), got \(5,\)"):
        model.loss_and_grads(X, np.zeros(5))
    with pytest.raises(TypeError, match="integer class labels for cross_entropy, got dtype float64"):
        model.loss_and_grads(X, np.zeros(5), "cross_entropy")
    with pytest.raises(ValueError, match=r"Y must have shape \(5,\), one label per example"):
        model.loss_and_grads(X, np.zeros((5, 1), dtype=int), "cross_entropy")
    with pytest.raises(ValueError, match="Y labels must lie in 0..1, got values in 0..2"):
        model.loss_and_grads(X, np.array([0, 1, 2, 0, 1]), "cross_entropy")
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'cross_entropy', got 'l1'"):
        model.loss_and_grads(X, np.zeros((5, 2)), "l1")


@pytest.mark.parametrize("name", sorted(LOSSES))
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), batch=st.integers(1, 6), n_out=st.integers(2, 4))
def test_every_loss_gradient_is_the_derivative_of_its_value(name, seed, batch, n_out):
    loss = LOSSES[name]
    rng = np.random.default_rng(seed)
    output = rng.normal(0.0, 2.0, (batch, n_out))
    raw = rng.integers(0, n_out, batch) if name == "cross_entropy" else rng.standard_normal((batch, n_out))
    targets = loss.targets(raw, batch, n_out, np.float64)
    numeric = numerical_gradient(lambda out: loss.value(out, targets), output)
    np.testing.assert_allclose(loss.gradient(output, targets), numeric, rtol=1e-6, atol=1e-8)


def test_loss_table_and_loss_and_grads_agree():
    model = MLP([3, 5, 2], seed=4)
    X = np.random.default_rng(0).standard_normal((6, 3))
    for name, Y in (("mse", np.ones((6, 2))), ("cross_entropy", np.array([0, 1, 1, 0, 1, 0]))):
        value, _, _ = model.loss_and_grads(X, Y, name)
        assert value == LOSSES[name].value(model.forward(X), Y)


def test_parameters_replaced_with_wrong_shape_or_dtype_are_caught():
    model = MLP([3, 4, 2])
    model.weights[1] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"weights\[1\] must be an array of shape \(4, 2\) and dtype float64"):
        model.forward(np.zeros((1, 3)))
    model = MLP([3, 4, 2])
    model.biases[0] = np.zeros(4, dtype=np.float32)
    with pytest.raises(ValueError, match=r"biases\[0\] must be an array of shape \(4,\) and dtype float64"):
        model.forward(np.zeros((1, 3)))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0.0, got 0.0"),
        ({"lr": "big"}, TypeError, "lr must be a real number, got str"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be an integer, got float"),
        ({"callback": 3}, TypeError, "callback must be callable or None, got int"),
        ({"model": "net"}, TypeError, "model must be a relu_book.nn.MLP, got str"),
    ],
)
def test_bad_training_arguments_raise_clear_errors(kwargs, error, match):
    X, Y, _ = small_problem()
    args = {"model": MLP([3, 4, 2]), "X": X, "Y": Y, "lr": 0.1, "epochs": 1, "batch_size": 2, **kwargs}
    with pytest.raises(error, match=match):
        train(**args)


# ----------------------------------------------------------------- PReLU and RReLU

from relu_book.activations import prelu, prelu_grad, rrelu_slopes  # noqa: E402
from relu_book.nn import PReLU, RReLU  # noqa: E402


def prelu_model(mode, seed=2, slopes=None):
    model = MLP([3, 5, 4, 2], activation="prelu", prelu_mode=mode, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.activation_layers:  # distinct slopes, so that a mix-up would show
        layer.params["weight"] = rng.uniform(0.1, 0.6, layer.params["weight"].shape)
    return model


@pytest.mark.parametrize("mode", ["unit", "shared"])
def test_prelu_slope_gradient_matches_finite_differences(mode):
    X, Y, _ = small_problem(seed=1)
    model = prelu_model(mode)
    assert pre_activations_away_from_kinks(model, X)
    model.loss_and_grads(X, Y)
    for layer, grads in zip(model.activation_layers, model.activation_grads):
        original = layer.params["weight"].copy()

        def fun(w, layer=layer):
            layer.params["weight"] = w
            return model.loss_and_grads(X, Y)[0]

        numeric = numerical_gradient(fun, original)
        layer.params["weight"] = original
        assert np.allclose(grads["weight"], numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("mode", ["unit", "shared"])
def test_prelu_weights_and_biases_match_finite_differences(mode):
    X, Y, _ = small_problem(seed=1)
    model = prelu_model(mode)
    check_all_gradients(model, X, Y, "mse")


@pytest.mark.parametrize("mode, shape", [("unit", (5,)), ("shared", (1,))])
def test_prelu_slope_gradient_is_upstream_times_library_prelu_grad_summed(mode, shape):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((6, 5))
    z[0, 0] = 0.0  # the kink: d prelu / da = min(0, 0) = 0
    g = rng.standard_normal((6, 5))
    layer = PReLU("prelu", 5, np.float64, prelu_mode=mode, prelu_init=0.3)
    grad_z, grads = layer.backward(z, g)
    gx, ga = prelu_grad(z, layer.params["weight"])
    axis = 0 if mode == "unit" else None
    assert grads["weight"].shape == shape
    assert np.allclose(grads["weight"], np.sum(g * ga, axis=axis))
    assert np.allclose(grad_z, g * gx)


def test_prelu_defaults_are_one_slope_per_unit_at_a_quarter():
    model = MLP([2, 3, 4, 1], activation="prelu")
    assert [layer.params["weight"].tolist() for layer in model.activation_layers] == [[0.25] * 3, [0.25] * 4]
    shared = MLP([2, 3, 4, 1], activation="prelu", prelu_mode="shared", prelu_init=0.1)
    assert [layer.params["weight"].tolist() for layer in shared.activation_layers] == [[0.1], [0.1]]


def test_prelu_slopes_are_learned_by_train_step_without_weight_decay():
    X, Y, _ = small_problem()
    model = MLP([3, 4, 2], activation="prelu", seed=0)
    model.loss_and_grads(X, Y)
    g = model.activation_grads[0]["weight"].copy()
    train_step(model, X, Y, lr=0.1)
    assert np.allclose(model.activation_layers[0].params["weight"], 0.25 - 0.1 * g)


def test_prelu_with_the_same_slope_is_leaky_relu():
    X, _, _ = small_problem()
    a = MLP([3, 4, 4, 2], activation="prelu", prelu_init=0.2, seed=5).forward(X)
    b = MLP([3, 4, 4, 2], activation="leaky_relu", negative_slope=0.2, seed=5).forward(X)
    assert np.allclose(a, b)


def test_prelu_float32_model_keeps_float32_slopes_and_gradients():
    X, Y, _ = small_problem()
    model = MLP([3, 4, 2], activation="prelu", dtype=np.float32)
    model.loss_and_grads(X, Y)
    assert model.activation_layers[0].params["weight"].dtype == np.float32
    assert model.activation_grads[0]["weight"].dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"prelu_mode": "channel"}, ValueError, "prelu_mode must be one of 'shared', 'unit', got 'channel'"),
        ({"prelu_init": float("nan")}, ValueError, "prelu_init must not be nan"),
        ({"prelu_init": "0.25"}, TypeError, "prelu_init must be a real number, got str"),
        (
            {"negative_slope": 0.1},
            TypeError,
            r"activation 'prelu' got unexpected keyword arguments \['negative_slope'\]",
        ),
    ],
)
def test_prelu_bad_arguments_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP([2, 3, 1], activation="prelu", **kwargs)


def test_model_is_in_evaluation_mode_except_during_train_step():
    X, Y, _ = small_problem()
    model = MLP([3, 4, 2], activation="rrelu")
    assert model.training is False
    seen = []
    layer = model.activation_layers[0]
    original = layer.forward
    layer.forward = lambda z: (seen.append(layer.training), original(z))[1]
    train_step(model, X, Y, lr=0.1)
    assert seen == [True] and model.training is False
    model.training = True
    assert layer.training is True
    with pytest.raises(TypeError, match="training must be a bool, got int"):
        model.training = 1


def test_rrelu_evaluation_mode_uses_the_mean_slope():
    X, _, _ = small_problem()
    a = MLP([3, 4, 2], activation="rrelu", lower=0.1, upper=0.3, seed=1).forward(X)
    b = MLP([3, 4, 2], activation="leaky_relu", negative_slope=0.2, seed=1).forward(X)
    assert np.allclose(a, b)


def test_rrelu_training_mode_draws_slopes_in_range_and_backward_reuses_them():
    layer = RReLU("rrelu", 50, np.float64)
    layer.rng = np.random.default_rng(3)
    layer.training = True
    z = -np.abs(np.random.default_rng(0).standard_normal((8, 50))) - 0.1
    h = layer.forward(z)
    slopes = h / z
    assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3)) and np.unique(slopes).size > 100
    g = np.random.default_rng(1).standard_normal(z.shape)
    grad_z, params = layer.backward(z, g)
    assert np.allclose(grad_z, g * slopes) and params == {}
    with pytest.raises(ValueError, match="pre-activation of its last forward pass"):
        layer.backward(z.copy(), g)


def test_rrelu_network_gradients_match_finite_differences_with_frozen_slopes():
    # in training mode the loss is a random function; with the slopes of one draw frozen
    # (evaluation mode with lower == upper), the hand-written gradients are exact
    X, Y, _ = small_problem(seed=1)
    model = MLP([3, 5, 4, 2], activation="rrelu", lower=0.2, upper=0.2, seed=2)
    assert pre_activations_away_from_kinks(model, X)
    check_all_gradients(model, X, Y, "mse")


def test_rrelu_training_is_seeded_by_the_model_seed():
    X, Y, _ = small_problem()
    runs = []
    for _ in range(2):
        model = MLP([3, 4, 2], activation="rrelu", seed=7)
        train(model, X, Y, lr=0.05, epochs=3, batch_size=4, seed=0)
        runs.append(model.weights[0].copy())
    assert np.array_equal(runs[0], runs[1])


def test_rrelu_training_mode_slopes_match_the_library_rule():
    z = -np.ones((1, 4))
    layer = RReLU("rrelu", 4, np.float64, lower=0.1, upper=0.2)
    layer.rng = np.random.default_rng(5)
    layer.training = True
    expected = rrelu_slopes(z, 0.1, 0.2, training=True, rng=np.random.default_rng(5))
    assert np.allclose(layer.forward(z), z * expected)


def test_rrelu_bad_bounds_raise_clear_errors():
    with pytest.raises(ValueError, match="lower must be <= upper"):
        MLP([2, 3, 1], activation="rrelu", lower=0.5, upper=0.1)
    with pytest.raises(TypeError, match=r"activation 'rrelu' got unexpected keyword arguments \['negative_slope'\]"):
        MLP([2, 3, 1], activation="rrelu", negative_slope=0.1)


# ------------------------------------------------- inline relu and tanh layers


def _same(a, b):
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inline_relu_and_tanh_layers_equal_the_library_functions_bit_for_bit(activation, dtype):
    # MLP computes relu and tanh layers inline (tanh's derivative as 1 - h*h from the forward
    # output); a layer whose instance has its own forward goes through Activation.forward/backward,
    # that is relu_book.activations: the two must agree exactly, NaN and inf included
    X, Y, labels = small_problem(seed=4, batch=16)
    X[0, 0], X[1, 1], X[2, 2] = np.nan, np.inf, -0.0
    models = [MLP([3, 8, 8, 2], activation=activation, seed=5, dtype=dtype) for _ in range(2)]
    for layer in models[1].activation_layers:
        layer.forward = layer.forward  # an instance attribute: the generic path
    assert all(layer._inline == activation for layer in models[0].activation_layers)
    results = []
    for model in models:
        with np.errstate(all="ignore"):
            value, gW, gb = model.loss_and_grads(X, labels, "cross_entropy")
            history = train(model, X[3:], Y[3:], lr=0.5, epochs=3, batch_size=4, seed=1)
        results.append([*gW, *gb, *model.weights, *model.biases, history.loss, history.grad_norms,
                        *(a for r in model.activations for a in r), np.array(value)])
    assert all(_same(a, b) for a, b in zip(*results))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation, kwargs, public", [
    ("leaky_relu", {"negative_slope": 0.1}, lambda z, layer: ACTIVATIONS["leaky_relu"][0](z, negative_slope=0.1)),
    ("leaky_relu", {"negative_slope": 3.0}, lambda z, layer: ACTIVATIONS["leaky_relu"][0](z, negative_slope=3.0)),
    ("prelu", {}, lambda z, layer: prelu(z, layer.params["weight"])),
    ("prelu", {"prelu_mode": "shared"}, lambda z, layer: prelu(z, layer.params["weight"])),
])
def test_leaky_and_prelu_layers_equal_the_library_functions_bit_for_bit(activation, kwargs, public, dtype):
    # the layers call the unchecked kernels behind leaky_relu/prelu and their derivatives;
    # they must give exactly what the public functions give, NaN, inf and -0.0 included
    rng = np.random.default_rng(3)
    z = rng.standard_normal((6, 4)).astype(dtype)
    z[0, 0], z[1, 1], z[2, 2], z[3, 3] = np.nan, np.inf, -0.0, 0.0
    grad_h = rng.standard_normal((6, 4)).astype(dtype)
    layer = MLP([2, 4, 1], activation=activation, dtype=dtype, **kwargs).activation_layers[0]
    if activation == "prelu":
        layer.params["weight"] -= np.asarray(0.05, dtype=dtype)  # slopes as training leaves them
        grads = prelu_grad(z, layer.params["weight"])
    else:
        grads = (ACTIVATIONS["leaky_relu"][1](z, **kwargs),)
    with np.errstate(all="ignore"):
        assert _same(layer.forward(z), public(z, layer))
        assert _same(layer.derivative(z), grads[0])
        assert _same(layer.backward(z, grad_h)[0], grad_h * grads[0])


def test_a_leaky_relu_layer_follows_a_changed_slope():
    layer = MLP([2, 3, 1], activation="leaky_relu", negative_slope=0.1).activation_layers[0]
    layer.kwargs["negative_slope"] = 0.5  # the slope cast in __init__ no longer applies
    z = np.array([[-2.0, 0.0, 3.0]])
    assert np.array_equal(layer.forward(z), [[-1.0, 0.0, 3.0]])
    assert np.array_equal(layer.derivative(z), [[0.5, 0.5, 1.0]])
