"""House-style checks on the stored chapter notebooks (see STYLE.md)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [p.stem for p in CHAPTERS]
# Lines longer than this are cut off by the book's code boxes.
MAX_LINE = 80


@pytest.fixture(params=CHAPTERS, ids=IDS)
def nb(request):
    return nbformat.read(request.param, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _markdown(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_every_chapter_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in toc, f"{path.name} is not in _toc.yml"


def test_chapter_has_the_house_sections(nb):
    text = _markdown(nb)
    for heading in ("Overview", "Prerequisites", "Summary", "Exercises"):
        assert re.search(rf"\b{heading}\b", text), f"no {heading} section"
    assert re.search(r"[Tt]ime to read", text), "no time-to-read note"


def test_first_code_cell_holds_the_imports(nb):
    first, *rest = _code(nb)
    assert "import" in first.source
    for cell in rest:
        if "framework-listing" in cell.metadata.get("tags", []):
            continue  # imports a framework that the book does not require
        for line in cell.source.splitlines():
            assert not re.match(r"\s*(import|from \S+ import) ", line), f"import outside the first cell: {line}"


def test_notebook_is_stored_executed_in_order(nb):
    counts = [c.execution_count for c in _code(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run `make notebooks`: cells not executed top to bottom"


def test_no_execution_metadata_or_widget_state(nb):
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "execution" not in cell.metadata and "ExecuteTime" not in cell.metadata


def test_no_errors_warnings_or_object_reprs_in_outputs(nb):
    for cell in _code(nb):
        for out in cell.outputs:
            assert out.output_type != "error", cell.source[:80]
            assert not (out.output_type == "stream" and out.name == "stderr"), f"stderr in: {cell.source[:80]}"
            data = out.get("data", {})
            # A figure's display data carries a text/plain repr that is never shown.
            plain = "" if "image/png" in data else str(data.get("text/plain", ""))
            text = out.get("text", "") + plain
            assert not re.search(r"<[\w.]+ (object )?at 0x[0-9a-f]+>", text), (
                f"object repr in: {cell.source[:80]}"
            )
            assert not re.search(r"<Figure size", text), (
                f"figure repr (end the cell with plt.show()): {cell.source[:80]}"
            )


def test_every_figure_has_a_caption_and_alt_text(nb):
    for cell in _code(nb):
        if any("image/png" in out.get("data", {}) for out in cell.outputs):
            meta = cell.metadata.get("mystnb", {})
            assert meta.get("figure", {}).get("caption"), f"figure without caption: {cell.source[:80]}"
            assert meta.get("image", {}).get("alt"), f"figure without alt text: {cell.source[:80]}"


def test_exercises_are_gated_with_dropdown_solutions_and_checkers(nb):
    text = _markdown(nb)
    n_ex = text.count("{exercise-start}")
    assert n_ex >= 5, "fewer than 5 exercises"
    assert text.count("{exercise-end}") == n_ex
    assert text.count("{solution-start}") == text.count("{solution-end}") >= n_ex
    assert len(re.findall(r"\{solution-start\}[^\n]*\n:class: dropdown", text)) == text.count("{solution-start}")
    checks = sum("check(" in c.source for c in _code(nb))
    assert checks >= 2, "fewer than 2 auto-checked exercises"


# Exercise directives (``` or ::: fences) and calls of the checker, in the order they appear.
EXERCISE_EVENT = re.compile(
    r"^(?:`{3,}|:{3,})\{(?P<directive>exercise-start|exercise-end|solution-start|solution-end)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<options>(?::[^\n]*\n)*)"
    r"|\bcheck\((?!\.\.\.\))\s*(?P<check>[^,)]*)",
    re.MULTILINE,
)


def _events(nb):
    """Yield (kind, value, cell) for every exercise directive and check(...) call, in order."""
    for cell in nb.cells:
        source = cell.source + "\n"
        for m in EXERCISE_EVENT.finditer(source):
            if m["check"] is not None:
                yield "check", m["check"].strip(), cell
            elif m["directive"] == "exercise-start":
                label = re.search(r"^:label:\s*(\S+)", m["options"], re.MULTILINE)
                body = re.sub(r"\A(?:`{3,}|:{3,})[ \t]*\n", "", source[m.end():])  # after the closing fence
                yield "exercise-start", (m["arg"].strip(), label[1] if label else None, body), cell
            else:
                yield m["directive"], m["arg"].strip(), cell


def test_exercises_are_labelled_titled_and_numbered_by_sphinx(nb, request):
    chapter = int(request.node.callspec.id[:2])
    labels = []
    for kind, value, cell in _events(nb):
        if kind != "exercise-start":
            continue
        title, label, body = value
        assert label, f"exercise without a :label: (its id for check()): {cell.source[:80]}"
        prefix = f"ex-ch{chapter}-"
        assert re.fullmatch(rf"{prefix}[A-Za-z0-9_-]+", label), f"label {label!r} should start with {prefix}"
        assert title, f"{label}: give the exercise a title in the directive (```{{exercise-start}} A title)"
        assert not re.match(r"\s*\**Exercise", body), f"{label}: the body repeats the number sphinx-exercise shows"
        labels.append(label)
    assert len(labels) == len(set(labels)), "two exercises share a label"
    text = _markdown(nb)
    hand_numbered = re.search(r"\*\*Exercise\b|\bExercises? \d+\.\d+", text, re.IGNORECASE)
    assert not hand_numbered, f"{hand_numbered[0]!r}: refer to an exercise by {{numref}}`its-label`, not by a number"


def test_check_calls_and_solutions_belong_to_their_exercise(nb):
    labels = {value[1] for kind, value, _ in _events(nb) if kind == "exercise-start"}
    inside = None  # the label of the exercise or solution being read
    for kind, value, cell in _events(nb):
        if kind in ("exercise-start", "solution-start"):
            assert inside is None, f"{kind} inside {inside}"
            inside = value[1] if kind == "exercise-start" else value
            if kind == "solution-start":
                assert value in labels, f"solution for {value!r}, which is no exercise label of this notebook"
        elif kind in ("exercise-end", "solution-end"):
            assert inside is not None, f"{kind} without a start"
            inside = None
        else:
            literal = re.fullmatch(r"""(["'])([^"']+)\1""", value)
            assert literal, f"check({value}, ...): name the exercise by its label, as a string"
            assert inside == literal[2], f"check({value}, ...) stands in {inside or 'no exercise'}: {cell.source[:80]}"
    assert inside is None, f"{inside} is not closed"


def test_code_fits_the_page(nb):
    for cell in _code(nb):
        for line in cell.source.splitlines():
            assert len(line) <= MAX_LINE, f"code line of {len(line)} characters: {line}"


def test_framework_listings_are_skipped_by_nbval(nb):
    for cell in _code(nb):
        tags = cell.metadata.get("tags", [])
        if "framework-listing" in tags:
            assert "nbval-skip" in tags, f"framework listing without nbval-skip: {cell.source[:80]}"
            assert cell.outputs, f"framework listing without stored output: {cell.source[:80]}"
