"""Tests of relu_book.smooth: Gaussian moments, SELU's constants, extrema, smoothness, the table."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book import activations as act
from relu_book import calculus, registry, smooth, symbolic

z = sympy.Symbol("z", real=True)


# ------------------------------------------------------------ expectations


def test_normal_expectation_of_relu_and_its_square():
    assert smooth.normal_expectation(lambda t: max(t, 0.0)) == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-13)
    assert smooth.normal_expectation(lambda t: max(t, 0.0), power=2) == pytest.approx(0.5, abs=1e-13)


@settings(max_examples=15, deadline=None)
@given(slope=st.floats(-2.0, 2.0))
def test_normal_expectation_of_leaky_relu_is_one_minus_slope_over_sqrt_two_pi(slope):
    value = smooth.normal_expectation(lambda t: float(act.leaky_relu(t, slope)))
    assert value == pytest.approx((1 - slope) / math.sqrt(2 * math.pi), abs=1e-12)


@pytest.mark.parametrize("name", ["relu", "relu6", "elu", "gelu"])
def test_exact_normal_means_agree_with_quadrature(name):
    f, _ = act.ACTIVATIONS[name]
    exact = smooth.normal_mean_exact(symbolic.ACTIVATIONS[name](z), z)
    points = [6.0] if name == "relu6" else []
    numeric = smooth.normal_expectation(lambda t: float(f(t)), breakpoints=[0.0, *points])
    assert float(exact) == pytest.approx(numeric, abs=1e-12)


def test_exact_mean_of_gelu_is_one_over_two_sqrt_pi():
    assert sympy.simplify(smooth.normal_mean_exact(symbolic.gelu(z), z) - 1 / (2 * sympy.sqrt(sympy.pi))) == 0


def test_symmetric_functions_get_their_mean_from_symmetry():
    assert smooth.normal_mean_exact(symbolic.sigmoid(z), z) == sympy.Rational(1, 2)
    assert smooth.normal_mean_exact(symbolic.tanh(z), z) == 0


# -------------------------------------------------------------------- SELU


def test_selu_constants_solve_the_fixed_point_conditions():
    np.testing.assert_allclose(smooth.selu_moment_residuals(act.SELU_ALPHA, act.SELU_SCALE), 0.0, atol=1e-12)


def test_solved_selu_constants_match_pytorch_and_the_closed_form():
    alpha, scale = smooth.solve_selu_constants()
    assert alpha == pytest.approx(act.SELU_ALPHA, rel=1e-11)
    assert scale == pytest.approx(act.SELU_SCALE, rel=1e-11)
    assert alpha == pytest.approx(float(symbolic.SELU_ALPHA), rel=1e-11)


def test_other_constants_do_not_normalise():
    assert np.max(np.abs(smooth.selu_moment_residuals(1.0, 1.0))) > 0.1


def test_selu_keeps_activations_normalised_over_depth_and_relu_does_not():
    selu = smooth.layer_statistics(act.selu, depth=20, width=64, n_samples=128, seeds=(0, 1))
    relu = smooth.layer_statistics(act.relu, depth=20, width=64, n_samples=128, seeds=(0, 1))
    assert np.all(np.abs(selu["mean"][:, -1]) < 0.1)
    assert np.all(np.abs(selu["variance"][:, -1] - 1) < 0.2)
    assert np.all(relu["variance"][:, -1] < 1e-4)


def test_layer_statistics_is_reproducible_per_seed():
    a = smooth.layer_statistics(act.tanh, depth=3, width=8, n_samples=4, seeds=(3,))
    b = smooth.layer_statistics(act.tanh, depth=3, width=8, n_samples=4, seeds=(3,))
    np.testing.assert_array_equal(a["variance"], b["variance"])


def test_layer_statistics_with_he_variance_keeps_relu_second_moment():
    stats = smooth.layer_statistics(act.relu, depth=10, width=256, n_samples=256, seeds=(0,), weight_variance=2 / 256)
    second = stats["variance"] + stats["mean"] ** 2
    assert 0.5 < second[0, -1] < 2.0


# ---------------------------------------------------------------- extrema


def test_gelu_minimum_is_where_its_derivative_vanishes():
    x, v = smooth.function_extremum(act.gelu, (-3.0, 0.0), fprime=act.gelu_grad)
    assert abs(float(act.gelu_grad(x))) < 1e-14
    assert v == pytest.approx(-0.16997, abs=1e-5)


def test_silu_minimum_value_is_its_location_plus_one():
    x, v = smooth.function_extremum(act.silu, (-3.0, 0.0), fprime=act.silu_grad)
    assert v == pytest.approx(x + 1, abs=1e-14)


def test_extremum_without_derivative_agrees_with_the_derivative_route():
    x1, v1 = smooth.function_extremum(act.silu, (-3.0, 0.0))
    x2, v2 = smooth.function_extremum(act.silu, (-3.0, 0.0), fprime=act.silu_grad)
    assert x1 == pytest.approx(x2, abs=1e-6)
    assert v1 == pytest.approx(v2, abs=1e-14)


def test_function_extremum_finds_a_maximum():
    x, v = smooth.function_extremum(lambda t: -(t - 0.25) ** 2, (-1.0, 1.0), kind="max")
    assert x == pytest.approx(0.25, abs=1e-6) and v == pytest.approx(0.0, abs=1e-12)


def test_largest_gap_between_gelu_and_its_tanh_form_is_below_one_thousandth():
    x, d = smooth.largest_difference(act.gelu, lambda t: act.gelu(t, approximate="tanh"))
    grid = np.linspace(-10, 10, 200001)
    assert d >= np.max(np.abs(act.gelu(grid) - act.gelu(grid, approximate="tanh"))) - 1e-15
    assert 1e-4 < d < 1e-3


# ------------------------------------------------------------------- range


@pytest.mark.parametrize(
    "name, expected",
    [("relu", "[0, inf)"), ("relu6", "[0, 6]"), ("elu", "(-1, inf)"), ("sigmoid", "(0, 1)"),
     ("leaky_relu", "(-inf, inf)"), ("gelu", "[-0.1700, inf)")],
)
def test_value_range(name, expected):
    f, _ = act.ACTIVATIONS[name]
    assert smooth.value_range(f, symbolic.ACTIVATIONS[name](z), z)[0] == expected


# ------------------------------------------------------------------- table


@pytest.fixture(scope="module")
def table():
    return {row["activation"]: row for row in smooth.activation_table()}


def test_table_has_one_row_per_table_row_of_each_registry_entry(table):
    labels = [row.label or spec.name for spec in registry.REGISTRY for row in spec.table]
    assert list(table) == labels and len(set(labels)) == len(labels)
    assert {spec.name for spec in registry.REGISTRY} <= {label.split(" ")[0] for label in labels}
    assert {"relu", "selu", "gelu", "gelu (tanh)", "silu", "sigmoid", "tanh"} <= set(table)


def test_table_derivative_at_zero_is_the_registry_kink_value_where_zero_is_a_kink(table):
    for spec in registry.REGISTRY:
        for row in spec.table:
            kinks = spec.kinks_at(**row.params)
            if 0.0 in kinks:
                shown = table[row.label or spec.name]["f'(0)"]
                assert shown == f"{kinks[0.0]:.4g} (kink)", (spec.name, shown)


def test_table_derivative_at_zero_follows_the_library_convention(table):
    assert table["relu"]["f'(0)"] == "0 (kink)"
    assert table["elu (1)"]["f'(0)"] == "1"
    assert table["gelu"]["f'(0)"] == "0.5"
    assert table["sigmoid"]["f'(0)"] == "0.25"


def test_table_monotonicity(table):
    non_monotone = {name for name, row in table.items() if row["monotone"] == "no"}
    assert {"gelu", "gelu (tanh)", "silu"} <= non_monotone  # they dip below 0
    monotone = {"relu", "leaky_relu (0.01)", "prelu (a = 0.25)", "rrelu (eval, 11/48)", "relu6",
                "generalized_relu (0.1, max 6)", "softplus (no cut-over)", "elu (1)", "selu", "sigmoid", "tanh"}
    assert not monotone & non_monotone


def test_table_means_agree_with_quadrature(table):
    for row in table.values():
        entry = next(e for e in smooth.TABLE_ENTRIES if e.name == row["activation"])
        points = [float(p) for p in calculus.breakpoints(entry.expr(z), z)]
        numeric = smooth.normal_expectation(
            lambda t, entry=entry: float(np.asarray(entry.function(np.array([t])))[0]), breakpoints=points
        )
        assert row["E[f(Z)]"] == pytest.approx(numeric, abs=1e-11)
    assert table["selu"]["E[f(Z)]"] == 0.0
    assert table["relu"]["how"] == "sympy" and table["silu"]["how"] == "quadrature"


# --------------------------------------------------------------- bad input


def test_bad_arguments_are_refused_with_clear_messages():
    with pytest.raises(TypeError, match="f must be callable"):
        smooth.normal_expectation(1.0)
    with pytest.raises(ValueError, match="power must be >= 1, got 0"):
        smooth.normal_expectation(abs, power=0)
    with pytest.raises(TypeError, match="alpha must be a real number"):
        smooth.selu_moment_residuals("1.67", 1.05)
    with pytest.raises(ValueError, match="initial must be a pair"):
        smooth.solve_selu_constants(initial=1.0)
    with pytest.raises(ValueError, match="depth must be >= 1, got 0"):
        smooth.layer_statistics(act.relu, depth=0)
    with pytest.raises(ValueError, match="seeds must not be empty"):
        smooth.layer_statistics(act.relu, seeds=())
    with pytest.raises(ValueError, match="weight_variance must be > 0.0"):
        smooth.layer_statistics(act.relu, weight_variance=0.0)
    with pytest.raises(ValueError, match="bracket must be increasing"):
        smooth.function_extremum(np.sin, (1.0, 0.0))
    with pytest.raises(ValueError, match="kind must be one of 'min', 'max', got 'argmin'"):
        smooth.function_extremum(np.sin, (0.0, 1.0), kind="argmin")
    with pytest.raises(TypeError, match="x must be a sympy Symbol"):
        smooth.normal_mean_exact(symbolic.relu(z), "z")
    with pytest.raises(TypeError, match="each entry of entries must be a relu_book.smooth.TableEntry"):
        smooth.activation_table([act.relu])


@pytest.mark.parametrize("entry", smooth.TABLE_ENTRIES, ids=lambda e: e.name)
def test_limits_at_infinity_by_substitution_or_gruntz_equal_sympys_limits(entry):
    z = sympy.Symbol("z", real=True)
    expr = entry.expr(z)
    points = calculus.breakpoints(expr, z)
    for sign, at in ((-1, points[0] - 1 if points else 0), (1, points[-1] + 1 if points else 0)):
        piece = smooth._branch(expr, z, at)
        fast = smooth._limit_at_infinity(piece, z, sign)
        slow = sympy.limit(piece.rewrite(sympy.exp), z, sign * sympy.oo)
        if fast.is_infinite or slow.is_infinite:
            assert fast == slow
        else:  # SELU's constant comes out with erfc instead of erf: equal to 50 digits
            assert abs(sympy.N(fast - slow, 60)) < 1e-50


def test_normal_mean_exact_is_the_same_when_its_integrals_are_remembered():
    z = sympy.Symbol("z", real=True)
    first = smooth.normal_mean_exact(symbolic.relu6(z), z)
    smooth._normal_integral.cache_clear()
    assert smooth.normal_mean_exact(symbolic.relu6(z), z) == first


@pytest.mark.parametrize(
    "g", ["1", "z", "exp(z)", "exp(-z/2)", "exp(2*z)", "exp(-z**2/4)", "exp(z**2/4 + z - 1)",
          "z*erf(sqrt(2)*z/2)", "z*erf(-3*z)"]
)
@pytest.mark.parametrize(
    "bounds", [(-sympy.oo, 0), (0, sympy.oo), (0, 6), (6, sympy.oo), (-sympy.oo, sympy.oo), (-1, 2)]
)
def test_known_normal_integrals_equal_quadrature_to_40_digits(g, bounds):
    # (sympy.integrate leaves e^{cz} on a finite interval unevaluated, so the witness is mpmath)
    z = smooth._Z
    g = sympy.sympify(g, locals={"z": z})
    lo, hi = (sympy.sympify(b) for b in bounds)
    known = smooth._known_normal_integral(g, lo, hi)
    assert known is not None and not known.has(sympy.Integral)
    integrand = sympy.lambdify(z, g * sympy.exp(-(z**2) / 2) / sympy.sqrt(2 * sympy.pi), "mpmath")
    with mpmath.workdps(50):
        ends = [mpmath.inf * int(sympy.sign(b)) if b.is_infinite else mpmath.mpf(str(b)) for b in (lo, hi)]
        quadrature = mpmath.quad(integrand, [ends[0], 0, ends[1]] if lo < 0 < hi else ends)
        assert abs(mpmath.mpf(sympy.N(known, 50)) - quadrature) < mpmath.mpf(10) ** -40


def test_known_normal_integral_leaves_other_integrands_to_sympy():
    z = smooth._Z
    assert smooth._known_normal_integral(z**2, 0, sympy.oo) is None
    assert smooth._known_normal_integral(sympy.exp(z**2 / 2), 0, 1) is None  # not integrable on the line
    assert smooth._known_normal_integral(sympy.exp(z**3), 0, 1) is None
    assert smooth._known_normal_integral(z * sympy.erf(z**2), 0, 1) is None
    assert smooth._known_normal_integral(sympy.exp(sympy.I * z), 0, 1) is None
