"""Checks over the built HTML site: it must work offline.

These tests read ``_build/html``, which ``make html`` (and therefore
``make test``) produces before pytest runs.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("RELU_BOOK_SITE", ROOT / "_build" / "html"))

pytestmark = pytest.mark.site

# Attributes through which a page makes the browser fetch something.
FETCHING_ATTRS = {"src", "href", "srcset", "data", "poster", "action"}
# <a href> is a link the reader may follow, not a request the page makes.
NAVIGATION_TAGS = {"a"}
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _Requests(HTMLParser):
    """Collect every URL that a page would load when opened."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        if tag in NAVIGATION_TAGS:
            return
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower()
        if tag == "link" and rel in {"canonical", "author", "license", "search", "next", "prev", "index"}:
            return
        for name in FETCHING_ATTRS & attrs.keys():
            value = attrs[name] or ""
            for url in value.split(",") if name == "srcset" else [value]:
                self.urls.append((tag, url.strip().split(" ")[0]))

    def handle_data(self, data):
        if self._in_style:
            self.urls.extend(("style", u) for u in re.findall(r"url\(['\"]?([^'\")]+)", data))


def _pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}; run `make html` first (make test does)")
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts)


def _remote_requests(page: Path) -> list[tuple[str, str]]:
    parser = _Requests()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(tag, url) for tag, url in parser.urls if REMOTE.match(url)]


def test_site_has_a_page_for_every_toc_entry():
    pages = {p.relative_to(SITE).as_posix() for p in _pages()}
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for entry in re.findall(r"file:\s*(\S+)", toc):
        assert f"{entry}.html" in pages, f"{entry} is in _toc.yml but was not built"


def test_no_page_requests_another_host():
    offenders = {p.relative_to(SITE).as_posix(): _remote_requests(p) for p in _pages()}
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"pages that load from other hosts: {offenders}"


def test_no_stylesheet_or_script_in_static_requests_another_host():
    offenders = []
    for path in (SITE / "_static").rglob("*"):
        if path.suffix not in {".css"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            if REMOTE.match(url):
                offenders.append((path.relative_to(SITE).as_posix(), url))
        for url in re.findall(r"@import\s+['\"]([^'\"]+)", text):
            if REMOTE.match(url):
                offenders.append((path.relative_to(SITE).as_posix(), url))
    assert not offenders, offenders


def test_mathjax_3_is_served_from_the_site():
    pages_with_math = [p for p in _pages() if "math notranslate" in p.read_text(encoding="utf-8")]
    assert pages_with_math, "no page of the site contains mathematics"
    for page in pages_with_math:
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, flags=re.IGNORECASE)
        assert scripts, f"{page.name} has math but loads no MathJax"
        for src in scripts:
            assert not REMOTE.match(src), src
            assert (page.parent / src.split("?")[0]).resolve().is_file(), f"{src} is missing from the site"
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (SITE / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_every_chapter_page_has_typesettable_math_and_no_error_output():
    for page in (SITE / "chapters").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "math notranslate" in html, f"{page.name} has no math"
        assert "Traceback (most recent call last)" not in html, f"{page.name} shows a traceback"
        assert 'class="output stderr"' not in html, f"{page.name} shows stderr output"


def test_every_figure_in_a_chapter_has_alt_text_and_a_caption():
    for page in sorted((SITE / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", html)
        for tag in images:
            alt = re.search(r'\balt="([^"]*)"', tag)
            src = re.search(r'\bsrc="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{page.name}: image without alt text: {tag[:120]}"
            assert src is None or Path(src.group(1)).name not in alt.group(1), (
                f"{page.name}: alt text is only the file name: {tag[:120]}"
            )
        n_figures = html.count("<figure")
        n_captions = html.count("<figcaption")
        assert n_captions == n_figures, f"{page.name}: {n_figures} figures but {n_captions} captions"
        assert len(images) <= n_figures + html.count('class="sd-card-img'), (
            f"{page.name}: an image outside a captioned figure"
        )


def test_every_chapter_page_offers_its_notebook_for_download():
    for page in sorted((SITE / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        link = f"../_sources/chapters/{page.stem}.ipynb"
        assert f'href="{link}"' in html, f"{page.name} has no download link for its notebook"
        assert (page.parent / link).resolve().is_file(), f"{link} is missing from the site"


def test_no_launch_buttons_without_a_repository():
    # Binder/Colab buttons need a public repository URL; none is configured (see README).
    for page in sorted((SITE / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert "mybinder.org" not in html and "colab.research.google.com" not in html


def test_every_table_in_a_chapter_has_a_numbered_caption():
    """Tables are numbered and captioned like figures ("Table 3.1 ..."), in HTML as in the PDF."""
    counted = 0
    for page in sorted((SITE / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        chapter = int(page.stem.split("_")[0])
        tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
        for i, table in enumerate(tables, start=1):
            caption = re.search(r'<caption>.*?<span class="caption-number">Table (\d+)\.(\d+) </span>',
                                table, flags=re.S)
            assert caption, f"{page.name}: table {i} has no numbered caption"
            assert (int(caption.group(1)), int(caption.group(2))) == (chapter, i), (
                f"{page.name}: table {i} is numbered {caption.group(1)}.{caption.group(2)}")
            counted += 1
    assert counted >= 8, f"only {counted} tables in the chapters"
