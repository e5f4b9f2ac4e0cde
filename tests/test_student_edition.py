"""The student edition: pages without solutions, and exercise-only notebooks."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
STUDENT_SITE = Path(os.environ.get("RELU_BOOK_STUDENT_SITE", ROOT / "_build" / "student" / "_build" / "html"))
FULL_SITE = Path(os.environ.get("RELU_BOOK_SITE", ROOT / "_build" / "html"))
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

_spec = importlib.util.spec_from_file_location("make_student_notebooks", ROOT / "scripts" / "make_student_notebooks.py")
make_student_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_student_notebooks)


def _count(nb, needle, cell_type="markdown"):
    return sum(needle in c.source for c in nb.cells if c.cell_type == cell_type)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_student_notebook_keeps_exercises_and_checkers_but_no_solutions(path):
    nb = nbformat.read(path, as_version=4)
    student, removed = make_student_notebooks.strip_solutions(nb)
    assert removed == _count(nb, "{solution-start}") + _count(nb, "{solution}") > 0
    assert _count(student, "{solution") == 0
    assert _count(student, "{exercise-start}") == _count(nb, "{exercise-start}") > 0
    assert _count(student, "{exercise-end}") == _count(nb, "{exercise-end}")
    checks_before = sum("check(" in c.source for c in nb.cells if c.cell_type == "code")
    checks_after = sum("check(" in c.source for c in student.cells if c.cell_type == "code")
    assert checks_after >= 1
    assert checks_after <= checks_before
    assert all(not c.outputs for c in student.cells if c.cell_type == "code")
    nbformat.validate(student)


def test_unterminated_solution_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```{solution-start} ex-1\n```")])
    with pytest.raises(ValueError, match="without its solution-end"):
        make_student_notebooks.strip_solutions(nb)


def test_script_writes_one_notebook_per_chapter(tmp_path):
    assert make_student_notebooks.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.site
def test_student_site_has_exercises_but_no_solutions():
    if not (STUDENT_SITE / "index.html").is_file():
        pytest.fail(f"no student edition at {STUDENT_SITE}; run `make student` first (make test does)")
    for page in sorted((FULL_SITE / "chapters").glob("*.html")):
        full = page.read_text(encoding="utf-8")
        student = (STUDENT_SITE / "chapters" / page.name).read_text(encoding="utf-8")
        assert 'class="solution' in full, f"{page.name}: the full edition shows no solutions"
        assert 'class="solution' not in student, f"{page.name}: the student edition shows a solution"
        assert student.count('class="exercise') == full.count('class="exercise') > 0
