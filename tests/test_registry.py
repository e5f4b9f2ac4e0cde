"""Tests of relu_book.registry: every entry is complete, and the lists derived from it agree."""

from __future__ import annotations

import inspect
from fractions import Fraction

import numpy as np
import pytest
import sympy

from relu_book import activations, plotting, registry, symbolic

SPECS = registry.REGISTRY
IDS = [spec.name for spec in SPECS]


def test_names_are_unique_and_in_registry_order():
    assert len(set(IDS)) == len(IDS)
    assert registry.names() == tuple(IDS)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_entry_has_its_numeric_function_derivative_and_sympy_view(spec):
    assert spec.function is getattr(activations, spec.name)
    assert spec.grad is getattr(activations, spec.name + "_grad")
    assert spec.sympy is getattr(symbolic, spec.name)
    for f in (spec.function, spec.grad, spec.sympy):
        assert f.__doc__ and "Examples" in f.__doc__, f


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_parameters_are_read_from_the_signatures_and_required_ones_have_values(spec):
    signature = inspect.signature(spec.function).parameters
    for name, default in spec.parameters.items():
        expected = signature[name].default
        if expected is inspect.Parameter.empty:
            assert default == spec.required[name]
        else:
            assert default == expected
    assert set(spec.required) <= set(spec.parameters)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_kinks_examples_and_table_rows_name_only_parameters_of_the_activation(spec):
    assert set(inspect.signature(spec.kinks).parameters) <= set(spec.parameters)
    for params in [*spec.examples, *(row.params for row in spec.table)]:
        assert set(params) <= set(spec.parameters), params
    assert spec.table, "every activation has a row in the comparison table"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_exact_parameters_reach_numpy_as_floats_and_sympy_exactly(spec):
    x = sympy.Symbol("x")
    for params in spec.cases():
        expr = spec.expr(x, **params)
        assert expr.free_symbols == {x} and not expr.has(sympy.Float(0.1), sympy.Float(0.2), sympy.Float(0.5))
        f, df = spec.numeric(**params)
        grid = np.linspace(-3, 3, 7)
        as_floats = {k: float(v) if isinstance(v, Fraction) else v for k, v in {**spec.required, **params}.items()}
        np.testing.assert_array_equal(f(grid), spec.function(grid, **as_floats))
        assert np.asarray(df(grid)).shape == grid.shape


def test_the_public_lists_are_derived_from_the_registry():
    for spec in SPECS:
        assert {spec.name, spec.name + "_grad"} <= set(activations.__all__)
        assert spec.name in symbolic.__all__
    fixed = registry.names(layer="Activation")
    assert tuple(activations.ACTIVATIONS) == fixed == tuple(symbolic.ACTIVATIONS)
    assert set(IDS) - set(fixed) == {"prelu", "rrelu"}


def test_kink_values_are_floats_at_the_defaults_and_at_the_examples():
    assert registry.get("relu").kinks_at() == {0.0: 0.0}
    assert registry.get("relu6").kinks_at() == {0.0: 0.0, 6.0: 0.0}
    assert registry.get("leaky_relu").kinks_at(negative_slope=Fraction(1, 10)) == {0.0: 0.1}
    assert registry.get("elu").kinks_at() == {}  # alpha = 1: differentiable at 0
    assert registry.get("elu").kinks_at(alpha=2) == {0.0: 2.0}
    assert registry.get("softplus").kinks_at(beta=2, threshold=5) == {2.5: pytest.approx(1 / (1 + np.exp(-5.0)))}
    generalized = registry.get("generalized_relu")
    # Keras: 0 at the threshold, 1/2 where the cap ties
    assert generalized.kinks_at(max_value=4, threshold=1, negative_slope=0.5) == {1.0: 0.0, 4.0: 0.5}


def test_bad_names_and_parameters_are_refused():
    with pytest.raises(ValueError, match="name must be one of 'relu', 'leaky_relu'"):
        registry.get("swish")
    with pytest.raises(ValueError, match="name must be one of"):
        registry.get(None)
    with pytest.raises(TypeError, match=r"relu has no parameters \['alpha'\]; it has \[\]"):
        registry.get("relu").numeric(alpha=1.0)


def test_every_colour_is_an_okabe_ito_colour_and_relu_is_the_main_blue():
    assert {spec.color for spec in SPECS} <= set(plotting.OKABE_ITO)
    assert plotting.OKABE_ITO[registry.get("relu").color] == plotting.COLORS["function"]


@pytest.fixture(scope="module")
def kink_rows():
    return registry.kink_table()


def test_kink_table_has_one_row_per_kink_at_the_defaults(kink_rows):
    expected = [(spec.name, f"{p:g}") for spec in SPECS for p in spec.kinks_at()]
    assert [(r["activation"], r["x"]) for r in kink_rows] == expected
    assert {"relu", "leaky_relu", "relu6", "selu"} <= {r["activation"] for r in kink_rows}


def test_kink_table_shows_the_recorded_value_and_it_is_a_one_sided_derivative(kink_rows):
    for row in kink_rows:
        recorded = registry.get(row["activation"]).kinks_at()[float(row["x"])]
        assert row["relu_book"] == f"{recorded:.4g}"
        assert row["relu_book"] in (row["left derivative"], row["right derivative"]), row


def test_kink_table_marks_the_jump_of_softplus_at_its_cut_over(kink_rows):
    (row,) = [r for r in kink_rows if r["activation"] == "softplus"]
    assert row["x"] == "20" and row["right derivative"] == "-inf (jump)"


@pytest.mark.parametrize("spec", registry.REGISTRY, ids=lambda s: s.name)
def test_kink_table_slopes_by_branches_equal_the_limits_of_the_quotient(spec):
    from relu_book import calculus

    x = sympy.Symbol("x", real=True)
    expr = spec.expr(x)
    for point in spec.kinks_at():
        fast = calculus._one_sided_derivatives_by_branches(expr, x, point)
        slow = calculus.one_sided_derivatives(expr, x, point)
        # the same numbers (SELU's slopes come out in another form): exactly, or to 30 digits
        assert all(calculus._same(a, b) for a, b in zip(fast, slow)), (fast, slow)
