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
* When the interpreter ends, Python runs one last full collection over
  everything the build made (every doctree, the environment, the search
  index): 2 to 3 s, after the build has finished. What is alive when the
  build finishes is frozen too.
* Figure numbering (``numfig``) walks the doctree of every page on every
  build. When no page was read or removed in this build, every doctree and
  the table of contents are those of the previous build, so the numbers it
  stored are still right and the walk is skipped.
* pybtex looks up its style plugins with ``importlib.metadata.entry_points``,
  which reads the metadata of every installed distribution, once per
  citation. The lookups are cached (plugins cannot change within a build).
* ``jupyter-book build`` has no ``-j``: Sphinx reads and writes the pages
  one after the other, on one core. The config value ``build_jobs`` (set in
  ``_config.yml``) gives Sphinx that many processes. For that, two
  extensions Jupyter Book adds are declared safe for parallel reading, which
  they are but do not say (sphinx-multitoc-numbering only renumbers sections
  from the table of contents after reading; sphinx-jupyterbook-latex only
  adds attributes and nodes to the document it transforms), and
  sphinx-proof's domain gets the ``merge_domaindata`` Sphinx asks of every
  domain in a parallel read (it keeps no domain data: its proofs are merged
  by its own ``env-merge-info`` handler).
* Sphinx cuts the pages into runs of consecutive names, one per reading
  process, so that the API pages (``api/*``, half of the build's work) all
  went to one process while the other finished early and waited. The pages
  are dealt to the processes like cards instead.
* When writing, the main process resolves each page's references and feeds
  the search index, and hands pages to one writing process (``build_jobs`` -
  1 of them) in runs; the writer waited until the main process had resolved
  the whole run, that is every page. Each page is now its own run, so that
  writing one page overlaps resolving the next.
"""

from __future__ import annotations

import functools
import gc
from importlib.metadata import entry_points

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.build_phase import BuildPhase

#: Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = (100_000, 50, 100)
#: Extensions that are safe for parallel reading but do not declare it.
PARALLEL_READ_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")

# This process's build (one build per process).
_build: dict[str, Sphinx | None] = {"app": None}
# Whether this build has read or removed any page.
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


def chunks(docnames: list[str], nproc: int, writing: bool) -> list[list[str]]:
    """How a parallel build hands pages to its processes (instead of Sphinx's ``make_chunks``).

    Reading, the pages are dealt to ``nproc`` runs like cards, so that
    neighbouring pages (the API reference's) go to different processes.
    Writing, each page is a run of its own.
    """
    if writing:
        return [[name] for name in docnames]
    return [list(docnames[i::nproc]) for i in range(min(nproc, len(docnames)))]


def _make_chunks(arguments: list[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
    """Sphinx's ``make_chunks`` for this build: :func:`chunks`, knowing the phase."""
    app = _build["app"]
    return chunks(arguments, nproc, writing=app is not None and app.phase == BuildPhase.WRITING)


_assign_figure_numbers = TocTreeCollector.assign_figure_numbers


@functools.wraps(_assign_figure_numbers)
def _assign_figure_numbers_if_needed(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    if not _changed["docs"] and env.toc_fignumbers:
        return []  # same doctrees, same table of contents: same numbers
    return _assign_figure_numbers(self, env)


def _freeze_what_the_build_made(app: Sphinx, exception: Exception | None) -> None:
    """Keep the build's objects out of the full collection that ends the interpreter."""
    gc.freeze()


def _merge_no_domaindata(self, docnames, otherdata) -> None:
    """sphinx-proof's domain keeps no data of its own: nothing to merge."""


def _parallel(app: Sphinx, config: Config) -> None:
    from sphinx.util.parallel import parallel_available

    jobs = int(config.build_jobs)
    if jobs < 1:
        raise ValueError(f"build_jobs must be a positive integer, got {config.build_jobs!r}")
    if jobs == 1 or not parallel_available:
        return
    for name in PARALLEL_READ_SAFE:
        if name in app.extensions:
            app.extensions[name].parallel_read_safe = True
    if "sphinx_proof" in app.extensions:
        from sphinx.domains import Domain
        from sphinx_proof.domain import ProofDomain

        if ProofDomain.merge_domaindata is Domain.merge_domaindata:  # not (yet) implemented upstream
            ProofDomain.merge_domaindata = _merge_no_domaindata
    app.parallel = jobs
    import sphinx.builders

    sphinx.builders.make_chunks = _make_chunks


def setup(app: Sphinx) -> dict:
    _build["app"] = app
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
    app.connect("build-finished", _freeze_what_the_build_made, priority=900)
    app.connect("env-purge-doc", _note_purge)
    app.connect("env-before-read-docs", _note_read)
    app.add_config_value("build_jobs", 1, "", types=(int,))
    app.connect("config-inited", _parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
