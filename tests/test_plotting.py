"""Tests of relu_book.plotting: the house style and the f / f' figure."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest

import relu_book as rb
from relu_book import registry
from relu_book.plotting import (
    COLORS,
    HOUSE_STYLE,
    OKABE_ITO,
    new_figure,
    plot_function_and_derivative,
    style,
    use_house_style,
)


@pytest.fixture(autouse=True)
def _isolated_matplotlib():
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _markers(ax):
    """(open, filled) marker lines of an axes."""
    lines = [ln for ln in ax.get_lines() if ln.get_marker() == "o" and ln.get_linestyle() == "None"]
    is_open = lambda ln: mcolors.to_hex(ln.get_markerfacecolor()) == "#ffffff"  # noqa: E731
    return [ln for ln in lines if is_open(ln)], [ln for ln in lines if not is_open(ln)]


def _curves(ax):
    return [ln for ln in ax.get_lines() if ln.get_linestyle() == "-" and len(ln.get_xdata()) > 2]


def _generalized(x):
    return rb.generalized_relu(x, negative_slope=0.1, threshold=1.0)


def _generalized_grad(x):
    return rb.generalized_relu_grad(x, negative_slope=0.1, threshold=1.0)


# ------------------------------------------------------------------ style


def test_use_house_style_sets_every_rcparam():
    use_house_style()
    for key, value in HOUSE_STYLE.items():
        assert matplotlib.rcParams[key] == value, key


def test_use_house_style_is_idempotent():
    use_house_style()
    first = dict(matplotlib.rcParams)
    use_house_style()
    assert dict(matplotlib.rcParams) == first


def test_house_style_backgrounds_are_opaque_white():
    for key in ("figure.facecolor", "axes.facecolor", "savefig.facecolor"):
        assert mcolors.to_rgba(HOUSE_STYLE[key]) == (1.0, 1.0, 1.0, 1.0)
    assert HOUSE_STYLE["savefig.transparent"] is False
    assert HOUSE_STYLE["savefig.bbox"] == "tight"


def test_house_style_hides_top_and_right_spines_and_uses_okabe_ito_cycle():
    assert HOUSE_STYLE["axes.spines.top"] is False and HOUSE_STYLE["axes.spines.right"] is False
    cycle = [c["color"] for c in HOUSE_STYLE["axes.prop_cycle"]]
    assert cycle == list(OKABE_ITO.values())


def test_colors_are_valid_and_named_by_role():
    assert {"function", "derivative", "kink", "reference", "accent"} <= set(COLORS)
    assert all(mcolors.is_color_like(c) for c in COLORS.values())
    assert COLORS["function"] != COLORS["derivative"]


def test_every_registered_activation_has_its_own_okabe_ito_colour_and_line_style_pair():
    styles = {name: style(name) for name in registry.names()}
    pairs = {(s["color"], s["linestyle"]) for s in styles.values()}
    assert len(pairs) == len(styles)
    assert {s["color"] for s in styles.values()} <= set(OKABE_ITO.values())
    for s in styles.values():  # every line style is one matplotlib draws
        (line,) = plt.plot([0, 1], [0, 1], **s)
        assert mcolors.same_color(line.get_color(), s["color"])


def test_relu_is_drawn_in_the_main_blue_with_a_solid_line():
    assert style("relu") == {"color": COLORS["function"], "linestyle": "-"}


def test_style_overrides_and_refuses_unknown_names():
    assert style("gelu", linestyle=":", lw=1) == {"color": style("gelu")["color"], "linestyle": ":", "lw": 1}
    with pytest.raises(ValueError, match="name must be one of"):
        style("swish")


def test_new_figure_uses_constrained_layout_and_house_size():
    fig, axes = new_figure(1, 2)
    assert len(axes) == 2
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    np.testing.assert_allclose(fig.get_size_inches(), HOUSE_STYLE["figure.figsize"])
    assert matplotlib.rcParams["axes.spines.top"] is False  # the style was applied


def test_new_figure_scales_height_with_rows_and_passes_keywords():
    fig, axes = new_figure(2, 1, sharex=True)
    assert axes.shape == (2,)
    assert fig.get_size_inches()[1] == pytest.approx(2 * HOUSE_STYLE["figure.figsize"][1])
    fig2, ax = new_figure(figsize=(3, 2))
    np.testing.assert_allclose(fig2.get_size_inches(), (3, 2))


def test_saved_figure_is_opaque():
    fig, _ = plot_function_and_derivative(rb.relu, rb.relu_grad, kinks=[0])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    image = plt.imread(buf)
    assert image.shape[2] == 3 or np.all(image[..., 3] == 1.0)
    assert mcolors.to_rgba(fig.get_facecolor())[3] == 1.0


# ------------------------------------------------- function and derivative


def test_relu_figure_has_two_labelled_axes():
    fig, (ax_f, ax_df) = plot_function_and_derivative(rb.relu, rb.relu_grad, kinks=[0], name=r"\mathrm{relu}")
    assert len(fig.axes) == 2
    assert ax_f.get_xlabel() == ax_df.get_xlabel() == "$x$"
    assert ax_f.get_ylabel() == r"$\mathrm{relu}(x)$"
    assert ax_df.get_ylabel() == r"$\mathrm{relu}'(x)$"


def test_relu_derivative_marks_one_sided_limits_open_and_convention_filled():
    _, (ax_f, ax_df) = plot_function_and_derivative(rb.relu, rb.relu_grad, kinks=[0])
    (open_,), (filled,) = _markers(ax_df)
    np.testing.assert_array_equal(open_.get_xdata(), [0.0, 0.0])
    np.testing.assert_array_equal(open_.get_ydata(), [0.0, 1.0])
    np.testing.assert_array_equal(filled.get_xdata(), [0.0])
    np.testing.assert_array_equal(filled.get_ydata(), [0.0])  # relu'(0) = 0, as PyTorch
    labels = [t.get_text() for t in ax_df.get_legend().get_texts()]
    assert labels == ["one-sided limits", "value used at the kink"]
    assert _markers(ax_f) == ([], [])  # relu is continuous: no dots on f
    assert ax_f.get_legend() is None


@pytest.mark.parametrize(
    ("f", "fprime", "kinks", "x_range"),
    [
        (rb.relu, rb.relu_grad, [0.0], (-3, 3)),
        (rb.leaky_relu, rb.leaky_relu_grad, [0.0], (-3, 3)),
        (rb.relu6, rb.relu6_grad, [0.0, 6.0], (-2, 8)),
        (_generalized, _generalized_grad, [1.0], (-3, 3)),
        (rb.sigmoid, rb.sigmoid_grad, [], (-3, 3)),
    ],
)
def test_derivative_is_piecewise_with_markers_per_kink(f, fprime, kinks, x_range):
    _, (_, ax_df) = plot_function_and_derivative(f, fprime, kinks=kinks, x_range=x_range)
    open_, filled = _markers(ax_df)
    n_open = sum(len(ln.get_xdata()) for ln in open_)
    n_filled = sum(len(ln.get_xdata()) for ln in filled)
    assert (n_open, n_filled) == (2 * len(kinks), len(kinks))
    pieces = _curves(ax_df)
    assert len(pieces) == len(kinks) + 1
    for piece in pieces:  # no vertical line joining a jump
        steps = np.abs(np.diff(piece.get_ydata()))
        assert steps.max(initial=0.0) < 0.05


def test_relu6_pieces_end_at_the_kinks():
    _, (_, ax_df) = plot_function_and_derivative(rb.relu6, rb.relu6_grad, kinks=[6, 0], x_range=(-2, 8))
    ends = [(ln.get_xdata()[0], ln.get_xdata()[-1]) for ln in _curves(ax_df)]
    assert ends == [(-2.0, 0.0), (0.0, 6.0), (6.0, 8.0)]
    _, filled = _markers(ax_df)
    np.testing.assert_array_equal(filled[0].get_ydata(), [0.0, 0.0])  # relu6'(0) = relu6'(6) = 0


def test_function_with_a_jump_is_drawn_piecewise_with_dots():
    _, (ax_f, ax_df) = plot_function_and_derivative(_generalized, _generalized_grad, kinks=[1.0], name="g")
    (open_,), (filled,) = _markers(ax_f)
    np.testing.assert_allclose(open_.get_ydata(), [0.0, 1.0], atol=1e-5)
    np.testing.assert_array_equal(filled.get_ydata(), [0.0])  # Keras: f(threshold) = 0
    assert len(_curves(ax_f)) == 2
    labels = [t.get_text() for t in ax_f.get_legend().get_texts()]
    assert labels == ["one-sided limits", "value at the jump"]
    (_,), (filled_df,) = _markers(ax_df)
    np.testing.assert_allclose(filled_df.get_ydata(), [0.0])


def test_markers_are_not_clipped_and_inside_the_y_limits():
    _, (_, ax_df) = plot_function_and_derivative(rb.relu, rb.relu_grad, kinks=[0])
    low, high = ax_df.get_ylim()
    assert low < 0.0 and high > 1.0
    open_, filled = _markers(ax_df)
    assert not any(ln.get_clip_on() for ln in open_ + filled)


def test_draws_into_given_axes():
    fig, axes = plt.subplots(1, 2)
    out_fig, out_axes = plot_function_and_derivative(rb.relu, rb.relu_grad, kinks=0, axes=axes)
    assert out_fig is fig and out_axes == (axes[0], axes[1])


def test_constant_and_nan_functions_still_get_sensible_limits():
    zero = lambda x: np.zeros_like(x)  # noqa: E731
    nan = lambda x: np.full_like(x, np.nan)  # noqa: E731
    _, (ax_f, ax_df) = plot_function_and_derivative(zero, nan)
    assert ax_f.get_ylim() == (-0.5, 0.5)
    assert ax_df.get_ylim() == (-0.5, 0.5)


def test_num_sets_the_resolution():
    _, (ax_f, _) = plot_function_and_derivative(rb.relu, rb.relu_grad, num=11, x_range=(0, 1))
    assert len(_curves(ax_f)[0].get_xdata()) == 11


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"f": 1.0}, TypeError, "f must be callable, got float"),
        ({"fprime": None}, TypeError, "fprime must be callable, got NoneType"),
        ({"x_range": (3, -3)}, ValueError, r"x_range must be increasing, got \(3.0, -3.0\)"),
        ({"x_range": (0, 0)}, ValueError, "x_range must be increasing"),
        ({"x_range": 3}, ValueError, "x_range must be a pair"),
        ({"x_range": (0, 1, 2)}, ValueError, "x_range must be a pair"),
        ({"x_range": (-np.inf, 1)}, ValueError, r"x_range\[0\] must be finite, got -inf"),
        ({"x_range": (0, np.nan)}, ValueError, r"x_range\[1\] must not be nan"),
        ({"kinks": [5.0]}, ValueError, r"kinks must lie strictly inside x_range \(-3.0, 3.0\), got 5.0"),
        ({"kinks": [-3.0]}, ValueError, "kinks must lie strictly inside x_range"),
        ({"kinks": ["0"]}, TypeError, "kinks must be a real number, got str"),
        ({"kinks": None}, TypeError, "kinks must be a sequence of real numbers, got NoneType"),
        ({"num": 1}, ValueError, "num must be >= 2, got 1"),
        ({"num": 10.5}, TypeError, "num must be an integer, got float"),
        ({"num": True}, TypeError, "num must be an integer, got bool"),
        ({"name": 3}, TypeError, "name must be a string, got int"),
        ({"axes": "ab"}, TypeError, "axes must be a pair of matplotlib Axes"),
        ({"axes": 1}, ValueError, "axes must be a pair of matplotlib Axes"),
        ({"f": np.sum}, ValueError, r"f must be elementwise: it returned shape \(\) for x of shape"),
    ],
)
def test_bad_arguments_are_rejected_with_a_message(kwargs, error, message):
    args = {"f": rb.relu, "fprime": rb.relu_grad}
    args.update(kwargs)
    f, fprime = args.pop("f"), args.pop("fprime")
    with pytest.raises(error, match=message):
        plot_function_and_derivative(f, fprime, **args)


@pytest.mark.parametrize(
    ("nrows", "ncols", "error", "message"),
    [
        (0, 1, ValueError, "nrows and ncols must be >= 1, got 0 and 1"),
        (1, 2.0, TypeError, "ncols must be an integer, got float"),
        (True, 1, TypeError, "nrows must be an integer, got bool"),
    ],
)
def test_new_figure_rejects_bad_grid(nrows, ncols, error, message):
    with pytest.raises(error, match=message):
        new_figure(nrows, ncols)


def test_use_house_style_shows_notebook_figures_at_twice_their_displayed_pixels():
    import base64

    from IPython.core.interactiveshell import InteractiveShell
    from PIL import Image

    shell = InteractiveShell.instance()
    fig = None
    try:
        use_house_style()
        fig, ax = new_figure()
        ax.plot([0, 1], [0, 1])
        data, metadata = shell.display_formatter.format(fig)
        png = data["image/png"]
        png = base64.b64decode(png) if isinstance(png, str) else png
        width, height = Image.open(io.BytesIO(png)).size
        shown = metadata["image/png"]
        assert abs(width - 2 * shown["width"]) <= 1 and abs(height - 2 * shown["height"]) <= 1
        assert 700 <= shown["width"] <= 800  # 7 inches at figure.dpi 110, less the tight crop
    finally:
        if fig is not None:
            plt.close(fig)
        InteractiveShell.clear_instance()


def test_every_stored_notebook_figure_has_twice_the_pixels_it_is_shown_with():
    import base64
    from pathlib import Path

    import nbformat
    from PIL import Image

    checked = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "chapters").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                if "image/png" not in output.get("data", {}):
                    continue
                shown = output.get("metadata", {}).get("image/png", {})
                assert "width" in shown, f"{path.name} cell {cell.id}: a figure without its displayed size"
                width, _ = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"]))).size
                assert abs(width - 2 * shown["width"]) <= 1, f"{path.name} cell {cell.id}: {width} px for {shown}"
                checked += 1
    assert checked >= 20
