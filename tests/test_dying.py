"""Tests of relu_book.dying: born-dead probabilities, dead-unit measurement, experiments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book import dying
from relu_book.dying import (
    REMEDIES,
    DeadUnitTracker,
    bias_shift_sweep,
    binomial_standard_error,
    born_dead_by_depth,
    born_dead_fraction,
    born_dead_probability,
    born_dead_probability_exact,
    dead_unit_fraction,
    dead_units,
    depth_sweep,
    full_line_bounds,
    learning_rate_sweep,
    make_regression,
    remedy_comparison,
    revival_demo,
    train_and_measure,
)
from relu_book.nn import MLP, train

# ------------------------------------------------------------- born dead: exact


def test_exact_probability_of_one_unit_is_one_half():
    assert born_dead_probability_exact(1, 1) == 0.5


@pytest.mark.parametrize(("depth", "width"), [(1, 3), (4, 2), (10, 5), (50, 10)])
def test_exact_probability_matches_the_closed_form(depth, width):
    assert born_dead_probability_exact(depth, width) == pytest.approx(1 - (1 - 2.0**-width) ** depth, rel=1e-12)


def test_exact_probability_is_accurate_for_tiny_values():
    assert born_dead_probability_exact(1, 60) == pytest.approx(2.0**-60, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 12))
def test_exact_probability_grows_with_depth_and_shrinks_with_width(depth, width):
    p = born_dead_probability_exact(depth, width)
    assert 0 < p < 1
    assert born_dead_probability_exact(depth + 1, width) > p
    assert born_dead_probability_exact(depth, width + 1) < p


def test_exact_probability_tends_to_one_with_depth():
    assert born_dead_probability_exact(10_000, 4) > 1 - 1e-12


# ------------------------------------------------------------ born dead: Monte Carlo


@pytest.mark.parametrize(("depth", "width"), [(1, 1), (3, 2), (10, 2), (5, 3), (20, 4), (30, 6)])
def test_monte_carlo_agrees_with_exact_within_four_standard_errors(depth, width):
    trials = 20_000
    exact = born_dead_probability_exact(depth, width)
    estimate = born_dead_probability(depth, width, trials=trials, seed=7)
    assert abs(estimate - exact) <= 4 * binomial_standard_error(exact, trials)


def test_monte_carlo_is_reproducible_and_seed_dependent():
    assert born_dead_probability(6, 2, trials=2000, seed=3) == born_dead_probability(6, 2, trials=2000, seed=3)
    assert born_dead_probability(6, 2, trials=2000, seed=3) != born_dead_probability(6, 2, trials=2000, seed=4)


def test_zero_bias_network_dead_at_one_positive_input_is_dead_on_a_positive_grid():
    # positive homogeneity: x = 1 decides for every x > 0
    grid = np.linspace(0.1, 5.0, 17)
    assert born_dead_fraction(8, 2, trials=3000, seed=5, inputs=grid) == born_dead_probability(
        8, 2, trials=3000, seed=5
    )


def test_whole_line_estimate_lies_within_its_bounds():
    trials = 20_000
    lower, upper = full_line_bounds(10, 2)
    p = born_dead_fraction(10, 2, trials=trials, seed=1, inputs=[-1.0, 1.0])
    se = binomial_standard_error(0.5, trials)
    assert lower - 4 * se <= p <= upper + 4 * se
    assert p < upper - 4 * se  # strictly rarer than on the half-line


def test_randomised_asymmetric_initialisation_makes_born_dead_networks_rarer():
    grid = np.linspace(0.0, 1.0, 9)
    symmetric = born_dead_fraction(10, 2, trials=5000, seed=0, inputs=grid)
    rai = born_dead_fraction(10, 2, trials=5000, seed=0, inputs=grid, init="rai")
    assert rai < symmetric - 0.2


@pytest.mark.parametrize("init", ["symmetric", "rai"])
def test_born_dead_by_depth_gives_the_fraction_of_each_depth_drawn_separately(init):
    grid = np.linspace(-1.0, 1.0, 5)
    depths = [7, 1, 3, 7]
    curve = born_dead_by_depth(depths, 2, trials=1500, seed=9, inputs=grid, init=init)
    separate = [born_dead_fraction(d, 2, trials=1500, seed=9, inputs=grid, init=init) for d in depths]
    assert curve.tolist() == separate
    assert curve[0] == curve[3] and curve[1] <= curve[2] <= curve[0]  # a dead layer stays dead


def test_born_dead_by_depth_rejects_bad_depths():
    with pytest.raises(ValueError, match="each entry of depths must be >= 1"):
        born_dead_by_depth([2, 0], 2)
    with pytest.raises(ValueError, match="depths"):
        born_dead_by_depth([], 2)
    with pytest.raises(TypeError, match="depths"):
        born_dead_by_depth(3, 2)


def test_standard_error_formula():
    assert binomial_standard_error(0.5, 100) == pytest.approx(0.05)
    assert binomial_standard_error(0.0, 10) == 0.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: born_dead_probability_exact(0, 2), ValueError, "depth must be >= 1, got 0"),
        (lambda: born_dead_probability_exact(2, 1.5), TypeError, "width must be an integer, got float"),
        (lambda: born_dead_probability(2, 2, trials=0), ValueError, "trials must be >= 1, got 0"),
        (lambda: born_dead_probability(2, 2, seed=-1), ValueError, "seed must be >= 0, got -1"),
        (lambda: born_dead_fraction(2, 2, init="he"), ValueError, "init must be"),
        (lambda: born_dead_fraction(2, 2, inputs=[[1.0]]), ValueError, "inputs must be a non-empty 1-D array"),
        (lambda: born_dead_fraction(2, 2, inputs=[np.nan]), ValueError, "inputs must be finite"),
        (lambda: born_dead_fraction(2, 2, inputs="x"), TypeError, "inputs must be a real number"),
        (lambda: binomial_standard_error(1.5, 10), ValueError, "p must be <= 1.0, got 1.5"),
        (lambda: full_line_bounds(True, 2), TypeError, "depth must be an integer, got bool"),
    ],
)
def test_bad_arguments_are_rejected_with_clear_messages(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------- measurement


def _hand_built_model():
    model = MLP([2, 3, 2, 1], seed=0)
    model.weights[0] = np.array([[1.0, -1.0, 0.5], [0.0, 0.0, 0.5]])
    model.biases[0] = np.array([0.0, -0.1, 0.0])
    model.weights[1] = np.array([[1.0, -1.0], [1.0, -1.0], [1.0, -1.0]])
    return model


def test_hand_built_dead_units_are_detected():
    X = np.array([[0.5, 1.0], [1.0, -0.2], [2.0, 0.3]])  # x1 > 0: unit 2 of layer 1 never fires
    masks = dead_units(_hand_built_model(), X)
    assert [m.tolist() for m in masks] == [[False, True, False], [False, True]]
    assert dead_unit_fraction(_hand_built_model(), X) == pytest.approx([1 / 3, 1 / 2])


def test_unit_with_zero_preactivation_counts_as_dead():
    model = MLP([1, 1, 1], seed=0)
    model.weights[0] = np.array([[0.0]])
    assert dead_unit_fraction(model, [[1.0], [2.0]]) == [1.0]


def test_dead_unit_gets_zero_gradient_and_plain_gradient_descent_keeps_it_dead():
    model = _hand_built_model()
    X = np.array([[0.5, 1.0], [1.0, -0.2], [2.0, 0.3]])
    Y = np.array([[1.0], [0.0], [2.0]])
    _, gW, gb = model.loss_and_grads(X, Y)
    assert np.all(gW[0][:, 1] == 0) and gb[0][1] == 0  # incoming weights and bias of the dead unit
    assert np.all(gW[1][1, :] == 0)  # its outgoing weights: it outputs 0
    before = model.weights[0][:, 1].copy()
    train(model, X, Y, lr=0.1, epochs=20, batch_size=3)
    assert np.array_equal(model.weights[0][:, 1], before)
    assert dead_units(model, X)[0][1]


def test_measurement_does_not_change_parameters():
    model = MLP([2, 4, 1], seed=1)
    weights = [w.copy() for w in model.weights]
    X = np.random.default_rng(0).standard_normal((5, 2))
    X_copy = X.copy()
    dead_unit_fraction(model, X)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.weights))
    assert np.array_equal(X, X_copy)


def test_network_without_hidden_layers_has_no_fractions():
    assert dead_unit_fraction(MLP([2, 1]), np.zeros((3, 2))) == []


def test_dead_unit_fraction_rejects_a_non_model():
    with pytest.raises(TypeError, match="model must be a relu_book.nn.MLP, got dict"):
        dead_unit_fraction({}, np.zeros((2, 2)))


def test_dead_unit_fraction_rejects_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 2\)"):
        dead_unit_fraction(MLP([2, 3, 1]), np.zeros((4, 3)))


def test_tracker_records_one_row_per_epoch_and_never_stops_training():
    X, Y = make_regression(n=32)
    tracker = DeadUnitTracker(X)
    history = train(MLP([2, 8, 8, 1]), X, Y, lr=0.05, epochs=4, batch_size=8, callback=tracker)
    assert history.epochs == 4 and not history.stopped_early
    assert tracker.epochs == [1, 2, 3, 4] and tracker.fractions.shape == (4, 2)
    assert np.all((tracker.fractions >= 0) & (tracker.fractions <= 1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": np.zeros(3)}, ValueError, "X must be a 2-D array"),
        ({"X": np.zeros((2, 2)), "every": 0}, ValueError, "every must be >= 1"),
    ],
)
def test_tracker_validates_its_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        DeadUnitTracker(**kwargs)


# ----------------------------------------------------------------- experiments


def test_revival_demo_first_layer_unit_stays_dead_second_layer_unit_revives():
    demo = revival_demo()
    assert np.all(demo["max_pre_B"] < 0) and np.all(demo["weight_B"] == demo["weight_B"][0])
    assert demo["max_pre_D"][0] < 0 < demo["max_pre_D"][-1]
    assert demo["weight_D"][-1] != demo["weight_D"][0]  # it learns once it is back
    assert demo["loss"][-1] < demo["loss"][0]


def test_train_and_measure_is_reproducible():
    first = train_and_measure(lr=0.1, seed=2, epochs=3, data=make_regression())  # explicit data: not remembered
    assert train_and_measure(lr=0.1, seed=2, epochs=3, data=make_regression()) == first


def test_a_remembered_run_is_the_run_trained_afresh(monkeypatch):
    monkeypatch.setattr(dying, "_RUNS", {})
    run = train_and_measure(lr=0.1, seed=3, epochs=2)
    assert len(dying._RUNS) == 1
    assert train_and_measure(lr=0.1, seed=3, epochs=2) is run  # remembered
    assert train_and_measure(lr=0.1, seed=3, epochs=2, data=make_regression()) == run  # trained again
    assert train_and_measure(lr=0.1, seed=4, epochs=2) != run


@pytest.mark.parametrize(
    "changed",
    [{"lr": 0.2}, {"seed": 1}, {"bias": -0.0}, {"epochs": 3}, {"batch_size": 16}, {"activation": "leaky_relu"},
     {"negative_slope": 0.1, "activation": "leaky_relu"}, {"layer_sizes": (2, 8, 1)}, {"init": "xavier"}],
)
def test_a_run_is_remembered_only_for_exactly_the_same_arguments(monkeypatch, changed):
    monkeypatch.setattr(dying, "_RUNS", {})
    base = {"lr": 0.1, "seed": 0, "bias": 0.0, "epochs": 2, "layer_sizes": (2, 8, 8, 1)}
    train_and_measure(**base)
    train_and_measure(**{**base, **changed})
    assert len(dying._RUNS) == 2


def test_runs_with_numpy_arguments_are_not_remembered(monkeypatch):
    monkeypatch.setattr(dying, "_RUNS", {})
    train_and_measure(lr=np.float64(0.1), seed=0, epochs=1)
    train_and_measure(lr=0.1, seed=0, epochs=1, layer_sizes=np.array([2, 4, 1]))
    assert dying._RUNS == {}
    train_and_measure(lr=0.1, seed=0, epochs=1, layer_sizes=[2, 4, 1])
    assert len(dying._RUNS) == 1  # a list of sizes is the same network as the tuple
    assert train_and_measure(lr=0.1, seed=0, epochs=1, layer_sizes=(2, 4, 1)) is dying._RUNS.popitem()[1]


@pytest.mark.parametrize(
    "config",
    [
        {"lr": 0.6},
        {"lr": 0.9, "activation": "leaky_relu", "negative_slope": 0.01},
        {"lr": 0.3, "activation": "elu"},
        {"lr": 0.3, "activation": "elu", "init": "normal", "init_std": 0.5},
        {"lr": 0.3, "bias": 0.1, "init": "normal", "init_std": 0.5},
        {"lr": 0.1, "bias": -0.5, "batch_size": 48},
        {"lr": 0.2, "layer_sizes": (2, 8, 8, 8, 1), "batch_size": 8},
        {"lr": 0.3, "activation": "prelu"},
        {"lr": 0.4, "activation": "prelu", "prelu_mode": "shared"},
        {"lr": 0.3, "activation": "rrelu"},
        {"lr": 0.6, "activation": "rrelu"},
    ],
)
def test_seeds_trained_together_are_the_runs_of_nn_train_bit_for_bit(monkeypatch, config):
    kwargs = {"layer_sizes": (2, 32, 32, 1), "bias": 0.0, "activation": "relu", "init": "he", "init_std": None,
              "epochs": 25, "batch_size": 32, "data": None, **config}
    slopes = {k: kwargs.pop(k) for k in ("negative_slope", "prelu_mode") if k in kwargs}
    seeds = [0, 1, 2, 3, 4]
    monkeypatch.setattr(dying, "_RUNS", {})
    together = dying._measure_seeds(seeds, **kwargs, activation_kwargs=slopes)
    monkeypatch.setattr(dying, "_RUNS", {})
    one_by_one = dying._measure_seeds(seeds, **kwargs, activation_kwargs=slopes, stack=False)  # relu_book.nn.train
    assert np.array_equal(np.array(together, dtype=float), np.array(one_by_one, dtype=float), equal_nan=True)


@pytest.mark.parametrize(
    ("sweep", "field", "values", "settings"),
    [
        (learning_rate_sweep, "lr", [0.1, 0.6, 0.9], {"activation": "prelu"}),
        (learning_rate_sweep, "lr", [0.05, 0.9], {"activation": "leaky_relu", "negative_slope": 0.01}),
        (bias_shift_sweep, "bias", [0.0, -0.5], {"lr": 0.3}),
    ],
)
def test_a_sweep_trains_all_its_runs_together_and_gets_the_runs_of_nn_train(sweep, field, values, settings):
    data = make_regression()  # explicit data: nothing is remembered
    out = sweep(values, seeds=[0, 1, 2], epochs=12, data=data, **settings)
    slopes = {k: settings[k] for k in ("negative_slope",) if k in settings}
    for i, value in enumerate(values):
        run = {"lr": settings.get("lr"), "bias": 0.0, field: value}
        reference = dying._measure_seeds([0, 1, 2], (2, 32, 32, 1), run["lr"], run["bias"],
                                         settings.get("activation", "relu"), "he", None, 12, 32, data, slopes,
                                         stack=False)  # one relu_book.nn.train per seed
        got = np.stack([out[k][i] for k in ("dead_at_init", "dead", "loss", "diverged")], axis=1).astype(float)
        assert np.array_equal(got, np.array(reference, dtype=float), equal_nan=True)


def test_seeds_trained_together_include_runs_that_diverge_and_runs_that_do_not():
    runs = dying._measure([0, 1, 2, 3, 4], lr=0.3, activation="elu", epochs=25,
                          data=make_regression())
    assert {r.diverged for r in runs} == {True, False}


def test_train_and_measure_reports_divergence_without_warnings():
    run = train_and_measure(lr=50.0, seed=0, epochs=5, init="normal", init_std=3.0)
    assert run.diverged and np.isnan(run.dead) and np.isnan(run.loss)


def test_a_very_negative_bias_kills_every_unit_forever():
    out = bias_shift_sweep([-5.0], seeds=[0, 1], epochs=3)
    assert np.all(out["dead_at_init"] == 1.0) and np.all(out["dead"] == 1.0)


def test_sweeps_return_arrays_of_values_by_seeds():
    lr = learning_rate_sweep([0.01, 0.1], seeds=[0, 1, 2], epochs=2)
    assert lr["lr"].tolist() == [0.01, 0.1] and lr["dead"].shape == (2, 3) and lr["diverged"].dtype == bool
    depth = depth_sweep([1, 3], seeds=[0], epochs=1)
    assert depth["depth"].tolist() == [1, 3] and depth["loss"].shape == (1 + 1, 1)


def test_larger_learning_rate_kills_more_units():
    out = learning_rate_sweep([0.01, 0.6], seeds=range(3))
    assert np.median(out["dead"][1]) > np.median(out["dead"][0]) + 0.1


def test_prelu_remedy_learns_its_slopes():
    out = remedy_comparison(seeds=[0], remedies={"PReLU": REMEDIES["PReLU"]}, baseline={"lr": 0.05, "epochs": 3})
    assert not out["PReLU"]["diverged"][0] and np.isfinite(out["PReLU"]["loss"][0])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: learning_rate_sweep([], seeds=[0]), ValueError, "lrs must not be empty"),
        (lambda: learning_rate_sweep([0.1], seeds=[]), ValueError, "seeds must not be empty"),
        (lambda: learning_rate_sweep([0.1], seeds=5), TypeError, "seeds must be a sequence of integers, got int"),
        (lambda: depth_sweep([0], seeds=[0]), ValueError, "each entry of depths must be >= 1, got 0"),
        (lambda: train_and_measure(lr=-1.0, epochs=1), ValueError, "lr must be > 0.0"),
        (lambda: train_and_measure(lr=0.1, bias=np.inf, epochs=1), ValueError, "bias must be finite"),
        (lambda: revival_demo(steps=0), ValueError, "steps must be >= 1, got 0"),
        (lambda: make_regression(n=0), ValueError, "n must be >= 1, got 0"),
    ],
)
def test_experiment_arguments_are_validated(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------- tuned comparisons, first-step mechanisms

from relu_book.dying import (  # noqa: E402
    best_learning_rate,
    first_step_measurements,
    gradient_norm,
    sharpness,
    tuned_comparison,
)


def test_best_learning_rate_counts_a_diverged_run_as_infinite_loss():
    # 1.0 has the smallest finite loss but diverged on one of two seeds: median inf
    assert best_learning_rate([0.1, 1.0], [[0.3, 0.3], [0.01, np.nan]]) == 0.1


def test_best_learning_rate_breaks_ties_towards_the_smaller_rate_whatever_the_order():
    assert best_learning_rate([0.3, 0.1], [[0.2, 0.2], [0.2, 0.2]]) == 0.1


def test_best_learning_rate_rejects_a_loss_table_of_the_wrong_shape():
    with pytest.raises(ValueError, match="losses must have shape"):
        best_learning_rate([0.1, 0.3], [[0.2, 0.2]])


def test_tuned_comparison_rejects_overlapping_seeds_and_a_fixed_rate():
    with pytest.raises(ValueError, match="disjoint"):
        tuned_comparison({"a": {}}, [0.1], tuning_seeds=[0, 1], seeds=[1, 2])
    with pytest.raises(ValueError, match="must not set lr"):
        tuned_comparison({"a": {"lr": 0.1}}, [0.1], tuning_seeds=[5], seeds=[0])


def test_tuned_comparison_reports_runs_at_the_rate_chosen_on_the_tuning_seeds():
    out = tuned_comparison({"ReLU": {}}, [0.001, 0.1], tuning_seeds=[7], seeds=[0, 1], epochs=3)["ReLU"]
    assert out["lr"] == 0.1  # 0.001 barely moves in 3 epochs
    assert out["tuning"][1] < out["tuning"][0]
    direct = train_and_measure(lr=0.1, seed=1, epochs=3, data=make_regression())  # trained afresh, not remembered
    assert out["loss"][1] == direct.loss


def _linear_model(w, b):
    model = MLP([1, 1], init="normal", init_std=1.0)
    model.weights[0][:] = w
    model.biases[0][:] = b
    return model


def test_gradient_norm_of_a_linear_model_matches_the_hand_computed_gradient():
    X = np.array([[1.0], [2.0], [-1.0]])
    Y = np.array([[0.0], [1.0], [2.0]])
    model = _linear_model(0.5, -0.2)
    r = X[:, 0] * 0.5 - 0.2 - Y[:, 0]  # residuals; L = mean(r^2) / 2
    expected = np.hypot(np.mean(r * X[:, 0]), np.mean(r))
    assert gradient_norm(model, X, Y) == pytest.approx(expected, rel=1e-12)


def test_sharpness_of_a_linear_model_is_the_top_eigenvalue_of_its_constant_hessian():
    X = np.array([[1.0], [2.0], [-1.0], [0.5]])
    H = np.array([[np.mean(X[:, 0] ** 2), np.mean(X[:, 0])], [np.mean(X[:, 0]), 1.0]])
    model = _linear_model(0.3, 0.1)
    assert sharpness(model, X, np.zeros((4, 1))) == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-6)


def test_sharpness_agrees_with_a_dense_finite_difference_hessian_of_a_small_relu_network():
    X, Y = make_regression(n=32, seed=1)
    model = MLP([2, 4, 1], seed=2)
    params = [*model.weights, *model.biases]
    theta = np.concatenate([p.ravel() for p in params])
    sizes = np.cumsum([p.size for p in params])[:-1]

    def grad_at(t):
        for p, c in zip(params, np.split(t, sizes)):
            p[...] = c.reshape(p.shape)
        _, gW, gb = model.loss_and_grads(X, Y)
        return np.concatenate([g.ravel() for g in (*gW, *gb)])

    eps = 1e-6
    H = np.array([(grad_at(theta + eps * e) - grad_at(theta - eps * e)) / (2 * eps) for e in np.eye(theta.size)])
    grad_at(theta)
    top = np.linalg.eigvalsh((H + H.T) / 2)
    expected = top[np.argmax(np.abs(top))]
    assert sharpness(model, X, Y, iterations=200, rtol=0.0) == pytest.approx(expected, rel=1e-4)
    assert sharpness(model, X, Y, iterations=200) == pytest.approx(expected, rel=1e-4)  # stops early, as close


def test_sharpness_and_gradient_norm_leave_the_model_unchanged():
    X, Y = make_regression(n=16, seed=0)
    model = MLP([2, 8, 8, 1], activation="prelu", seed=0)
    before = [p.copy() for p in (*model.weights, *model.biases, model.activation_layers[0].params["weight"])]
    sharpness(model, X, Y, iterations=3)
    gradient_norm(model, X, Y)
    after = (*model.weights, *model.biases, model.activation_layers[0].params["weight"])
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_sharpness_rejects_bad_arguments():
    model = MLP([1, 1])
    with pytest.raises(ValueError, match="eps"):
        sharpness(model, [[1.0]], [[0.0]], eps=0.0)
    with pytest.raises(TypeError, match="model"):
        sharpness("net", [[1.0]], [[0.0]])
    with pytest.raises(ValueError, match="rtol"):
        sharpness(model, [[1.0]], [[0.0]], rtol=-1e-6)


def test_sharpness_stops_once_the_estimate_settles(monkeypatch):
    X, Y = make_regression(n=32, seed=0)
    model = MLP([2, 8, 8, 1], seed=0)
    calls = []
    original = dying._gradient
    monkeypatch.setattr(dying, "_gradient", lambda *a: calls.append(1) or original(*a))
    full = sharpness(model, X, Y, iterations=60, rtol=0.0)
    assert len(calls) == 120
    calls.clear()
    early = sharpness(model, X, Y, iterations=60, rtol=1e-6)
    assert len(calls) < 120 and early == pytest.approx(full, rel=1e-5)


def test_first_step_measurements_see_a_larger_gradient_with_a_larger_initial_scale():
    out = first_step_measurements({"small": {"init_std": 0.1}, "large": {"init_std": 0.5}}, seeds=[0, 1],
                                  init="normal")
    assert np.all(out["large"]["grad_norm"] > out["small"]["grad_norm"])
    assert np.all(out["large"]["sharpness"] > out["small"]["sharpness"])


def test_grid_proxy_of_a_zero_bias_symmetric_network_is_the_two_point_event_dead_on_the_whole_line():
    # positive homogeneity: one positive and one negative input decide the whole line
    grid = np.linspace(-1, 1, 11)
    for depth, width in [(5, 2), (10, 3)]:
        on_grid = born_dead_fraction(depth, width, trials=2000, seed=4, inputs=grid)
        assert on_grid == born_dead_fraction(depth, width, trials=2000, seed=4, inputs=(-1.0, 1.0))
