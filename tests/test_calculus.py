"""Tests of relu_book.calculus: one-sided limits and derivatives, subdifferential, Clarke gradient, smoothness."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book import calculus, symbolic

X = sympy.Symbol("x")
z = sympy.Symbol("z", real=True)
R = sympy.Rational

rationals = st.fractions(min_value=-5, max_value=5, max_denominator=20).map(lambda f: R(f.numerator, f.denominator))


def _two_slopes(left, right, point):
    """A continuous piecewise linear function with slope ``left`` before ``point`` and ``right`` after."""
    return sympy.Piecewise((left * (X - point), sympy.Lt(X, point)), (right * (X - point), True))


# ------------------------------------------------------------ one-sided limits


def test_one_sided_limits_of_heaviside_and_sign_at_zero():
    assert calculus.one_sided_limits(sympy.Heaviside(X), X, 0) == (0, 1)
    assert calculus.one_sided_limits(sympy.sign(X), X, 0) == (-1, 1)


def test_one_sided_limits_ignore_the_value_at_the_point():
    step = sympy.Piecewise((0, X < 1), (7, sympy.Eq(X, 1)), (2, True))
    assert calculus.one_sided_limits(step, X, 1) == (0, 2)


def test_one_sided_limits_can_be_infinite():
    assert calculus.one_sided_limits(sympy.Piecewise((1 / X, X > 0), (0, True)), X, 0) == (0, sympy.oo)


@settings(max_examples=10, deadline=None)
@given(low=rationals, high=rationals, point=rationals)
def test_one_sided_limits_of_a_step_are_its_two_levels(low, high, point):
    step = sympy.Piecewise((low, sympy.Lt(X, point)), (high, True))
    assert calculus.one_sided_limits(step, X, point) == (low, high)


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
    assert calculus.one_sided_derivatives(expr, X, point) == expected


def test_one_sided_derivatives_of_leaky_relu_with_symbolic_slope():
    a = sympy.Symbol("alpha")
    assert calculus.one_sided_derivatives(symbolic.leaky_relu(X, negative_slope=a), X, 0) == (a, 1)


@pytest.mark.parametrize("name", ["silu", "softplus"])
def test_one_sided_derivatives_of_smooth_functions_are_equal(name):
    left, right = calculus.one_sided_derivatives(getattr(symbolic, name)(X), X, 0)
    assert left == right == R(1, 2)


def test_softplus_cut_over_is_a_jump_with_infinite_right_quotient():
    left, right = calculus.one_sided_derivatives(symbolic.softplus(X, beta=2, threshold=5), X, R(5, 2))
    assert right == -sympy.oo
    assert left == sympy.exp(5) / (1 + sympy.exp(5))


@settings(max_examples=10, deadline=None)
@given(left=rationals, right=rationals, point=rationals)
def test_one_sided_derivatives_of_two_slopes_are_the_slopes(left, right, point):
    assert calculus.one_sided_derivatives(_two_slopes(left, right, point), X, point) == (left, right)


def test_derivative_is_sympy_diff():
    assert calculus.derivative(symbolic.relu(X), X) == sympy.Heaviside(X)
    assert calculus.derivative(X**3, X) == 3 * X**2


# ----------------------------------------------- subdifferential and Clarke


def test_subdifferential_of_relu_at_zero_is_unit_interval():
    assert calculus.subdifferential(symbolic.relu(X), X, 0) == sympy.Interval(0, 1)


def test_subdifferential_of_leaky_relu_at_zero_is_slope_to_one():
    leaky = symbolic.leaky_relu(X, negative_slope=R(1, 10))
    assert calculus.subdifferential(leaky, X, 0) == sympy.Interval(R(1, 10), 1)


def test_subdifferential_where_differentiable_is_a_finite_set():
    result = calculus.subdifferential(symbolic.relu(X), X, 2)
    assert result == sympy.FiniteSet(1)
    assert isinstance(result, sympy.FiniteSet)
    assert sympy.Interval(1, 1) == result
    assert calculus.subdifferential(sympy.Abs(X), X, 0) == sympy.Interval(-1, 1)


def test_subdifferential_of_relu6_at_six_raises_not_convex():
    with pytest.raises(ValueError, match="not convex near 6"):
        calculus.subdifferential(symbolic.relu6(X), X, 6)


def test_subdifferential_at_a_jump_raises_not_lipschitz():
    with pytest.raises(ValueError, match="right derivative of expr at 1 is oo"):
        calculus.subdifferential(symbolic.generalized_relu(X, threshold=1), X, 1)


def test_subdifferential_with_undecidable_symbolic_slopes_raises():
    with pytest.raises(ValueError, match="cannot decide"):
        calculus.subdifferential(symbolic.prelu(X, sympy.Symbol("a")), X, 0)


def test_clarke_gradient_is_hull_of_one_sided_derivatives():
    assert calculus.clarke_gradient(symbolic.relu6(X), X, 6) == sympy.Interval(0, 1)
    assert calculus.clarke_gradient(symbolic.relu(X), X, 0) == calculus.subdifferential(symbolic.relu(X), X, 0)
    assert calculus.clarke_gradient(symbolic.relu6(X), X, 3) == sympy.FiniteSet(1)
    with pytest.raises(ValueError, match="no Clarke gradient"):
        calculus.clarke_gradient(symbolic.generalized_relu(X, threshold=1), X, 1)


@settings(max_examples=10, deadline=None)
@given(left=rationals, right=rationals, point=rationals)
def test_clarke_gradient_equals_subdifferential_where_convex_and_exists_where_not(left, right, point):
    f = _two_slopes(left, right, point)
    hull = sympy.Interval(min(left, right), max(left, right))
    assert calculus.clarke_gradient(f, X, point) == hull
    if left <= right:
        assert calculus.subdifferential(f, X, point) == hull
    else:
        with pytest.raises(ValueError, match="not convex"):
            calculus.subdifferential(f, X, point)


# -------------------------------------------------------------- smoothness


@pytest.mark.parametrize(
    "expr, expected",
    [
        (symbolic.relu(z), "C^0"),
        (symbolic.relu6(z), "C^0"),
        (symbolic.elu(z), "C^1"),
        (symbolic.elu(z, alpha=2), "C^0"),
        (symbolic.selu(z), "C^0"),
        (symbolic.gelu(z), "C^inf"),
        (symbolic.softplus(z, threshold=sympy.oo), "C^inf"),
        (symbolic.softplus(z), "discontinuous"),
        (symbolic.generalized_relu(z, threshold=1), "discontinuous"),
        (sympy.Piecewise((z**3, z > 0), (0, True)), "C^2"),
    ],
)
def test_smoothness_class(expr, expected):
    assert calculus.smoothness_class(expr, z) == expected


def test_smoothness_class_says_at_least_when_it_stops_looking():
    assert calculus.smoothness_class(sympy.Piecewise((z**5, z > 0), (0, True)), z, max_order=2) == "C^2+"


def test_breakpoints_of_the_generalised_relu():
    assert calculus.breakpoints(symbolic.generalized_relu(z, max_value=6, threshold=1), z) == [1, 6]


@pytest.mark.parametrize(
    ("expr", "point", "expected"),
    [
        (symbolic.relu(z), 0, False),
        (symbolic.relu(z), 1, True),
        (symbolic.elu(z), 0, True),
        (symbolic.elu(z, alpha=2), 0, False),
        (symbolic.relu6(z), 6, False),
        (symbolic.softplus(z, threshold=sympy.oo), 0, True),
        # a jump whose one-sided slopes agree (0 and 0) is still not differentiable
        (sympy.Piecewise((0, z < 0), (1, True)), 0, False),
        # a vertical tangent: equal but infinite one-sided slopes
        (sympy.Piecewise((-sympy.sqrt(-z), z < 0), (sympy.sqrt(z), True)), 0, False),
    ],
)
def test_is_differentiable_at(expr, point, expected):
    assert calculus.is_differentiable_at(expr, z, point) is expected


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(symbolic.ACTIVATIONS))
def test_is_differentiable_at_zero_iff_one_sided_derivatives_agree(name):
    expr = symbolic.ACTIVATIONS[name](z)
    left, right = calculus.one_sided_derivatives(expr, z, 0)
    agree = bool(left.is_finite and right.is_finite) and sympy.simplify(left - right) == 0
    assert calculus.is_differentiable_at(expr, z, 0) is agree


# --------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: calculus.derivative(X**2, "x"), TypeError, "x must be a sympy Symbol"),
        (lambda: calculus.derivative("x**2", X), TypeError, "expr must be a sympy expression"),
        (lambda: calculus.one_sided_derivatives(X, X, sympy.Symbol("p")), TypeError, "point must be a real number"),
        (lambda: calculus.one_sided_derivatives(X, X, math.nan), ValueError, "point must not be nan"),
        (lambda: calculus.one_sided_derivatives(X, X, math.inf), ValueError, "point must be finite"),
        (lambda: calculus.one_sided_limits(X, X, "0"), TypeError, "point must be a real number"),
        (lambda: calculus.subdifferential(X, X + 1, 0), TypeError, "x must be a sympy Symbol"),
        (lambda: calculus.breakpoints(symbolic.relu(z), "z"), TypeError, "x must be a sympy Symbol"),
        (lambda: calculus.breakpoints(sympy.Eq(z, 1), z), TypeError, "expr must be a sympy expression"),
        (lambda: calculus.is_differentiable_at(z, z, math.inf), ValueError, "point must be finite"),
        (lambda: calculus.smoothness_class(z, z, max_order=-1), ValueError, "max_order must be >= 0"),
    ],
)
def test_bad_input_raises_with_message_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_one_sided_limits_by_pieces_equal_sympys_limits():
    from relu_book import smooth
    from relu_book.calculus import _one_sided_limits_by_pieces, _same

    z = sympy.Symbol("z", real=True)
    exprs = [e.expr(z) for e in smooth.TABLE_ENTRIES] + [
        symbolic.softplus(z, threshold=20), sympy.Abs(z) ** 3, sympy.Piecewise((1 / z, z > 0), (0, True)),
    ]
    for expr in exprs:
        f = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
        for p in calculus.breakpoints(expr, z):
            for d in (f, sympy.diff(f, z), sympy.diff(f, z, 2)):
                fast = _one_sided_limits_by_pieces(d, z, p)
                slow = calculus.one_sided_limits(d, z, p)
                assert all(_same(a, b) for a, b in zip(fast, slow)), (expr, p, fast, slow)


def test_breakpoints_are_remembered_but_returned_as_a_new_list():
    z = sympy.Symbol("z", real=True)
    first = calculus.breakpoints(symbolic.relu6(z), z)
    first.append(99)
    assert calculus.breakpoints(symbolic.relu6(z), z) == [0, 6]


_K = sympy.Dummy("k", positive=True)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (_K >= 6, False), (_K < 6, True), (_K - 6 < 0, True), (6 - 2 * _K >= 0, True),
        (_K > 0, True), (sympy.Ne(_K, 0), True), (sympy.Eq(_K, 0), False),
        (sympy.Symbol("u", real=True) * _K > 1, None),  # a comparison of a non-number slope
        (sympy.Ge(3 * _K, 0, evaluate=False), True), (sympy.Le(-_K, 0, evaluate=False), True),
        (sympy.Gt(-_K, 0, evaluate=False), False), (sympy.Eq(_K - 1, 0, evaluate=False), False),
        (sympy.And(_K < 1, _K > -1), True), (sympy.Or(_K > 6, _K < 1), True), (sympy.Not(_K > 6), True),
        (sympy.And(_K < 1, _K**2 < 1), None), (_K**2 - _K > 0, None), (sympy.sin(_K) > 0, None),
    ],
    ids=str,
)
def test_holds_just_above_zero_decides_linear_conditions_and_nothing_else(condition, expected):
    assert calculus._holds_just_above_zero(condition, _K) is expected


@pytest.mark.parametrize("point", [0, 6])
def test_side_piece_of_relu6_is_the_branch_in_force_near_each_kink(point):
    x = sympy.Symbol("x", real=True)
    f = symbolic.relu6(x).rewrite(sympy.Piecewise)
    left, right = (calculus._side_piece(f, x, point, side, _K) for side in (-1, 1))
    # relu6(p - k) and relu6(p + k) for small k > 0: the pieces 0, k at 0 and 6 - k, 6 at 6
    assert (left, right) == (((0, 0), (_K, 0)) if point == 0 else ((6 - _K, 6), (6, 6)))


def test_side_piece_decides_selus_pieces_with_their_long_constants_written_out():
    x = sympy.Symbol("x", real=True)
    f = symbolic.selu(x).rewrite(sympy.Piecewise)
    assert [calculus._side_piece(f, x, 0, side, _K)[1] for side in (-1, 1)] == [0, 0]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(sympy.sqrt(2), True), (symbolic.SELU_ALPHA * symbolic.SELU_SCALE, True), (sympy.Integer(0), True),
     (sympy.oo, False), (-sympy.oo, False), (sympy.nan, False), (sympy.zoo, False), (sympy.I, False),
     (1 + sympy.I * sympy.sqrt(3), False), (_K, True), (sympy.Symbol('t'), False)],
    ids=str,
)
def test_finite_real_by_assumptions_or_by_value(number, expected):
    assert calculus._finite_real(sympy.sympify(number)) is expected
