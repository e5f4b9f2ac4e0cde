"""Tests of relu_book.numerics: finite differences, numerical gradients, gradient checks."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relu_book as rb
from relu_book.numerics import (
    SCHEMES,
    GradientCheck,
    default_step,
    finite_difference,
    gradient_check,
    numerical_gradient,
    relative_error,
)

# ----------------------------------------------------------------- kinks


@pytest.mark.parametrize(
    ("scheme", "expected"), [("forward", 1.0), ("backward", 0.0), ("central", 0.5)]
)
def test_schemes_at_relu_kink_give_one_sided_slopes_or_their_average(scheme, expected):
    assert finite_difference(rb.relu, np.array([0.0]), scheme=scheme)[0] == expected


@pytest.mark.parametrize("scheme", SCHEMES)
def test_schemes_at_relu_kink_are_exact_for_any_step(scheme):
    h = np.array([1e-1, 1e-4, 1e-8])
    expected = {"forward": 1.0, "backward": 0.0, "central": 0.5}[scheme]
    np.testing.assert_array_equal(finite_difference(rb.relu, np.zeros(3), h=h, scheme=scheme), expected)


def test_central_difference_at_leaky_relu_kink_is_average_slope():
    f = lambda x: rb.leaky_relu(x, negative_slope=0.2)  # noqa: E731
    np.testing.assert_allclose(finite_difference(f, [0.0]), [0.6])


def test_central_difference_of_relu6_at_six_is_one_half():
    np.testing.assert_allclose(finite_difference(rb.relu6, [0.0, 6.0]), [0.5, 0.5])


# ------------------------------------------------------------ accuracy


def test_central_difference_error_is_second_order():
    x = np.array([0.7])
    errors = [abs(finite_difference(np.sin, x, h=h)[0] - np.cos(0.7)) for h in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.01)


@pytest.mark.parametrize("scheme", ["forward", "backward"])
def test_one_sided_difference_error_is_first_order(scheme):
    x = np.array([0.7])
    errors = [abs(finite_difference(np.sin, x, h=h, scheme=scheme)[0] - np.cos(0.7)) for h in (1e-3, 5e-4)]
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_default_step_is_accurate_on_a_smooth_function(scheme):
    x = np.linspace(-3, 3, 13)
    tol = 1e-9 if scheme == "central" else 1e-6
    np.testing.assert_allclose(finite_difference(np.exp, x, scheme=scheme), np.exp(x), rtol=tol)


def test_finite_difference_is_exact_on_linear_pieces_with_default_step():
    x = np.array([-3.3, -0.1, 0.1, 2.7, 1e6])
    f = lambda x: rb.leaky_relu(x, negative_slope=0.25)  # noqa: E731
    for scheme in SCHEMES:
        np.testing.assert_array_equal(finite_difference(rb.relu, x, scheme=scheme), [0, 0, 1, 1, 1])
        np.testing.assert_array_equal(finite_difference(f, x, scheme=scheme), [0.25, 0.25, 1, 1, 1])


def test_finite_difference_accepts_array_step_broadcast_to_x():
    x = np.zeros((2, 3))
    h = np.array([[1e-3], [1e-5]])
    np.testing.assert_allclose(finite_difference(np.sin, x, h=h), np.ones((2, 3)), rtol=1e-6)


# --------------------------------------------------------- default step, dtype


def test_default_step_is_larger_for_float32_than_float64():
    h32 = default_step(np.array([0.0], dtype=np.float32))
    h64 = default_step(np.array([0.0], dtype=np.float64))
    assert h32.dtype == np.float32 and h64.dtype == np.float64
    assert h32[0] > 100 * h64[0]


def test_default_step_follows_the_formula():
    x = np.array([0.0, 0.5, -4.0, 1e3])
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(default_step(x, "central"), np.cbrt(eps) * np.maximum(1, np.abs(x)))
    np.testing.assert_allclose(default_step(x, "forward"), np.sqrt(eps) * np.maximum(1, np.abs(x)))
    np.testing.assert_array_equal(default_step(x, "forward"), default_step(x, "backward"))


def test_default_step_of_a_scalar_is_a_scalar():
    assert np.ndim(default_step(2.0)) == 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_finite_difference_preserves_dtype(dtype):
    x = np.linspace(-1, 1, 5, dtype=dtype)
    assert finite_difference(np.sin, x).dtype == dtype


def test_finite_difference_in_float32_is_accurate_to_float32_precision():
    x = np.linspace(-2, 2, 9, dtype=np.float32)
    np.testing.assert_allclose(finite_difference(np.sin, x), np.cos(x), rtol=1e-3, atol=1e-4)


def test_finite_difference_casts_output_of_f_to_x_dtype():
    x = np.array([1.0, 2.0], dtype=np.float32)
    out = finite_difference(lambda t: np.asarray(t, dtype=np.float64) ** 2, x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [2.0, 4.0], rtol=1e-4)


def test_finite_difference_of_integer_list_is_float64():
    out = finite_difference(lambda t: t**2, [1, 2])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [2.0, 4.0])


def test_finite_difference_of_scalar_is_scalar():
    out = finite_difference(np.sin, 0.0)
    assert np.ndim(out) == 0
    assert float(out) == pytest.approx(1.0)


def test_finite_difference_propagates_nan_and_inf_silently():
    out = finite_difference(rb.relu, np.array([np.nan, np.inf, 1.0]))
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 1.0


def test_finite_difference_does_not_mutate_x():
    x = np.array([0.0, 1.0, -1.0])
    before = x.copy()
    finite_difference(rb.relu, x)
    np.testing.assert_array_equal(x, before)


# ------------------------------------------------------ numerical gradient

RNG_SEED = 20240601


def _relu_layer_problem():
    rng = np.random.default_rng(RNG_SEED)
    A = rng.normal(size=(6, 4))
    x = rng.normal(size=4)
    return A, x


def test_numerical_gradient_of_sum_relu_layer_matches_analytic_away_from_kinks():
    A, x = _relu_layer_problem()
    assert np.min(np.abs(A @ x)) > 1e-3  # away from kinks
    fun = lambda v: np.sum(rb.relu(A @ v))  # noqa: E731
    analytic = A.T @ rb.relu_grad(A @ x)
    np.testing.assert_allclose(numerical_gradient(fun, x), analytic, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_numerical_gradient_of_least_squares_matches_analytic(scheme):
    rng = np.random.default_rng(RNG_SEED + 1)
    A = rng.normal(size=(5, 3))
    b = rng.normal(size=5)
    x = rng.normal(size=3)
    fun = lambda v: 0.5 * np.sum((A @ v - b) ** 2)  # noqa: E731
    tol = 1e-8 if scheme == "central" else 1e-5
    np.testing.assert_allclose(numerical_gradient(fun, x, scheme=scheme), A.T @ (A @ x - b), rtol=tol)


def test_numerical_gradient_of_matrix_argument_has_matrix_shape():
    rng = np.random.default_rng(RNG_SEED + 2)
    W = rng.normal(size=(3, 2))
    fun = lambda M: 0.5 * np.sum(M**2)  # noqa: E731
    g = numerical_gradient(fun, W)
    assert g.shape == (3, 2)
    np.testing.assert_allclose(g, W, rtol=1e-9)


def test_numerical_gradient_does_not_mutate_input_even_if_fun_does():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()

    def nasty(v):
        value = float(np.sum(v**2))
        v[...] = 0.0
        return value

    g = numerical_gradient(nasty, x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, 2 * before, rtol=1e-8)


def test_numerical_gradient_preserves_float32_dtype():
    x = np.array([0.5, -1.5], dtype=np.float32)
    g = numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-4)


def test_numerical_gradient_with_explicit_step():
    g = numerical_gradient(lambda v: np.sum(v**3), [1.0, 2.0], h=1e-4)
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-7)


def test_numerical_gradient_of_scalar_point_and_empty_array():
    assert float(numerical_gradient(lambda v: v**2, 3.0)) == pytest.approx(6.0)
    assert numerical_gradient(lambda v: 0.0, np.zeros((0, 2))).shape == (0, 2)


def test_numerical_gradient_at_relu_kink_is_average_slope():
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(rb.relu(v)), [0.0, 1.0]), [0.5, 1.0])


# -------------------------------------------------------- gradient check


def test_gradient_check_passes_a_correct_gradient():
    A, x = _relu_layer_problem()
    fun = lambda v: np.sum(rb.relu(A @ v))  # noqa: E731
    check = gradient_check(fun, lambda v: A.T @ rb.relu_grad(A @ v), x)
    assert isinstance(check, GradientCheck)
    assert check.passed()
    assert check.max_rel_error < 1e-8
    assert isinstance(check.max_rel_error, float) and isinstance(check.max_abs_error, float)


def test_gradient_check_catches_a_wrong_gradient():
    A, x = _relu_layer_problem()
    fun = lambda v: np.sum(rb.relu(A @ v))  # noqa: E731
    wrong = A.T @ np.ones(A.shape[0])  # forgot the relu derivative
    check = gradient_check(fun, wrong, x)
    assert not check.passed()
    assert check.max_rel_error > 0.1
    assert check.max_abs_error > 0.1


def test_gradient_check_accepts_precomputed_array():
    fun = lambda v: np.sum(v**2)  # noqa: E731
    x = np.array([1.0, -2.0])
    check = gradient_check(fun, 2 * x, x)
    assert check.passed(tol=1e-8)
    np.testing.assert_allclose(check.numeric, 2 * x)
    np.testing.assert_array_equal(check.analytic, 2 * x)


def test_gradient_check_result_is_frozen_and_read_only():
    check = gradient_check(lambda v: np.sum(v**2), lambda v: 2 * v, np.ones(3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.max_rel_error = 0.0
    with pytest.raises(ValueError, match="read-only"):
        check.numeric[0] = 1.0


def test_gradient_check_does_not_mutate_x_or_grad_array():
    x = np.array([1.0, 2.0])
    g = 2 * x
    x0, g0 = x.copy(), g.copy()
    gradient_check(lambda v: np.sum(v**2), g, x)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(g, g0)
    assert g.flags.writeable


def test_gradient_check_atol_forgives_noise_on_zero_entries():
    check = GradientCheck(1.0, 1e-12, np.array([1e-12, 1.0]), np.array([0.0, 1.0]))
    assert not check.passed()
    assert check.passed(atol=1e-10)


def test_gradient_check_str_summarises_errors():
    check = gradient_check(lambda v: np.sum(v**2), lambda v: 2 * v, np.ones(3))
    assert str(check).startswith("gradient check: max relative error")
    assert "over 3 entries" in str(check)


def test_relative_error_is_zero_for_two_zeros_and_symmetric():
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 3.0]) == relative_error([1.0, 3.0], [1.0, 2.0]) == pytest.approx(1 / 3)
    assert relative_error([1.0], [-1.0]) == 2.0
    assert relative_error([], []) == 0.0


def test_relative_error_of_nan_is_nan():
    assert np.isnan(relative_error([np.nan], [1.0]))


# ------------------------------------------------------- property: activations

KINKS = (0.0, 6.0)
away_from_kinks = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False).filter(
    lambda v: min(abs(v - k) for k in KINKS) > 1e-3
)


@pytest.mark.parametrize("name", sorted(rb.ACTIVATIONS))
@settings(max_examples=40, deadline=None)
@given(values=st.lists(away_from_kinks, min_size=1, max_size=8))
def test_central_difference_equals_activation_grad_away_from_kinks(name, values):
    f, grad = rb.ACTIVATIONS[name]
    x = np.array(values, dtype=np.float64)
    np.testing.assert_allclose(finite_difference(f, x), grad(x), rtol=1e-7, atol=1e-8)


# -------------------------------------------------------------- bad input


def test_unknown_scheme_is_rejected_with_allowed_values():
    with pytest.raises(ValueError, match=r"scheme must be one of 'central', 'forward', 'backward', got 'centre'"):
        finite_difference(np.sin, [1.0], scheme="centre")


def test_non_string_scheme_is_rejected():
    with pytest.raises(ValueError, match="scheme must be one of"):
        default_step([1.0], scheme=None)


def test_non_callable_f_is_rejected():
    with pytest.raises(TypeError, match="f must be callable, got list"):
        finite_difference([1.0], [1.0])


def test_non_callable_fun_is_rejected():
    with pytest.raises(TypeError, match="fun must be callable, got float"):
        numerical_gradient(1.0, [1.0])
    with pytest.raises(TypeError, match="fun must be callable, got str"):
        gradient_check("sum", [1.0], [1.0])


@pytest.mark.parametrize(
    ("h", "message"),
    [
        (-1.0, "h must be positive, got -1.0"),
        (0.0, "h must be positive, got 0.0"),
        (np.inf, "h must be finite, got inf"),
        (np.nan, "h must not be nan"),
        ([1e-3, -2e-3], "h must be positive, got -0.002"),
    ],
)
def test_bad_step_is_rejected(h, message):
    with pytest.raises(ValueError, match=message):
        finite_difference(np.sin, [1.0, 2.0], h=h)


def test_non_numeric_step_is_rejected():
    with pytest.raises(TypeError, match="h must be a real number or array of real numbers, got str"):
        finite_difference(np.sin, [1.0], h="small")


def test_step_that_does_not_broadcast_is_rejected():
    with pytest.raises(ValueError, match=r"h of shape \(3,\) does not broadcast to x of shape \(2,\)"):
        finite_difference(np.sin, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3])


def test_step_too_small_for_x_is_rejected():
    with pytest.raises(ValueError, match="h is too small for x in float64: x \\+ h rounds to x at 1 of 1 entries"):
        finite_difference(np.sin, [1e6], h=1e-12)
    with pytest.raises(ValueError, match="h is too small for x: x \\+ h rounds to x at entry"):
        numerical_gradient(lambda v: np.sum(v), [1e6], h=1e-12)


def test_step_underflowing_in_dtype_is_rejected():
    with pytest.raises(ValueError, match="h must be representable in float16"):
        finite_difference(np.sin, np.array([1.0], dtype=np.float16), h=1e-10)


def test_non_numeric_x_is_rejected():
    with pytest.raises(TypeError, match="x must be a real number or array of real numbers, got str"):
        finite_difference(np.sin, "1.0")
    with pytest.raises(TypeError, match="x must be a real number or array of real numbers, got None"):
        numerical_gradient(np.sum, None)


def test_f_that_is_not_elementwise_is_rejected():
    with pytest.raises(ValueError, match=r"f must be elementwise: it returned shape \(\) for x of shape \(3,\)"):
        finite_difference(np.sum, [1.0, 2.0, 3.0])


def test_f_returning_non_numbers_is_rejected():
    with pytest.raises(TypeError, match="the value of f must be a real number or array of real numbers"):
        finite_difference(lambda t: "oops", [1.0])


def test_fun_returning_an_array_is_rejected():
    with pytest.raises(ValueError, match=r"fun must return a scalar, got an array of shape \(2,\)"):
        numerical_gradient(lambda v: v**2, [1.0, 2.0])


def test_fun_returning_complex_is_rejected():
    with pytest.raises(TypeError, match="fun must return a real number, got complex"):
        numerical_gradient(lambda v: complex(v[0]), [1.0])


def test_grad_of_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match=r"grad must be shaped like x \(2,\), got shape \(3,\)"):
        gradient_check(lambda v: np.sum(v**2), np.ones(3), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad must be shaped like x \(2,\), got shape \(\)"):
        gradient_check(lambda v: np.sum(v**2), lambda v: 1.0, [1.0, 2.0])


def test_grad_that_is_not_numeric_is_rejected():
    with pytest.raises(TypeError, match="grad must be a real number or array of real numbers, got None"):
        gradient_check(lambda v: np.sum(v**2), None, [1.0])


def test_relative_error_of_mismatched_shapes_is_rejected():
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(2,\) and \(3,\)"):
        relative_error([1.0, 2.0], [1.0, 2.0, 3.0])


def test_passed_rejects_negative_tolerance():
    check = gradient_check(lambda v: np.sum(v**2), lambda v: 2 * v, np.ones(2))
    with pytest.raises(ValueError, match="tol must be >= 0.0, got -1.0"):
        check.passed(tol=-1.0)
