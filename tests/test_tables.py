"""Tests of relu_book.tables: Markdown and plain-text rendering of rows of dicts."""

from __future__ import annotations

import pytest

from relu_book.tables import as_math, format_cell, markdown_table, text_table

ROWS = [
    {"method": "least squares", "degree": 2, "max error": 0.09375},
    {"method": "Chebyshev", "degree": 16, "max error": 0.0176},
]


def test_markdown_table_has_header_rule_and_one_line_per_row():
    lines = markdown_table(ROWS, formats={"max error": ".2e"}).splitlines()
    assert lines[0] == "| method | degree | max error |"
    assert lines[1] == "|---|---|---|"
    assert lines[2] == "| least squares | 2 | 9.38e-02 |"
    assert len(lines) == 4


def test_markdown_table_escapes_pipes():
    assert "a \\| b" in markdown_table([{"x": "a | b"}])


def test_text_table_aligns_numbers_right():
    lines = text_table(ROWS, columns=["method", "degree"]).splitlines()
    assert lines[1].endswith(" 2") and lines[2].endswith("16")
    assert len({len(line) for line in lines[1:]}) == 1


def test_format_cell_defaults():
    assert format_cell(1 / 3) == "0.333333"
    assert format_cell(7) == "7"
    assert format_cell(None) == ""
    assert format_cell("x") == "x"


def test_rows_must_be_dicts_with_the_columns():
    with pytest.raises(TypeError, match="rows must be a sequence of dicts"):
        markdown_table([[1, 2]])
    with pytest.raises(ValueError, match="a row lacks \\['degree'\\]"):
        text_table([{"method": "a"}], columns=["method", "degree"])


def test_sympy_rationals_stay_exact():
    import sympy

    assert format_cell(sympy.Rational(3, 32)) == "3/32"


def test_markdown_table_with_caption_is_a_numbered_myst_table():
    text = markdown_table(ROWS, columns=["method"], caption="Two methods.", name="tbl-methods")
    lines = text.splitlines()
    assert lines[:3] == [":::{table} Two methods.", ":name: tbl-methods", ""]
    assert lines[3] == "| method |" and lines[-1] == ":::"


def test_markdown_table_headers_replace_column_keys_in_the_header_only():
    lines = markdown_table(ROWS, columns=["degree"], headers={"degree": "$d$"}).splitlines()
    assert lines[0] == "| $d$ |" and lines[2] == "| 2 |"


def test_markdown_table_rejects_a_name_without_caption_and_unknown_headers():
    with pytest.raises(ValueError, match="name needs a caption"):
        markdown_table(ROWS, name="tbl-x")
    with pytest.raises(ValueError, match="caption must be one non-empty line"):
        markdown_table(ROWS, caption="two\nlines")
    with pytest.raises(ValueError, match=r"headers name columns .*\['nope'\]"):
        markdown_table(ROWS, headers={"nope": "x"})


@pytest.mark.parametrize(
    ("text", "tex"),
    [("[0, inf)", r"$[0, \infty)$"), ("(-inf, inf)", r"$(-\infty, \infty)$"),
     ("(-1.7581, inf)", r"$(-1.7581, \infty)$"),
     ("[0, 6]", "$[0, 6]$"), ("C^0", "$C^0$"), ("C^inf", r"$C^\infty$"), ("C^3+", "$C^{3+}$")],
)
def test_as_math_typesets_intervals_and_smoothness_classes(text, tex):
    assert as_math(text) == tex


def test_as_math_leaves_words_alone_and_rejects_non_strings():
    assert as_math("discontinuous") == "discontinuous"
    assert as_math("0 (kink)") == "0 (kink)"
    with pytest.raises(TypeError, match="text must be a str"):
        as_math(0.5)


def test_widths_become_the_table_directive_option():
    out = markdown_table([{"a": 1, "b": "x"}], caption="C.", name="tbl-c", widths=[1, 3])
    assert out.splitlines()[:3] == [":::{table} C.", ":name: tbl-c", ":widths: 1 3"]


@pytest.mark.parametrize(("widths", "error"), [([1], ValueError), ([1, 0], ValueError), ([1, 2.5], TypeError),
                                               ("12", TypeError), (3, TypeError)])
def test_widths_must_be_one_positive_integer_per_column(widths, error):
    with pytest.raises(error, match="widths"):
        markdown_table([{"a": 1, "b": "x"}], caption="C.", widths=widths)


def test_widths_need_a_caption():
    with pytest.raises(ValueError, match="caption"):
        markdown_table([{"a": 1, "b": "x"}], widths=[1, 1])
