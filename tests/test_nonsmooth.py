"""Tests of relu_book.nonsmooth: chain rules, autodiff almost everywhere, conservative
fields, SGD on one ReLU neuron, and the counts behind the floating-point estimates."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from relu_book import autodiff as ad
from relu_book import calculus, symbolic
from relu_book import nonsmooth as ns

x, y = sp.symbols("x y", real=True)


# ------------------------------------------------------------- chain rules


def test_sum_rule_bound_strictly_contains_the_clarke_gradient_of_relu_minus_its_mirror():
    bound = ns.sum_rule_bound([symbolic.relu(x), -symbolic.relu(-x)], x, 0)
    clarke = calculus.clarke_gradient(symbolic.relu(x) - symbolic.relu(-x), x, 0)
    assert bound == sp.Interval(0, 2)
    assert clarke == sp.FiniteSet(1)
    assert clarke.is_subset(bound) and clarke != bound


def test_sum_rule_bound_is_exact_for_convex_terms():
    # relu(x) + relu(-x) = |x|: both terms convex, the sum rule holds with equality
    bound = ns.sum_rule_bound([symbolic.relu(x), symbolic.relu(-x)], x, 0)
    assert bound == calculus.clarke_gradient(sp.Abs(x), x, 0) == sp.Interval(-1, 1)


def test_chain_rule_bound_of_relu_of_minus_abs_is_strictly_larger_than_its_clarke_gradient():
    bound = ns.chain_rule_bound(symbolic.relu(y), y, -sp.Abs(x), x, 0)
    assert bound == sp.Interval(-1, 1)
    assert calculus.clarke_gradient(symbolic.relu(-sp.Abs(x)), x, 0) == sp.FiniteSet(0)


def test_chain_rule_bound_is_the_ordinary_chain_rule_at_a_smooth_point():
    assert ns.chain_rule_bound(symbolic.relu(y), y, 2 * x, x, 1) == sp.FiniteSet(2)
    assert ns.chain_rule_bound(symbolic.relu(y), y, 2 * x, x, 0.5) == sp.FiniteSet(2)


@pytest.mark.parametrize("c", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("s", [-1.0, 0.0, 1.0])
def test_autodiff_returns_an_element_of_the_chain_rule_bound(c, s):
    got = float(ad.grad(lambda v: ad.relu(-ad.absolute(v, at_zero=s), at_zero=c), 0.0))
    bound = ns.chain_rule_bound(symbolic.relu(y), y, -sp.Abs(x), x, 0)
    assert bound.contains(sp.Float(got)) == sp.true


def test_chain_rule_bounds_reject_bad_input():
    with pytest.raises(TypeError, match="outer"):
        ns.chain_rule_bound("relu(y)", y, x, x, 0)
    with pytest.raises(TypeError, match="y must be a sympy Symbol"):
        ns.chain_rule_bound(symbolic.relu(y), "y", x, x, 0)
    with pytest.raises(ValueError, match="terms must not be empty"):
        ns.sum_rule_bound([], x, 0)
    with pytest.raises(TypeError, match="terms"):
        ns.sum_rule_bound(symbolic.relu(x), x, 0)


# --------------------------------------------------- autodiff almost everywhere


@pytest.fixture(scope="module")
def net():
    return ns.mirror_network(4, (8, 8), seed=0)


def _piece_gradient(net, X):
    """grad f(x) = W1^T D1 W2^T D2 ... W_L^T, with D_l = diag(z_l > 0): matrix products."""
    grads = []
    for row in X:
        h, Ds = row, []
        for W, b in zip(net.weights[:-1], net.biases[:-1]):
            z = W @ h + b
            Ds.append(np.diag((z > 0).astype(float)))
            h = np.maximum(z, 0.0)
        g = net.weights[-1][0]
        for W, D in zip(reversed(net.weights[:-1]), reversed(Ds)):
            g = W.T @ (D @ g)
        grads.append(g)
    return np.array(grads)


def test_mirror_network_pairs_two_opposite_units(net):
    W0, b0 = net.weights[0], net.biases[0]
    np.testing.assert_array_equal(W0[1], -W0[0])
    assert b0[1] == -b0[0]
    np.testing.assert_array_equal(net.weights[1][:, 1], -net.weights[1][:, 0])
    assert net.mirrored == (0, 1) and net.input_dim == 4


def test_network_output_matches_the_matrix_formula(net):
    X = np.random.default_rng(3).standard_normal((50, 4))
    h = X
    for W, b in zip(net.weights[:-1], net.biases[:-1]):
        h = np.maximum(h @ W.T + b, 0.0)
    expected = (h @ net.weights[-1].T + net.biases[-1])[:, 0]
    np.testing.assert_allclose(ns.network_output(net, X), expected, rtol=1e-12, atol=1e-12)


def test_autodiff_equals_the_difference_quotient_at_random_inputs(net):
    X = np.random.default_rng(1).standard_normal((300, 4))
    grad_ad = ns.autodiff_input_gradient(net, X)
    grad_fd, gap = ns.finite_difference_gradient(net, X)
    assert gap.max() < 1e-7  # no kink crossed
    np.testing.assert_allclose(grad_ad, grad_fd, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False, allow_subnormal=False), min_size=4, max_size=4))
def test_autodiff_equals_the_gradient_of_the_active_affine_piece(point):
    net = ns.mirror_network(4, (8, 8), seed=0)
    X = np.array([point])
    np.testing.assert_allclose(ns.autodiff_input_gradient(net, X), _piece_gradient(net, X), atol=1e-12)


def test_autodiff_is_wrong_on_the_kink_set_though_the_network_is_differentiable_there(net):
    K = ns.points_on_kink(net, n=60, seed=2)
    grad_fd, gap = ns.finite_difference_gradient(net, K)
    assert gap.max() < 1e-7  # differentiable: the mirrored pair is linear
    error = np.abs(ns.autodiff_input_gradient(net, K) - grad_fd).max(axis=1)
    assert error.min() > 1e-4
    # relu'(0) = 1/2 makes the pair's two terms add up to the missing slope
    np.testing.assert_allclose(ns.autodiff_input_gradient(net, K, at_zero=0.5), grad_fd, atol=1e-8)


def test_points_on_kink_are_exactly_on_the_hyperplane(net):
    K = ns.points_on_kink(net, n=30, seed=5)
    z = K @ net.weights[0][0] + net.biases[0][0]
    assert np.all(z == 0)
    assert K.shape == (30, 4)


def test_network_functions_reject_bad_input(net):
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        ns.network_output(net, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="ReluNetwork"):
        ns.autodiff_input_gradient("net", np.zeros((1, 4)))
    with pytest.raises(ValueError, match="at_zero"):
        ns.autodiff_input_gradient(net, np.zeros((1, 4)), at_zero=2.0)
    with pytest.raises(ValueError, match="step"):
        ns.finite_difference_gradient(net, np.zeros((1, 4)), step=0.0)
    plain = ns.ReluNetwork(net.weights, net.biases)
    with pytest.raises(ValueError, match="mirrored"):
        ns.points_on_kink(plain)
    with pytest.raises(ValueError, match="first width"):
        ns.mirror_network(4, (1,))
    with pytest.raises(ValueError, match="input_dim"):
        ns.mirror_network(1)


def test_network_functions_do_not_mutate_their_input(net):
    X = np.random.default_rng(0).standard_normal((5, 4))
    before = X.copy()
    ns.network_output(net, X)
    ns.autodiff_input_gradient(net, X)
    ns.finite_difference_gradient(net, X)
    np.testing.assert_array_equal(X, before)


# ------------------------------------------------------ conservative fields


def _program(v):
    return ad.relu(v[0]) - ad.relu(-v[0]) + 0.5 * v[1] * v[1]


def _curve(t):
    t = np.asarray(t)
    return np.stack([np.sign(t) * np.maximum(np.abs(t) - 0.5, 0.0), t], axis=1)


def test_chain_rule_along_a_curve_holds_except_at_its_corners():
    t = np.linspace(-1.0, 1.0, 401)
    lhs, rhs = ns.chain_rule_along_curve(_program, _curve, t)
    bad = t[np.abs(lhs - rhs) > 1e-6]
    np.testing.assert_array_equal(bad, [-0.5, 0.5])
    on_kink = _curve(t)[:, 0] == 0
    assert on_kink.sum() == 201  # autodiff's 0 is wrong there, yet the chain rule holds


def test_chain_rule_along_curve_rejects_bad_input():
    with pytest.raises(TypeError, match="program"):
        ns.chain_rule_along_curve(None, _curve, [0.0])
    with pytest.raises(ValueError, match="one-dimensional"):
        ns.chain_rule_along_curve(_program, _curve, [[0.0]])
    with pytest.raises(ValueError, match=r"shape \(m, d\)"):
        ns.chain_rule_along_curve(_program, lambda t: t, [0.0, 1.0])


def _spurious(v):
    u = ad.relu(v) - ad.relu(-v) - 1.0
    return u * u


def test_gradient_descent_from_the_spurious_critical_point_stays_there():
    path = ns.gradient_descent(_spurious, [0.0], step=0.1, steps=200)
    assert np.all(path == 0.0)


def test_gradient_descent_from_random_starts_reaches_the_minimum_and_never_lands_on_0():
    x0 = np.random.default_rng(7).uniform(-1.0, 1.0, 200)
    path = ns.gradient_descent(_spurious, x0, step=0.1, steps=200)
    assert not np.any(path == 0.0)
    np.testing.assert_allclose(path[-1], 1.0, atol=1e-9)


def test_perturbed_gradient_descent_escapes_the_spurious_critical_point():
    path = ns.gradient_descent(_spurious, np.zeros(50), step=0.1, steps=200, noise=0.01, seed=1)
    assert not np.any(path[1:] == 0.0)
    assert np.all(np.abs(path[-1] - 1.0) < 0.1)


def test_gradient_descent_rejects_bad_input():
    with pytest.raises(ValueError, match="noise"):
        ns.gradient_descent(_spurious, [0.0], 0.1, 3, noise=-1.0)
    with pytest.raises(ValueError, match="steps"):
        ns.gradient_descent(_spurious, [0.0], 0.1, 0)
    with pytest.raises(TypeError, match="program"):
        ns.gradient_descent(1, [0.0], 0.1, 3)


# --------------------------------------------------- one neuron, absolute loss


@pytest.fixture(scope="module")
def prob():
    return ns.neuron_l1_problem(32, seed=0)


def _autodiff_l1(prob, w, at_zero=0.0, sign_at_zero=0.0):
    w0, w1, w2 = (ad.Var(v) for v in w)
    z = w0 * prob.X[:, 0] + w1 * prob.X[:, 1] + w2 * prob.X[:, 2]
    loss = ad.absolute(ad.relu(z, at_zero=at_zero) - prob.y, at_zero=sign_at_zero).sum() * (1.0 / prob.n)
    loss.backward()
    return np.array([float(w0.grad), float(w1.grad), float(w2.grad)])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3))
def test_neuron_l1_gradient_is_what_autodiff_returns(w):
    prob = ns.neuron_l1_problem(32, seed=0)
    np.testing.assert_allclose(ns.neuron_l1_gradient(prob, w), _autodiff_l1(prob, w), atol=1e-12)


@pytest.mark.parametrize("c, s", [(0.0, 0.0), (1.0, 0.0), (0.5, 1.0), (1.0, -1.0)])
def test_neuron_l1_gradient_uses_the_chosen_values_at_kinks(prob, c, s):
    w = np.zeros(3)  # every z_i = 0
    np.testing.assert_allclose(
        ns.neuron_l1_gradient(prob, w, at_zero=c, sign_at_zero=s), _autodiff_l1(prob, w, c, s), atol=1e-12
    )


def test_neuron_l1_gradient_is_the_gradient_of_the_loss_away_from_kinks(prob):
    rng = np.random.default_rng(2)
    for _ in range(20):
        w = rng.standard_normal(3)
        h = 1e-7
        fd = [(ns.neuron_l1_loss(prob, w + h * e) - ns.neuron_l1_loss(prob, w - h * e)) / (2 * h) for e in np.eye(3)]
        np.testing.assert_allclose(ns.neuron_l1_gradient(prob, w), fd, atol=1e-6)


def test_neuron_l1_gradient_on_minibatches_of_many_runs(prob):
    W = np.random.default_rng(0).standard_normal((5, 3))
    idx = np.random.default_rng(1).integers(0, prob.n, size=(5, 4))
    batched = ns.neuron_l1_gradient(prob, W, samples=idx)
    for run in range(5):
        np.testing.assert_allclose(batched[run], ns.neuron_l1_gradient(prob, W[run], samples=idx[run]))
    assert ns.neuron_l1_gradient(prob, W, samples=[0, 1]).shape == (5, 3)


def test_neuron_l1_loss_broadcasts_over_weights(prob):
    W = np.random.default_rng(0).standard_normal((4, 2, 3))
    losses = ns.neuron_l1_loss(prob, W)
    assert losses.shape == (4, 2)
    assert losses[1, 1] == ns.neuron_l1_loss(prob, W[1, 1])


def test_neuron_l1_functions_reject_bad_input(prob):
    with pytest.raises(ValueError, match="last dimension 3"):
        ns.neuron_l1_loss(prob, np.zeros(2))
    with pytest.raises(ValueError, match="samples"):
        ns.neuron_l1_gradient(prob, np.zeros(3), samples=[prob.n])
    with pytest.raises(TypeError, match="samples"):
        ns.neuron_l1_gradient(prob, np.zeros(3), samples=[0.5])
    with pytest.raises(ValueError, match="sign_at_zero"):
        ns.neuron_l1_gradient(prob, np.zeros(3), sign_at_zero=2.0)
    with pytest.raises(TypeError, match="NeuronL1Problem"):
        ns.neuron_l1_loss("prob", np.zeros(3))
    with pytest.raises(ValueError, match="noise"):
        ns.neuron_l1_problem(8, noise=0.0)


def _vertex_problem():
    """Three samples whose residual kinks all pass through one point w_star."""
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [-1.0, -1.0, 1.0]])
    w_star = np.array([0.5, 0.25, 1.0])
    y = X @ w_star  # 1.5, 1.25, 0.25: all positive, the unit is active on all three
    return ns.NeuronL1Problem(X, y, w_star), w_star


def test_near_stationarity_certifies_a_clarke_critical_vertex():
    problem, w_star = _vertex_problem()
    # at w_star the loss is 0, its minimum; nearby the gradient never vanishes
    delta = np.array([1e-4, -2e-4, 5e-5])
    cert = ns.near_stationarity(problem, w_star + delta)
    assert cert.kinks == 3
    assert cert.eta < 1e-12
    assert cert.rho == pytest.approx(np.linalg.norm(delta), rel=1e-6)
    assert np.linalg.norm(ns.neuron_l1_gradient(problem, w_star + delta)) > 0.3


def test_near_stationarity_is_zero_on_a_flat_region():
    problem, _ = _vertex_problem()
    cert = ns.near_stationarity(problem, np.array([0.0, 0.0, -5.0]))  # the unit is dead on every sample
    assert cert.epsilon == 0.0 and cert.kinks == 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-2, 2, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3))
def test_near_stationarity_is_at_most_the_gradient_norm(w):
    prob = ns.neuron_l1_problem(32, seed=0)
    w = np.array(w)
    z = prob.X @ w
    assume(np.min(np.abs(z)) > 1e-6 and np.min(np.abs(np.maximum(z, 0) - prob.y)) > 1e-6)  # not on a kink
    cert = ns.near_stationarity(prob, w)
    assert cert.epsilon <= np.linalg.norm(ns.neuron_l1_gradient(prob, w)) + 1e-12
    assert cert.epsilon == max(cert.rho, cert.eta)


def test_near_stationarity_distance_agrees_with_a_brute_force_search():
    # one exact kink of the neuron, y_i < 0: the Clarke gradient is g0 + [0, 1] x_i / n
    problem, _ = _vertex_problem()
    X = problem.X
    y = np.array([1.5, 1.25, -0.3])
    prob = ns.NeuronL1Problem(X, y, problem.teacher)
    w = np.linalg.lstsq(X[:2], np.array([0.2, 0.1]), rcond=None)[0]  # unit active on samples 0 and 1
    w = w + np.linalg.lstsq(X[2:3], -(X[2:3] @ w), rcond=None)[0]  # and exactly at its kink on sample 2
    g0 = (np.sign(X[:2] @ w - y[:2])[:, None] * X[:2]).sum(axis=0) / 3
    grid = np.linspace(0.0, 1.0, 100001)
    brute = np.min(np.linalg.norm(g0[None, :] + grid[:, None] * X[2][None, :] / 3, axis=1))
    eta = ns._clarke_distance(prob, w, [(2, 0)])
    assert eta == pytest.approx(brute, abs=1e-9)


def test_sgd_neuron_l1_is_reproducible_never_hits_a_kink_and_approaches_criticality(prob):
    rec = ns.sgd_neuron_l1(prob, seeds=[0, 1, 2], steps=3000, checkpoints=6)
    again = ns.sgd_neuron_l1(prob, seeds=[0, 1, 2], steps=3000, checkpoints=6)
    np.testing.assert_array_equal(rec.weights, again.weights)
    assert rec.kink_hits == 0
    assert rec.steps[-1] == 3000 and np.all(np.diff(rec.steps) > 0)
    first = np.median([ns.near_stationarity(prob, w).epsilon for w in rec.weights[0]])
    last = np.median([ns.near_stationarity(prob, w).epsilon for w in rec.weights[-1]])
    assert last < first / 5


def test_sgd_neuron_l1_rejects_bad_input(prob):
    with pytest.raises(ValueError, match="power"):
        ns.sgd_neuron_l1(prob, seeds=[0], power=0.5)
    with pytest.raises(ValueError, match="seeds"):
        ns.sgd_neuron_l1(prob, seeds=[])
    with pytest.raises(ValueError, match="step0"):
        ns.sgd_neuron_l1(prob, seeds=[0], step0=0.0)


# ------------------------------------------------------------ floating point


def test_relu_outputs_per_image_counts_every_conv_output():
    # VGG11 on 32x32: 64 at 32x32, 128 at 16x16, 2x256 at 8x8, 2x512 at 4x4, 2x512 at 2x2
    vgg11 = 64 * 32**2 + 128 * 16**2 + 2 * 256 * 8**2 + 2 * 512 * 4**2 + 2 * 512 * 2**2
    vgg16 = 2 * 64 * 32**2 + 2 * 128 * 16**2 + 3 * 256 * 8**2 + 3 * 512 * 4**2 + 3 * 512 * 2**2
    assert ns.relu_outputs_per_image("VGG11") == vgg11 == 151552
    assert ns.relu_outputs_per_image("VGG16") == vgg16 == 276480
    assert ns.relu_outputs_per_image(ns.VGG_CONFIGS["VGG11"], image_size=224) == vgg11 * 49


def test_relu_outputs_of_a_fully_connected_network_are_its_hidden_units():
    assert ns.relu_outputs_per_image([256, 256, 256]) == 768


def test_relu_outputs_per_image_rejects_bad_input():
    with pytest.raises(ValueError, match="one of"):
        ns.relu_outputs_per_image("VGG12")
    with pytest.raises(ValueError, match="'M'"):
        ns.relu_outputs_per_image([64, "P", "M"])
    with pytest.raises(ValueError, match="image_size"):
        ns.relu_outputs_per_image("VGG11", image_size=8)
    with pytest.raises(TypeError, match="config"):
        ns.relu_outputs_per_image(3)


def test_run_affected_probability_is_one_minus_exp():
    assert ns.run_affected_probability(0.0, 1e9) == 0.0
    assert ns.run_affected_probability(1e-8, 0) == 0.0
    np.testing.assert_allclose(ns.run_affected_probability(1e-8, [1e8, 2e8]), 1 - np.exp([-1.0, -2.0]))
    with pytest.raises(ValueError, match="pre_activations"):
        ns.run_affected_probability(1e-8, -1.0)


def test_fit_zero_rate_recovers_the_rate_from_expected_counts():
    N = np.array([1e7, 5e7, 1e8, 2e8])
    k = np.round(1000 * ns.run_affected_probability(1.3e-8, N))
    assert ns.fit_zero_rate(N, k, 1000) == pytest.approx(1.3e-8, rel=0.01)


def test_fit_zero_rate_edge_cases():
    assert ns.fit_zero_rate([1e6, 1e7], [0, 0], 100) == 0.0
    with pytest.raises(ValueError, match="every run"):
        ns.fit_zero_rate([1e6], [10], [10])
    with pytest.raises(ValueError, match="affected <= runs"):
        ns.fit_zero_rate([1e6], [11], [10])


def test_published_counts_are_counts_of_runs():
    data = ns.BERTOIN2021_MNIST
    for key in ("width", "depth", "batch"):
        for counts in data[key].values():
            assert all(0 <= c <= data["runs"] for c in counts.values())
    # the same configuration (3 layers of 256, minibatches of 256) appears in all three experiments
    same = [data["width"][32][256], data["depth"][32][3], data["batch"][32][256]]
    assert min(same) > 400 and max(same) < 500


@pytest.mark.parametrize("dtype", [np.float16, np.float32, ml_dtypes.bfloat16, np.float64])
def test_flush_subnormals_zeroes_exactly_the_subnormals_and_keeps_the_dtype(dtype):
    tiny = float(ml_dtypes.finfo(dtype).tiny)
    values = np.array([tiny / 4, -tiny / 2, tiny, -2 * tiny, 1.0, 0.0]).astype(dtype)
    before = values.copy()
    out = ns.flush_subnormals(values)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.astype(np.float64), [0.0, -0.0, tiny, -2 * tiny, 1.0, 0.0])
    assert np.signbit(out[1])
    np.testing.assert_array_equal(values, before)


def test_flush_subnormals_of_a_scalar_is_a_scalar():
    assert ns.flush_subnormals(np.float32(1e-40)) == 0.0
    assert ns.flush_subnormals(np.float32(1e-30)) == np.float32(1e-30)
    assert math.copysign(1.0, float(ns.flush_subnormals(np.float32(-1e-40)))) == -1.0


def test_smallest_normal_of_each_format():
    assert ns.smallest_normal(np.float16) == 2.0**-14
    assert ns.smallest_normal("float32") == ns.smallest_normal(ml_dtypes.bfloat16) == 2.0**-126
    assert ns.smallest_normal(np.float64) == 2.0**-1022
    with pytest.raises(ValueError, match="floating"):
        ns.smallest_normal(np.int32)
    with pytest.raises(TypeError, match="dtype"):
        ns.smallest_normal("nonsense")


def test_published_vgg11_counts_are_consistent():
    vgg = ns.BERTOIN2021_CIFAR10_VGG11
    assert vgg["affected"] <= vgg["runs"] <= vgg["minibatches"]
