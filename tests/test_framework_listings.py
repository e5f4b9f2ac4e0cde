"""The framework listings of chapters 2 and 3, executed with the frameworks.

Cells tagged ``framework-listing`` show PyTorch, JAX, Keras and TensorFlow code
beside the numpy derivations. nbval skips them (``nbval-skip``: the frameworks
are not requirements of the book), so these tests run exactly their source,
compare what they print with the output stored in the notebook, and compare
their results with the book's own: eq-graph-grad-A
(``relu_book.backprop.graph_layer_grad_A``) in chapter 2, and the table of
:mod:`relu_book.conventions` in chapter 3. Without the frameworks the tests
are skipped; with ``REQUIRE_FRAMEWORKS=1`` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pytest
from framework_imports import require

from relu_book import conventions as cv
from relu_book.backprop import graph_layer_grad_A

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_2 = ROOT / "chapters" / "02_derivative.ipynb"
CHAPTER_3 = ROOT / "chapters" / "03_nondifferentiability.ipynb"
TAG = "framework-listing"
# The chapter-2 cells the listings read (A, X, W0, W1, Y, grad_A): the imports and the data.
CHAPTER_2_SETUP = ("1b2bfc2f", "ebbfd934")
LINE = re.compile(r"^(?P<expr>.+) at (?P<at>\S+): value (?P<value>\S+), derivative (?P<derivative>\S+)$")
TOOL_OF_MODULE = {"torch": "PyTorch", "jax": "JAX", "keras": "Keras", "tensorflow": "TensorFlow"}


def _listings(path):
    nb = nbformat.read(path, as_version=4)
    return nb, [c for c in nb.cells if c.cell_type == "code" and TAG in c.metadata.get("tags", [])]


def _stored(cell) -> str:
    return "".join(o["text"] for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")


def _run(source: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<listing>", "exec"), namespace)
    return out.getvalue()


def _tool(cell) -> str:
    imported = re.findall(r"^import (\w+)", cell.source, re.M)
    tools = [TOOL_OF_MODULE[m] for m in imported if m in TOOL_OF_MODULE]
    return "Keras" if "Keras" in tools else tools[0]


def test_chapter_2_listings_reproduce_eq_graph_grad_a():
    require("torch")
    require("jax")
    nb, cells = _listings(CHAPTER_2)
    assert len(cells) == 2
    ns: dict = {}
    by_id = {c.id: c for c in nb.cells}
    import matplotlib

    matplotlib.use("Agg")
    for cid in CHAPTER_2_SETUP:
        _run(by_id[cid].source, ns)
    for cell in cells:
        assert _run(cell.source, ns) == _stored(cell), cell.source[:60]
    book = graph_layer_grad_A(ns["A"], ns["X"], ns["W0"], ns["W1"], ns["Y"])
    assert "A.requires_grad_()" in cells[0].source.replace("torch.tensor(A)", "A")
    assert "jax.grad" in cells[1].source
    np.testing.assert_allclose(ns["grad_torch"], book, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ns["grad_jax"], book, rtol=1e-12, atol=1e-12)
    assert all("equals eq-graph-grad-A: True" in _stored(c) for c in cells)


@pytest.mark.parametrize("tool", ["PyTorch", "JAX", "Keras", "TensorFlow"])
def test_chapter_3_listing_prints_the_table_of_conventions(tool):
    require({"PyTorch": "torch", "JAX": "jax", "Keras": "keras", "TensorFlow": "tensorflow"}[tool])
    _, cells = _listings(CHAPTER_3)
    (cell,) = [c for c in cells if _tool(c) == tool]
    printed = _run(cell.source, {})
    assert printed == _stored(cell)
    lines = printed.splitlines()
    assert len(lines) >= 4
    source = " ".join(cell.source.split())
    for line in lines:
        m = LINE.match(line)
        assert m, line
        expr, at = m["expr"], float(m["at"])
        # the printed expression is the one the listing runs
        assert f'show("{expr}", lambda x: {expr},' in source or f'show("{expr}", {expr[:-3]},' in source, expr
        (row,) = [r for r in cv.rows(tool=tool) if r.code == expr and r.at == at]
        assert float(m["value"]) == pytest.approx(row.value, rel=1e-5, abs=0)
        assert float(m["derivative"]) == pytest.approx(row.derivative, rel=1e-5, abs=0)


def test_chapter_3_names_the_pinned_framework_versions():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["frameworks"]
    pins = dict(req.split("==") for req in extra)
    text = " ".join(c.source for c in nbformat.read(CHAPTER_3, as_version=4).cells if c.cell_type == "markdown")
    text = " ".join(text.split())
    for name, label in [("torch", "PyTorch"), ("jax", "JAX"), ("keras", "Keras"), ("tensorflow-cpu", "TensorFlow")]:
        assert f"{label} {pins[name]}" in text, f"chapter 3 does not name {label} {pins[name]}"
