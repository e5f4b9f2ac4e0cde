"""Tests of relu_book._validation: the argument checks every public function shares.

Each check has one wording, and every message names the argument it was given.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from relu_book import _validation as v
from relu_book.nn import MLP

names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)


# -------------------------------------------------------------------- numbers


@given(value=st.integers(-10**6, 10**6), low=st.integers(-5, 5), name=names)
def test_integer_accepts_exactly_the_integers_at_or_above_low(value, low, name):
    if value >= low:
        result = v.integer(value, name, low=low)
        assert result == value and type(result) is int
    else:
        with pytest.raises(ValueError, match=rf"^{name} must be >= {low}, got {value}$"):
            v.integer(value, name, low=low)


@given(value=st.one_of(st.floats(), st.booleans(), st.text(max_size=3), st.none()), name=names)
def test_integer_refuses_floats_bools_and_strings_naming_the_argument(value, name):
    with pytest.raises(TypeError, match=rf"^{name} must be an integer, got {type(value).__name__}$"):
        v.integer(value, name)


def test_integer_accepts_numpy_integers_and_low_none():
    assert v.integer(np.int64(7), "n") == 7 and type(v.integer(np.int64(7), "n")) is int
    assert v.integer(-3, "n", low=None) == -3


@given(value=st.integers(0, 2**63 - 1))
def test_random_seed_accepts_non_negative_integers(value):
    assert v.random_seed(value) == value


def test_random_seed_refuses_negative_and_non_integer_seeds():
    with pytest.raises(ValueError, match="^seed must be >= 0, got -1$"):
        v.random_seed(-1)
    with pytest.raises(TypeError, match="^seed must be an integer, got float$"):
        v.random_seed(1.0)
    with pytest.raises(ValueError, match="^tuning_seed must be >= 0, got -2$"):
        v.random_seed(-2, "tuning_seed")


@given(value=st.floats(-1e6, 1e6), low=st.floats(-10, 10))
def test_real_scalar_checks_the_lower_bound_inclusive_or_not(value, low):
    if value >= low:
        assert v.real_scalar(value, "x", low=low) == value
    else:
        with pytest.raises(ValueError, match="^x must be >= "):
            v.real_scalar(value, "x", low=low)
    if value > low:
        assert v.real_scalar(value, "x", low=low, low_inclusive=False) == value
    else:
        with pytest.raises(ValueError, match="^x must be > "):
            v.real_scalar(value, "x", low=low, low_inclusive=False)


def test_real_scalar_refuses_nan_inf_bool_and_strings():
    with pytest.raises(ValueError, match="^lr must not be nan$"):
        v.real_scalar(math.nan, "lr")
    with pytest.raises(ValueError, match="^lr must be finite, got inf$"):
        v.real_scalar(math.inf, "lr")
    assert v.real_scalar(math.inf, "lr", allow_inf=True) == math.inf
    with pytest.raises(TypeError, match="^lr must be a real number, got bool$"):
        v.real_scalar(True, "lr")
    with pytest.raises(TypeError, match="^lr must be a real number, got str$"):
        v.real_scalar("0.1", "lr")
    with pytest.raises(ValueError, match=r"^lr must be <= 1.0, got 2.0$"):
        v.real_scalar(2.0, "lr", high=1.0)


@given(value=st.booleans())
def test_boolean_returns_python_bools(value):
    assert v.boolean(value, "flag") is value
    assert v.boolean(np.bool_(value), "flag") is value


@pytest.mark.parametrize("value", [0, 1, "yes", None, 1.0])
def test_boolean_refuses_everything_else(value):
    with pytest.raises(TypeError, match=f"^training must be a bool, got {type(value).__name__}$"):
        v.boolean(value, "training")


# -------------------------------------------------------- choices, callables


@given(allowed=st.lists(names, min_size=1, max_size=5, unique=True), data=st.data())
def test_choice_accepts_members_and_lists_the_options_otherwise(allowed, data):
    member = data.draw(st.sampled_from(allowed))
    assert v.choice(member, "kind", allowed) == member
    other = data.draw(names.filter(lambda s: s not in allowed))
    options = ", ".join(repr(a) for a in allowed)
    with pytest.raises(ValueError) as err:
        v.choice(other, "kind", allowed)
    assert str(err.value) == f"kind must be one of {options}, got {other!r}"


def test_choice_refuses_non_strings_and_accepts_dict_keys():
    with pytest.raises(ValueError, match=r"^loss must be one of 'mse', 'cross_entropy', got 1$"):
        v.choice(1, "loss", {"mse": None, "cross_entropy": None})
    with pytest.raises(ValueError, match=r"got \['he'\]"):
        v.choice(["he"], "init", ("he",))  # unhashable, still a clear message


def test_function_accepts_callables_and_none_only_when_optional():
    assert v.function(abs, "f") is abs
    assert v.function(None, "callback", optional=True) is None
    with pytest.raises(TypeError, match="^f must be callable, got float$"):
        v.function(1.0, "f")
    with pytest.raises(TypeError, match="^f must be callable, got NoneType$"):
        v.function(None, "f")
    with pytest.raises(TypeError, match="^callback must be callable or None, got int$"):
        v.function(3, "callback", optional=True)


def test_instance_names_the_class_in_full():
    model = MLP([1, 1])
    assert v.instance(model, "model", MLP) is model
    with pytest.raises(TypeError, match=r"^model must be a relu_book\.nn\.MLP, got dict$"):
        v.instance({}, "model", MLP)


# ----------------------------------------------------------------- sequences


@given(values=st.lists(st.integers(), min_size=1, max_size=6))
def test_sequence_returns_a_new_list_of_any_non_empty_iterable(values):
    assert v.sequence(tuple(values), "values") == values
    assert v.sequence(iter(values), "values") == values
    original = list(values)
    out = v.sequence(values, "values")
    out.append(0)
    assert values == original  # the input is not mutated


def test_sequence_refuses_strings_scalars_and_empty_sequences():
    with pytest.raises(TypeError, match="^depths must be a sequence, got str$"):
        v.sequence("123", "depths")
    with pytest.raises(TypeError, match="^depths must be a sequence, got int$"):
        v.sequence(3, "depths")
    with pytest.raises(ValueError, match="^depths must not be empty$"):
        v.sequence([], "depths")


@given(entries=st.lists(st.integers(1, 100), max_size=4), kind=st.sampled_from([list, tuple, iter, "generator"]))
def test_sequence_reads_any_iterable_once_into_a_list(entries, kind):
    values = (e for e in entries) if kind == "generator" else kind(entries)
    assert v.sequence(values, "widths", v.integer, allow_empty=True) == entries


@pytest.mark.parametrize("bad", [None, "a", 10**400, -(10**400), 1j, 2.5])
def test_sequence_entries_are_checked_and_the_argument_named(bad):
    with pytest.raises((TypeError, ValueError), match="^each entry of widths "):
        v.sequence((e for e in [3, bad]), "widths", v.integer)


def test_sequence_refuses_mappings_and_empty_sequences_unless_allowed():
    with pytest.raises(TypeError, match="^widths must be a sequence, got dict$"):
        v.sequence({3: 4}, "widths")
    with pytest.raises(ValueError, match="^widths must not be empty$"):
        v.sequence(iter([]), "widths")
    assert v.sequence((), "widths", allow_empty=True) == []


@pytest.mark.parametrize(("value", "dtype"), [(1e308, np.float32), (-7e4, np.float16), (1e39, ml_dtypes.bfloat16),
                                              (500.0, ml_dtypes.float8_e4m3fn)])
def test_in_dtype_refuses_a_finite_value_that_overflows_the_dtype(value, dtype):
    message = f"slope={value:g} overflows {np.dtype(dtype).name}, the dtype of x"
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        v.in_dtype(value, "slope", dtype)
    with pytest.raises(ValueError, match="^an entry of slope="):
        v.in_dtype(np.array([0.5, value]), "slope", dtype)


@given(value=st.floats(-6e4, 6e4) | st.sampled_from([np.inf, -np.inf, np.nan, 1e-300]),
       dtype=st.sampled_from([np.float16, np.float32, np.float64, ml_dtypes.bfloat16]))
def test_in_dtype_casts_what_fits_and_passes_inf_and_nan_through(value, dtype):
    cast = v.in_dtype(value, "slope", dtype)
    assert cast.dtype == np.dtype(dtype) and cast.shape == ()
    assert np.array_equal(cast, np.asarray(value).astype(dtype), equal_nan=True)


@given(seeds=st.lists(st.integers(0, 10**6), min_size=1, max_size=5))
def test_seed_list_accepts_non_negative_integer_lists(seeds):
    assert v.seed_list(seeds) == seeds


def test_seed_list_refuses_bad_entries_and_empty_lists():
    with pytest.raises(ValueError, match="^each entry of seeds must be >= 0, got -1$"):
        v.seed_list([0, -1])
    with pytest.raises(ValueError, match="^seeds must not be empty$"):
        v.seed_list(range(0))
    with pytest.raises(TypeError, match="^seeds must be a sequence of integers, got int$"):
        v.seed_list(5)


# ---------------------------------------------------------------------- sympy


X = sympy.Symbol("x")


def test_sympy_expr_and_symbol_accept_expressions_and_symbols():
    assert v.sympy_expr(X**2, "expr") == X**2
    assert v.sympy_symbol(X, "x") is X


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: v.sympy_expr("x", "expr"), TypeError,
         "expr must be a sympy expression such as sympy.Symbol('x'), got str"),
        (lambda: v.sympy_expr(sympy.Eq(X, 1), "expr"), TypeError,
         "expr must be a sympy expression such as sympy.Symbol('x'), got Equality"),
        (lambda: v.sympy_expr(sympy.I, "x"), ValueError, "x must be real, got I"),
        (lambda: v.sympy_symbol(X + 1, "x"), TypeError, "x must be a sympy Symbol such as sympy.Symbol('x'), got Add"),
        (lambda: v.sympy_real("1", "alpha"), TypeError, "alpha must be a real number or a sympy expression, got str"),
        (lambda: v.sympy_real(True, "alpha"), TypeError, "alpha must be a real number or a sympy expression, got bool"),
        (lambda: v.sympy_real(math.nan, "alpha"), ValueError, "alpha must not be nan"),
        (lambda: v.sympy_real(sympy.oo, "alpha"), ValueError, "alpha must be finite, got oo"),
        (lambda: v.sympy_real(0, "beta", positive=True), ValueError, "beta must be > 0, got 0"),
        (lambda: v.sympy_point(sympy.Symbol("p"), "point"), TypeError,
         "point must be a real number, got the symbolic expression p"),
        (lambda: v.sympy_point(math.inf), ValueError, "point must be finite, got oo"),
    ],
)
def test_sympy_checks_refuse_bad_values_naming_the_argument(call, error, message):
    with pytest.raises(error) as err:
        call()
    assert str(err.value) == message


@given(value=st.fractions(max_denominator=1000))
def test_sympy_real_keeps_fractions_exact(value):
    assert v.sympy_real(value, "a") == sympy.Rational(value.numerator, value.denominator)


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_sympy_point_turns_a_float_into_its_exact_binary_rational(value):
    point = v.sympy_point(value)
    assert isinstance(point, sympy.Rational)
    assert Fraction(int(point.p), int(point.q)) == Fraction(value)


def test_sympy_real_keeps_symbols_and_allows_infinity_when_asked():
    a = sympy.Symbol("a")
    assert v.sympy_real(a, "a") is a
    assert v.sympy_real(sympy.oo, "threshold", allow_inf=True) == sympy.oo
    assert v.sympy_real(0.5, "a") == sympy.Float(0.5)


@given(a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6))
def test_interval_accepts_increasing_pairs_only(a, b):
    if a < b:
        assert v.interval((a, b), "bracket") == (a, b)
        assert v.interval([a, b], "bracket") == (a, b)
    else:
        with pytest.raises(ValueError, match=r"^bracket must be increasing, got \("):
            v.interval((a, b), "bracket")


def test_interval_refuses_non_pairs_and_names_the_bad_end():
    with pytest.raises(ValueError, match=r"^x_range must be a pair \(low, high\), got 1.0$"):
        v.interval(1.0, "x_range")
    with pytest.raises(ValueError, match=r"^x_range must be a pair \(low, high\), got \(1, 2, 3\)$"):
        v.interval((1, 2, 3), "x_range")
    with pytest.raises(TypeError, match=r"^x_range\[1\] must be a real number, got str$"):
        v.interval((0.0, "1"), "x_range")
