"""Tests of relu_book.polynomial_networks: polynomial activations, swaps, rescaling, depth."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import Chebyshev, Polynomial

from relu_book import approximation as ap
from relu_book import polynomial_networks as pn
from relu_book.nn import MLP


@pytest.fixture(scope="module")
def spirals():
    return pn.spirals_train_test(n_per_class=40)


@pytest.fixture(scope="module")
def relu_net(spirals):
    X, y, _, _ = spirals
    net, diverged = pn.train_classifier("relu", X, y, seed=0, epochs=10)
    assert not diverged
    return net


def random_polynomial_net(seed, degrees, sizes=(2, 5, 4, 3)):
    rng = np.random.default_rng(seed)
    net = MLP(list(sizes), seed=seed)
    for b in net.biases:
        b[:] = rng.normal(size=b.shape)
    coefs = [rng.normal(size=d + 1) for d in degrees]
    return pn.with_polynomial_activations(net, coefs)


# --------------------------------------------------------------- the activation


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=6), st.floats(-2, 2))
def test_polynomial_activation_derivative_equals_a_central_difference(coefs, z0):
    act = pn.PolynomialActivation(coefficients=coefs + [1.0])
    z = np.array([[z0]])
    h = 1e-6
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    assert act.derivative(z)[0, 0] == pytest.approx(numeric[0, 0], rel=1e-6, abs=1e-6)


def test_polynomial_activation_evaluates_the_polynomial_and_backpropagates_its_slope():
    act = pn.PolynomialActivation(coefficients=(1.0, -2.0, 0.0, 3.0), n_units=3)
    z = np.array([[-1.0, 0.5, 2.0]])
    np.testing.assert_allclose(act.forward(z), Polynomial([1, -2, 0, 3])(z))
    grad, params = act.backward(z, np.full((1, 3), 2.0))
    np.testing.assert_allclose(grad, 2 * Polynomial([1, -2, 0, 3]).deriv()(z))
    assert params == {} and act.degree == 3


def test_polynomial_activation_keeps_float32_and_does_not_mutate_its_input():
    act = pn.PolynomialActivation(coefficients=(0.0, 0.5, 0.25), dtype=np.float32)
    z = np.array([[1.0, -2.0]], dtype=np.float32)
    before = z.copy()
    assert act.forward(z).dtype == np.float32 and act.derivative(z).dtype == np.float32
    np.testing.assert_array_equal(z, before)


def test_constant_activation_has_zero_derivative():
    act = pn.PolynomialActivation(coefficients=(2.0,))
    np.testing.assert_array_equal(act.derivative(np.ones((1, 2))), np.zeros((1, 2)))


def test_mlp_builds_polynomial_layers_by_name():
    net = MLP([2, 3, 2], activation="polynomial", coefficients=(0, 0, 1))
    assert isinstance(net.activation_layers[0], pn.PolynomialActivation)
    assert "coefficients" in repr(net.activation_layers[0])


def test_polynomial_activation_refuses_bad_arguments():
    with pytest.raises(TypeError, match="unexpected keyword"):
        pn.PolynomialActivation(coefficients=(0, 1), slope=2)
    with pytest.raises(TypeError, match="coefficients"):
        pn.PolynomialActivation(coefficients=3.0)
    with pytest.raises(ValueError, match="finite"):
        pn.PolynomialActivation(coefficients=(0.0, np.nan))


# ------------------------------------------------------------------ the fits


def test_monomial_coefficients_drops_rounding_level_terms_and_trailing_zeros():
    np.testing.assert_allclose(pn.monomial_coefficients(ap.relu_minimax(3)), [1 / 16, 1 / 2, 1 / 2], atol=1e-14)
    np.testing.assert_array_equal(pn.monomial_coefficients([1.0, 0.0, 1e-20]), [1.0])
    np.testing.assert_array_equal(pn.monomial_coefficients([0.0, 0.0]), [0.0])


def test_monomial_coefficients_converts_a_series_on_minus_a_a_to_powers_of_x():
    p = Chebyshev([1.0, 2.0, 3.0], domain=[-4, 4])
    coef = pn.monomial_coefficients(p)
    xs = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(Polynomial(coef)(xs), p(xs))


def test_monomial_coefficients_refuses_asymmetric_domains_and_bad_shapes():
    with pytest.raises(ValueError, match="symmetric"):
        pn.monomial_coefficients(Chebyshev([1.0, 2.0], domain=[0, 1]))
    with pytest.raises(ValueError, match="1-d"):
        pn.monomial_coefficients(np.ones((2, 2)))


@pytest.mark.parametrize("method", list(ap.APPROXIMATIONS))
@pytest.mark.parametrize("degree", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("a", [0.5, 3.0])
def test_relu_fit_scaled_from_the_unit_interval_equals_the_fit_on_minus_a_a(method, degree, a):
    direct = pn.monomial_coefficients(ap.APPROXIMATIONS[method](degree, a))
    scaled = pn.relu_fit(degree, a, method)
    n = max(direct.size, scaled.size)
    np.testing.assert_allclose(np.pad(scaled, (0, n - scaled.size)), np.pad(direct, (0, n - direct.size)),
                               rtol=1e-9, atol=1e-12)


def test_relu_fit_of_degree_3_is_the_degree_2_fit():
    np.testing.assert_array_equal(pn.relu_fit(3, 2.0), pn.relu_fit(2, 2.0))


def test_relu_fit_refuses_unknown_methods_and_bad_degrees():
    with pytest.raises(ValueError, match="method"):
        pn.relu_fit(2, 1.0, method="pade")
    with pytest.raises(ValueError, match="degree"):
        pn.relu_fit(0, 1.0)
    with pytest.raises(ValueError, match="a must be"):
        pn.relu_fit(2, -1.0)


# ------------------------------------------------------- data, scores, ranges


def test_spirals_train_and_test_sets_share_arms_but_not_noise():
    X, y, X_test, y_test = pn.spirals_train_test(n_per_class=10, seed=3)
    assert X.shape == X_test.shape == (30, 2)
    np.testing.assert_array_equal(y, y_test)
    assert not np.allclose(X, X_test)
    X2, *_ = pn.spirals_train_test(n_per_class=10, seed=3)
    np.testing.assert_array_equal(X, X2)


def test_accuracy_is_nan_for_a_network_with_non_finite_outputs(spirals, relu_net):
    X, y, _, _ = spirals
    assert 0.0 <= pn.accuracy(relu_net, X, y) <= 1.0
    broken = pn.with_polynomial_activations(relu_net, (0.0, 0.0, 1.0))
    broken.weights[0] = broken.weights[0] * 1e200
    assert math.isnan(pn.accuracy(broken, X, y))


def test_preactivation_ranges_are_the_largest_hidden_pre_activations(spirals, relu_net):
    X, *_ = spirals
    Z1 = X @ relu_net.weights[0] + relu_net.biases[0]
    Z2 = np.maximum(Z1, 0) @ relu_net.weights[1] + relu_net.biases[1]
    np.testing.assert_allclose(pn.preactivation_ranges(relu_net, X), [np.abs(Z1).max(), np.abs(Z2).max()])


def test_rescale_units_keeps_the_function_and_puts_every_unit_in_minus_one_one(spirals, relu_net):
    X, _, X_test, _ = spirals
    before = [W.copy() for W in relu_net.weights]
    scaled = pn.rescale_units(relu_net, X)
    np.testing.assert_allclose(scaled.forward(X_test), relu_net.forward(X_test), rtol=1e-12, atol=1e-12)
    scaled.forward(X)
    for record in scaled.activations[:-1]:
        np.testing.assert_allclose(np.abs(record.pre_activation).max(axis=0), 1.0)
    for W, W0 in zip(relu_net.weights, before):
        np.testing.assert_array_equal(W, W0)


def test_rescale_units_leaves_a_silent_unit_alone():
    net = MLP([1, 2, 1], seed=0)
    net.weights[0] = np.array([[1.0, 0.0]])
    scaled = pn.rescale_units(net, np.array([[2.0], [-1.0]]))
    assert scaled.weights[0][0, 1] == 0.0 and scaled.weights[1][1, 0] == net.weights[1][1, 0]


def test_rescale_units_and_replace_relus_refuse_non_relu_networks():
    net = MLP([2, 3, 2], activation="tanh")
    with pytest.raises(ValueError, match="ReLU"):
        pn.rescale_units(net, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="ReLU"):
        pn.replace_relus(net, 2, 1.0)
    with pytest.raises(TypeError, match="MLP"):
        pn.rescale_units("net", np.zeros((1, 2)))


# ------------------------------------------------------------------ the swaps


def test_with_polynomial_activations_copies_the_weights():
    net = MLP([2, 3, 3, 2], seed=1)
    poly = pn.with_polynomial_activations(net, [(0, 1, 1), (1, 0, 2)])
    poly.weights[0][0, 0] += 1.0
    assert poly.weights[0][0, 0] != net.weights[0][0, 0]
    np.testing.assert_array_equal(poly.activation_layers[1].coefficients, [1, 0, 2])


def test_with_polynomial_activations_checks_the_number_of_polynomials():
    net = MLP([2, 3, 3, 2], seed=1)
    with pytest.raises(ValueError, match="one entry per hidden layer"):
        pn.with_polynomial_activations(net, [(0, 1), (0, 1), (0, 1)])
    with pytest.raises(TypeError, match="MLP"):
        pn.with_polynomial_activations(None, (0, 1))
    with pytest.raises(TypeError, match="polynomials"):
        pn.with_polynomial_activations(net, 3)


def test_a_swapped_layer_is_off_by_at_most_the_fit_error_inside_its_interval():
    # one hidden layer: |f_poly - f_relu| <= sum_j |W2_jk| * E_d(a) when every |z| <= a
    rng = np.random.default_rng(0)
    net = MLP([2, 6, 3], seed=2)
    X = rng.uniform(-1, 1, (200, 2))
    a = float(pn.preactivation_ranges(net, X)[0])
    for d in (2, 4, 8):
        poly = pn.replace_relus(net, d, a)
        bound = np.abs(net.weights[1]).sum(axis=0) * ap.max_error(ap.relu_minimax(d, a), a)
        gap = np.abs(poly.forward(X) - net.forward(X)).max(axis=0)
        assert np.all(gap <= bound * (1 + 1e-9))
        assert np.all(gap >= 0.05 * bound)  # and the bound is not absurdly loose


def test_replace_relus_accepts_one_width_per_layer_and_checks_their_number():
    net = MLP([2, 3, 3, 2], seed=1)
    poly = pn.replace_relus(net, 2, [1.0, 4.0])
    np.testing.assert_allclose(poly.activation_layers[1].coefficients, pn.relu_fit(2, 4.0))
    with pytest.raises(ValueError, match="one number per hidden layer"):
        pn.replace_relus(net, 2, [1.0, 2.0, 3.0])


def test_a_fit_outside_its_interval_blows_up_the_outputs(spirals, relu_net):
    X, *_ = spirals
    small = pn.replace_relus(relu_net, 8, 0.25)
    measured = pn.replace_relus(relu_net, 8, pn.preactivation_ranges(relu_net, X))
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.abs(small.forward(X)).max() > 1e6 * np.abs(measured.forward(X)).max()


def test_square_activation_diverges_at_a_large_rate_and_trains_at_a_small_one(spirals):
    X, y, _, _ = spirals
    _, diverged = pn.train_classifier("polynomial", X, y, lr=1.0, epochs=20, coefficients=(0, 0, 1))
    assert diverged
    net, diverged = pn.train_classifier("polynomial", X, y, lr=0.03, epochs=3, coefficients=(0, 0, 1))
    assert not diverged and np.all(np.isfinite(net.weights[0]))


def test_train_classifier_refuses_non_integer_labels(spirals):
    X, y, _, _ = spirals
    with pytest.raises(TypeError, match="labels"):
        pn.train_classifier("relu", X, y.astype(float))


# --------------------------------------------------------------------- depth


def test_tracked_values_follow_the_depth_rules_and_share_their_counters():
    u, v = pn.Tracked.columns(np.array([[1.0, 2.0]]))
    w = (u * v) * 3.0 + u - 1.0
    assert w.depth == 2 and w.counts == {"products": 1, "scalings": 1}
    assert (u - v).depth == 0 and (u + 2.0).depth == 0
    np.testing.assert_allclose(w.value, [6.0])
    assert "depth=2" in repr(w)


@pytest.mark.parametrize("degree", range(1, 17))
@pytest.mark.parametrize("fold", [True, False])
def test_activation_depth_is_the_depth_of_the_circuit_slot_forward_builds(degree, fold):
    rng = np.random.default_rng(degree)
    coef = rng.uniform(0.5, 2.0, degree + 1) * rng.choice([-1.0, 1.0], degree + 1)
    measured = pn.circuit_depth(coef, fold_leading=fold)["depth"]
    assert measured == pn.activation_depth(degree, fold_leading=fold)
    assert measured >= math.ceil(math.log2(degree)) if degree > 1 else measured == 1


def test_folding_saves_a_level_exactly_at_powers_of_two():
    saved = [pn.activation_depth(d, False) - pn.activation_depth(d) for d in range(2, 33)]
    assert [d for d, s in zip(range(2, 33), saved) if s] == [2, 4, 8, 16, 32]


def test_activation_depth_refuses_bad_arguments():
    assert pn.activation_depth(0) == 0
    with pytest.raises(ValueError, match="degree"):
        pn.activation_depth(-1)
    with pytest.raises(TypeError, match="fold_leading"):
        pn.activation_depth(2, fold_leading=1)
    with pytest.raises(TypeError, match="fold_leading"):
        pn.circuit_depth((0, 1, 1), fold_leading="yes")


@pytest.mark.parametrize("degrees", [(2, 2), (3, 2), (4, 5), (2, 8)])
@pytest.mark.parametrize("fold", [True, False])
def test_slot_forward_computes_the_network_with_its_stated_depth(degrees, fold):
    net = random_polynomial_net(sum(degrees), degrees)
    X = np.random.default_rng(1).uniform(-1, 1, (20, 2))
    out = pn.slot_forward(net, pn.Tracked.columns(X), fold_leading=fold)
    np.testing.assert_allclose(np.column_stack([o.value for o in out]), net.forward(X), rtol=1e-9, atol=1e-9)
    assert max(o.depth for o in out) == pn.network_depth(net, fold_leading=fold)


def test_slot_forward_on_numpy_columns_matches_forward():
    net = random_polynomial_net(0, (2, 3))
    X = np.random.default_rng(2).uniform(-1, 1, (7, 2))
    out = pn.slot_forward(net, [X[:, 0], X[:, 1]])
    np.testing.assert_allclose(np.column_stack(out), net.forward(X), rtol=1e-9, atol=1e-12)


def test_slot_forward_refuses_what_it_cannot_evaluate():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="polynomial activations"):
        pn.slot_forward(MLP([2, 3, 2]), pn.Tracked.columns(X))
    net = random_polynomial_net(0, (2, 2))
    with pytest.raises(ValueError, match="one per input feature"):
        pn.slot_forward(net, pn.Tracked.columns(np.zeros((3, 3))))
    with pytest.raises(TypeError, match="columns"):
        pn.slot_forward(net, 5)
    with pytest.raises(TypeError, match="fold_leading"):
        pn.slot_forward(net, pn.Tracked.columns(X), fold_leading=None)
    net.weights[1][:, 0] = 0.0
    with pytest.raises(ValueError, match="all weights 0"):
        pn.slot_forward(net, pn.Tracked.columns(X))
    constant = pn.with_polynomial_activations(MLP([2, 3, 2]), (1.0,))
    with pytest.raises(ValueError, match="non-constant"):
        pn.slot_forward(constant, pn.Tracked.columns(X))


def test_median_and_range_reports_non_finite_runs():
    assert pn.median_and_range([0.5, 1.0, 0.75], digits=2) == "0.75 (0.50-1.00)"
    assert pn.median_and_range([np.nan, 0.5], digits=1) == "0.5 (0.5-0.5), 1 not finite"
