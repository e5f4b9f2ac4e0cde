"""Write exercise-only copies of the chapter notebooks for students.

Usage::

    .venv/bin/python scripts/make_student_notebooks.py [OUTPUT_FOLDER]   # default: student/

Every solution (the cells from a ``solution-start`` directive to its
``solution-end``, and any single-cell ``solution`` directive) is removed; the
exercises and their ``check(...)`` cells are kept, and all code outputs are
cleared so that students run the notebooks themselves. The copies go into a
folder a teacher can hand out; the chapters themselves are not changed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
START = re.compile(r"^\s*(```+|:::+)\{solution-start\}", re.MULTILINE)
END = re.compile(r"^\s*(```+|:::+)\{solution-end\}", re.MULTILINE)
SINGLE = re.compile(r"^\s*(```+|:::+)\{solution\}", re.MULTILINE)


def strip_solutions(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """Return a copy of ``nb`` without solutions or outputs, and the number of solutions removed."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    inside, removed = False, 0
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "markdown" and START.search(source):
            if inside:
                raise ValueError("a solution-start directive inside another solution")
            inside, removed = True, removed + 1
        if inside:
            if cell.cell_type == "markdown" and END.search(source):
                inside = False
            continue
        if cell.cell_type == "markdown" and SINGLE.search(source):
            removed += 1
            continue
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        out.cells.append(cell)
    if inside:
        raise ValueError("a solution-start directive without its solution-end")
    return out, removed


def main(argv: list[str]) -> int:
    dest = Path(argv[0]) if argv else ROOT / "student"
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        student, removed = strip_solutions(nb)
        nbformat.write(student, dest / path.name)
        print(f"{path.name}: {removed} solutions removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
