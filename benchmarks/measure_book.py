"""Measure the book's build, notebooks, tests and pages, and publish the table.

Usage (after `make html` has set up .venv)::

    .venv/bin/python benchmarks/measure_book.py          # everything
    .venv/bin/python benchmarks/measure_book.py --quick  # skip the full test suite

Measures, on this machine: a clean build of the HTML (execution off) into a
temporary folder, a rebuild with no change, each chapter notebook's
top-to-bottom execution in a fresh kernel, the full test suite (`pytest`,
which needs the site built by `make html`), and each page's weight (its HTML
plus the images it loads, not counting the theme and MathJax files shared by
every page). Writes ``benchmarks/results.md`` and copies the table into
README.md between the ``bench:start`` and ``bench:end`` markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS = {"clean": 30.0, "notebook": 15.0, "tests": 300.0, "page_mb": 1.5}


def _timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def build_times() -> tuple[float, float, Path]:
    """Return (clean build, no-change rebuild) seconds and the output folder."""
    out = Path(tempfile.mkdtemp(prefix="relu_book_bench_"))
    cmd = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going", "--path-output", str(out)]
    clean = _timed(cmd)
    rebuild = _timed(cmd)
    return clean, rebuild, out / "_build" / "html"


def notebook_times() -> dict[str, float]:
    """Execute every chapter in a fresh kernel (in memory; files are not changed)."""
    times = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        times[path.stem] = time.perf_counter() - start
    return times


def test_time() -> float:
    return _timed([str(BIN / "python"), "-m", "pytest", "-q"])


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
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def table(clean, rebuild, nbs, tests, weights) -> str:
    def mark(ok: bool) -> str:
        return "yes" if ok else "**no**"

    rows = ["| measurement | value | target | met |", "| --- | --- | --- | --- |"]
    rows.append(f"| clean HTML build (execution off) | {clean:.1f} s | <= {TARGETS['clean']:.0f} s | {mark(clean <= TARGETS['clean'])} |")
    rows.append(f"| rebuild with no change | {rebuild:.1f} s | | |")
    for name, t in nbs.items():
        rows.append(f"| execute `{name}.ipynb` | {t:.1f} s | <= {TARGETS['notebook']:.0f} s | {mark(t <= TARGETS['notebook'])} |")
    if tests is not None:
        rows.append(f"| full test suite (`pytest`) | {tests:.0f} s | <= {TARGETS['tests']:.0f} s | {mark(tests <= TARGETS['tests'])} |")
    for page, size in weights.items():
        limit = TARGETS["page_mb"] if page.startswith("chapters/") else None
        met = mark(size / 1e6 <= limit) if limit else ""
        target = f"<= {limit} MB" if limit else ""
        rows.append(f"| weight of `{page}` | {size / 1e6:.2f} MB | {target} | {met} |")
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
    parser.add_argument("--quick", action="store_true", help="skip the full test suite")
    args = parser.parse_args(argv)
    clean, rebuild, site = build_times()
    nbs = notebook_times()
    tests = None if args.quick else test_time()
    weights = page_weights(site)
    text = f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}.\n\n" + table(clean, rebuild, nbs, tests, weights)
    publish(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
