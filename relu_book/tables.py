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
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format specification string such as '.3e' or None, got {type(fmt).__name__}")
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    try:
        if isinstance(value, (int, np.integer)):
            return format(int(value), fmt or "d")
        if isinstance(value, (float, np.floating)):
            return format(float(value), fmt or ".6g")
    except ValueError as exc:
        raise ValueError(f"fmt {fmt!r} is not a valid format for {type(value).__name__} values ({exc})") from None
    return str(value)


def _columns_and_cells(rows, columns, formats):
    """The column names, the rows as a list, and the formatted cells (``rows`` may be any iterable)."""
    if isinstance(rows, (dict, str, bytes)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"rows must be a sequence of dicts, got {type(rows).__name__}")
    rows = list(rows)  # once: a generator is consumed here and nowhere else
    if not all(isinstance(r, dict) for r in rows):
        bad = next(r for r in rows if not isinstance(r, dict))
        raise TypeError(f"rows must be a sequence of dicts, got a row of type {type(bad).__name__}")
    if columns is None:
        columns = list(rows[0]) if rows else []
    elif isinstance(columns, (str, bytes)) or not hasattr(columns, "__iter__"):
        raise TypeError(f"columns must be a sequence of column names, got {type(columns).__name__}")
    columns = list(columns)
    if formats is None:
        formats = {}
    elif not isinstance(formats, dict):
        raise TypeError(f"formats must be a dict of column name to format spec, got {type(formats).__name__}")
    for c, f in formats.items():
        if not isinstance(f, str):
            raise TypeError(f"formats[{c!r}] must be a format specification string, got {type(f).__name__}")
    for r in rows:
        missing = [c for c in columns if c not in r]
        if missing:
            raise ValueError(f"every row must have the columns {columns}; a row lacks {missing}")
    cells = [[format_cell(r[c], formats.get(c)) for c in columns] for r in rows]
    return columns, rows, cells


def _markdown_escape(text) -> str:
    """A cell or header for a pipe table: ``|`` escaped, line breaks as ``<br>``."""
    text = str(text).replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _text_escape(text) -> str:
    """A cell or header on one line: line breaks shown as ``\\n``."""
    return str(text).replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def markdown_table(rows, columns=None, formats=None) -> str:
    r"""Render rows of dicts as a Markdown (pipe) table.

    .. math::

        [\{c_1: v_{11}, \dots\}, \dots] \mapsto
        \texttt{| c\_1 | ... |}

    Parameters
    ----------
    rows : iterable of dict
        One dict per row (a list, or a generator, which is consumed once).
    columns : sequence of str, optional
        Keys to show, in order; default the keys of the first row.
    formats : dict of str to str, optional
        Format spec per column, e.g. ``{"max error": ".2e"}``.

    ``|`` in headers and cells is escaped as ``\|`` and line breaks become
    ``<br>``, so every row stays one row of the table.

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
    columns, _, cells = _columns_and_cells(rows, columns, formats)
    header = [_markdown_escape(c) for c in columns]
    escape = [[_markdown_escape(c) for c in row] for row in cells]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in escape]
    return "\n".join(lines)


def text_table(rows, columns=None, formats=None) -> str:
    r"""Render rows of dicts as aligned plain text (for printing in a notebook).

    .. math::

        [\{c_1: v_{11}, \dots\}, \dots] \mapsto \text{aligned columns}

    Numbers are right-aligned, text left-aligned.

    Parameters
    ----------
    rows : iterable of dict
        One dict per row (a list, or a generator, which is consumed once).
    columns : sequence of str, optional
    formats : dict of str to str, optional

    Line breaks in headers and cells are shown as ``\\n``, so every row stays on one line.

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
    columns, rows, cells = _columns_and_cells(rows, columns, formats)
    cells = [[_text_escape(c) for c in row] for row in cells]
    names = [_text_escape(c) for c in columns]
    numeric = [all(isinstance(r[c], numbers.Number) and not isinstance(r[c], (bool, np.bool_)) for r in rows)
               for c in columns]
    widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(names)]

    def line(items):
        return "  ".join(s.rjust(w) if num else s.ljust(w) for s, w, num in zip(items, widths, numeric)).rstrip()

    return "\n".join([line(names)] + [line(row) for row in cells])
