"""Tests of relu_book.regions: activation patterns and the linear regions of piecewise linear networks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book.nn import MLP
from relu_book.regions import activation_patterns, grid_region_changes, region_breakpoints

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
    with pytest.raises(TypeError, match="model must be a relu_book.nn.MLP, got list"):
        activation_patterns([1, 2], [[0.0, 0.0]])



@pytest.mark.parametrize("mode", ["unit", "shared"])
def test_region_breakpoints_of_a_prelu_network_match_the_grid(mode):
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


# ------------------------------------------------------------ 2-D region maps

from relu_book.regions import max_regions_bound, region_counts, region_map  # noqa: E402


def test_region_map_finds_the_regions_of_lines_in_general_position():
    model = MLP([2, 3, 1], init="normal", init_std=1.0)
    model.weights[0] = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    model.biases[0] = np.array([0.0, 0.0, -0.5])  # x=0, y=0, x+y=0.5: seven regions, all in the window
    labels, x, y = region_map(model, num=201)
    assert labels.shape == (201, 201) and x.shape == y.shape == (201,)
    assert labels.max() + 1 == 7 == max_regions_bound([2, 3])


def test_region_map_labels_equal_patterns():
    model = MLP([2, 5, 5, 1], seed=3)
    labels, x, y = region_map(model, num=30)
    grid = np.stack(np.meshgrid(x, y), axis=-1).reshape(-1, 2)
    patterns = activation_patterns(model, grid)
    flat = labels.ravel()
    for label in np.unique(flat):
        same = patterns[flat == label]
        assert np.all(same == same[0])
    assert len(np.unique(flat)) == len(np.unique(patterns, axis=0))


def test_region_map_numbers_patterns_as_np_unique_does():
    from relu_book.regions import _row_labels

    rng = np.random.default_rng(0)
    for rows, width, values in [(1, 1, 256), (500, 3, 256), (2000, 9, 2), (3000, 24, 3), (100, 8, 2)]:
        packed = rng.integers(0, values, (rows, width)).astype(np.uint8)
        expected = np.unique(packed, axis=0, return_inverse=True)[1].ravel()
        assert np.array_equal(_row_labels(packed), expected)
    model = MLP([2, 8, 8, 1], seed=3)
    model.biases = [0.1 * np.ones_like(b) for b in model.biases]
    labels, x, y = region_map(model, num=40)
    grid = np.stack(np.meshgrid(x, y), axis=-1).reshape(-1, 2)
    patterns = np.packbits(activation_patterns(model, grid), axis=1)
    assert np.array_equal(labels.ravel(), np.unique(patterns, axis=0, return_inverse=True)[1].ravel())


def test_max_regions_bound_known_values():
    assert max_regions_bound([2, 4]) == 11  # Zaslavsky: 1 + 4 + 6
    assert max_regions_bound([1, 3, 3]) == 16  # one input: (n + 1)^L
    # a width-1 bottleneck: the off side of the unit is one region, the on side a half-line cut by 5 units
    assert max_regions_bound([2, 1, 5]) == 1 + 6
    assert max_regions_bound([2, 8, 8]) == 37 ** 2


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 1000))
def test_counted_regions_never_exceed_the_bound(n, seed):
    N = region_counts([n], [1, 2], seeds=[seed], num=40)
    assert N[0, 0, 0] <= max_regions_bound([2, n]) and N[0, 1, 0] <= max_regions_bound([2, n, n])


def test_region_map_rejects_bad_input():
    with pytest.raises(ValueError, match="2 inputs"):
        region_map(MLP([3, 2, 1]))
    with pytest.raises(ValueError, match="xlim"):
        region_map(MLP([2, 2, 1]), xlim=(1.0, -1.0))
    with pytest.raises(ValueError, match="layer_sizes"):
        max_regions_bound([2])
