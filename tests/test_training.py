"""Tests of relu_book.training, organised like the module: one section per experiment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book.nn import MLP
from relu_book.training import (
    convergence_race,
    epochs_to_error,
    gradient_norms_at_init,
    make_spirals,
    mean_squared_preactivations,
    training_error,
    training_error_curves,
)

# ----------------------------------------------------------------- data sets


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 60), k=st.integers(2, 6), noise=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_spirals_have_balanced_classes_and_radius_at_most_one(n, k, noise, seed):
    X, labels = make_spirals(n_per_class=n, n_classes=k, noise=noise, seed=seed)
    assert X.shape == (n * k, 2) and labels.shape == (n * k,)
    assert np.array_equal(np.bincount(labels), [n] * k)
    assert np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12)


def test_spirals_are_reproducible_and_seed_dependent():
    a, _ = make_spirals(seed=3)
    b, _ = make_spirals(seed=3)
    c, _ = make_spirals(seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_per_class": 1}, ValueError, "n_per_class must be >= 2, got 1"),
        ({"n_classes": 2.0}, TypeError, "n_classes must be an integer, got float"),
        ({"noise": -0.1}, ValueError, "noise must be >= 0.0, got -0.1"),
    ],
)
def test_spirals_reject_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_spirals(**kwargs)


# ------------------------------------------------------- vanishing gradients


def test_sigmoid_gradients_vanish_towards_the_input_and_relu_gradients_do_not():
    sig = np.median(gradient_norms_at_init("sigmoid", depth=12, width=32, seeds=range(3), init="xavier"), axis=0)
    rel = np.median(gradient_norms_at_init("relu", depth=12, width=32, seeds=range(3), init="he"), axis=0)
    assert sig[0] / sig[-1] < 1e-4  # sigmoid' <= 1/4 per layer
    assert 0.1 < rel[0] / rel[-1] < 10


def test_gradient_norms_have_one_row_per_seed_and_are_reproducible():
    a = gradient_norms_at_init("tanh", depth=5, width=8, seeds=[0, 1], init="xavier")
    b = gradient_norms_at_init("tanh", depth=5, width=8, seeds=[0, 1], init="xavier")
    assert a.shape == (2, 5) and np.array_equal(a, b) and np.all(a > 0)


def test_gradient_norms_reject_unknown_init_and_empty_seeds():
    with pytest.raises(ValueError, match="init must be one of 'he', 'xavier', got 'normal'"):
        gradient_norms_at_init("relu", init="normal")
    with pytest.raises(ValueError, match="seeds must not be empty"):
        gradient_norms_at_init("relu", seeds=[])


# ------------------------------------------------------------- initialisation


def test_preactivation_second_moment_halves_per_layer_with_gain_one():
    q = np.median(mean_squared_preactivations(1.0, depth=20, width=200, seeds=range(3)), axis=0)
    per_layer = (q[-1] / q[0]) ** (1 / 19)
    assert per_layer == pytest.approx(0.5, abs=0.05)


def test_preactivation_second_moment_stays_of_order_one_with_he_gain():
    q = np.median(mean_squared_preactivations(2.0, depth=30, width=200, seeds=range(3)), axis=0)
    assert np.all((q > 0.2) & (q < 5))


def test_mean_squared_preactivations_rejects_non_positive_gain():
    with pytest.raises(ValueError, match="gain must be > 0.0, got 0.0"):
        mean_squared_preactivations(0.0)


# -------------------------------------------------------------- convergence


def test_training_error_counts_wrong_argmax_in_chunks():
    model = MLP([2, 2], init="normal", init_std=1.0)
    model.weights[0] = np.eye(2)
    X = np.tile([[1.0, 0.0], [0.0, 1.0]], (100, 1))  # 200 rows: several chunks
    labels = np.tile([0, 0], 100)
    assert training_error(model, X, labels) == 0.5
    with pytest.raises(ValueError, match=r"labels must have shape \(200,\)"):
        training_error(model, X, labels[:5])


def test_epochs_to_error_is_reproducible_and_reaches_an_easy_threshold():
    X, labels = make_spirals(n_per_class=40, seed=0)
    a = epochs_to_error("relu", 0.3, 1, X, labels, threshold=0.5, max_epochs=40)
    b = epochs_to_error("relu", 0.3, 1, X, labels, threshold=0.5, max_epochs=40)
    assert a == b and 1 <= a <= 40


def test_epochs_to_error_is_infinite_when_the_threshold_is_never_reached():
    X, labels = make_spirals(n_per_class=40, seed=0)
    assert epochs_to_error("tanh", 1e-4, 0, X, labels, threshold=0.0, max_epochs=3) == np.inf


def test_epochs_to_error_rejects_bad_labels():
    X, labels = make_spirals(n_per_class=10, seed=0)
    with pytest.raises(TypeError, match="labels must be integer class labels 0, 1, ..., got dtype float64"):
        epochs_to_error("relu", 0.1, 0, X, labels.astype(float))
    with pytest.raises(ValueError, match="threshold must be <= 1.0, got 2.0"):
        epochs_to_error("relu", 0.1, 0, X, labels, threshold=2.0)


def test_convergence_race_picks_each_activations_fastest_rate_on_tuning_seeds():
    X, labels = make_spirals(n_per_class=40, seed=0)
    race = convergence_race(X, labels, lrs=(0.01, 0.3), tuning_seeds=[7], seeds=[0, 1],
                            threshold=0.5, max_epochs=40)
    for act in ("relu", "tanh"):
        r = race[act]
        assert r["tuning"].shape == (2,) and r["epochs"].shape == (2,)
        assert r["lr"] == (0.01, 0.3)[int(np.argmin(r["tuning"]))]


def test_convergence_race_refuses_overlapping_seeds():
    X, labels = make_spirals(n_per_class=10, seed=0)
    with pytest.raises(ValueError, match=r"tuning_seeds and seeds must be disjoint, both contain \[1\]"):
        convergence_race(X, labels, tuning_seeds=[1], seeds=[0, 1])
    with pytest.raises(TypeError, match=r"convergence_race got unexpected keyword arguments \['epochs'\]"):
        convergence_race(X, labels, tuning_seeds=[1], seeds=[0], epochs=3)


def test_error_curves_reach_the_threshold_at_the_epoch_epochs_to_error_reports():
    X, labels = make_spirals(n_per_class=40, seed=0)
    first = epochs_to_error("relu", 0.3, 2, X, labels, threshold=0.4, max_epochs=20)
    curve = training_error_curves("relu", 0.3, [2], X, labels, epochs=20)[0]
    assert curve.shape == (20,)
    assert np.argmax(curve <= 0.4) + 1 == first


def _one_by_one(activation, lr, seeds, X, labels, epochs, threshold=None):
    """Each run trained on its own by nn.train, measured by the public training_error after every epoch."""
    from relu_book.nn import train

    curves, reached = [], []
    for seed in seeds:
        init = "xavier" if activation == "tanh" else "he"
        model = MLP([2, 16, 16, 3], activation=activation, init=init, seed=seed)
        errors = []

        def callback(epoch, model, errors=errors):
            errors.append(training_error(model, X, labels))
            return threshold is not None and errors[-1] <= threshold

        with np.errstate(over="ignore", invalid="ignore"):
            train(model, X, labels, lr, epochs, 32, seed=seed, loss="cross_entropy", callback=callback)
        curves.append(errors)
        reached.append(float(len(errors)) if threshold is not None and errors[-1] <= threshold else np.inf)
    return curves, np.array(reached)


@pytest.mark.parametrize("activation, lr", [("relu", 0.3), ("tanh", 1.0), ("relu", 20.0)])
def test_runs_trained_side_by_side_equal_runs_trained_one_by_one_bit_for_bit(activation, lr):
    # the experiments train their relu and tanh runs as one stack of weights (training._Stack);
    # the numbers must be those of nn.train, exactly (lr 20 diverges: NaN weights, inf epochs)
    X, labels = make_spirals(n_per_class=40, seed=0)
    curves, _ = _one_by_one(activation, lr, [0, 1, 2], X, labels, epochs=6)
    stacked = training_error_curves(activation, lr, [0, 1, 2], X, labels, epochs=6, hidden=(16, 16))
    assert np.array_equal(stacked, np.array(curves))
    _, reached = _one_by_one(activation, lr, [0, 1, 2], X, labels, epochs=6, threshold=0.5)
    race = [epochs_to_error(activation, lr, s, X, labels, threshold=0.5, max_epochs=6, hidden=(16, 16))
            for s in [0, 1, 2]]
    assert np.array_equal(race, reached)


def test_convergence_race_curves_are_the_training_error_curves_of_its_reported_runs():
    X, labels = make_spirals(n_per_class=40, seed=0)
    kw = {"lrs": (0.1, 0.3), "tuning_seeds": [7], "seeds": [0, 1], "threshold": 0.5, "max_epochs": 12,
          "hidden": (16, 16)}
    with_curves = convergence_race(X, labels, curve_epochs=15, **kw)
    plain = convergence_race(X, labels, **kw)
    for act in ("relu", "tanh"):
        r = with_curves[act]
        assert r["lr"] == plain[act]["lr"] and np.array_equal(r["epochs"], plain[act]["epochs"])
        expected = training_error_curves(act, r["lr"], [0, 1], X, labels, epochs=15, hidden=(16, 16))
        assert np.array_equal(r["curves"], expected)
        assert "curves" not in plain[act]


# ------------------------------------------------- non-centred inputs: zig-zag

from relu_book.training import (  # noqa: E402
    RELU_NORMAL_MEAN,
    dead_fraction_curves,
    log_norm_drift,
    log_norm_drift_prediction,
    signal_by_depth,
    zigzag_race,
    zigzag_sgd,
)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), lr=st.floats(0.05, 1.0))
def test_zigzag_positive_inputs_never_move_the_weights_in_opposite_directions(seed, lr):
    run = zigzag_sgd("positive", lr, seed, steps=50)
    steps = np.diff(run["path"], axis=0)
    assert run["opposite"] == 0.0
    assert np.all(steps[:, 0] * steps[:, 1] >= 0)


def test_zigzag_centred_inputs_move_the_weights_in_opposite_directions_often():
    fractions = [zigzag_sgd("centred", 0.5, s, steps=200)["opposite"] for s in range(5)]
    assert np.median(fractions) > 0.25


def test_zigzag_centred_inputs_are_the_positive_ones_minus_their_mean():
    assert pytest.approx(1 / np.sqrt(2 * np.pi)) == RELU_NORMAL_MEAN
    for seed in range(20):
        # from w = 0 with w* = (1, 0) and lr 1 the first step is x_1 x, so its first entry is x_1^2
        pos = zigzag_sgd("positive", 1.0, seed, steps=1, target=(1.0, 0.0))["path"][1, 0]
        cen = zigzag_sgd("centred", 1.0, seed, steps=1, target=(1.0, 0.0))["path"][1, 0]
        assert abs(np.sqrt(pos) - RELU_NORMAL_MEAN) == pytest.approx(np.sqrt(cen))


def test_zigzag_converges_and_diverges_as_the_learning_rate_says():
    assert zigzag_sgd("positive", 0.3, 0)["steps"] < 400
    assert zigzag_sgd("positive", 5.0, 0)["steps"] == np.inf


def test_zigzag_race_is_seeded_and_rejects_overlapping_seeds():
    a = zigzag_race(lrs=(0.3, 1.0), tuning_seeds=[9], seeds=[0, 1])
    b = zigzag_race(lrs=(0.3, 1.0), tuning_seeds=[9], seeds=[0, 1])
    assert np.array_equal(a["positive"]["steps"], b["positive"]["steps"])
    with pytest.raises(ValueError, match="disjoint"):
        zigzag_race(tuning_seeds=[0], seeds=[0])


def test_zigzag_rejects_bad_input():
    with pytest.raises(ValueError, match="inputs"):
        zigzag_sgd("negative", 0.1, 0)
    with pytest.raises(ValueError, match="target"):
        zigzag_sgd("positive", 0.1, 0, target=(0.0, 0.0))
    with pytest.raises(ValueError, match="lr"):
        zigzag_sgd("positive", -0.1, 0)


# --------------------------------------------- He initialisation, both ways


def test_fan_in_keeps_the_forward_and_fan_out_the_backward_second_moment():
    widths = [32, 64, 128, 256, 512]
    q_in, g_in = signal_by_depth(widths, "fan_in", seeds=range(6))
    q_out, g_out = signal_by_depth(widths, "fan_out", seeds=range(6))
    assert 0.6 < np.median(q_in[:, -1] / q_in[:, 0]) < 1.6
    assert 0.6 < np.median(g_out[:, 0] / g_out[:, -1]) < 1.6
    # the other moment changes by the telescoping width ratio n_L / n_1 = 8
    assert 5 < np.median(g_in[:, 0] / g_in[:, -1]) < 12
    assert 1 / 12 < np.median(q_out[:, -1] / q_out[:, 0]) < 1 / 5


def test_signal_by_depth_rejects_bad_input():
    with pytest.raises(ValueError, match="scaling"):
        signal_by_depth([4, 4], "fan_both")
    with pytest.raises(ValueError, match="widths"):
        signal_by_depth([4], "fan_in")


def test_log_norm_drift_matches_the_second_order_prediction_at_large_width():
    D = log_norm_drift([200], depth=20, seeds=range(30))[0]
    mean, sd = log_norm_drift_prediction(200, 20)
    assert abs(D.mean() - mean) < 3 * sd / np.sqrt(30) + 0.05
    assert 0.6 * sd < D.std() < 1.5 * sd


def test_log_norm_drift_grows_as_the_width_shrinks():
    D = log_norm_drift([16, 256], depth=20, seeds=range(20))
    assert np.median(D[0]) < np.median(D[1]) - 0.5


def test_log_norm_drift_prediction_values_and_bad_input():
    assert log_norm_drift_prediction(50, 10) == (-0.5, 1.0)
    with pytest.raises(ValueError, match="width"):
        log_norm_drift_prediction(0, 10)


# ----------------------------------------------------- dead units in training


def test_large_learning_rate_kills_most_relu_units_and_small_one_few():
    X, labels = make_spirals(n_per_class=40, seed=0)
    big = dead_fraction_curves("relu", 3.0, [0, 1], X, labels, epochs=3, hidden=(32, 32))
    small = dead_fraction_curves("relu", 0.1, [0, 1], X, labels, epochs=3, hidden=(32, 32))
    assert big.shape == (2, 3) and np.all((big >= 0) & (big <= 1))
    assert np.median(big[:, -1]) > 0.3 + np.median(small[:, -1])


def test_dead_fraction_curves_agree_with_dying_dead_units():
    from relu_book.dying import dead_units
    from relu_book.nn import train

    X, labels = make_spirals(n_per_class=30, seed=1)
    d = dead_fraction_curves("relu", 2.0, [4], X, labels, epochs=2, hidden=(16, 16))
    model = MLP([2, 16, 16, 3], activation="relu", init="he", seed=4)
    train(model, X, labels, 2.0, 2, 32, seed=4, loss="cross_entropy")
    assert d[0, -1] == pytest.approx(np.mean(np.concatenate(dead_units(model, X))))
