"""One palette: an activation is drawn in the same colour and line style in every figure.

The colour and line style of each activation come from one place,
``relu_book.plotting.style(name)`` (read from the activation registry). This
test reads the plotting calls of every figure cell of every chapter (their
source, parsed with :mod:`ast`) and checks that

* every curve whose legend label names an activation ("relu", "leaky ReLU
  (0.01)", ...) takes its colour from ``style(...)``, never from a literal
  colour or a role colour of ``plotting.COLORS``;
* a call that uses ``style(...)`` does not override its colour (a line style
  may be overridden, e.g. ``style("gelu", linestyle=":")`` for the tanh form);
* ``style`` itself gives one (colour, line style) per activation, the same on
  every call.

Derivative curves (labels such as "relu'(x)" or "derivative") are drawn in
the role colours of ``plotting.COLORS`` and are not activation curves.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import nbformat
import pytest

from relu_book import plotting

ROOT = Path(os.environ.get("RELU_BOOK_ROOT", Path(__file__).resolve().parent.parent))
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

if not hasattr(plotting, "style"):
    pytest.skip("relu_book.plotting.style (the activation registry's styles) is not in this tree yet",
                allow_module_level=True)

from relu_book import registry  # noqa: E402  (exists with plotting.style)

PLOT_METHODS = {"plot", "loglog", "semilogx", "semilogy", "step", "scatter", "errorbar", "fill_between",
                "axhline", "axvline", "hlines", "vlines", "stairs", "bar", "barh"}
COLOUR_KEYWORDS = {"color", "c", "colour"}

#: Words a legend uses for each activation (registry names, with "_" read as a space).
ACTIVATION_WORDS = sorted({n.replace("_", " ") for n in registry.names()} | {"swish"}, key=len, reverse=True)
ACTIVATION_RE = re.compile(r"(?<![\w\\])(" + "|".join(re.escape(w) for w in ACTIVATION_WORDS) + r")(?![\w'′])",
                           re.IGNORECASE)
DERIVATIVE_RE = re.compile(r"derivative|grad|'|′|\\prime", re.IGNORECASE)


def _is_style_call(node) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return ((isinstance(func, ast.Attribute) and func.attr == "style")
            or (isinstance(func, ast.Name) and func.id == "style"))


def _loop_values(tree) -> dict[str, set[str]]:
    """Strings a loop variable takes in ``for name in <literal list>`` (or a list assigned to a name)."""
    lists = {t.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    values: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.For):
            continue
        items = lists.get(node.iter.id) if isinstance(node.iter, ast.Name) else node.iter
        if not isinstance(items, (ast.List, ast.Tuple)):
            continue
        for item in items.elts:
            pairs = [(node.target, item)]
            if (isinstance(node.target, ast.Tuple) and isinstance(item, ast.Tuple)
                    and len(item.elts) == len(node.target.elts)):
                pairs = list(zip(node.target.elts, item.elts))
            for target, value in pairs:
                if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    values.setdefault(target.id, set()).add(value.value)
    return values


def _label_texts(call: ast.Call, loops: dict[str, set[str]]) -> list[str]:
    """The texts the call's label can take: a string, or an f-string with its loop variables filled in."""
    for kw in call.keywords:
        if kw.arg != "label":
            continue
        if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return [kw.value.value]
        if isinstance(kw.value, ast.Name):
            return sorted(loops.get(kw.value.id, ()))
        if isinstance(kw.value, ast.JoinedStr):
            texts = [""]
            for part in kw.value.values:
                if isinstance(part, ast.Constant):
                    texts = [t + str(part.value) for t in texts]
                elif isinstance(part.value, ast.Name) and part.value.id in loops:
                    texts = [t + v for t in texts for v in sorted(loops[part.value.id])]
                else:
                    texts = [t + " " for t in texts]
            return texts
    return []


def _styled_names(tree) -> set[str]:
    """Variables that hold a style(...): assigned from one, or a loop variable over a list of them."""
    names = set()
    lists = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            if _is_style_call(node.value):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            lists.update((t.id, node.value) for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        if not isinstance(node, ast.For) or not isinstance(node.target, ast.Tuple):
            continue
        items = lists.get(node.iter.id) if isinstance(node.iter, ast.Name) else node.iter
        if not isinstance(items, (ast.List, ast.Tuple)) or not items.elts:
            continue
        for i, target in enumerate(node.target.elts):
            if isinstance(target, ast.Name) and all(
                    isinstance(item, ast.Tuple) and len(item.elts) > i and _is_style_call(item.elts[i])
                    for item in items.elts):
                names.add(target.id)
    return names


def _plot_calls():
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "figure" not in cell.metadata.get("mystnb", {}):
                continue
            tree = ast.parse(cell.source)
            styled, loops = _styled_names(tree), _loop_values(tree)
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in PLOT_METHODS):
                    yield f"{path.stem} cell {cell.id}, line {node.lineno}", node, styled, loops


def _uses_style(call: ast.Call, styled: set[str]) -> bool:
    for kw in call.keywords:
        if kw.arg is None and (_is_style_call(kw.value) or (isinstance(kw.value, ast.Name) and kw.value.id in styled)):
            return True
        if kw.arg in COLOUR_KEYWORDS:
            value = kw.value  # color=style("relu")["color"] or color=relu_style["color"]
            if isinstance(value, ast.Subscript) and (_is_style_call(value.value) or (
                    isinstance(value.value, ast.Name) and value.value.id in styled)):
                return True
    return False


def test_chapters_have_figure_cells_to_check():
    assert CHAPTERS and sum(1 for _ in _plot_calls()) >= 30


def test_every_activation_curve_takes_its_colour_from_style():
    offenders = []
    for where, call, styled, loops in _plot_calls():
        for label in _label_texts(call, loops):
            if DERIVATIVE_RE.search(label):
                continue
            match = ACTIVATION_RE.search(re.sub(r"\$[^$]*\$", " ", label))
            if match and not _uses_style(call, styled):
                offenders.append(f"{where}: label {label!r} names {match.group(1)!r} but its colour is not style(...)")
    assert not offenders, "\n".join(offenders)


def test_no_styled_curve_overrides_its_colour():
    offenders = []
    for where, call, styled, _ in _plot_calls():
        if not _uses_style(call, styled):
            continue
        explicit = [kw.arg for kw in call.keywords if kw.arg in COLOUR_KEYWORDS
                    and not isinstance(kw.value, ast.Subscript)]
        if explicit:
            offenders.append(f"{where}: style(...) and an explicit {explicit[0]}=")
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if _is_style_call(node) and any(kw.arg in COLOUR_KEYWORDS for kw in node.keywords):
                    offenders.append(f"{path.stem} cell {cell.id}, line {node.lineno}: style(..., color=...)")
    assert not offenders, "\n".join(offenders)


def test_style_gives_each_activation_one_colour_and_line_style():
    seen = {}
    for name in registry.names():
        first, again = plotting.style(name), plotting.style(name)
        assert first == again, f"style({name!r}) is not the same on every call"
        key = (first["color"], first["linestyle"])
        assert key not in seen, f"{name} and {seen.get(key)} are drawn alike: {key}"
        seen[key] = name
