"""Tests of relu_book.approximation: exact results, convergence, scaling, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import Chebyshev, Legendre, Polynomial

from relu_book import approximation as ap

x = sympy.Symbol("x", real=True)


def monomial(p):
    return p.convert(kind=Polynomial).coef


# ------------------------------------------------------------ exact results


def test_exact_degree_2_least_squares_fit_of_the_step_on_unit_interval_is_half_plus_three_quarters_x():
    fit = ap.exact_least_squares(sympy.Heaviside(x), x, 2)
    assert sympy.simplify(fit - (sympy.Rational(1, 2) + sympy.Rational(3, 4) * x)) == 0


def test_numeric_degree_2_step_fit_matches_the_exact_one():
    np.testing.assert_allclose(monomial(ap.step_least_squares(2)), [0.5, 0.75, 0.0], atol=1e-14)


def test_exact_degree_2_least_squares_fit_of_relu():
    fit = ap.exact_least_squares(sympy.Max(0, x), x, 2)
    expected = sympy.Rational(3, 32) + x / 2 + sympy.Rational(15, 32) * x**2
    assert sympy.expand(fit - expected) == 0


@pytest.mark.parametrize("degree", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("a", [1, sympy.Rational(5, 2)])
def test_numeric_least_squares_fits_agree_with_sympy(degree, a):
    for expr, numeric in ((sympy.Heaviside(x), ap.step_least_squares), (sympy.Max(0, x), ap.relu_least_squares)):
        exact = sympy.Poly(ap.exact_least_squares(expr, x, degree, a), x).all_coeffs()[::-1]
        exact = np.array([float(c) for c in exact] + [0.0] * (degree + 1 - len(exact)))
        np.testing.assert_allclose(monomial(numeric(degree, float(a)))[: len(exact)], exact, atol=1e-12)


def test_integrated_step_of_degree_4_equals_integral_of_the_exact_step_fit():
    step = ap.exact_least_squares(sympy.Heaviside(x), x, 3)
    exact = sympy.Poly(sympy.integrate(step, (x, 0, x)), x).all_coeffs()[::-1]
    np.testing.assert_allclose(monomial(ap.relu_from_step(4)), [float(c) for c in exact], atol=1e-14)


def test_exact_errors_match_numeric_errors_for_low_degrees():
    for degree in (1, 2, 3, 4):
        exact_fit = ap.exact_least_squares(sympy.Max(0, x), x, degree)
        numeric_fit = ap.relu_least_squares(degree)
        err, _ = ap.exact_max_error(exact_fit, x)
        assert float(err) == pytest.approx(ap.max_error(numeric_fit), abs=1e-12)
        assert float(ap.exact_l2_error(exact_fit, x)) == pytest.approx(ap.l2_error(numeric_fit), abs=1e-12)


def test_exact_max_error_of_degree_2_least_squares_fit_is_three_32nds_at_zero():
    err, where = ap.exact_max_error(sympy.Rational(3, 32) + x / 2 + sympy.Rational(15, 32) * x**2, x)
    assert (err, where) == (sympy.Rational(3, 32), 0)


# --------------------------------------------------------- properties of fits


def test_step_fit_has_no_even_terms_beyond_the_constant():
    c = monomial(ap.step_least_squares(8))
    assert c[0] == pytest.approx(0.5)
    np.testing.assert_allclose(c[2::2], 0.0, atol=1e-12)


def test_least_squares_error_is_orthogonal_to_low_degree_polynomials():
    p = ap.relu_least_squares(5, 2.0)
    t, w = np.polynomial.legendre.leggauss(40)
    xs = np.concatenate([-1 + t, 1 + t])  # [-2, 0] and [0, 2]
    ws = np.concatenate([w, w])
    err = p(xs) - np.maximum(xs, 0)
    for k in range(6):
        assert abs(np.sum(ws * err * xs**k)) < 1e-12


def test_least_squares_beats_other_polynomials_in_l2():
    p = ap.relu_least_squares(4)
    for other in (ap.relu_chebyshev(4), ap.relu_from_step(4, constant="l2")):
        assert ap.l2_error(p) <= ap.l2_error(other) + 1e-15


def test_chebyshev_interpolant_matches_relu_at_chebyshev_points():
    d = 7
    nodes = np.cos((2 * np.arange(d + 1) + 1) * np.pi / (2 * (d + 1))) * 3.0
    np.testing.assert_allclose(ap.relu_chebyshev(d, 3.0)(nodes), np.maximum(nodes, 0), atol=1e-12)


@pytest.mark.parametrize("constant", ["zero", "l2", "max"])
def test_integrated_step_has_the_step_fit_as_derivative(constant):
    q = ap.relu_from_step(6, 1.5, constant=constant)
    s = ap.step_least_squares(5, 1.5)
    pts = np.linspace(-1.5, 1.5, 11)
    np.testing.assert_allclose(q.deriv()(pts), s(pts), atol=1e-12)


def test_integration_constants_do_what_they_say():
    zero, l2, mx = (ap.relu_from_step(5, 2.0, constant=c) for c in ("zero", "l2", "max"))
    assert zero(0.0) == pytest.approx(0.0, abs=1e-15)
    assert ap.l2_error(l2, 2.0) <= ap.l2_error(zero, 2.0)
    assert ap.l2_error(l2, 2.0) <= ap.l2_error(mx, 2.0)
    assert ap.max_error(mx, 2.0) <= ap.max_error(zero, 2.0)
    assert ap.max_error(mx, 2.0) <= ap.max_error(l2, 2.0)
    # minimax constant: the error reaches +E and -E
    low, high = ap._error_extremes(mx, 2.0)
    assert low == pytest.approx(-high)


@pytest.mark.parametrize("method", list(ap.APPROXIMATIONS))
def test_fits_converge_as_degree_grows(method):
    errors = [ap.max_error(ap.APPROXIMATIONS[method](d), 1.0) for d in (4, 16, 64)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.01
    l2 = [ap.l2_error(ap.APPROXIMATIONS[method](d), 1.0) for d in (4, 16, 64)]
    assert l2[0] > l2[1] > l2[2]


def test_max_error_of_least_squares_decays_like_one_over_degree():
    d = np.array([16, 32, 64, 128])
    errors = np.array([ap.max_error(ap.relu_least_squares(int(k))) for k in d])
    slope = np.polyfit(np.log(d), np.log(errors), 1)[0]
    assert -1.1 < slope < -0.9


@settings(max_examples=20, deadline=None)
@given(a=st.floats(0.1, 20.0), degree=st.integers(1, 12), method=st.sampled_from(list(ap.APPROXIMATIONS)))
def test_errors_scale_with_the_interval_by_positive_homogeneity(a, degree, method):
    """relu(a t) = a relu(t), so on [-a, a] max errors scale by a and L2 errors by a**1.5."""
    p1, pa = ap.APPROXIMATIONS[method](degree, 1.0), ap.APPROXIMATIONS[method](degree, a)
    assert ap.max_error(pa, a) == pytest.approx(a * ap.max_error(p1, 1.0), rel=1e-7)
    assert ap.l2_error(pa, a) == pytest.approx(a**1.5 * ap.l2_error(p1, 1.0), rel=1e-7)


def test_max_error_finds_the_maximum_between_grid_points():
    # error peaks in a narrow spike; the root-based candidates find it exactly
    p = Polynomial([0.0, 0.0, 1.0])  # x^2 vs relu: max |x^2| on [-1, 0] is 1 at -1; on [0, 1] |x^2 - x| <= 1/4
    assert ap.max_error(p, 1.0) == pytest.approx(1.0)
    assert ap.max_error(Polynomial([0.0, 0.5]), 1.0) == pytest.approx(0.5)


def test_error_table_has_one_row_per_method_degree_and_interval():
    rows = ap.error_table([2, 4], [1.0, 2.0])
    assert len(rows) == len(ap.APPROXIMATIONS) * 4
    assert set(rows[0]) == {"method", "degree", "a", "max error", "L2 error"}


# ------------------------------------------------------------------- dtypes


def test_fits_have_float64_coefficients_and_symmetric_domain():
    for p in (ap.relu_least_squares(3, 2.0), ap.relu_from_step(3, 2.0), ap.relu_chebyshev(3, 2.0)):
        assert isinstance(p, (Legendre, Chebyshev))
        assert p.coef.dtype == np.float64
        np.testing.assert_array_equal(p.domain, [-2.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_evaluate_returns_the_input_dtype_without_mutating_it(dtype):
    xs = np.linspace(-1, 1, 5).astype(dtype)
    before = xs.copy()
    out = ap.evaluate(ap.relu_least_squares(4), xs)
    assert out.dtype == dtype
    np.testing.assert_array_equal(xs, before)
    np.testing.assert_allclose(out, ap.relu_least_squares(4)(xs.astype(np.float64)), rtol=1e-3)


def test_evaluate_turns_integers_into_float64():
    assert ap.evaluate(ap.relu_least_squares(2), [0, 1]).dtype == np.float64


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("func", [ap.step_least_squares, ap.relu_least_squares, ap.relu_chebyshev])
def test_negative_degree_is_refused(func):
    with pytest.raises(ValueError, match="degree must be >= 0, got -1"):
        func(-1)


@pytest.mark.parametrize("bad", [2.0, "3", None, True])
def test_non_integer_degree_is_refused(bad):
    with pytest.raises(TypeError, match="degree must be an integer"):
        ap.relu_least_squares(bad)


def test_integrated_step_needs_degree_at_least_one():
    with pytest.raises(ValueError, match="degree must be >= 1, got 0"):
        ap.relu_from_step(0)


@pytest.mark.parametrize("a", [0.0, -1.0])
def test_non_positive_interval_is_refused(a):
    with pytest.raises(ValueError, match="a must be > 0.0"):
        ap.relu_least_squares(2, a)


@pytest.mark.parametrize("a", [float("inf"), float("nan")])
def test_infinite_or_nan_interval_is_refused(a):
    with pytest.raises(ValueError, match="a must"):
        ap.relu_chebyshev(2, a)


def test_unknown_integration_constant_is_refused():
    with pytest.raises(ValueError, match="constant must be one of 'zero', 'l2', 'max', got 'mean'"):
        ap.relu_from_step(3, constant="mean")


def test_least_squares_fit_checks_its_function_and_breakpoints():
    with pytest.raises(TypeError, match="f must be callable"):
        ap.least_squares_fit(3.0, 2)
    with pytest.raises(ValueError, match="f must be elementwise"):
        ap.least_squares_fit(lambda t: np.sum(t), 2)
    with pytest.raises(TypeError, match="breakpoints must be a sequence"):
        ap.least_squares_fit(np.abs, 2, breakpoints=0.0)
    with pytest.raises(ValueError, match="nodes must be >= 1"):
        ap.least_squares_fit(np.abs, 2, nodes=0)


def test_error_measures_refuse_non_series():
    with pytest.raises(TypeError, match="p must be a numpy.polynomial series"):
        ap.max_error([1.0, 2.0])
    with pytest.raises(TypeError, match="p must be a numpy.polynomial series"):
        ap.l2_error(np.poly1d([1.0]))


def test_error_table_refuses_unknown_methods():
    with pytest.raises(ValueError, match="each entry of methods must be one of .*got .Taylor."):
        ap.error_table([2], methods=["Taylor"])


def test_exact_functions_validate_their_arguments():
    with pytest.raises(TypeError, match="x must be a sympy Symbol"):
        ap.exact_least_squares(sympy.Max(0, x), "x", 2)
    with pytest.raises(TypeError, match="expr must be a sympy expression"):
        ap.exact_least_squares(np.abs, x, 2)
    with pytest.raises(ValueError, match="a must be a positive number, got -1"):
        ap.exact_least_squares(sympy.Max(0, x), x, 2, a=-1)
    with pytest.raises(ValueError, match="p must depend on x only"):
        ap.exact_l2_error(x + sympy.Symbol("y"), x)
    with pytest.raises(ValueError, match="p must be a polynomial"):
        ap.exact_max_error(sympy.exp(x), x)


# ------------------------------------------------------------------ minimax


def alternation_count(p, a):
    """Number of alternating extrema of relu - p whose size is the largest error (to 1e-9)."""
    points, errors = ap.error_extrema(p, a)
    at_max = np.abs(errors) >= (1 - 1e-9) * np.abs(errors).max()
    signs = np.sign(errors[at_max])
    return 1 + int(np.sum(signs[1:] != signs[:-1])) if signs.size else 0


@pytest.mark.parametrize("degree", [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 33])
@pytest.mark.parametrize("a", [1.0, 3.0])
def test_minimax_error_equioscillates_at_degree_plus_two_points(degree, a):
    assert alternation_count(ap.relu_minimax(degree, a), a) >= degree + 2


@pytest.mark.parametrize("a", [1, sympy.Rational(5, 2), 4])
@pytest.mark.parametrize("degree", [1, 2, 3])
def test_minimax_matches_the_sympy_solution_of_the_equioscillation_equations(degree, a):
    exact, level = ap.exact_minimax(x, degree, a)
    coef = [float(c) for c in sympy.Poly(exact, x).all_coeffs()[::-1]]
    numeric = ap.relu_minimax(degree, float(a))
    got = monomial(numeric)[: len(coef)]
    np.testing.assert_allclose(got, coef, rtol=1e-10, atol=1e-12)
    assert ap.max_error(numeric, float(a)) == pytest.approx(float(level), rel=1e-10)


def test_closed_forms_of_degree_1_and_2_on_a_symbolic_interval():
    a = sympy.Symbol("a", positive=True)
    p1, e1 = ap.exact_minimax(x, 1, a)
    p2, e2 = ap.exact_minimax(x, 2, a)
    assert sympy.simplify(e1 - a / 4) == 0 and sympy.simplify(p1 - (x / 2 + a / 4)) == 0
    assert sympy.simplify(e2 - a / 16) == 0 and sympy.simplify(p2 - (a / 16 + x / 2 + x**2 / (2 * a))) == 0


@pytest.mark.parametrize("degree", [2, 3, 4, 6, 8, 16, 32])
def test_minimax_beats_least_squares_and_chebyshev_in_the_max_norm(degree):
    best = ap.max_error(ap.relu_minimax(degree))
    for fit in (ap.relu_least_squares, ap.relu_chebyshev, ap.relu_from_step):
        assert best < ap.max_error(fit(degree))


@pytest.mark.parametrize("m", [0, 1, 2, 3, 5, 8])
def test_odd_degree_minimax_is_no_better_than_the_even_degree_below(m):
    even, odd = ap.relu_minimax(2 * m), ap.relu_minimax(2 * m + 1)
    if m > 0:
        assert ap.max_error(odd) == pytest.approx(ap.max_error(even), rel=1e-9)
        np.testing.assert_allclose(monomial(odd)[2 * m + 1 :], 0.0, atol=1e-12)


def test_even_degree_minimax_errors_approach_bernstein_from_below():
    degrees = np.array([2, 4, 8, 16, 32, 64])
    ratios = np.array([ap.max_error(ap.relu_minimax(int(d))) for d in degrees]) / ap.bernstein_asymptote(degrees)
    assert np.all(ratios < 1) and np.all(np.diff(ratios) > 0)
    assert ratios[-1] > 0.999


def test_bernstein_asymptote_scales_with_the_interval_and_checks_its_input():
    assert ap.bernstein_asymptote(4, a=3.0) == pytest.approx(3 * ap.BERNSTEIN_CONSTANT / 8)
    with pytest.raises(TypeError, match="integer"):
        ap.bernstein_asymptote(2.5)
    with pytest.raises(ValueError, match=">= 1"):
        ap.bernstein_asymptote(np.array([0, 2]))


def test_remez_refuses_bad_settings_and_reports_non_convergence():
    with pytest.raises(ValueError, match="tol"):
        ap.relu_minimax(4, tol=0.0)
    with pytest.raises(RuntimeError, match="did not converge"):
        ap.relu_minimax(8, max_iter=1)


def test_exact_minimax_checks_its_arguments():
    with pytest.raises(ValueError, match="1, 2 or 3"):
        ap.exact_minimax(x, 4)
    with pytest.raises(TypeError, match="Symbol"):
        ap.exact_minimax("x", 2)
    with pytest.raises(ValueError, match="positive"):
        ap.exact_minimax(x, 2, sympy.Symbol("b"))


def test_exact_least_squares_is_the_same_when_its_moments_are_remembered():
    x = sympy.Symbol("x", real=True)
    ap._legendre_moment.cache_clear()
    first = [ap.exact_least_squares(sympy.Max(0, x), x, d) for d in (3, 2)]
    assert ap._legendre_moment.cache_info().hits == 3
    assert [ap.exact_least_squares(sympy.Max(0, x), x, d) for d in (3, 2)] == first
    t = sympy.Symbol("t", real=True)
    for k in range(4):
        direct = sympy.integrate(sympy.Max(0, t).rewrite(sympy.Piecewise) * sympy.legendre(k, t), (t, -1, 1))
        assert ap._legendre_moment(sympy.Max(0, ap._T).rewrite(sympy.Piecewise), k, 1) == direct


@pytest.mark.parametrize("a", [1, 2, sympy.Rational(1, 3)])
def test_exact_l2_error_of_a_rational_polynomial_equals_the_piecewise_integral(a):
    x = sympy.Symbol("x", real=True)
    for p in (x / 2 + sympy.Rational(1, 4), sympy.Integer(3), x**3 - 2 * x + sympy.Rational(1, 7)):
        integrand = sympy.piecewise_fold(((p - sympy.Max(0, x)) ** 2).rewrite(sympy.Piecewise))
        assert ap.exact_l2_error(p, x, a) == sympy.sqrt(sympy.simplify(sympy.integrate(integrand, (x, -a, a))))
