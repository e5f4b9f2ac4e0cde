"""Measure the book's builds, notebooks and test runs, and publish the table.

Usage (``make bench`` runs it after setting up .venv)::

    .venv/bin/python benchmarks/measure_book.py               # everything
    .venv/bin/python benchmarks/measure_book.py --quick       # skip `make check`, `make test`, `make coverage`
    .venv/bin/python benchmarks/measure_book.py --no-publish  # print the table only

Measures, on this machine, each in wall-clock seconds and in CPU seconds
(user + system, summed over every process it started):

* a clean build of the HTML (``jupyter-book build``, execution off) into a
  temporary folder, and a rebuild of it with no change, in which Sphinx
  re-checks every page: the median of ``BUILD_RUNS`` runs of each;
* ``make html`` with nothing changed (make sees that no source is newer than
  the site and does not start Sphinx);
* each chapter notebook's top-to-bottom execution in a fresh kernel, as nbval
  runs it (without the cells of the optional ``frameworks`` extra), from the
  kernel's start to the last cell's reply (not its shutdown; see ``_execute``): the median
  of ``NOTEBOOK_RUNS`` runs, since a virtual machine's speed drifts by about
  a second between runs; and the chapters that have such cells once more with
  them;
* ``make check`` (lint, unit tests and doctests), ``make test`` (lint and
  the full suite) and ``make coverage`` (unit tests and doctests under
  coverage), once both sites are built, so that none includes set-up or
  builds: ``make check`` and ``make test`` the median of ``SUITE_RUNS`` runs
  each, taken in turns (check, test, check, test, ...) so that a slow spell
  of the machine falls on both, and ``make coverage`` once;
* each page's weight (its HTML plus the images it loads, not counting the
  theme and MathJax files shared by every page).

Writes ``benchmarks/results.md`` and copies the table into README.md between
the ``bench:start`` and ``bench:end`` markers. Run it on an idle machine:
other processes inflate wall times (CPU times much less).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = {"clean": 15.0, "rebuild": 2.0, "notebook": 15.0, "check": 60.0, "test": 180.0, "page_mb": 1.5}


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system seconds of every child process waited for


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kw) -> Timing:
    """Run ``cmd`` in the repository (output discarded) and time it; fail if it fails."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    timing = Timing(time.perf_counter() - start, _children_cpu() - cpu)
    if result.returncode != 0:
        print(result.stdout[-5000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {result.returncode}")
    return timing


def build_times() -> tuple[list[Timing], list[Timing], Path]:
    """Return the clean builds and the no-change rebuilds (``BUILD_RUNS`` of each), and the output folder.

    Each clean build goes into a new empty folder; the rebuilds are of the last one.
    """
    cleans, rebuilds = [], []
    for _ in range(BUILD_RUNS):
        out = Path(tempfile.mkdtemp(prefix="relu_book_bench_"))
        cmd = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going", "--path-output", str(out)]
        cleans.append(timed(cmd))
        if len(cleans) < BUILD_RUNS:
            shutil.rmtree(out)
    for _ in range(BUILD_RUNS):
        rebuilds.append(timed(cmd))
    return cleans, rebuilds, out / "_build" / "html"


def make(*targets: str) -> Timing:
    return timed(["make", *targets])


LISTING_TAG = "framework-listing"  # optional PyTorch/JAX/Keras/TensorFlow listings (the frameworks extra)


def _execute(nb, folder: Path) -> Timing:
    """Run ``nb`` top to bottom in a fresh kernel, as ``NotebookClient.execute`` does.

    Wall time: from starting the kernel to the last cell's reply, what a reader
    waits for. The kernel's shutdown afterwards (1.2-1.6 s here: jupyter_client
    asks it to stop and polls until the interpreter, with sympy, scipy and
    matplotlib loaded, has torn itself down) is not counted. CPU time: the whole
    kernel process, shutdown included (it is only known once the process is reaped).
    """
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    cpu, start = _children_cpu(), time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        wall = time.perf_counter() - start
    # The kernel is a child of this process, reaped when the client shuts it down.
    return Timing(wall, _children_cpu() - cpu)


#: Runs of each chapter; the table shows the median run (by wall time) and its CPU time.
NOTEBOOK_RUNS = 3
#: Runs of the clean build and of the no-change rebuild; the median run is shown
#: (the same build took 11 to 20 s on one machine in one morning).
BUILD_RUNS = 3
#: Runs of `make check` and of `make test`; the median run is shown. The same
#: full suite took 132 to 189 s on one idle machine within a day, and a single
#: run cannot tell whether it meets a target it is near.
SUITE_RUNS = 3


def _median_run(timings: list[Timing]) -> Timing:
    return sorted(timings, key=lambda t: t.wall)[len(timings) // 2]


def notebook_times() -> dict[str, Timing]:
    """Execute every chapter in a fresh kernel (in memory; files are not changed).

    A chapter is timed as nbval and a reader without the optional frameworks run
    it: without its cells tagged ``framework-listing``, the median of
    :data:`NOTEBOOK_RUNS` runs, each in a fresh kernel. A chapter that has such
    cells (they import PyTorch, JAX, Keras or TensorFlow) is then run again
    whole, when the frameworks are installed, under the key
    ``"<chapter> with framework listings"``.
    """
    import importlib.util

    have_frameworks = all(importlib.util.find_spec(m) is not None for m in ("torch", "jax", "keras", "tensorflow"))
    times = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = nb.cells
        nb.cells = [c for c in cells if LISTING_TAG not in c.metadata.get("tags", [])]
        times[path.stem] = _median_run([_execute(nb, path.parent) for _ in range(NOTEBOOK_RUNS)])
        if len(nb.cells) < len(cells) and have_frameworks:
            nb.cells = cells
            times[f"{path.stem} with framework listings"] = _execute(nb, path.parent)
    return times


def page_weights(site: Path) -> dict[str, int]:
    """Bytes of each page's HTML plus the images it shows (shared theme files excluded)."""
    weights = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if rel.parts[0] in {"_static", "_sources"} or rel.name in {"genindex.html", "search.html"}:
            continue
        html = page.read_text(encoding="utf-8")
        total = len(html.encode())
        for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
            target = (page.parent / src.split("?")[0]).resolve()
            if target.is_file() and "_static" not in target.parts:
                total += target.stat().st_size
        weights[rel.as_posix()] = total
    return weights


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()}, load average {load:.1f} at the start"
    )


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _of_runs(timings: list[Timing]) -> str:
    """How a median was taken, with every run's wall time: "median of 3 runs: 12.1, 12.9 and 14.0 s"."""
    walls = [f"{t.wall:.1f}" for t in sorted(timings, key=lambda t: t.wall)]
    return f"median of {len(walls)} runs: {', '.join(walls[:-1])} and {walls[-1]} s"


def row(name: str, t: Timing, target: float | None) -> str:
    limit = f"<= {target:g} s" if target is not None else ""
    met = _mark(t.wall <= target) if target is not None else ""
    return f"| {name} | {t.wall:.1f} s | {t.cpu:.1f} s | {limit} | {met} |"


def table(builds: dict[str, list[Timing]], runs: dict[str, list[Timing]], nbs: dict[str, Timing],
          weights: dict[str, int]) -> str:
    """The table in markdown. ``builds`` and ``runs`` hold every run of each measurement; a row shows the median."""
    rows = ["| measurement | wall | CPU | target (wall) | met |", "| --- | --- | --- | --- | --- |"]

    def measured(what: str, timings: list[Timing], target: float | None) -> None:
        if len(timings) > 1:
            what = what.removesuffix(")") + f"; {_of_runs(timings)})"
        rows.append(row(what, _median_run(timings), target))

    if "test" in runs:
        measured("full test suite (`make test`, after set-up and builds)", runs["test"], TARGETS["test"])
    if "check" in runs:
        measured("fast loop (`make check`)", runs["check"], TARGETS["check"])
    if "coverage" in runs:
        measured("unit tests and doctests under coverage (`make coverage`, CI)", runs["coverage"], None)
    measured("clean HTML build (`jupyter-book build`, execution off)", builds["clean"], TARGETS["clean"])
    measured("rebuild with no change (`make html`)", builds["make"], TARGETS["rebuild"])
    measured("rebuild with no change (`jupyter-book build`)", builds["sphinx"], TARGETS["rebuild"])
    for name, t in nbs.items():
        if name.endswith(" with framework listings"):
            chapter = name.removesuffix(" with framework listings")
            rows.append(row(f"execute `{chapter}.ipynb` with its optional framework listings", t, None))
        else:
            what = f"execute `{name}.ipynb` (without optional framework listings; median of {NOTEBOOK_RUNS} runs)"
            rows.append(row(what, t, TARGETS["notebook"]))
    for page, size in weights.items():
        limit = TARGETS["page_mb"] if page.startswith("chapters/") else None
        met = _mark(size / 1e6 <= limit) if limit else ""
        target = f"<= {limit} MB" if limit else ""
        rows.append(f"| weight of `{page}` | {size / 1e6:.2f} MB | | {target} | {met} |")
    return "\n".join(rows)


def publish(text: str) -> None:
    (ROOT / "benchmarks" / "results.md").write_text(text + "\n", encoding="utf-8")
    readme = ROOT / "README.md"
    content = readme.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", re.S)
    if not pattern.search(content):
        raise SystemExit("README.md has no bench:start/bench:end markers")
    readme.write_text(pattern.sub(lambda m: m.group(1) + text + "\n" + m.group(2), content), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip `make check`, `make test` and `make coverage`")
    parser.add_argument("--no-publish", action="store_true", help="print the table; change no file")
    args = parser.parse_args(argv)
    header = f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}."

    clean, rebuild, site = build_times()
    make("html")  # bring the site of `make html` up to date...
    builds = {"clean": clean, "sphinx": rebuild, "make": [make("html")]}  # ...and time it with nothing changed
    nbs = notebook_times()
    runs = {}
    if not args.quick:
        make("html", "student")  # so that `make test` times the tests only
        runs = {"check": [], "test": []}
        for _ in range(SUITE_RUNS):
            runs["check"].append(make("check"))
            runs["test"].append(make("test"))
        runs["coverage"] = [make("coverage")]
    weights = page_weights(site)
    shutil.rmtree(site.parent.parent, ignore_errors=True)
    text = header + "\n\n" + table(builds, runs, nbs, weights)
    if not args.no_publish:
        publish(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
