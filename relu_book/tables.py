r"""Tables for the chapters: rows of dicts rendered as Markdown or as plain text.

pandas is not a dependency of the book; these two small formatters are enough
for the tables that chapters compute and show (for example with
``IPython.display.Markdown(markdown_table(rows))``).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["format_cell", "markdown_table", "text_table"]


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
    >>> format_cell(0.123456789), format_cell(3), format_cell(2.5e-7, ".2e"), format_cell(None)
    ('0.123457', '3', '2.50e-07', '')
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


def markdown_table(rows, columns=None, formats=None) -> str:
    r"""Render rows of dicts as a Markdown (pipe) table.

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

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_table([{"d": 2, "err": 0.09375}], formats={"err": ".3f"}))
    | d | err |
    |---|---|
    | 2 | 0.094 |
    """
    columns, cells = _columns_and_cells(rows, columns, formats)
    escape = [[c.replace("|", "\\|") for c in row] for row in cells]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in escape]
    return "\n".join(lines)


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
