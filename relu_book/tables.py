r"""Tables for the chapters: rows of dicts rendered as Markdown or as plain text.

pandas is not a dependency of the book; these two small formatters are enough
for the tables that chapters compute and show (for example with
``IPython.display.Markdown(markdown_table(rows))``).

A table with a ``caption`` is wrapped in MyST's ``{table}`` directive, so the
book numbers it ("Table 7.1") like a figure, in the HTML and the PDF edition;
its cell must render Markdown as MyST (cell metadata
``"mystnb": {"markdown_format": "myst"}``). :func:`as_math` typesets the
plain-text intervals and smoothness classes that the chapters compute
(``"[0, inf)"``, ``"C^inf"``) as maths for such a table.
"""

from __future__ import annotations

import numbers
import re

import numpy as np

__all__ = ["format_cell", "markdown_table", "text_table", "as_math"]


def format_cell(value, fmt=None) -> str:
    r"""Format one cell: ``fmt`` (a format spec such as ``".3e"``) for numbers, ``str`` otherwise.

    .. math::

        \text{value} \mapsto \texttt{format(value, fmt)}

    Python and numpy integers are printed as integers, Python and numpy
    floats with ``fmt`` (default 6 significant digits, ``".6g"``), ``None``
    as an empty cell, and anything else with ``str``: a sympy ``Rational``
    stays exact (``3/32``).

    Parameters
    ----------
    value : object
        The cell's value.
    fmt : str, optional
        A format specification for numbers.

    Returns
    -------
    str

    Examples
    --------
    >>> format_cell(0.123456789), format_cell(3)
    ('0.123457', '3')
    >>> format_cell(2.5e-7, ".2e"), format_cell(None)
    ('2.50e-07', '')
    """
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return format(int(value), fmt or "d")
    if isinstance(value, (float, np.floating)):
        return format(float(value), fmt or ".6g")
    return str(value)


def _columns_and_cells(rows, columns, formats):
    if isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows):
        raise TypeError("rows must be a sequence of dicts")
    rows = list(rows)
    if columns is None:
        columns = list(rows[0]) if rows else []
    columns = list(columns)
    formats = dict(formats or {})
    for r in rows:
        missing = [c for c in columns if c not in r]
        if missing:
            raise ValueError(f"every row must have the columns {columns}; a row lacks {missing}")
    cells = [[format_cell(r[c], formats.get(c)) for c in columns] for r in rows]
    return columns, cells


def markdown_table(rows, columns=None, formats=None, *, headers=None, caption=None, name=None) -> str:
    r"""Render rows of dicts as a Markdown (pipe) table, with a numbered caption if given.

    .. math::

        [\{c_1: v_{11}, \dots\}, \dots] \mapsto
        \texttt{| c\_1 | ... |}

    Parameters
    ----------
    rows : sequence of dict
        One dict per row.
    columns : sequence of str, optional
        Keys to show, in order; default the keys of the first row.
    formats : dict of str to str, optional
        Format spec per column, e.g. ``{"max error": ".2e"}``.
    headers : dict of str to str, optional
        Header to show for a column instead of its key, e.g. ``{"f'(0)": "$f'(0)$"}``.
    caption : str, optional
        The table's caption (MyST Markdown). With a caption the table is
        wrapped in a ``{table}`` directive and numbered by the book.
    name : str, optional
        Label for cross-references (``{numref}`tbl-...```); needs ``caption``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``name`` is given without ``caption``, or ``caption`` spans lines.

    Examples
    --------
    >>> print(markdown_table([{"d": 2, "err": 0.09375}], formats={"err": ".3f"}))
    | d | err |
    |---|---|
    | 2 | 0.094 |
    >>> print(markdown_table([{"d": 2}], caption="Degrees.", name="tbl-d"))
    :::{table} Degrees.
    :name: tbl-d
    <BLANKLINE>
    | d |
    |---|
    | 2 |
    :::
    """
    if name is not None and caption is None:
        raise ValueError(f"name needs a caption, got name={name!r} and caption=None")
    if caption is not None and ("\n" in caption or not caption.strip()):
        raise ValueError(f"caption must be one non-empty line, got {caption!r}")
    columns, cells = _columns_and_cells(rows, columns, formats)
    headers = dict(headers or {})
    unknown = set(headers) - set(columns)
    if unknown:
        raise ValueError(f"headers name columns that the table does not show: {sorted(unknown)}")
    escape = [[c.replace("|", "\\|") for c in row] for row in cells]
    lines = ["| " + " | ".join(headers.get(c, c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in escape]
    if caption is None:
        return "\n".join(lines)
    head = [f":::{{table}} {caption.strip()}"] + ([f":name: {name}"] if name else []) + [""]
    return "\n".join(head + lines + [":::"])


def text_table(rows, columns=None, formats=None) -> str:
    r"""Render rows of dicts as aligned plain text (for printing in a notebook).

    .. math::

        [\{c_1: v_{11}, \dots\}, \dots] \mapsto \text{aligned columns}

    Numbers are right-aligned, text left-aligned.

    Parameters
    ----------
    rows : sequence of dict
    columns : sequence of str, optional
    formats : dict of str to str, optional

    Returns
    -------
    str

    Examples
    --------
    >>> print(text_table([{"name": "relu", "value": 0.5}, {"name": "elu", "value": 1.25}]))
    name  value
    relu    0.5
    elu    1.25
    """
    columns, cells = _columns_and_cells(rows, columns, formats)
    rows = list(rows)
    numeric = [all(isinstance(r[c], numbers.Number) and not isinstance(r[c], (bool, np.bool_)) for r in rows)
               for c in columns]
    widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(columns)]

    def line(items):
        return "  ".join(s.rjust(w) if num else s.ljust(w) for s, w, num in zip(items, widths, numeric)).rstrip()

    return "\n".join([line(columns)] + [line(row) for row in cells])


_NUMBER = r"-?(?:inf|\d+(?:\.\d*)?(?:e[-+]?\d+)?)"
_INTERVAL = re.compile(rf"([\[(])\s*({_NUMBER})\s*,\s*({_NUMBER})\s*([\])])")
_CLASS = re.compile(r"C\^(inf|\d+)(\+?)")


def as_math(text: str) -> str:
    r"""Typeset an interval or a smoothness class written in plain text as inline maths.

    .. math::

        \texttt{[0, inf)} \mapsto [0, \infty)

    Intervals (``"(-1.7581, inf)"``) and smoothness classes (``"C^0"``,
    ``"C^inf"``, ``"C^3+"`` for "at least :math:`C^3`") become MyST inline maths
    with ``\infty`` for ``inf``; any other text (``"discontinuous"``) is
    returned unchanged.

    Parameters
    ----------
    text : str
        A cell as :func:`relu_book.smooth.activation_table` writes it.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> as_math("[0, inf)"), as_math("(-inf, 6]")
    ('$[0, \\infty)$', '$(-\\infty, 6]$')
    >>> as_math("C^inf"), as_math("C^3+"), as_math("yes")
    ('$C^\\infty$', '$C^{3+}$', 'yes')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    stripped = text.strip()
    interval = _INTERVAL.fullmatch(stripped)
    if interval:
        left, a, b, right = interval.groups()
        a, b = (v.replace("inf", r"\infty") for v in (a, b))
        return f"${left}{a}, {b}{right}$"
    smooth_class = _CLASS.fullmatch(stripped)
    if smooth_class:
        order, plus = smooth_class.groups()
        order = r"\infty" if order == "inf" else order
        return f"$C^{{{order}{plus}}}$" if plus else f"$C^{order}$"
    return text
