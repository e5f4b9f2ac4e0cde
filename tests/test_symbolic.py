"""Tests of relu_book.symbolic: the sympy views agree with the numeric activations."""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import relu_book.activations as act
from relu_book import symbolic

X = sympy.Symbol("x")
R = sympy.Rational

# id -> (name, symbolic keyword arguments, kinks). The numeric call gets the
# same keyword arguments converted to floats.
CASES = {
    "relu": ("relu", {}, [0]),
    "leaky_relu": ("leaky_relu", {}, [0]),
    "leaky_relu_slope_1/10": ("leaky_relu", {"negative_slope": R(1, 10)}, [0]),
    "leaky_relu_slope_2": ("leaky_relu", {"negative_slope": 2}, [0]),
    "leaky_relu_float_slope": ("leaky_relu", {"negative_slope": 0.2}, [0]),
    "prelu_1/4": ("prelu", {"weight": R(1, 4)}, [0]),
    "rrelu": ("rrelu", {}, [0]),
    "rrelu_bounds": ("rrelu", {"lower": R(1, 10), "upper": R(3, 10)}, [0]),
    "relu6": ("relu6", {}, [0, 6]),
    "generalized_relu": ("generalized_relu", {}, [0]),
    "generalized_relu_slope": ("generalized_relu", {"negative_slope": R(1, 10)}, [0]),
    "generalized_relu_max": ("generalized_relu", {"max_value": 6}, [0, 6]),
    "generalized_relu_all": (
        "generalized_relu",
        {"negative_slope": R(1, 2), "max_value": 5, "threshold": 1},
        [1, 5],
    ),
    "generalized_relu_negative_threshold": (
        "generalized_relu",
        {"negative_slope": R(1, 5), "threshold": -2},
        [-2],
    ),
    "softplus": ("softplus", {}, [20]),
    "softplus_beta_2": ("softplus", {"beta": 2}, [10]),
    "softplus_beta_2_threshold_5": ("softplus", {"beta": 2, "threshold": 5}, [2.5]),
    "softplus_no_threshold": ("softplus", {"threshold": sympy.oo}, []),
    "elu": ("elu", {}, [0]),
    "elu_alpha_2": ("elu", {"alpha": 2}, [0]),
    "selu": ("selu", {}, [0]),
    "gelu": ("gelu", {}, []),
    "gelu_tanh": ("gelu", {"approximate": "tanh"}, []),
    "silu": ("silu", {}, []),
    "sigmoid": ("sigmoid", {}, []),
    "tanh": ("tanh", {}, []),
}

GRID = np.linspace(-29.9, 29.9, 599)  # step 0.1, offset 0.05 from every integer and half-integer
RTOL, ATOL = 1e-10, 1e-12


def _numeric_kwargs(kwargs):
    return {k: (float(v) if isinstance(v, (sympy.Basic, int)) else v) for k, v in kwargs.items()}


@functools.cache
def _compiled(case_id):
    """(symbolic f, symbolic f', numeric f, numeric f') for a case, compiled once."""
    name, kwargs, _ = CASES[case_id]
    expr = getattr(symbolic, name)(X, **kwargs)
    f_sym = symbolic.to_numeric(expr, X)
    df_sym = symbolic.to_numeric(symbolic.derivative(expr, X), X)
    num = _numeric_kwargs(kwargs)
    f_num = functools.partial(getattr(act, name), **num)
    grad = getattr(act, name + "_grad")
    df_num = (lambda v: grad(v, **num)[0]) if name == "prelu" else functools.partial(grad, **num)
    return f_sym, df_sym, f_num, df_num


def _away_from_kinks(values, kinks, gap=1e-6):
    values = np.asarray(values, dtype=np.float64)
    keep = np.ones(values.shape, dtype=bool)
    for k in kinks:
        keep &= np.abs(values - k) > gap
    return values[keep]


# ------------------------------------------------ symbolic == numeric, every case


@pytest.mark.parametrize("case_id", list(CASES))
def test_symbolic_activation_matches_numeric_on_grid(case_id):
    f_sym, _, f_num, _ = _compiled(case_id)
    points = _away_from_kinks(GRID, CASES[case_id][2])
    np.testing.assert_allclose(f_sym(points), f_num(points), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case_id", list(CASES))
def test_symbolic_derivative_matches_numeric_grad_on_grid(case_id):
    _, df_sym, _, df_num = _compiled(case_id)
    points = _away_from_kinks(GRID, CASES[case_id][2])
    np.testing.assert_allclose(df_sym(points), df_num(points), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case_id", list(CASES))
@settings(max_examples=15, deadline=None)
@given(value=st.floats(-30, 30, allow_nan=False))
def test_symbolic_and_numeric_agree_at_random_points_away_from_kinks(case_id, value):
    assume(all(abs(value - k) > 1e-6 for k in CASES[case_id][2]))
    f_sym, df_sym, f_num, df_num = _compiled(case_id)
    np.testing.assert_allclose(f_sym(value), f_num(value), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(df_sym(value), df_num(value), rtol=RTOL, atol=ATOL)


def test_symbolic_activations_cover_every_numeric_activation():
    assert set(symbolic.ACTIVATIONS) == set(act.ACTIVATIONS)
    names = {name for name, _, _ in CASES.values()}
    assert names >= set(act.ACTIVATIONS) | {"prelu", "rrelu"}


def test_prelu_partial_in_weight_is_min_zero_x():
    a = sympy.Symbol("a")
    d_weight = sympy.diff(symbolic.prelu(X, a), a)
    grid = np.linspace(-3.05, 3.05, 62)
    np.testing.assert_allclose(symbolic.to_numeric(d_weight, X)(grid), act.prelu_grad(grid, 0.3)[1], rtol=0, atol=0)


# ----------------------------------------------------- conventions at the kinks


@pytest.mark.parametrize(
    ("case_id", "kink"),
    [("relu", 0), ("relu6", 0), ("relu6", 6), ("leaky_relu_slope_1/10", 0), ("prelu_1/4", 0),
     ("rrelu", 0), ("elu_alpha_2", 0), ("selu", 0), ("generalized_relu_max", 6)],
)
def test_sympy_derivative_with_heaviside_zero_reproduces_pytorch_value_at_kink(case_id, kink):
    name, kwargs, _ = CASES[case_id]
    d = symbolic.derivative(getattr(symbolic, name)(X, **kwargs), X)
    _, _, _, df_num = _compiled(case_id)
    value = symbolic.to_numeric(d, X, heaviside_at_zero=0)(float(kink))
    np.testing.assert_allclose(value, df_num(float(kink)), rtol=RTOL)


def test_sympy_derivative_of_max_is_one_half_at_zero():
    assert symbolic.derivative(symbolic.relu(X), X).subs(X, 0) == R(1, 2)
    assert float(symbolic.to_numeric(symbolic.derivative(symbolic.relu6(X), X), X)(6.0)) == 0.5


def test_generalized_relu_sympy_derivative_at_threshold_is_left_slope_not_keras_zero():
    expr = symbolic.generalized_relu(X, negative_slope=R(1, 2), threshold=1)
    assert symbolic.derivative(expr, X).subs(X, 1) == R(1, 2)
    assert float(act.generalized_relu_grad(1.0, negative_slope=0.5, threshold=1.0)) == 0.0


def test_generalized_relu_is_zero_at_the_threshold_as_in_keras():
    for t in (1, -1):
        expr = symbolic.generalized_relu(X, negative_slope=R(1, 2), max_value=3, threshold=t)
        assert expr.subs(X, t) == 0
        assert float(act.generalized_relu(float(t), negative_slope=0.5, max_value=3.0, threshold=float(t))) == 0.0


def test_generalized_relu_with_negative_threshold_and_cap_is_zero_up_to_zero():
    expr = symbolic.generalized_relu(X, max_value=3, threshold=-1)
    assert [expr.subs(X, v) for v in (-2, R(-1, 2), 0, R(1, 2), 4)] == [0, 0, 0, R(1, 2), 3]
    np.testing.assert_array_equal(act.generalized_relu([-2.0, -0.5, 0.0, 0.5, 4.0], max_value=3.0, threshold=-1.0),
                                  [0.0, 0.0, 0.0, 0.5, 3.0])


def test_softplus_derivative_at_cut_over_is_sigmoid_as_in_numeric_code():
    d = symbolic.derivative(symbolic.softplus(X, beta=2, threshold=5), X)
    assert d.subs(X, R(5, 2)) == sympy.exp(5) / (1 + sympy.exp(5))


# --------------------------------------------------------------- forms of relu


def test_relu_forms_keys_and_max_form():
    forms = symbolic.relu_forms(X)
    assert list(forms) == ["max", "piecewise", "heaviside", "abs"]
    assert forms["max"] == symbolic.relu(X)


def test_relu_forms_simplify_to_x_on_positive_side_and_zero_on_negative_side():
    p = sympy.Symbol("p", positive=True)
    n = sympy.Symbol("n", negative=True)
    for form in symbolic.relu_forms(X).values():
        assert sympy.simplify(form.subs(X, p) - p) == 0
        assert sympy.simplify(form.subs(X, n)) == 0
        assert form.subs(X, 0) == 0


def test_relu_forms_agree_numerically_including_zero():
    grid = np.concatenate([np.linspace(-5, 5, 201), [0.0, -0.0, 1e-300, -1e-300]])
    expected = act.relu(grid)
    for h0 in (None, 0, 1):
        for form in symbolic.relu_forms(X).values():
            np.testing.assert_array_equal(symbolic.to_numeric(form, X, heaviside_at_zero=h0)(grid), expected)


def test_diff_of_max_zero_x_is_heaviside_and_heaviside_zero_is_half():
    assert sympy.diff(sympy.Max(0, X), X) == sympy.Heaviside(X)
    assert symbolic.derivative(symbolic.relu(X), X) == sympy.Heaviside(X)
    assert sympy.Heaviside(0) == R(1, 2)


def test_piecewise_derivative_inherits_strict_condition_at_zero():
    d = symbolic.derivative(symbolic.relu_forms(X)["piecewise"], X)
    assert d.subs(X, 0) == 0
    assert symbolic.derivative(symbolic.leaky_relu(X, negative_slope=R(1, 10)), X).subs(X, 0) == R(1, 10)


def test_mean_of_relu_of_standard_normal_is_one_over_sqrt_two_pi():
    t = sympy.Symbol("t", real=True)
    density = sympy.exp(-(t**2) / 2) / sympy.sqrt(2 * sympy.pi)
    mean = sympy.integrate(symbolic.relu_forms(t)["piecewise"] * density, (t, -sympy.oo, sympy.oo))
    assert sympy.simplify(mean - 1 / sympy.sqrt(2 * sympy.pi)) == 0


# ------------------------------------------------------ one-sided derivatives


@pytest.mark.parametrize(
    ("expr", "point", "expected"),
    [
        (symbolic.relu(X), 0, (0, 1)),
        (symbolic.leaky_relu(X, negative_slope=R(1, 10)), 0, (R(1, 10), 1)),
        (symbolic.leaky_relu(X), 0.0, (R(1, 100), 1)),
        (symbolic.relu6(X), 0, (0, 1)),
        (symbolic.relu6(X), 6, (1, 0)),
        (sympy.Abs(X), 0, (-1, 1)),
        (symbolic.generalized_relu(X, threshold=1), 1, (0, sympy.oo)),
        (symbolic.generalized_relu(X, negative_slope=R(1, 2), max_value=5, threshold=1), 5, (1, 0)),
        (symbolic.relu(X), 2, (1, 1)),
    ],
)
def test_one_sided_derivatives_at_kinks(expr, point, expected):
    assert symbolic.one_sided_derivatives(expr, X, point) == expected


def test_one_sided_derivatives_of_leaky_relu_with_symbolic_slope():
    a = sympy.Symbol("alpha")
    assert symbolic.one_sided_derivatives(symbolic.leaky_relu(X, negative_slope=a), X, 0) == (a, 1)


@pytest.mark.parametrize("name", ["silu", "softplus"])
def test_one_sided_derivatives_of_smooth_functions_are_equal(name):
    left, right = symbolic.one_sided_derivatives(getattr(symbolic, name)(X), X, 0)
    assert left == right == R(1, 2)


def test_softplus_cut_over_is_a_jump_with_infinite_right_quotient():
    left, right = symbolic.one_sided_derivatives(symbolic.softplus(X, beta=2, threshold=5), X, R(5, 2))
    assert right == -sympy.oo
    assert left == sympy.exp(5) / (1 + sympy.exp(5))


# ----------------------------------------------- subdifferential and Clarke


def test_subdifferential_of_relu_at_zero_is_unit_interval():
    assert symbolic.subdifferential(symbolic.relu(X), X, 0) == sympy.Interval(0, 1)


def test_subdifferential_of_leaky_relu_at_zero_is_slope_to_one():
    leaky = symbolic.leaky_relu(X, negative_slope=R(1, 10))
    assert symbolic.subdifferential(leaky, X, 0) == sympy.Interval(R(1, 10), 1)


def test_subdifferential_where_differentiable_is_a_finite_set():
    result = symbolic.subdifferential(symbolic.relu(X), X, 2)
    assert result == sympy.FiniteSet(1)
    assert isinstance(result, sympy.FiniteSet)
    assert sympy.Interval(1, 1) == result
    assert symbolic.subdifferential(sympy.Abs(X), X, 0) == sympy.Interval(-1, 1)


def test_subdifferential_of_relu6_at_six_raises_not_convex():
    with pytest.raises(ValueError, match="not convex near 6"):
        symbolic.subdifferential(symbolic.relu6(X), X, 6)


def test_subdifferential_at_a_jump_raises_not_lipschitz():
    with pytest.raises(ValueError, match="right derivative of expr at 1 is oo"):
        symbolic.subdifferential(symbolic.generalized_relu(X, threshold=1), X, 1)


def test_subdifferential_with_undecidable_symbolic_slopes_raises():
    with pytest.raises(ValueError, match="cannot decide"):
        symbolic.subdifferential(symbolic.prelu(X, sympy.Symbol("a")), X, 0)


def test_clarke_gradient_is_hull_of_one_sided_derivatives():
    assert symbolic.clarke_gradient(symbolic.relu6(X), X, 6) == sympy.Interval(0, 1)
    assert symbolic.clarke_gradient(symbolic.relu(X), X, 0) == symbolic.subdifferential(symbolic.relu(X), X, 0)
    assert symbolic.clarke_gradient(symbolic.relu6(X), X, 3) == sympy.FiniteSet(1)
    with pytest.raises(ValueError, match="no Clarke gradient"):
        symbolic.clarke_gradient(symbolic.generalized_relu(X, threshold=1), X, 1)


# -------------------------------------------------------------- constants, numeric


def test_selu_constants_match_pytorch_digits():
    assert abs(sympy.N(symbolic.SELU_ALPHA, 40) - sympy.Float("1.6732632423543772848170429916717", 40)) < 1e-30
    assert abs(sympy.N(symbolic.SELU_SCALE, 40) - sympy.Float("1.0507009873554804934193349852946", 40)) < 1e-30
    assert float(sympy.N(symbolic.SELU_ALPHA, 30)) == act.SELU_ALPHA
    assert float(sympy.N(symbolic.SELU_SCALE, 30)) == act.SELU_SCALE


def test_rrelu_default_slope_is_eleven_over_forty_eight():
    assert symbolic.derivative(symbolic.rrelu(X), X).subs(X, -1) == R(11, 48)


def test_parameters_accept_fractions_ints_floats_and_symbols():
    assert symbolic.leaky_relu(X, negative_slope=Fraction(1, 10)) == symbolic.leaky_relu(X, negative_slope=R(1, 10))
    assert symbolic.elu(X, alpha=np.int64(2)) == symbolic.elu(X, alpha=2)
    assert float(symbolic.leaky_relu(X, negative_slope=0.5).subs(X, -2)) == -1.0
    b = sympy.Symbol("b", positive=True)
    assert symbolic.softplus(X, beta=b).has(b)


def test_to_numeric_preserves_dtype_and_shape():
    f = symbolic.to_numeric(symbolic.relu(X), X)
    out = f(np.array([[-1.0, 2.0]], dtype=np.float32))
    assert out.dtype == np.float32 and out.shape == (1, 2)
    assert isinstance(f(2.0), np.float64)


def test_to_numeric_broadcasts_constant_expressions():
    d = symbolic.to_numeric(symbolic.derivative(symbolic.selu(X) * 0 + 3 * X, X), X)
    np.testing.assert_array_equal(d(np.zeros(4)), np.full(4, 3.0))


def test_to_numeric_does_not_warn_on_overflow_in_unselected_branch():
    f = symbolic.to_numeric(symbolic.softplus(X), X)
    np.testing.assert_array_equal(f(np.array([1000.0])), [1000.0])


def test_to_numeric_does_not_mutate_input():
    values = np.array([-1.0, 0.0, 1.0])
    symbolic.to_numeric(symbolic.relu(X), X)(values)
    np.testing.assert_array_equal(values, [-1.0, 0.0, 1.0])


# --------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: symbolic.relu(1.0), TypeError, "x must be a sympy expression"),
        (lambda: symbolic.relu_forms("x"), TypeError, "x must be a sympy expression"),
        (lambda: symbolic.relu(sympy.Eq(X, 1)), TypeError, "x must be a sympy expression"),
        (lambda: symbolic.tanh(sympy.I), ValueError, "x must be real"),
        (lambda: symbolic.leaky_relu(X, negative_slope="0.1"), TypeError, "negative_slope must be a real number"),
        (lambda: symbolic.leaky_relu(X, negative_slope=True), TypeError, "negative_slope must be a real number"),
        (lambda: symbolic.leaky_relu(X, negative_slope=sympy.true), TypeError, "negative_slope must be a real"),
        (lambda: symbolic.leaky_relu(X, negative_slope=math.nan), ValueError, "negative_slope must not be nan"),
        (lambda: symbolic.elu(X, alpha=sympy.oo), ValueError, "alpha must be finite"),
        (lambda: symbolic.elu(X, alpha=sympy.I), ValueError, "alpha must be real"),
        (lambda: symbolic.prelu(X, np.array([0.1, 0.2])), TypeError, "weight must be a real number"),
        (lambda: symbolic.softplus(X, beta=0), ValueError, "beta must be > 0"),
        (lambda: symbolic.softplus(X, beta=sympy.Symbol("b", negative=True)), ValueError, "beta must be > 0"),
        (lambda: symbolic.gelu(X, approximate="fast"), ValueError, 'approximate must be "none" or "tanh"'),
        (lambda: symbolic.rrelu(X, lower=R(1, 2), upper=R(1, 4)), ValueError, "lower must be <= upper"),
        (lambda: symbolic.rrelu(X, training=True), ValueError, "training must be False"),
        (lambda: symbolic.rrelu(X, training="no"), TypeError, "training must be a bool"),
        (lambda: symbolic.generalized_relu(X, max_value=1, threshold=2), ValueError, "max_value must be >= threshold"),
        (lambda: symbolic.derivative(X**2, "x"), TypeError, "x must be a sympy Symbol"),
        (lambda: symbolic.derivative("x**2", X), TypeError, "expr must be a sympy expression"),
        (lambda: symbolic.one_sided_derivatives(X, X, sympy.Symbol("p")), TypeError, "point must be a real number"),
        (lambda: symbolic.one_sided_derivatives(X, X, math.nan), ValueError, "point must not be nan"),
        (lambda: symbolic.one_sided_derivatives(X, X, math.inf), ValueError, "point must be finite"),
        (lambda: symbolic.subdifferential(X, X + 1, 0), TypeError, "x must be a sympy Symbol"),
        (lambda: symbolic.to_numeric(symbolic.prelu(X, sympy.Symbol("a")), X), ValueError, r"free symbols .*\(a\)"),
        (lambda: symbolic.to_numeric(X, X, heaviside_at_zero=sympy.Symbol("h")), TypeError, "heaviside_at_zero"),
        (lambda: symbolic.to_numeric(X, X)("1.0"), TypeError, "values must be a real number"),
    ],
)
def test_bad_input_raises_with_message_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
