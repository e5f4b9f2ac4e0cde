"""Make builds, and above all rebuilds with no change, cheaper.

A profile of ``jupyter-book build`` (``python -m cProfile``; see
CONTRIBUTING.md, "Build speed") showed costs that do not depend on what
changed. This extension removes them without changing a byte of the site:

* Python's cyclic garbage collector. Sphinx unpickles the doctree of every
  page on every build, and the API page alone is some 40 000 nodes; with the
  default thresholds the collector ran hundreds of times over a heap that
  only grows, and loading the doctrees took five times as long as the
  unpickling itself. A build is a short-lived process, so what was imported
  is frozen out of the collector's way and it runs a hundred times less often.
* Figure numbering (``numfig``) walks the doctree of every page on every
  build. When no page was read or removed in this build, every doctree and
  the table of contents are those of the previous build, so the numbers it
  stored are still right and the walk is skipped.
* pybtex looks up its style plugins with ``importlib.metadata.entry_points``,
  which reads the metadata of every installed distribution, once per
  citation. The lookups are cached (plugins cannot change within a build).

Building in parallel (Sphinx's ``-j``) is not possible: sphinx-proof's domain
cannot merge the data of documents read in other processes.
"""

from __future__ import annotations

import functools
import gc
from importlib.metadata import entry_points

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector

#: Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = (100_000, 50, 100)

# Whether this build has read or removed any page (one build per process).
_changed = {"docs": True}


@functools.cache
def _entry_points(group: str, name: str) -> tuple:
    return tuple(entry_points(group=group, name=name))


def _cached_entry_points(*, group: str, name: str) -> tuple:
    return _entry_points(group, name)


def _note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _changed["docs"] = bool(docnames) or _changed.get("purged", False)


def _note_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _changed["purged"] = _changed["docs"] = True


_assign_figure_numbers = TocTreeCollector.assign_figure_numbers


@functools.wraps(_assign_figure_numbers)
def _assign_figure_numbers_if_needed(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    if not _changed["docs"] and env.toc_fignumbers:
        return []  # same doctrees, same table of contents: same numbers
    return _assign_figure_numbers(self, env)


def setup(app: Sphinx) -> dict:
    gc.collect()
    gc.freeze()  # everything imported so far lives for the whole build
    gc.set_threshold(*GC_THRESHOLD)
    try:
        import pybtex.plugin
    except ImportError:  # no bibliography, nothing to cache
        pass
    else:
        pybtex.plugin.entry_points = _cached_entry_points
    TocTreeCollector.assign_figure_numbers = _assign_figure_numbers_if_needed
    app.connect("env-purge-doc", _note_purge)
    app.connect("env-before-read-docs", _note_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
