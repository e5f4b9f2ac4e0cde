"""Tests of relu_book.conventions: the table of rules at kinks, without any framework.

The ``relu_book`` and sympy rows are executed here; the framework rows are
executed in ``tests/test_frameworks.py``.
"""

from __future__ import annotations

import pytest

import relu_book as rb
from relu_book import conventions as cv
from relu_book.tables import markdown_table

OWN_ROWS = [r for r in cv.rows() if r.tool in ("relu_book", "sympy")]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", OWN_ROWS, ids=[f"{r.tool}:{r.code}@{r.at:g}" for r in OWN_ROWS])
def test_relu_book_and_sympy_rows_hold_at_the_exact_kink(row, dtype):
    value, derivative = cv.evaluate(row, dtype)
    assert value == pytest.approx(row.value, rel=1e-6, abs=0)
    assert derivative == pytest.approx(row.derivative, rel=1e-6, abs=0)


def test_rows_are_well_formed_and_keyed_by_activation():
    for name, rs in cv.CONVENTIONS.items():
        assert rs and all(r.activation == name for r in rs)
        assert [cv.TOOLS.index(r.tool) for r in rs] == sorted(cv.TOOLS.index(r.tool) for r in rs)
    for r in cv.rows():
        assert r.tool in cv.TOOLS and r.source and r.rule
        assert (r.grad_code is not None) == (r.tool == "relu_book")
        assert r.url is None or r.url.startswith("https://github.com/")


def test_every_relu_book_row_names_an_exported_function():
    for r in cv.rows(tool="relu_book"):
        for code in (r.code, r.grad_code):
            assert code.split("(")[0].removeprefix("rb.") in rb.__all__


def test_the_table_covers_the_kinks_of_the_issue():
    for name in ("relu", "relu6", "hardtanh", "leaky_relu", "elu", "selu", "abs", "maximum", "minimum",
                 "clamp", "generalized_relu"):
        assert cv.rows(name), name
    assert {r.at for r in cv.rows("relu6")} == {0.0, 6.0}
    thresholded = [r for r in cv.rows("generalized_relu", "Keras") if "threshold=" in r.code]
    assert thresholded and thresholded[0].value == 0.0 and thresholded[0].derivative == 0.0


def test_frameworks_disagree_where_the_chapter_says_they_do():
    def d(name, tool):
        return {r.derivative for r in cv.rows(name, tool)}

    assert d("leaky_relu", "PyTorch") == {0.2} and d("leaky_relu", "JAX") == {1.0}
    assert d("selu", "TensorFlow") == {rb.SELU_SCALE}
    assert [r.derivative for r in cv.rows("selu", "PyTorch")] == [pytest.approx(rb.SELU_SCALE * rb.SELU_ALPHA)]
    assert d("maximum", "PyTorch") == {0.5} and d("maximum", "TensorFlow") == {1.0}
    assert d("abs", "JAX") == {1.0} and d("abs", "PyTorch") == {0.0}


def test_rows_filters_and_rejects_unknown_names():
    assert all(r.tool == "JAX" for r in cv.rows(tool="JAX"))
    assert len(cv.rows()) == sum(len(rs) for rs in cv.CONVENTIONS.values())
    with pytest.raises(ValueError, match="activation must be one of"):
        cv.rows("swish")
    with pytest.raises(ValueError, match="tool must be one of"):
        cv.rows(tool="MXNet")


def test_evaluate_rejects_bad_input():
    with pytest.raises(TypeError, match="row must be a Convention"):
        cv.evaluate("relu")
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        cv.evaluate(cv.rows("relu")[0], "float16")


def test_table_rows_render_every_row_and_mark_untested_frameworks():
    rendered = cv.table_rows()
    assert len(rendered) == len(cv.rows())
    text = markdown_table(rendered)
    assert "`torch.relu(x)`" in text and "[`tools/autograd/derivatives.yaml`](https://github.com" in text
    assert "λα ≈ 1.758" in text and "read from source" not in text
    untested = cv.table_rows(["selu"], tested=("PyTorch", "JAX", "Keras"))
    assert [r["tool"] for r in untested if "read from source" in r["where the rule is written"]] == ["TensorFlow"]
