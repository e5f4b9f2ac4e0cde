"""Check that the figures stored in the chapters are the ones the code draws today.

nbval re-executes every notebook and compares its text outputs, but not its
images, so a figure could go stale unnoticed. The comparison here decodes
both PNGs and compares their pixels. With the pinned versions the figures
are byte-identical from run to run; the tolerance only absorbs the faint
antialiasing noise that last-bit differences in the plotted numbers (another
CPU, another BLAS) could cause:

* a pixel differs when one of its channels differs by more than
  ``PIXEL_TOLERANCE`` (on the 0..1 scale of ``matplotlib.image.imread``);
  such noise changes a pixel by a few levels of 255, a changed drawing by
  far more;
* a figure is stale when its size changed or more than ``AREA_TOLERANCE`` of
  its pixels differ; it is 0, since one letter of a tick label changes only
  some ten pixels of a 640x480 figure.

``make test`` runs this check inside nbval's own execution (see
``conftest.py``), so notebooks are not executed twice. Run it on its own,
without pytest, with::

    .venv/bin/python scripts/check_figures.py [NOTEBOOK ...]   # default: every chapter

which executes each notebook in memory (the files are not changed) and lists
every stale figure; with ``--save DIR`` it writes each stale pair
(``*-stored.png``, ``*-current.png``) there for review. Regenerate stale
outputs with ``make notebooks`` (``scripts/execute_notebooks.py``).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PIXEL_TOLERANCE = 0.1  # about 25 of 255 levels
AREA_TOLERANCE = 0.0  # fraction of the pixels that may differ
CELL_TIMEOUT = 120  # seconds, as nbval's --nbval-cell-timeout


@dataclass(frozen=True)
class FigureDifference:
    """How a figure drawn today differs from the stored one."""

    index: int  # position of the figure among the cell's images, from 0
    reason: str
    stored: bytes | None
    current: bytes | None

    def __str__(self) -> str:
        return f"figure {self.index + 1}: {self.reason}"


def png_images(outputs: list) -> list[bytes]:
    """Return the PNG images of a cell's outputs (display data and results), in order."""
    images = []
    for out in outputs:
        data = out.get("data", {}) if hasattr(out, "get") else {}
        png = data.get("image/png")
        if png is not None:
            images.append(base64.b64decode("".join(png) if isinstance(png, list) else png))
    return images


def decode(png: bytes) -> np.ndarray:
    """Decode a PNG into an RGBA float array with values in [0, 1]."""
    from matplotlib.image import imread

    image = np.asarray(imread(io.BytesIO(png), format="png"), dtype=np.float32)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.shape[2] == 3:
        image = np.concatenate([image, np.ones(image.shape[:2] + (1,), np.float32)], axis=2)
    return image


def compare_png(
    stored: bytes, current: bytes, pixel_tolerance: float = PIXEL_TOLERANCE, area_tolerance: float = AREA_TOLERANCE
) -> str | None:
    """Return why ``current`` differs from ``stored`` beyond the tolerances, or None if it does not."""
    if stored == current:
        return None
    a, b = decode(stored), decode(current)
    if a.shape != b.shape:
        return f"its size changed from {a.shape[1]}x{a.shape[0]} to {b.shape[1]}x{b.shape[0]} pixels"
    diff = np.abs(a - b).max(axis=2)
    changed = float(np.mean(diff > pixel_tolerance))
    if changed > area_tolerance:
        return f"{100 * changed:.2f}% of its pixels differ (largest difference {diff.max():.2f} on a 0-1 scale)"
    return None


def compare_cell(stored_outputs: list, current_outputs: list) -> list[FigureDifference]:
    """Compare the figures of one cell: stored outputs against those of a fresh run."""
    stored, current = png_images(stored_outputs), png_images(current_outputs)
    differences = []
    for i in range(max(len(stored), len(current))):
        if i >= len(stored):
            differences.append(FigureDifference(i, "drawn today but not stored", None, current[i]))
        elif i >= len(current):
            differences.append(FigureDifference(i, "stored but no longer drawn", stored[i], None))
        elif (reason := compare_png(stored[i], current[i])) is not None:
            differences.append(FigureDifference(i, reason, stored[i], current[i]))
    return differences


def save(differences: list[FigureDifference], folder: Path, stem: str) -> None:
    """Write each differing pair as ``{stem}-figN-stored.png`` and ``-current.png`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in differences:
        for kind, data in (("stored", d.stored), ("current", d.current)):
            if data is not None:
                (folder / f"{stem}-fig{d.index + 1}-{kind}.png").write_bytes(data)


def _checked_by_nbval(cell) -> bool:
    """Whether nbval compares this cell's outputs (no ignore-output or skip tag or comment)."""
    markers = {"nbval-ignore-output", "nbval-skip"}
    tags = set(cell.metadata.get("tags", []))
    return not (tags & markers or any(m.upper().replace("-", "_") in cell.source for m in markers))


def check_notebook(path: Path, save_to: Path | None = None) -> list[str]:
    """Execute ``path`` in memory and return one line per stale figure."""
    import nbformat
    from nbclient import NotebookClient

    stored = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    client = NotebookClient(
        fresh, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    problems = []
    code_cells = [(old, new) for old, new in zip(stored.cells, fresh.cells) if old.cell_type == "code"]
    for number, (old, new) in enumerate(code_cells):  # numbered from 0, as nbval names its items
        if old.execution_count is None or not _checked_by_nbval(old):
            continue
        differences = compare_cell(old.outputs, new.outputs)
        if differences and save_to is not None:
            save(differences, save_to, f"{path.stem}-cell{number}")
        problems.extend(f"{path.name}::Cell {number}, {d}" for d in differences)
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: chapters/*.ipynb")
    parser.add_argument("--save", type=Path, metavar="DIR", help="write each stale figure pair into DIR")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    problems = []
    for path in paths:
        print(f"checking {path}", flush=True)
        problems.extend(check_notebook(path.resolve(), args.save))
    for line in problems:
        print(f"stale: {line}")
    print(f"{len(problems)} stale figure(s) in {len(paths)} notebook(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
