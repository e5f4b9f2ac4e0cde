r"""The house figure style, and the figure every chapter draws: f beside f'.

Call :func:`use_house_style` once at the top of a notebook. Figures then
have opaque white backgrounds (legible on the site's dark theme), a light
grid, readable font sizes and the colour-blind-safe Okabe--Ito palette.
:data:`COLORS` names the colours used for the same role in every chapter,
and :func:`style` gives each activation its own colour and line style, the
same in every figure (recorded in :mod:`relu_book.registry`).

:func:`plot_function_and_derivative` draws a function and its derivative
side by side. The derivative is drawn piecewise between the kinks, never as
a vertical line joining a jump; at each kink open circles mark the two
one-sided limits and a filled circle marks the value the derivative
function actually returns there (the convention, e.g. 0 for relu at 0).
"""

from __future__ import annotations

import numbers

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

from relu_book import registry
from relu_book._validation import function, integer, interval, real_scalar

__all__ = [
    "OKABE_ITO",
    "COLORS",
    "HOUSE_STYLE",
    "INLINE_FIGURE_FORMAT",
    "use_house_style",
    "style",
    "new_figure",
    "plot_function_and_derivative",
]

#: The Okabe--Ito colour-blind-safe palette (Okabe & Ito 2008), by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Colours by role, used consistently across chapters.
COLORS = {
    "function": OKABE_ITO["blue"],
    "derivative": OKABE_ITO["vermillion"],
    "kink": "#555555",
    "reference": "#999999",
    "accent": OKABE_ITO["bluish_green"],
    "secondary": OKABE_ITO["orange"],
    "highlight": OKABE_ITO["reddish_purple"],
}

#: matplotlib rcParams of the house style (applied by :func:`use_house_style`).
HOUSE_STYLE = {
    # opaque white everywhere, so figures read on a dark site theme
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.bbox": "tight",
    "savefig.dpi": 110,
    "figure.figsize": [7.0, 3.5],
    "figure.dpi": 110,
    # light grid behind the data, no top/right spines
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    # readable type
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "#cccccc",
    # lines and colours
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())),
    "image.cmap": "viridis",
}


#: How notebooks show figures: IPython's "retina" PNG, with twice the pixels
#: of its displayed size. ``figure.dpi`` (110) fixes the displayed size (a
#: 7-inch figure is 770 CSS pixels wide, scaled to the 688-pixel column of the
#: site); the PNG holds 2 x 110 pixels per inch, so figures stay sharp on
#: screens with two device pixels per CSS pixel, and in the PDF edition.
INLINE_FIGURE_FORMAT = "retina"


def use_house_style() -> None:
    """Apply :data:`HOUSE_STYLE` to ``matplotlib.rcParams``, and show figures as retina PNGs.

    Inside IPython (a notebook), figures are then displayed in
    :data:`INLINE_FIGURE_FORMAT`: a PNG at twice ``figure.dpi`` whose stored
    width and height are the displayed size. Idempotent: calling it again
    changes nothing. Figures created before the call keep their look.

    Examples
    --------
    >>> use_house_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.spines.top"]
    False
    """
    mpl.rcParams.update(HOUSE_STYLE)
    _show_figures_as(INLINE_FIGURE_FORMAT)


def _show_figures_as(fmt: str) -> None:
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - IPython is installed with the book
        return
    if get_ipython() is not None:
        set_matplotlib_formats(fmt)


def style(name, **overrides) -> dict:
    r"""The colour and line style of the activation ``name`` in every figure.

    .. math::

        \text{name} \mapsto (\text{colour}, \text{line style})

    Read from the activation's entry in :mod:`relu_book.registry`: one of
    the Okabe--Ito colours (:data:`OKABE_ITO`) and a matplotlib line style.
    relu is drawn in the book's main blue; every activation has a different
    (colour, line style) pair. Pass the result to ``Axes.plot`` as keyword
    arguments.

    Parameters
    ----------
    name : str
        An activation's name, e.g. ``"relu"``.
    **overrides
        Keyword arguments that replace or extend the style, e.g.
        ``linestyle=":"`` for a second curve of the same activation.

    Returns
    -------
    dict
        ``{"color": ..., "linestyle": ...}`` updated with ``overrides``.

    Raises
    ------
    ValueError
        If ``name`` is not a registered activation.

    Examples
    --------
    >>> style("relu")
    {'color': '#0072B2', 'linestyle': '-'}
    >>> style("gelu", linestyle=":")["linestyle"]
    ':'
    """
    spec = registry.get(name)
    return {"color": OKABE_ITO[spec.color], "linestyle": spec.linestyle, **overrides}


def new_figure(nrows=1, ncols=1, **kw):
    """Create a figure and axes in the house style, with constrained layout.

    Applies :func:`use_house_style`, then calls :func:`matplotlib.pyplot.subplots`.
    Unless ``figsize`` is given, each row of axes is 3.5 inches tall.

    Parameters
    ----------
    nrows, ncols : int, default 1
        Grid of axes.
    **kw
        Passed on to :func:`matplotlib.pyplot.subplots` (e.g. ``sharey=True``,
        ``figsize=(7, 3)``, ``layout=...``).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : matplotlib.axes.Axes or numpy.ndarray of them
        As returned by :func:`matplotlib.pyplot.subplots`.

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> len(axes)
    2
    >>> plt.close(fig)
    """
    nrows = integer(nrows, "nrows", low=None)
    ncols = integer(ncols, "ncols", low=None)
    if nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be >= 1, got {nrows} and {ncols}")
    use_house_style()
    kw.setdefault("layout", "constrained")
    if "figsize" not in kw:
        width, height = HOUSE_STYLE["figure.figsize"]
        kw["figsize"] = (width, height * nrows)
    return plt.subplots(nrows, ncols, **kw)


# ------------------------------------------------------ function and derivative


def _check_kinks(kinks, lo: float, hi: float) -> list[float]:
    if isinstance(kinks, numbers.Real):
        kinks = [kinks]
    try:
        values = [real_scalar(k, "kinks") for k in kinks]
    except TypeError as exc:
        if "kinks" in str(exc):
            raise
        raise TypeError(f"kinks must be a sequence of real numbers, got {type(kinks).__name__}") from None
    for k in values:
        if not lo < k < hi:
            raise ValueError(f"kinks must lie strictly inside x_range ({lo}, {hi}), got {k}")
    return sorted(set(values))


def _evaluate(func, x: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        y = np.asarray(func(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"{name} must be elementwise: it returned shape {y.shape} for x of shape {x.shape}")
    return y


def _pieces(func, breaks, num: int, delta: float, name: str):
    """Sample ``func`` on each piece; at a kink use the one-sided limit."""
    lo, hi = breaks[0], breaks[-1]
    pieces = []
    for j, (a, b) in enumerate(zip(breaks[:-1], breaks[1:])):
        n = max(2, int(round(num * (b - a) / (hi - lo))))
        x = np.linspace(a, b, n)
        y = _evaluate(func, x, name)
        if j > 0:  # a is a kink: right-hand limit
            y[0] = _evaluate(func, np.array([a + delta]), name)[0]
        if j < len(breaks) - 2:  # b is a kink: left-hand limit
            y[-1] = _evaluate(func, np.array([b - delta]), name)[0]
        pieces.append((x, y))
    return pieces


def _draw(ax, pieces, kinks, func, color, name, always_mark, mark_label):
    for x, y in pieces:
        ax.plot(x, y, color=color, solid_capstyle="butt")
    ys = np.concatenate([y for _, y in pieces])
    span = np.ptp(ys[np.isfinite(ys)]) if np.isfinite(ys).any() else 0.0
    open_x, open_y, dot_x, dot_y = [], [], [], []
    for j, k in enumerate(kinks):
        left = pieces[j][1][-1]
        right = pieces[j + 1][1][0]
        jumps = abs(left - right) > 1e-3 * max(span, 1e-12)
        if not (always_mark or jumps):
            continue
        open_x += [k, k]
        open_y += [left, right]
        dot_x.append(k)
        dot_y.append(_evaluate(func, np.array([k]), name)[0])
    if dot_x:
        style = {"linestyle": "none", "marker": "o", "markersize": 7, "markeredgewidth": 1.6, "clip_on": False}
        ax.plot(open_x, open_y, markerfacecolor="white", markeredgecolor=color,
                label="one-sided limits", zorder=3, **style)
        ax.plot(dot_x, dot_y, markerfacecolor=color, markeredgecolor=color,
                label=mark_label, zorder=4, **style)
    # y-limits: all drawn values and 0 (the reference line), padded so that
    # no marker sits on the frame
    drawn = np.concatenate([ys, open_y, dot_y, [0.0]])
    drawn = drawn[np.isfinite(drawn)]
    low, high = float(drawn.min()), float(drawn.max())
    pad = 0.08 * (high - low) if high > low else 0.5
    ax.set_ylim(low - pad, high + pad)
    return bool(dot_x)


def plot_function_and_derivative(
    f, fprime, *, x_range=(-3, 3), kinks=(), name="f", num=1001, axes=None
):
    r"""Draw :math:`f` (left) and :math:`f'` (right), honestly at the kinks.

    Both panels are drawn piecewise between the ``kinks``, so a jump is never
    joined by a vertical line. At each kink :math:`k` the derivative panel
    shows open circles at the one-sided limits :math:`f'(k^-)` and
    :math:`f'(k^+)` (evaluated at :math:`k \mp \delta` with
    :math:`\delta = 10^{-6}` times the width of ``x_range``) and a filled
    circle at :math:`f'(k)`, the value ``fprime`` returns there (the
    convention; legend "value used at the kink"). If :math:`f` itself jumps
    at a kink (the generalised ReLU with a threshold), the function panel
    gets the same open and filled circles.

    Parameters
    ----------
    f, fprime : callable
        Vectorised elementwise function and its derivative.
    x_range : (float, float), default (-3, 3)
        Increasing pair of finite numbers.
    kinks : float or sequence of float, default ()
        Points strictly inside ``x_range`` where ``f`` is not differentiable.
    name : str, default "f"
        The function's name in math mode for the labels, e.g.
        ``r"\mathrm{relu}"`` gives :math:`\mathrm{relu}(x)` and
        :math:`\mathrm{relu}'(x)`.
    num : int, default 1001
        Number of sample points over ``x_range`` (at least 2).
    axes : pair of matplotlib Axes, optional
        Draw into these instead of a new figure from :func:`new_figure`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    (ax_f, ax_df) : tuple of matplotlib.axes.Axes

    Examples
    --------
    >>> from relu_book import relu, relu_grad
    >>> fig, (ax_f, ax_df) = plot_function_and_derivative(
    ...     relu, relu_grad, kinks=[0], name=r"\mathrm{relu}")
    >>> ax_df.get_ylabel()
    "$\\mathrm{relu}'(x)$"
    >>> plt.close(fig)
    """
    function(f, "f")
    function(fprime, "fprime")
    lo, hi = interval(x_range, "x_range")
    kinks = _check_kinks(kinks, lo, hi)
    num = integer(num, "num", low=2)
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if axes is None:
        fig, (ax_f, ax_df) = new_figure(1, 2)
    else:
        try:
            ax_f, ax_df = axes
        except (TypeError, ValueError):
            raise ValueError("axes must be a pair of matplotlib Axes") from None
        if not all(isinstance(ax, mpl.axes.Axes) for ax in (ax_f, ax_df)):
            raise TypeError("axes must be a pair of matplotlib Axes")
        fig = ax_f.figure

    breaks = [lo, *kinks, hi]
    delta = 1e-6 * (hi - lo)
    for k in kinks:
        for ax in (ax_f, ax_df):
            ax.axvline(k, color=COLORS["kink"], linestyle=":", linewidth=1.0, zorder=1)
    pieces_f = _pieces(f, breaks, num, delta, "f")
    pieces_df = _pieces(fprime, breaks, num, delta, "fprime")
    jumped = _draw(ax_f, pieces_f, kinks, f, COLORS["function"], "f",
                   always_mark=False, mark_label="value at the jump")
    marked = _draw(ax_df, pieces_df, kinks, fprime, COLORS["derivative"], "fprime",
                   always_mark=True, mark_label="value used at the kink")

    ax_f.set_ylabel(f"${name}(x)$")
    ax_df.set_ylabel(f"${name}'(x)$")
    for ax, has_markers in ((ax_f, jumped), (ax_df, marked)):
        ax.set_xlabel("$x$")
        ax.set_xlim(lo, hi)
        ax.axhline(0, color=COLORS["reference"], linewidth=0.8, zorder=1)
        if has_markers:
            ax.legend(loc="best")
    return fig, (ax_f, ax_df)
