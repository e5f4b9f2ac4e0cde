"""Edit specific cells of a notebook with nbformat, keeping cell ids.

Usage in scripts: edit(path, {cell_id: [(old, new), ...]}) for source text
replacements (each old must occur exactly once), and set_meta(path, cell_id, fn).
"""
import nbformat

CHANGED = {}
SKIPPED = []


def report():
    for item in SKIPPED:
        print("SKIPPED (text has changed; apply by hand):", item)

def _load(path):
    return nbformat.read(path, as_version=4)

def edit(path, changes, metadata=None):
    nb = _load(path)
    by_id = {c.id: c for c in nb.cells}
    for cid, pairs in changes.items():
        cell = by_id[cid]
        src = cell.source
        for old, new in pairs:
            n = src.count(old)
            if n == 0 and new in src:
                continue  # already applied
            if n != 1:
                SKIPPED.append(f"{path} {cid}: {n} occurrences of {old[:70]!r}")
                continue
            src = src.replace(old, new)
        cell.source = src
        CHANGED.setdefault(path, set()).add(cid)
    for cid, fn in (metadata or {}).items():
        try:
            fn(by_id[cid].metadata)
        except AssertionError as exc:
            SKIPPED.append(f"{path} {cid}: metadata {exc}")
            continue
        CHANGED.setdefault(path, set()).add(cid)
    nbformat.write(nb, path)

import atexit
atexit.register(report)


def source(path, cid):
    return {c.id: c for c in _load(path).cells}[cid].source
