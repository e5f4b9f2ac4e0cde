"""Execute chapter notebooks top to bottom and store their outputs in place.

Usage::

    .venv/bin/python scripts/execute_notebooks.py [NOTEBOOK ...]

With no arguments every ``chapters/*.ipynb`` is executed. Each notebook runs
in a fresh kernel from its own folder, exactly as nbval will re-run it. After
execution the notebook is normalised so that its diff stays reviewable:
execution counts are renumbered from 1, stream chunks are merged, and per-cell execution timestamps,
widget state and other run-dependent metadata are removed.

Cells tagged ``framework-listing`` import PyTorch, JAX, Keras or TensorFlow,
which the book does not require. They are executed only when all of those
import (``pip install -e '.[frameworks]'``); otherwise they are skipped and
keep their stored outputs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 120  # seconds, the same limit nbval uses
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info", "jupytext", "mystnb")
LISTING_TAG = "framework-listing"
SKIP_TAG = "skip-execution"  # nbclient's tag for cells it must not run
FRAMEWORKS = ("torch", "jax", "keras", "tensorflow")


def frameworks_installed() -> bool:
    """True when every framework of the listings can be found (without importing it)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in FRAMEWORKS)


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks into one output.

    The kernel splits a cell's printout into chunks depending on timing; merging
    them makes the stored notebook independent of that.
    """
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def normalise(nb: nbformat.NotebookNode) -> None:
    """Strip run-dependent metadata from ``nb`` in place."""
    nb.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items() if k in KEEP_NOTEBOOK_METADATA})
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    lang = nb.metadata.get("language_info", {})
    kept = ("codemirror_mode", "file_extension", "mimetype", "nbconvert_exporter")
    nb.metadata["language_info"] = {
        "name": "python",
        "pygments_lexer": "ipython3",
        **{k: lang[k] for k in kept if k in lang},
    }
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.outputs = merge_streams(cell.get("outputs", []))
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
                out.get("metadata", {}).pop("execution", None)


def execute(path: Path) -> None:
    """Run ``path`` in a fresh kernel and write it back, normalised."""
    nb = nbformat.read(path, as_version=4)
    skipped = []
    if not frameworks_installed():
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if LISTING_TAG in tags and SKIP_TAG not in tags:
                tags.append(SKIP_TAG)
                skipped.append(cell)
        if skipped:
            print(f"  {len(skipped)} framework listings kept as stored (frameworks not installed)", flush=True)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    for cell in skipped:
        cell.metadata["tags"].remove(SKIP_TAG)
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = [Path(a) for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path}", flush=True)
        execute(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
