"""Build editions of the book: the full book, or a student edition without solutions.

``RELU_BOOK_EDITION=student jupyter-book build ...`` (``make student``) sets
sphinx-exercise's ``hide_solutions`` option, which drops every solution from
the pages while keeping the exercises and their checker cells.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.config import Config

EDITIONS = ("full", "student")


def _apply_edition(app: Sphinx, config: Config) -> None:
    edition = os.environ.get("RELU_BOOK_EDITION", "full")
    if edition not in EDITIONS:
        raise ValueError(f"RELU_BOOK_EDITION must be one of {EDITIONS}, got {edition!r}")
    if edition == "student":
        config.hide_solutions = True


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _apply_edition, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
