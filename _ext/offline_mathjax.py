"""Serve MathJax 3 from the built site instead of a CDN.

The MathJax distribution comes from the ``django-static-mathjax`` wheel
(pinned in ``requirements.txt``; it has no dependency on Django). On
``builder-inited`` this extension points Sphinx's ``mathjax_path`` at a
relative URL inside ``_static`` and, when the build finishes, copies the
``es5`` component tree there (files already there from an earlier build
are not copied again). No page then needs any other host to typeset its
mathematics.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

MATHJAX_ENTRY = "tex-chtml.js"
TARGET = Path("_static") / "mathjax"


def _es5_dir() -> Path:
    import mathjax  # the module installed by django-static-mathjax

    path = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (path / MATHJAX_ENTRY).is_file():
        raise RuntimeError(f"MathJax 3 not found at {path}; reinstall requirements.txt")
    return path


def _set_path(app: Sphinx) -> None:
    _es5_dir()  # fail early, with a clear message, if MathJax is missing
    app.config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"


def _copy_if_changed(src: str, dst: str) -> str:
    """Copy ``src`` to ``dst`` unless ``dst`` is already a copy of it (same size and time)."""
    s, d = Path(src).stat(), Path(dst)
    if d.is_file() and d.stat().st_size == s.st_size and d.stat().st_mtime_ns == s.st_mtime_ns:
        return dst
    return shutil.copy2(src, dst)


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / TARGET
    shutil.copytree(_es5_dir(), dest, dirs_exist_ok=True, copy_function=_copy_if_changed)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _set_path)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
