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

from relu_book import _validation

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


def markdown_table(rows, columns=None, formats=None, *, headers=None, caption=None, name=None,
                   widths=None) -> str:
    r"""Render rows of dicts as a Markdown (pipe) table, with a numbered caption if given.

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
    headers : dict of str to str, optional
        Header to show for a column instead of its key, e.g. ``{"f'(0)": "$f'(0)$"}``.
    caption : str, optional
        The table's caption (MyST Markdown). With a caption the table is
        wrapped in a ``{table}`` directive and numbered by the book.
    name : str, optional
        Label for cross-references (``{numref}`tbl-...```); needs ``caption``.
    widths : sequence of int, optional
        Relative column widths (the ``{table}`` directive's ``:widths:``;
        needs ``caption``). Without them LaTeX sets every column at the width
        of its longest cell, so a table with long code cells runs off the
        page of the PDF edition; with them its cells wrap.

    ``|`` in headers and cells is escaped as ``\|`` and line breaks become
    ``<br>``, so every row stays one row of the table.

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
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption must be a string, got {type(caption).__name__}")
    if caption is not None and ("\n" in caption or not caption.strip()):
        raise ValueError(f"caption must be one non-empty line, got {caption!r}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string label such as 'tbl-kinks', got {type(name).__name__}")
    columns, _, cells = _columns_and_cells(rows, columns, formats)
    if headers is None:
        headers = {}
    elif not isinstance(headers, dict):
        raise TypeError(f"headers must be a dict of column name to header, got {type(headers).__name__}")
    unknown = set(headers) - set(columns)
    if unknown:
        raise ValueError(f"headers name columns that the table does not show: {sorted(unknown)}")
    header = [_markdown_escape(headers.get(c, c)) for c in columns]
    escape = [[_markdown_escape(c) for c in row] for row in cells]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in escape]
    if widths is not None:
        if caption is None:
            raise ValueError("widths needs a caption (they are an option of the {table} directive)")
        widths = _validation.sequence(widths, "widths", _validation.integer)  # each >= 1
        if len(widths) != len(columns):
            raise ValueError(f"widths must be {len(columns)} positive integers, one per column, got {widths}")
    if caption is None:
        return "\n".join(lines)
    head = ([f":::{{table}} {caption.strip()}"] + ([f":name: {name}"] if name else [])
            + ([":widths: " + " ".join(map(str, widths))] if widths is not None else []) + [""])
    return "\n".join(head + lines + [":::"])


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
