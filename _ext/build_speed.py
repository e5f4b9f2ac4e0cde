"""Make builds, and above all rebuilds with no change, cheaper.

A profile of ``jupyter-book build`` (``python -m cProfile``; see
CONTRIBUTING.md, "Build speed") showed costs that do not depend on what
changed. This extension removes them without changing a byte of the site:

* Python's cyclic garbage collector. Sphinx unpickles the doctree of every
  page on every build, and the API pages are some 40 000 nodes; with the
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
* When writing, Sphinx's main process resolves each page's references and
  feeds the search index, one page after the other, and hands the pages to
  ``build_jobs`` - 1 writing processes. The main process was the bottleneck:
  it resolved pages while the one writer waited for them. Each writing
  process now resolves its own page and feeds its words to a search index of
  its own, which the main process merges (a page's entries in the index do
  not depend on other pages); the main process only forks and merges, so
  ``build_jobs`` processes write, the largest pages first.
* Resolving a ``{numref}`` unpickles the whole page that holds the figure,
  table or equation, once per reference, and figure numbering unpickles every
  page once more. Both only read the page, so they share one unpickled copy
  (which the writing processes inherit); the page a process writes is still
  unpickled afresh, since resolving changes it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from importlib.metadata import entry_points
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks

logger = logging.getLogger(__name__)

#: Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = (100_000, 50, 100)
#: Extensions that are safe for parallel reading but do not declare it.
PARALLEL_READ_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")

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


def chunks(docnames: list[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
    """How a parallel build hands pages to its reading processes (in place of Sphinx's ``make_chunks``).

    The pages are dealt to ``nproc`` runs like cards, so that neighbouring
    pages (the API reference's) go to different processes. ``maxbatch``, of
    Sphinx's signature, is not used: there is one run per process.
    """
    return [list(docnames[i::nproc]) for i in range(min(nproc, len(docnames)))]


# --- Pages that are only read: one unpickled copy each ---------------------------------------

#: docname -> its doctree as read, for the callers that do not change it.
_read_only: dict[str, nodes.document] = {}


@contextlib.contextmanager
def _shared_doctrees(env: BuildEnvironment):
    """Within the block, ``env.get_doctree`` unpickles each page once and hands out that copy.

    Only for code that does not change the doctrees it gets.
    """

    def get_doctree(docname: str) -> nodes.document:
        if docname not in _read_only:
            _read_only[docname] = BuildEnvironment.get_doctree(env, docname)
        return _read_only[docname]

    outer = env.__dict__.get("get_doctree")  # set when blocks nest
    env.get_doctree = get_doctree
    try:
        yield
    finally:
        if outer is None:
            del env.get_doctree  # the class's method again
        else:
            env.get_doctree = outer


def _drop_read_only(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _read_only.pop(docname, None)


_resolve_numref_xref = StandardDomain._resolve_numref_xref


@functools.wraps(_resolve_numref_xref)
def _resolve_numref_xref_sharing(self: StandardDomain, env: BuildEnvironment, *args, **kwargs):
    with _shared_doctrees(env):
        return _resolve_numref_xref(self, env, *args, **kwargs)


# --- Writing: each process resolves its own page ----------------------------------------------

#: The search index's tables of one page (docname -> value) and of its words (word -> docnames).
_INDEX_PAGE_TABLES = ("_titles", "_filenames", "_all_titles", "_index_entries")
_INDEX_WORD_TABLES = ("_mapping", "_title_mapping")
_INDEX_TABLES = _INDEX_PAGE_TABLES + _INDEX_WORD_TABLES


def _largest_first(builder, docnames: list[str]) -> list[str]:
    """The pages by the size of their pickled doctree, largest first (then by name)."""

    def size(docname: str) -> int:
        try:
            return (Path(builder.doctreedir) / f"{docname}.doctree").stat().st_size
        except OSError:
            return 0

    return sorted(docnames, key=lambda name: (-size(name), name))


def _resolve_and_write(builder: StandaloneHTMLBuilder, docname: str) -> None:
    """Resolve one page's references and write it, in the phases Sphinx's own writing loop sets."""
    builder.app.phase = BuildPhase.RESOLVING
    doctree = builder.env.get_and_resolve_doctree(docname, builder)
    builder.app.phase = BuildPhase.WRITING
    builder.write_doc_serialized(docname, doctree)
    builder.write_doc(docname, doctree)


def _write_parallel(self: StandaloneHTMLBuilder, docnames: list[str], nproc: int) -> None:
    """Sphinx's ``_write_parallel`` for HTML, resolving each page in the process that writes it.

    The first page is written in the main process (as Sphinx does: the
    writers inherit its compiled templates). Each other page is resolved,
    indexed and written by a process of its own, ``build_jobs`` at a time (the
    main process, which only merges, is not counted as Sphinx counts it). A
    writer returns the images its page uses and its page's search index
    tables; the main process merges them, so the site is what a serial build
    writes, byte for byte.
    """
    first, rest = docnames[0], list(docnames[1:])
    _resolve_and_write(self, first)

    def write_process(docname: str) -> tuple[dict, dict | None]:
        images = dict(self.images)
        indexer = self.indexer
        if indexer is not None:  # this process's index holds this page only
            for table in _INDEX_TABLES:
                setattr(indexer, table, {})
        _resolve_and_write(self, docname)
        new_images = {uri: name for uri, name in self.images.items() if images.get(uri) != name}
        index = None
        if indexer is not None:
            index = {table: getattr(indexer, table) for table in _INDEX_TABLES}
        return new_images, index

    progress = status_iterator(rest, __("writing output... "), "darkgreen", len(rest), self.app.verbosity)
    results: dict[str, tuple[dict, dict | None]] = {}

    def done(docname: str, result: tuple[dict, dict | None]) -> None:
        results[docname] = result
        next(progress)

    tasks = ParallelTasks(self.app.parallel)
    order = _largest_first(self, rest)
    # ParallelTasks starts the first ``nproc`` tasks at once and then the one
    # added last: added in this order, the pages start largest first.
    started_first, later = order[: self.app.parallel], order[self.app.parallel :]
    for docname in started_first + later[::-1]:
        tasks.add_task(write_process, docname, done)
    tasks.join()
    logger.info("")
    # Merged in the order a serial build feeds the pages: the index keeps
    # some tables in the order they were filled.
    for docname in rest:
        new_images, index = results[docname]
        self.images.update(new_images)
        if index is not None and self.indexer is not None:
            for table in _INDEX_PAGE_TABLES:
                getattr(self.indexer, table).update(index[table])
            for table in _INDEX_WORD_TABLES:
                words = getattr(self.indexer, table)
                for word, names in index[table].items():
                    words.setdefault(word, set()).update(names)


_assign_figure_numbers = TocTreeCollector.assign_figure_numbers


@functools.wraps(_assign_figure_numbers)
def _assign_figure_numbers_if_needed(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    if not _changed["docs"] and env.toc_fignumbers:
        return []  # same doctrees, same table of contents: same numbers
    with _shared_doctrees(env):
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

    sphinx.builders.make_chunks = chunks
    StandaloneHTMLBuilder._write_parallel = _write_parallel


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
    StandardDomain._resolve_numref_xref = _resolve_numref_xref_sharing
    app.connect("env-purge-doc", _drop_read_only)
    app.connect("build-finished", _freeze_what_the_build_made, priority=900)
    app.connect("env-purge-doc", _note_purge)
    app.connect("env-before-read-docs", _note_read)
    app.add_config_value("build_jobs", 1, "", types=(int,))
    app.connect("config-inited", _parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
