"""Include each inline script only once per page.

Extensions add their inline configuration scripts once per read of the
environment, and with Jupyter Book 1 some reach every page twice:
sphinx-togglebutton's ``var togglebuttonSelector = ...`` does, and so did
sphinx-thebe's ``const THEBE_JS_URL = ...`` (no longer loaded), whose second
copy threw "Identifier 'THEBE_JS_URL' has already been declared" in the
browser console. This extension drops exact duplicates from each page's
script list before the page is written.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _key(script) -> tuple:
    # An inline script has no file: its filename is None or "" depending on who added it.
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _dedupe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
