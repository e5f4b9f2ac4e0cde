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
from relu_book import calculus, registry, symbolic

X = sympy.Symbol("x")
R = sympy.Rational

def _case_id(name, params):
    return name + "".join(f"-{k}={v}" for k, v in params.items())


# id -> (name, keyword arguments, kinks): every registry entry at its defaults
# and at its examples (exact values such as Fraction(1, 10), given to sympy as
# they are and to numpy as floats), and one slope given as a float (a sympy Float).
CASES = {
    _case_id(spec.name, params): (spec.name, params, list(spec.kinks_at(**params)))
    for spec in registry.REGISTRY
    for params in spec.cases()
}
CASES["leaky_relu-float_slope"] = ("leaky_relu", {"negative_slope": 0.2}, [0.0])

GRID = np.linspace(-29.9, 29.9, 599)  # step 0.1, offset 0.05 from every integer and half-integer
RTOL, ATOL = 1e-10, 1e-12


@functools.cache
def _compiled(case_id):
    """(symbolic f, symbolic f', numeric f, numeric f') for a case, compiled once."""
    name, kwargs, _ = CASES[case_id]
    spec = registry.get(name)
    expr = spec.expr(X, **kwargs)
    f_sym = symbolic.to_numeric(expr, X)
    df_sym = symbolic.to_numeric(calculus.derivative(expr, X), X)
    f_num, df_num = spec.numeric(**kwargs)
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


# The kinks where sympy's derivative does not give relu_book's value even with
# H(0) = 0: at a non-zero threshold the generalised ReLU jumps (Keras keeps x
# only where x > threshold), so it has no derivative there; sympy's branch
# condition x <= threshold gives the left slope, Keras (and relu_book) 0.
KINKS = [(case_id, k) for case_id, (_, _, kinks) in CASES.items() for k in kinks]


def _is_threshold_of_generalized_relu(case_id, kink):
    name, kwargs, _ = CASES[case_id]
    threshold = float(kwargs.get("threshold", 0))
    return name == "generalized_relu" and threshold != 0 and kink == threshold


@pytest.mark.parametrize(("case_id", "kink"), KINKS, ids=[f"{c}@{k:g}" for c, k in KINKS])
def test_sympy_derivative_with_heaviside_zero_reproduces_relu_book_value_at_kink(case_id, kink):
    """sympy's derivative of the sympy view, with H(0) = 0, at each kink the registry records."""
    _, _, _, df_num = _compiled(case_id)
    name, kwargs, _ = CASES[case_id]
    d = calculus.derivative(registry.get(name).expr(X, **kwargs), X)
    value = float(symbolic.to_numeric(d, X, heaviside_at_zero=0)(kink))
    if _is_threshold_of_generalized_relu(case_id, kink):
        assert value == pytest.approx(float(kwargs.get("negative_slope", 0))) and float(df_num(kink)) == 0.0
    elif name == "generalized_relu":
        # Keras's rules are not sympy's H(0) = 0: 1/2 where jnp.clip ties at the
        # cap and slope 1 at 0 through jax.nn.leaky_relu, both in the Clarke
        # gradient; but with a cap and a negative slope, autodiff of Keras's
        # composite code gives 0 at x = 0, outside [alpha, 1] (a case of
        # Chapter 3's "autodiff can leave the Clarke gradient").
        left, right = (float(v) for v in calculus.one_sided_derivatives(registry.get(name).expr(X, **kwargs), X, kink))
        got = float(df_num(kink))
        if kink == 0 and kwargs.get("max_value") is not None and kwargs.get("negative_slope", 0) != 0:
            assert got == 0.0 and min(left, right) > 0
        else:
            assert min(left, right) <= got <= max(left, right)
    else:
        np.testing.assert_allclose(value, df_num(kink), rtol=RTOL)


def test_sympy_derivative_of_max_is_one_half_at_zero():
    assert calculus.derivative(symbolic.relu(X), X).subs(X, 0) == R(1, 2)
    assert float(symbolic.to_numeric(calculus.derivative(symbolic.relu6(X), X), X)(6.0)) == 0.5


def test_generalized_relu_sympy_derivative_at_threshold_is_left_slope_not_keras_zero():
    expr = symbolic.generalized_relu(X, negative_slope=R(1, 2), threshold=1)
    assert calculus.derivative(expr, X).subs(X, 1) == R(1, 2)
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
    d = calculus.derivative(symbolic.softplus(X, beta=2, threshold=5), X)
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
    assert calculus.derivative(symbolic.relu(X), X) == sympy.Heaviside(X)
    assert sympy.Heaviside(0) == R(1, 2)


def test_piecewise_derivative_inherits_strict_condition_at_zero():
    d = calculus.derivative(symbolic.relu_forms(X)["piecewise"], X)
    assert d.subs(X, 0) == 0
    assert calculus.derivative(symbolic.leaky_relu(X, negative_slope=R(1, 10)), X).subs(X, 0) == R(1, 10)


def test_mean_of_relu_of_standard_normal_is_one_over_sqrt_two_pi():
    t = sympy.Symbol("t", real=True)
    density = sympy.exp(-(t**2) / 2) / sympy.sqrt(2 * sympy.pi)
    mean = sympy.integrate(symbolic.relu_forms(t)["piecewise"] * density, (t, -sympy.oo, sympy.oo))
    assert sympy.simplify(mean - 1 / sympy.sqrt(2 * sympy.pi)) == 0


# -------------------------------------------------------------- constants, numeric


def test_selu_constants_match_pytorch_digits():
    assert abs(sympy.N(symbolic.SELU_ALPHA, 40) - sympy.Float("1.6732632423543772848170429916717", 40)) < 1e-30
    assert abs(sympy.N(symbolic.SELU_SCALE, 40) - sympy.Float("1.0507009873554804934193349852946", 40)) < 1e-30
    assert float(sympy.N(symbolic.SELU_ALPHA, 30)) == act.SELU_ALPHA
    assert float(sympy.N(symbolic.SELU_SCALE, 30)) == act.SELU_SCALE


def test_rrelu_default_slope_is_eleven_over_forty_eight():
    assert calculus.derivative(symbolic.rrelu(X), X).subs(X, -1) == R(11, 48)


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
    d = symbolic.to_numeric(calculus.derivative(symbolic.selu(X) * 0 + 3 * X, X), X)
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
        (lambda: symbolic.to_numeric(symbolic.prelu(X, sympy.Symbol("a")), X), ValueError, r"free symbols .*\(a\)"),
        (lambda: symbolic.to_numeric(X, X, heaviside_at_zero=sympy.Symbol("h")), TypeError, "heaviside_at_zero"),
        (lambda: symbolic.to_numeric(X, X)("1.0"), TypeError, "values must be a real number"),
    ],
)
def test_bad_input_raises_with_message_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
