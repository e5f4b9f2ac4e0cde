"""``_ext/build_speed.py``: a parallel build writes the same site, byte for byte, as a serial one.

The extension replaces how Sphinx hands pages to its processes: reading, the
pages are dealt like cards; writing, each process resolves and indexes its
own page and the main process merges what they return (the images a page
uses, its entries in the search index). A small project exercises each part
of that: figures numbered across pages and referenced with ``numref`` from
other pages, images used on two pages, index entries on several pages, and
enough words for a search index. It is built twice in fresh processes, with
``build_jobs`` 1 and 2, and every file of the two sites must be equal.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Sphinx comes with the book's extra, not with the lowest-versions run: the
# extension is loaded by a fixture, so that this file can be collected without it.
pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def build_speed():
    spec = importlib.util.spec_from_file_location("build_speed", ROOT / "_ext" / "build_speed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: A 1×1 PNG, the figure of the test project.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")

CONF = """\
import sys
sys.path.insert(0, {ext!r})
extensions = ["build_speed"]
numfig = True
project = "build_speed test"
html_theme = "basic"
"""


def _page(n: int) -> str:
    """Page n: a figure, a reference to the previous page's figure, index entries and some prose."""
    previous = f"See :numref:`fig-{n - 1}` on the page before. " if n > 1 else ""
    words = " ".join(f"word{n}{k} shared{k % 7}" for k in range(60))
    return "\n".join([
        f"Page {n}", "=" * 10, "",
        f".. index:: single: topic{n}; entry", f"   single: common; page{n}", "",
        f".. _fig-{n}:", "", ".. figure:: dot.png", "", f"   Figure of page {n}.", "",
        previous + words, "",
        f"Section {n}.1", "-" * 12, "",
        f"More text on page {n}: {words[:200]}", ""])


def _sphinx(src: Path, out: Path, jobs: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "-E", "-D", f"build_jobs={jobs}",
         "-d", str(out / "doctrees"), str(src), str(out / "html")],
        capture_output=True, text=True, timeout=120)


def _build(src: Path, out: Path, jobs: int) -> None:
    run = _sphinx(src, out, jobs)
    assert run.returncode == 0, f"build_jobs={jobs}: {run.stderr}"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != ".buildinfo"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    (src / "conf.py").write_text(CONF.format(ext=str(ROOT / "_ext")), encoding="utf-8")
    (src / "dot.png").write_bytes(PNG)
    pages = [f"page{n:02d}" for n in range(1, 9)]
    (src / "index.rst").write_text(
        "Test\n====\n\n.. toctree::\n   :numbered:\n\n" + "".join(f"   {p}\n" for p in pages), encoding="utf-8")
    for n, name in enumerate(pages, start=1):
        (src / f"{name}.rst").write_text(_page(n), encoding="utf-8")
    return src


def test_a_parallel_build_writes_the_same_site_as_a_serial_one(project, tmp_path):
    _build(project, tmp_path / "serial", jobs=1)
    _build(project, tmp_path / "parallel", jobs=2)
    serial, parallel = _files(tmp_path / "serial" / "html"), _files(tmp_path / "parallel" / "html")
    assert sorted(serial) == sorted(parallel)
    assert [name for name in serial if serial[name] != parallel[name]] == []
    # the check is not vacuous: the figures are numbered, referenced and indexed
    page = serial["page02.html"].decode()
    assert "Fig. 1.1" in page and "Fig. 2.1" in page
    assert "_images/dot.png" in page
    index = serial["searchindex.js"].decode()
    assert "topic8" in index and "word81" in index


def test_a_warning_raised_while_a_writing_process_resolves_its_page_fails_the_build(project, tmp_path):
    # resolving now happens in the writing processes; their warnings must still reach -W
    broken = tmp_path / "src"
    shutil.copytree(project, broken)
    page = broken / "page05.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee :ref:`no-such-label`.\n", encoding="utf-8")
    run = _sphinx(broken, tmp_path / "out", jobs=2)
    assert run.returncode != 0
    assert "page05" in run.stderr and "no-such-label" in run.stderr, run.stderr


def test_reading_deals_the_pages_like_cards(build_speed):
    names = ["api", "api/a", "api/b", "api/c", "ch1", "ch2", "ch3"]
    assert build_speed.chunks(names, 2) == [["api", "api/b", "ch1", "ch3"], ["api/a", "api/c", "ch2"]]
    assert build_speed.chunks(names[:1], 2) == [["api"]]
    read = build_speed.chunks(names, 3)
    assert sorted(name for chunk in read for name in chunk) == sorted(names)
    assert max(map(len, read)) - min(map(len, read)) <= 1


def test_writing_starts_with_the_largest_pages(build_speed, tmp_path):
    class Builder:
        doctreedir = str(tmp_path)

    for name, size in [("a", 10), ("b", 300), ("c", 20), ("d", 300)]:
        (tmp_path / f"{name}.doctree").write_bytes(b"x" * size)
    assert build_speed._largest_first(Builder(), ["a", "b", "c", "d", "missing"]) == ["b", "d", "c", "a", "missing"]
