"""Tests of relu_book.experiments, organised like the module: one section per experiment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book.experiments import (
    activation_patterns,
    convergence_race,
    epochs_to_error,
    grid_region_changes,
    gradient_norms_at_init,
    make_spirals,
    mean_squared_preactivations,
    region_breakpoints,
    training_error,
)
from relu_book.nn import MLP

# ----------------------------------------------------------------- data sets


def test_spirals_have_balanced_classes_and_radius_at_most_one():
    X, labels = make_spirals(n_per_class=50, n_classes=4, noise=0.3, seed=1)
    assert X.shape == (200, 2) and labels.shape == (200,)
    assert np.array_equal(np.bincount(labels), [50] * 4)
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
    with pytest.raises(ValueError, match='init must be "he" or "xavier", got \'normal\''):
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
    with pytest.raises(TypeError, match="labels must be integers, got dtype float64"):
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


# ------------------------------------------------------------- linear regions


def two_kink_model():
    model = MLP([1, 2, 1], init="normal", init_std=1.0)
    model.weights[0] = np.array([[1.0, -1.0]])
    model.biases[0] = np.array([-0.5, -0.5])
    return model


def test_breakpoints_of_a_one_hidden_layer_network_are_the_kinks():
    assert np.allclose(region_breakpoints(two_kink_model(), [-1.0], [1.0]), [0.25, 0.75])


def random_relu_net(seed, activation="relu", **kwargs):
    model = MLP([2, 12, 12, 1], activation=activation, seed=seed, **kwargs)
    rng = np.random.default_rng(seed)
    for b in model.biases:
        b += rng.normal(0, 0.5, b.shape)
    return model


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000))
def test_exact_breakpoints_agree_with_pattern_changes_on_a_fine_grid(seed):
    model = random_relu_net(seed)
    start, end = [-2.0, -1.0], [2.0, 1.5]
    exact = region_breakpoints(model, start, end)
    grid = grid_region_changes(model, start, end, num=20_001)
    assert np.all(np.diff(exact) > 0) and np.all((exact > 0) & (exact < 1))
    # every grid change lies within one grid spacing of an exact breakpoint
    if grid.size:
        assert np.abs(grid[:, None] - exact[None, :]).min(axis=1).max() <= 1 / 20_000
    assert len(grid) <= len(exact)
    gaps = np.diff(np.concatenate([[0.0], exact, [1.0]]))
    if gaps.min() > 2 / 20_000:  # no region too thin for the grid
        assert len(grid) == len(exact)


def test_network_is_affine_between_consecutive_breakpoints():
    model = random_relu_net(3)
    start, end = np.array([-2.0, -1.0]), np.array([2.0, 1.5])
    edges = np.concatenate([[0.0], region_breakpoints(model, start, end), [1.0]])
    for lo, hi in zip(edges[:-1], edges[1:]):
        t = np.linspace(lo, hi, 5)
        y = model.forward(start + t[:, None] * (end - start))[:, 0]
        assert np.allclose(np.diff(y, 2), 0, atol=1e-9)  # second differences vanish on a line


def test_patterns_are_constant_inside_each_region():
    model = random_relu_net(5)
    start, end = np.array([-2.0, -1.0]), np.array([2.0, 1.5])
    edges = np.concatenate([[0.0], region_breakpoints(model, start, end), [1.0]])
    mids = (edges[:-1] + edges[1:]) / 2
    pats = activation_patterns(model, start + mids[:, None] * (end - start))
    assert np.all(np.any(pats[1:] != pats[:-1], axis=1))  # neighbouring regions differ


def test_leaky_relu_networks_have_breakpoints_too():
    model = random_relu_net(2, activation="leaky_relu", negative_slope=0.1)
    exact = region_breakpoints(model, [-2.0, -1.0], [2.0, 1.5])
    grid = grid_region_changes(model, [-2.0, -1.0], [2.0, 1.5], num=20_001)
    assert len(exact) >= len(grid) >= 1


def test_linear_region_functions_refuse_smooth_activations_and_bad_segments():
    with pytest.raises(ValueError, match="piecewise linear activation .* got 'tanh'"):
        region_breakpoints(MLP([2, 3, 1], activation="tanh"), [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"x_end must have shape \(2,\), got \(3,\)"):
        grid_region_changes(MLP([2, 3, 1]), [0.0, 0.0], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="x_start and x_end must differ"):
        region_breakpoints(MLP([2, 3, 1]), [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(TypeError, match="model must be an MLP, got list"):
        activation_patterns([1, 2], [[0.0, 0.0]])


def test_error_curves_reach_the_threshold_at_the_epoch_epochs_to_error_reports():
    from relu_book.experiments import training_error_curves

    X, labels = make_spirals(n_per_class=40, seed=0)
    first = epochs_to_error("relu", 0.3, 2, X, labels, threshold=0.4, max_epochs=20)
    curve = training_error_curves("relu", 0.3, [2], X, labels, epochs=20)[0]
    assert curve.shape == (20,)
    assert np.argmax(curve <= 0.4) + 1 == first


def test_chapter5_functions_are_available_from_experiments():
    from relu_book import dying, experiments

    assert experiments.born_dead_probability_exact is dying.born_dead_probability_exact
    assert experiments.born_dead_probability is dying.born_dead_probability
    assert experiments.dead_unit_fraction is dying.dead_unit_fraction
    assert experiments.born_dead_probability_exact(3, 2) == pytest.approx(1 - (1 - 2.0**-2) ** 3)


@pytest.mark.parametrize("mode", ["unit", "shared"])
def test_region_breakpoints_of_a_prelu_network_match_the_grid(mode):
    from relu_book.experiments import grid_region_changes, region_breakpoints
    from relu_book.nn import MLP

    model = MLP([2, 16, 16, 1], activation="prelu", prelu_mode=mode, prelu_init=0.3, seed=3)
    for layer in model.activation_layers:  # distinct slopes, as after training
        layer.params["weight"] = layer.params["weight"] + np.linspace(0, 0.2, layer.params["weight"].size)
    start, end = np.array([-2.0, -1.0]), np.array([2.0, 1.5])
    breaks = region_breakpoints(model, start, end)
    changes = grid_region_changes(model, start, end, num=200_001)
    assert len(breaks) > 5
    # Every change seen on the grid lies next to an exact breakpoint, and the
    # grid misses at most the narrowest regions.
    assert np.max(np.min(np.abs(changes[:, None] - breaks[None, :]), axis=1)) < 1e-4
    assert 0 <= len(breaks) - len(changes) <= 2
