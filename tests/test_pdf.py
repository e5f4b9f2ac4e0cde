"""Checks of the PDF edition, ``_build/latex/gradient-of-relu.pdf`` (``make pdf`` builds it).

The PDF is read with poppler's tools, as a reader's PDF viewer would show it:
``pdfinfo`` (metadata, page count), ``pdftotext`` (the text), ``pdftohtml
-xml`` (text with its font, links, and the bookmarks), ``pdfimages`` (the
figures) and ``pdftoppm`` (the first page of each chapter as a PNG in
``_build/pdf_pages/``, to look at). What the PDF must contain is counted from
the sources: the chapters of ``_toc.yml`` and, in each chapter notebook, its
figures, labelled equations, theorems, exercises and solutions.

Without a built PDF these tests are skipped, unless ``REQUIRE_PDF=1`` is set
(as ``.ci/run`` does), in which case they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = Path(os.environ.get("RELU_BOOK_PDF", ROOT / "_build" / "latex" / "gradient-of-relu.pdf"))
LATEX_LOG = PDF.with_suffix(".log")
PAGES_DIR = ROOT / "_build" / "pdf_pages"
#: Text may reach into the right margin, but not its outer half (about 1 cm of A4's 21 cm).
MARGIN_FRACTION = 0.05
TOOLS = ("pdfinfo", "pdftotext", "pdftohtml", "pdfimages", "pdftoppm")

_missing = [t for t in TOOLS if shutil.which(t) is None]
if _missing or not PDF.is_file():
    reason = f"poppler-utils missing ({_missing})" if _missing else f"no PDF at {PDF}; run `make pdf`"
    if os.environ.get("REQUIRE_PDF") == "1":
        raise RuntimeError(f"REQUIRE_PDF=1 but {reason}")
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.pdf


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=300).stdout


# -- what the sources say the book contains --------------------------------------------------------

def _toc_files() -> list[tuple[str, bool]]:
    """(file, numbered) for every entry of _toc.yml, in order."""
    entries, numbered = [], False
    for line in (ROOT / "_toc.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*-\s*caption:", line):
            numbered = False
        if re.match(r"\s*numbered:\s*true", line):
            numbered = True
        match = re.match(r"\s*-\s*file:\s*(\S+)", line)
        if match:
            entries.append((match.group(1), numbered))
    return entries


def _title(file: str) -> str:
    path = ROOT / file
    if path.with_suffix(".ipynb").is_file():
        nb = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
        text = next(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.with_suffix(".md").read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    return heading[2:].replace("`", "").strip()


def _chapter_sources() -> list[tuple[int, str]]:
    """(chapter number, markdown of the notebook) for the numbered chapters."""
    chapters = [f for f, numbered in _toc_files() if numbered]
    out = []
    for number, file in enumerate(chapters, start=1):
        nb = nbformat.read(ROOT / f"{file}.ipynb", as_version=4)
        out.append((number, nb))
    return out


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


# -- what the PDF contains -----------------------------------------------------------------------------

@cache
def _info() -> dict[str, str]:
    return dict(line.split(":", 1) for line in _run("pdfinfo", str(PDF)).splitlines() if ":" in line)


@cache
def _text() -> str:
    return _run("pdftotext", "-layout", str(PDF), "-")


@cache
def _xml() -> ET.Element:
    raw = _run("pdftohtml", "-xml", "-i", "-q", "-nodrm", "-stdout", str(PDF))
    raw = re.sub(r"<!DOCTYPE[^>]*>", "", raw)
    return ET.fromstring(raw)


def _flat(text: str) -> str:
    """Text with hyphenation at line ends undone and all white space collapsed."""
    text = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


def _bookmarks() -> list[tuple[int, str, int]]:
    """(depth, title, page) of every bookmark, in order."""
    marks = []

    def walk(outline, depth):
        for child in outline:
            if child.tag == "item":
                marks.append((depth, "".join(child.itertext()).strip(), int(child.get("page", 0))))
            elif child.tag == "outline":
                walk(child, depth + 1)

    for outline in _xml().findall("outline"):
        walk(outline, 0)
    return marks


def _chapter_pages() -> dict[str, int]:
    """Bookmarked page of each entry of the toc, by title."""
    titles = {_title(f) for f, _ in _toc_files()}
    return {title: page for _, title, page in _bookmarks() if title in titles}


# -- tests -----------------------------------------------------------------------------------------------

def test_page_count_is_sane():
    pages = int(_info()["Pages"])
    assert 120 <= pages <= 400, f"{pages} pages"


def test_pdf_has_the_book_title_and_a4_pages():
    assert _info()["Title"].strip() == "The Gradient of ReLU"
    assert "(A4)" in _info()["Page size"]


def test_every_chapter_title_is_a_bookmark_and_is_in_the_text():
    """Chapters in toc order, each bookmarked; the numbered ones listed in the contents as "N Title"."""
    pages = _chapter_pages()
    text = _flat(_text())
    number = 0
    for file, numbered in _toc_files():
        title = _title(file)
        assert title in pages, f"no bookmark for {title!r}; bookmarks: {[t for _, t, _ in _bookmarks()][:20]}"
        assert title.lower() in text.lower(), f"{title!r} is not in the text"
        if numbered:
            number += 1
            assert f"{number} {title}" in text, f"the contents do not list chapter {number} as {title!r}"
    ordered = [pages[_title(f)] for f, _ in _toc_files()]
    assert ordered == sorted(ordered), f"chapters out of order: {ordered}"


def test_no_unresolved_reference_or_citation():
    assert "??" not in _text(), "an unresolved reference (??) is in the PDF"
    if LATEX_LOG.is_file():
        log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
        undefined = re.findall(r"LaTeX Warning: (?:Reference|Citation|Hyper reference) `([^']+)' .*undefined", log)
        assert not undefined, f"undefined in the LaTeX log: {sorted(set(undefined))[:10]}"


RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\\[()\[\]]|\$[^$\s][^$]*\$|\{(?:eq|numref|ref|doc|cite|prf:ref|term)\}|\^\{|_\{")


def test_no_raw_tex_outside_code():
    """Text in the PDF's text fonts (not its monospaced code font) shows no TeX source."""
    fonts = {spec.get("id"): spec.get("family", "") for spec in _xml().iter("fontspec")}
    offenders = []
    for page in _xml().iter("page"):
        prose = " ".join("".join(t.itertext()) for t in page.iter("text") if "Mono" not in fonts.get(t.get("font"), ""))
        for match in RAW_TEX.finditer(prose):
            offenders.append(f"page {page.get('number')}: ...{prose[max(0, match.start() - 40):match.end() + 40]}...")
    assert not offenders, "raw TeX in the PDF:\n" + "\n".join(offenders[:10])


def test_every_figure_is_present_with_its_number():
    text = _flat(_text())
    total = 0
    for chapter, nb in _chapter_sources():
        figures = [c for c in nb.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})]
        total += len(figures)
        for i in range(1, len(figures) + 1):
            assert f"Fig. {chapter}.{i}:" in text, f"Fig. {chapter}.{i} is missing"
        assert f"Fig. {chapter}.{len(figures) + 1}:" not in text, \
            f"chapter {chapter} has more figures than its notebook"
    rows = [line.split() for line in _run("pdfimages", "-list", str(PDF)).splitlines()[2:]]
    images = [r for r in rows if len(r) > 2 and r[2] == "image"]
    assert len(images) >= total, f"{len(images)} images in the PDF for {total} figures"


PROOF_KINDS = {"definition", "theorem", "proposition", "lemma", "corollary", "example", "remark", "conjecture",
               "algorithm", "axiom", "criterion", "property", "observation", "assumption", "notation"}


def test_every_table_theorem_exercise_solution_and_equation_is_present_and_numbered():
    text = _flat(_text())
    for chapter, nb in _chapter_sources():
        md = _markdown(nb)
        kinds = Counter(k for k in re.findall(r"^`{3,}\{prf:(\w+)\}", md, re.M) if k in PROOF_KINDS)
        for kind, count in kinds.items():
            for i in range(1, count + 1):
                assert f"{kind.title()} {chapter}.{i}" in text, f"{kind.title()} {chapter}.{i} is missing"
        proofs = len(re.findall(r"^`{3,}\{prf:proof\}", md, re.M))
        exercises = len(re.findall(r"^`{3,}\{exercise(?:-start)?\}", md, re.M))
        solutions = len(re.findall(r"^`{3,}\{solution(?:-start)?\}", md, re.M))
        for i in range(1, exercises + 1):
            assert f"Exercise {chapter}.{i}" in text, f"Exercise {chapter}.{i} is missing"
        assert text.count(f"Solution to Exercise {chapter}.") == solutions, f"chapter {chapter}: solutions"
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        tables = len(re.findall(r"^:name: tbl-", md, re.M)) + len(re.findall(r"name=\"tbl-", code))
        for i in range(1, tables + 1):
            assert f"Table {chapter}.{i}" in text, f"Table {chapter}.{i} is missing"
        assert f"Table {chapter}.{tables + 1}" not in text, f"chapter {chapter} has more tables than its sources"
        equations = len(re.findall(r"^\$\$\s*\([\w-]+\)\s*$", md, re.M))
        for i in range(1, equations + 1):
            assert f"({chapter}.{i})" in text, f"equation ({chapter}.{i}) is missing"
        assert proofs <= text.count("Proof.")


def test_solutions_follow_the_exercises_at_the_end_of_each_chapter():
    """Each chapter's bookmarks end with Exercises, then Solutions."""
    marks = _bookmarks()
    chapters = [_title(f) for f, numbered in _toc_files() if numbered]
    for title in chapters:
        start = next(i for i, (_, t, _) in enumerate(marks) if t == title)
        depth = marks[start][0]
        children = []
        for d, t, _ in marks[start + 1:]:
            if d <= depth:
                break
            if d == depth + 1:
                children.append(t)
        assert children[-2:] == ["Exercises", "Solutions"], f"{title}: sections end with {children[-3:]}"


def test_bibliography_lists_every_cited_work():
    keys = set()
    sources = [nb for _, nb in _chapter_sources()]
    for nb in sources:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", _markdown(nb)):
            keys.update(k.strip() for k in group.split(","))
    text = _flat(_text())
    bibliography = text[text.rfind("BIBLIOGRAPHY"):]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", bibliography)]
    assert numbers and max(numbers) >= len(keys), f"{max(numbers or [0])} entries for {len(keys)} cited works"


def test_cross_references_are_links():
    """At least one internal link per cross-reference role in the chapters (plus the contents)."""
    role = r"\{(?:eq|numref|ref|doc|prf:ref|term)\}`"
    roles = sum(len(re.findall(role, _markdown(nb))) for _, nb in _chapter_sources())
    links = [a.get("href", "") for a in _xml().iter("a")]
    internal = [h for h in links if not re.match(r"[a-z]+://", h)]
    assert len(internal) >= roles, f"{len(internal)} internal links for {roles} cross-references"


def test_nothing_runs_off_the_page():
    """No text (a table's last column, a code line) reaches the page's edge, before the index.

    LaTeX sets a table without column widths at the width of its longest
    cells, and does not break a line of code: either can run off the page,
    where the reader loses it. (The index's two columns of long qualified
    names may reach into the margin; it is left out.)
    """
    index = min((page for _, title, page in _bookmarks() if title == "Index"), default=None)
    offenders = []
    for page in _xml().findall("page"):
        number, width = int(page.get("number")), float(page.get("width"))
        if index is not None and number >= index:
            break
        for text in page.findall("text"):
            right = float(text.get("left")) + float(text.get("width"))
            if right > width * (1 - MARGIN_FRACTION):
                offenders.append(f"page {number}: {''.join(text.itertext())[:60]!r} ends at {right:.0f} of {width:.0f}")
    assert not offenders, "text runs off the page:\n" + "\n".join(offenders[:20])


def test_first_page_of_each_chapter_renders():
    """Render the first page of every chapter to _build/pdf_pages/ (look at them)."""
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    for old in PAGES_DIR.glob("*.png"):
        old.unlink()
    pages = _chapter_pages()
    for n, (file, _) in enumerate(_toc_files(), start=1):
        page = pages[_title(file)]
        stem = PAGES_DIR / f"{n:02d}_{Path(file).stem}"
        _run("pdftoppm", "-f", str(page), "-l", str(page), "-r", "70", "-png", "-singlefile", str(PDF), str(stem))
        png = stem.with_suffix(".png")
        assert png.is_file() and png.stat().st_size > 5_000, f"{png} is missing or blank"


SITE = Path(os.environ.get("RELU_BOOK_SITE", ROOT / "_build" / "html"))
STUDENT_SITE = ROOT / "_build" / "student" / "_build" / "html"


def test_the_site_links_to_the_pdf_and_serves_the_same_file():
    intro = SITE / "intro.html"
    assert intro.is_file(), f"no built site at {SITE}; run `make html` (make test does)"
    assert 'href="gradient-of-relu.pdf"' in intro.read_text(encoding="utf-8"), "intro.html does not link to the PDF"
    copy = SITE / PDF.name
    assert copy.is_file(), f"{copy} is missing: the link would be dead"
    assert copy.read_bytes() == PDF.read_bytes(), f"{copy} is not the PDF that `make pdf` built last"


def test_the_student_edition_does_not_link_to_the_pdf_with_solutions():
    intro = STUDENT_SITE / "intro.html"
    if not intro.is_file():
        pytest.skip("no student edition built (make student)")
    assert "gradient-of-relu.pdf" not in intro.read_text(encoding="utf-8")
