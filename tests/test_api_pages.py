"""The API reference: one page for each part of ``relu_book``, every module on exactly one.

The split lets a parallel build read the pages in different processes
(``tests/test_build_speed.py``).
"""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import relu_book

ROOT = Path(__file__).resolve().parent.parent
API_PAGES = sorted((ROOT / "api").glob("*.md"))

#: An ``automodule`` directive (reST, or a MyST ``{automodule}`` block) and the module it names.
AUTOMODULE = re.compile(r"^\s*(?:\.\. automodule::|```\{automodule\})\s*([\w.]+)", re.M)


def documented_modules(text: str) -> list[str]:
    """The modules that the ``automodule`` directives of a page name, in order."""
    return AUTOMODULE.findall(text)


def _public_modules() -> list[str]:
    return sorted(f"relu_book.{m.name}" for m in pkgutil.iter_modules(relu_book.__path__)
                  if not m.name.startswith("_"))


def test_every_public_module_is_documented_on_exactly_one_page():
    pages = {page.stem: documented_modules(page.read_text(encoding="utf-8")) for page in API_PAGES}
    documented = [module for modules in pages.values() for module in modules]
    assert len(API_PAGES) >= 2, "the API reference has one page for each part of relu_book"
    assert sorted(documented) == _public_modules(), {
        "missing": sorted(set(_public_modules()) - set(documented)),
        "twice": sorted({m for m in documented if documented.count(m) > 1}),
        "not a module of relu_book": sorted(set(documented) - set(_public_modules()))}
    assert not documented_modules((ROOT / "api.md").read_text(encoding="utf-8"))


def test_the_index_page_lists_each_page_with_the_modules_it_documents():
    index = (ROOT / "api.md").read_text(encoding="utf-8")
    items = dict(re.findall(r"^- \[[^]]+\]\(api/(\w+)\.md\): (.*)$", index, re.M))
    assert sorted(items) == sorted(page.stem for page in API_PAGES)
    for page in API_PAGES:
        listed = re.findall(r"\{py:mod\}`([\w.]+)`", items[page.stem])
        assert listed == documented_modules(page.read_text(encoding="utf-8")), page.name


def test_the_table_of_contents_lists_every_api_page_under_the_index():
    # _toc.yml read as text (PyYAML comes with the book's extra, not with the lowest-versions run)
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    block = re.search(r"^( *)- file: api\n\1  sections:\n((?:\1    - file: \S+\n)+)", toc, re.M)
    assert block, "_toc.yml has no `sections:` under `- file: api`"
    assert sorted(re.findall(r"- file: (\S+)", block.group(2))) == sorted(
        f"api/{page.stem}" for page in API_PAGES)


def test_automodule_directives_are_found_in_rest_and_myst():
    text = "```{eval-rst}\n.. automodule:: pkg.b\n   :members:\n```\n\n```{automodule} pkg.a\n:members:\n```\n"
    assert documented_modules(text) == ["pkg.b", "pkg.a"]
    assert documented_modules("No directive; automodule:: pkg.x is prose.") == []

