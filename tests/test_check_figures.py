"""The stale-figure check: figures compared pixel by pixel, within a tolerance."""

from __future__ import annotations

import base64
import importlib.util
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
MPL_CONFIG = matplotlib.get_configdir()  # before pytester moves HOME: no font cache to rebuild
_spec = importlib.util.spec_from_file_location("check_figures", ROOT / "scripts" / "check_figures.py")
check_figures = sys.modules.setdefault("check_figures", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(check_figures)


def _png(slope=1.0, label="x", size=(4, 3), dpi=50) -> bytes:
    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    x = np.linspace(-1, 1, 101)
    ax.plot(x, np.maximum(slope * x, 0))
    ax.set_xlabel(label)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _output(png: bytes) -> dict:
    return nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()})


def test_the_same_drawing_is_not_stale():
    assert check_figures.compare_png(_png(), _png()) is None


def test_a_moved_curve_is_stale():
    reason = check_figures.compare_png(_png(slope=1.0), _png(slope=0.5))
    assert reason is not None and "of its pixels differ" in reason


def test_a_changed_axis_label_is_stale():
    assert check_figures.compare_png(_png(label="x"), _png(label="z")) is not None


def test_a_changed_size_is_stale():
    reason = check_figures.compare_png(_png(size=(4, 3)), _png(size=(5, 3)))
    assert reason == "its size changed from 200x150 to 250x150 pixels"


def _edited(png: bytes, edit) -> bytes:
    image = check_figures.decode(png)
    edit(image)
    buf = io.BytesIO()
    plt.imsave(buf, image, format="png")
    return buf.getvalue()


def test_faint_antialiasing_noise_is_tolerated():
    def noise(image):
        image[10:20, 10:20, :3] = np.clip(image[10:20, 10:20, :3] + 0.05, 0, 1)  # below the pixel tolerance

    stored = _png()
    assert check_figures.compare_png(stored, _edited(stored, noise)) is None


def test_one_changed_pixel_is_stale():
    def flip(image):
        image[50, 50, :3] = 1 - image[50, 50, :3]

    stored = _png()
    assert check_figures.compare_png(stored, _edited(stored, flip)) == (
        "0.00% of its pixels differ (largest difference 1.00 on a 0-1 scale)"
    )


def test_cells_are_compared_figure_by_figure_and_in_order():
    a, b = _png(slope=1.0), _png(slope=0.5)
    text = nbformat.v4.new_output("stream", text="hello\n")
    assert check_figures.compare_cell([text, _output(a)], [text, _output(a)]) == []
    stale = check_figures.compare_cell([_output(a), _output(a)], [_output(a), _output(b)])
    assert [d.index for d in stale] == [1]
    assert str(check_figures.compare_cell([_output(a)], [])[0]) == "figure 1: stored but no longer drawn"
    assert str(check_figures.compare_cell([], [_output(a)])[0]) == "figure 1: drawn today but not stored"


def test_save_writes_both_versions(tmp_path):
    stale = check_figures.compare_cell([_output(_png(slope=1.0))], [_output(_png(slope=0.5))])
    check_figures.save(stale, tmp_path, "nb-cell3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb-cell3-fig1-current.png", "nb-cell3-fig1-stored.png"]


@pytest.mark.slow
def test_nbval_fails_a_cell_whose_stored_figure_is_stale(pytester, monkeypatch):
    """End to end: the project's conftest.py makes nbval fail on a stale figure, and only there."""
    monkeypatch.setenv("MPLCONFIGDIR", MPL_CONFIG)
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n")
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    (pytester.path / "scripts").mkdir()
    (pytester.path / "scripts" / "check_figures.py").write_text(
        (ROOT / "scripts" / "check_figures.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    source = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(2, 2), dpi=40)\n"
        "ax.plot([0, 1], [0, {y}])\n"
        "plt.show()"
    )
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source.format(y=1))])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert check_figures.png_images(nb.cells[0].outputs), "the cell drew no figure"
    nbformat.write(nb, pytester.path / "current.ipynb")
    nb.cells[0].source = source.format(y=-1)  # the code now draws another figure; the stored one is stale
    nbformat.write(nb, pytester.path / "stale.ipynb")

    result = pytester.runpytest_subprocess("--nbval", "--nbval-current-env", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*stale.ipynb::Cell 0*", "*Stored figure is stale*", "*figure 1: *"])
    assert (pytester.path / "_build" / "stale-figures" / "stale-cell0-fig1-current.png").is_file()
    # opting out: the stale notebook alone passes (one kernel, not two)
    assert pytester.runpytest_subprocess(
        "stale.ipynb", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "--no-figure-check"
    ).ret == 0
