"""Tests of relu_book.autodiff: reverse mode, the rules at kinks, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_book import activations
from relu_book.autodiff import RELU_FORMS, Var, absolute, grad, heaviside, maximum, minimum, relu
from relu_book.numerics import finite_difference, gradient_check

finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_subnormal=False)


def _var_fun(f):
    """Turn a program on Var into a numpy function (for finite differences)."""
    return lambda arr: float(f(Var(arr)).value)


# --------------------------------------------------------- reverse mode is right


def test_product_and_sum_follow_the_chain_rule_at_a_point():
    x = Var(3.0)
    y = x * x * x - 2 * x + 1  # y' = 3x^2 - 2 = 25
    y.backward()
    assert float(y.value) == 22.0
    assert float(x.grad) == 25.0


def test_a_node_used_twice_receives_the_sum_of_both_contributions():
    x = Var(2.0)
    y = x * x + x  # y' = 2x + 1
    y.backward()
    assert float(x.grad) == 5.0


def test_every_intermediate_node_gets_its_own_gradient():
    x = Var(2.0)
    u = x * 3.0
    y = u * u
    y.backward()
    assert float(u.grad) == 12.0 and float(x.grad) == 36.0 and float(y.grad) == 1.0


def test_backward_twice_recomputes_instead_of_accumulating():
    x = Var(1.5)
    y = x * x
    y.backward()
    y.backward()
    assert float(x.grad) == 3.0


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=3, max_size=3))
def test_gradient_of_smooth_polynomial_matches_central_differences(values):
    def f(v):
        a = v * v * 0.5 - v * 1.5 + 2.0
        return (a * a * v).sum()

    x = np.array(values)
    check = gradient_check(_var_fun(f), grad(f, x), x)
    assert check.passed(tol=1e-6, atol=1e-6), str(check)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite.filter(lambda t: abs(t) > 0.05 and abs(t - 1) > 0.05), min_size=4, max_size=4))
def test_gradient_through_relu_abs_max_matches_central_differences_away_from_kinks(values):
    def f(v):
        w = relu(v) * v - absolute(v - 1.0) * 2.0 + maximum(v, 1.0) * v
        return (w * w).sum()

    x = np.array(values)
    check = gradient_check(_var_fun(f), grad(f, x), x, h=1e-6)
    assert check.passed(tol=1e-5, atol=1e-6), str(check)


def test_broadcast_operands_get_gradients_summed_over_the_broadcast_axes():
    a = Var(np.arange(3.0).reshape(3, 1))
    b = Var(np.arange(4.0).reshape(1, 4))
    (a * b + a).sum().backward()
    np.testing.assert_array_equal(a.grad, np.full((3, 1), 6.0 + 4.0))
    np.testing.assert_array_equal(b.grad, np.full((1, 4), 3.0))


def test_constant_on_the_left_works_with_every_operator():
    x = Var(2.0)
    y = 10.0 - 3.0 * x + (1.0 + x)
    y.backward()
    assert float(y.value) == 7.0 and float(x.grad) == -2.0


def test_numpy_scalar_on_the_left_defers_to_var():
    x = Var(2.0)
    y = np.float64(3.0) * x
    assert isinstance(y, Var)


def test_float32_values_and_gradients_stay_float32():
    x = Var(np.array([-1.0, 0.5], dtype=np.float32))
    y = (relu(x) * 0.5 + maximum(x, 0.0) - absolute(x)).sum()
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert grad(RELU_FORMS["relu(x), relu'(0) = 0"], np.float32(0.0)).dtype == np.float32


def test_input_array_is_neither_mutated_nor_aliased():
    arr = np.array([-1.0, 0.0, 2.0])
    x = Var(arr)
    (relu(x) * 2.0).backward(np.ones(3))
    arr[0] = 100.0
    np.testing.assert_array_equal(x.value, [-1.0, 0.0, 2.0])


# ------------------------------------------------------------------ kink rules


def test_relu_derivative_is_at_zero_value_at_zero_and_matches_activations_elsewhere():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    for c in (0.0, 0.25, 1.0):
        np.testing.assert_array_equal(grad(lambda v, c=c: relu(v, at_zero=c), x), activations.relu_grad(x, at_zero=c))


def test_relu_value_matches_activations_relu():
    x = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(relu(Var(x)).value, activations.relu(x))


def test_relu_minus_relu_of_minus_x_equals_x_but_has_derivative_zero_at_zero():
    f = RELU_FORMS["relu(x) - relu(-x)  (= x)"]
    x = np.array([-1.5, 0.0, 1.5])
    np.testing.assert_array_equal(f(Var(x)).value, x)
    np.testing.assert_array_equal(grad(f, x), [1.0, 0.0, 1.0])


def test_relu_minus_relu_of_minus_x_gets_the_true_derivative_only_with_relu_prime_zero_one_half():
    for c, expected in [(0.0, 0.0), (0.5, 1.0), (1.0, 2.0)]:
        assert float(grad(lambda v, c=c: relu(v, at_zero=c) - relu(-v, at_zero=c), 0.0)) == expected


@pytest.mark.parametrize(
    "form, expected",
    [
        ("relu(x), relu'(0) = 0", 0.0),
        ("max(x, 0), tie -> x", 1.0),
        ("max(x, 0), tie split 1/2", 0.5),
        ("(x + |x|) / 2, sign(0) = 0", 0.5),
        ("x * H(x), H(0) = 1/2", 0.5),
        ("relu(x) - relu(-x)  (= x)", 0.0),
    ],
)
def test_each_algebraic_form_of_relu_has_its_framework_derivative_at_zero(form, expected):
    assert float(grad(RELU_FORMS[form], 0.0)) == expected


@pytest.mark.parametrize("form", list(RELU_FORMS)[:-1])
def test_every_relu_form_computes_relu_and_agrees_away_from_zero(form):
    x = np.array([-2.0, -0.25, 0.0, 0.25, 2.0])
    np.testing.assert_array_equal(RELU_FORMS[form](Var(x)).value, activations.relu(x))
    away = np.array([-2.0, -0.25, 0.25, 2.0])
    np.testing.assert_array_equal(grad(RELU_FORMS[form], away), activations.relu_grad(away))


@settings(max_examples=30, deadline=None)
@given(finite, finite, st.floats(min_value=0.0, max_value=1.0))
def test_maximum_sends_the_whole_gradient_to_the_two_arguments(a_val, b_val, tie):
    a, b = Var(a_val), Var(b_val)
    maximum(a, b, tie=tie).backward()
    assert float(a.grad) + float(b.grad) == pytest.approx(1.0)


def test_maximum_tie_rule_splits_the_gradient_at_equal_arguments():
    a, b = Var([1.0, 2.0, 3.0]), Var([2.0, 2.0, 2.0])
    maximum(a, b, tie=0.25).backward(np.ones(3))
    np.testing.assert_array_equal(a.grad, [0.0, 0.25, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.75, 0.0])


def test_minimum_tie_rule_splits_the_gradient_at_equal_arguments():
    x = Var([5.0, 6.0, 7.0])
    minimum(x, 6.0, tie=0.5).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [1.0, 0.5, 0.0])


def test_relu6_as_min_of_max_has_gradient_zero_at_both_kinks_with_pytorch_ties():
    x = np.array([-1.0, 0.0, 3.0, 6.0, 7.0])
    g = grad(lambda v: minimum(maximum(v, 0.0, tie=0.0), 6.0, tie=0.0), x)
    np.testing.assert_array_equal(g, activations.relu6_grad(x))


def test_absolute_derivative_is_sign_with_chosen_value_at_zero():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(grad(absolute, x), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad(lambda v: absolute(v, at_zero=-1.0), x), [-1.0, -1.0, 1.0])
    assert float(grad(abs, 2.0)) == 1.0


def test_heaviside_has_value_h0_at_zero_and_zero_derivative():
    x = Var([-1.0, 0.0, 1.0])
    h = heaviside(x, at_zero=0.25)
    np.testing.assert_array_equal(h.value, [0.0, 0.25, 1.0])
    h.backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_x_times_heaviside_has_derivative_h0_at_zero():
    for h0 in (0.0, 0.5, 1.0):
        assert float(grad(lambda v, h0=h0: v * heaviside(v, at_zero=h0), 0.0)) == h0


def test_autodiff_of_relu_and_finite_differences_disagree_at_zero_as_documented():
    f = RELU_FORMS["relu(x), relu'(0) = 0"]
    x = np.array([0.0])
    assert float(grad(f, x)[0]) == 0.0
    fd = {s: float(finite_difference(activations.relu, x, scheme=s)[0]) for s in ("forward", "backward", "central")}
    assert fd == {"forward": 1.0, "backward": 0.0, "central": 0.5}


# ------------------------------------------------------------------- bad input


def test_backward_without_seed_on_an_array_output_names_grad():
    y = relu(Var([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"grad must be given for an output of shape \(2,\)"):
        y.backward()


def test_backward_with_a_seed_of_the_wrong_shape_is_refused():
    y = relu(Var([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"grad must have the output's shape \(2,\), got shape \(3,\)"):
        y.backward(np.ones(3))


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_relu_at_zero_outside_unit_interval_is_refused(bad):
    with pytest.raises(ValueError, match="at_zero must be"):
        relu(Var(0.0), at_zero=bad)


def test_absolute_at_zero_outside_minus_one_one_is_refused():
    with pytest.raises(ValueError, match=r"at_zero must be <= 1.0, got 2.0"):
        absolute(Var(0.0), at_zero=2.0)


@pytest.mark.parametrize("bad", [-0.5, 2.0])
def test_maximum_tie_outside_unit_interval_is_refused(bad):
    with pytest.raises(ValueError, match="tie must be"):
        maximum(Var(0.0), 0.0, tie=bad)


def test_tie_of_wrong_type_is_refused():
    with pytest.raises(TypeError, match="tie must be a real number, got str"):
        maximum(Var(0.0), 0.0, tie="half")


def test_var_of_a_string_is_refused():
    with pytest.raises(TypeError, match="value must be a real number or array"):
        Var("1.0")


def test_grad_of_a_non_callable_is_refused():
    with pytest.raises(TypeError, match="f must be callable, got int"):
        grad(3, 0.0)


def test_grad_of_a_function_not_returning_var_is_refused():
    with pytest.raises(TypeError, match="f must return a Var, got float"):
        grad(lambda v: 1.0, 0.0)


def test_repr_shows_value_and_operation():
    assert repr(relu(Var([1.0, -1.0]))) == "Var([1., 0.], op='relu')"
