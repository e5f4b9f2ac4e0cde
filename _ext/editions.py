"""Build editions of the book: the full book, or a student edition without solutions.

``RELU_BOOK_EDITION=student jupyter-book build ...`` (``make student``)
removes every solution from the pages while keeping the exercises and their
checker cells.

sphinx-exercise's own ``hide_solutions`` option does not handle the gated
form (``solution-start`` ... ``solution-end``) that the chapters use: it drops
the start directive but leaves the end node and the cells in between, and the
HTML writer then fails. So this extension lets sphinx-exercise merge each
gated solution into one ``solution_node`` (its transform has priority 10) and
then removes those nodes in a transform of its own that runs after it.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node

EDITIONS = ("full", "student")


def edition() -> str:
    """Return the edition requested by ``RELU_BOOK_EDITION`` (default ``"full"``)."""
    name = os.environ.get("RELU_BOOK_EDITION", "full")
    if name not in EDITIONS:
        raise ValueError(f"RELU_BOOK_EDITION must be one of {EDITIONS}, got {name!r}")
    return name


class RemoveSolutions(SphinxTransform):
    """Delete every (merged) solution from the document."""

    default_priority = 50  # after sphinx-exercise's MergeGatedSolutions (10)

    def apply(self) -> None:
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app: Sphinx) -> dict:
    if edition() == "student":
        app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
