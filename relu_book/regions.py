r"""Linear regions of a piecewise linear network: activation patterns and where they change.

A network whose activation is piecewise linear with its only kink at 0
(:data:`PIECEWISE_LINEAR`) is itself piecewise linear: on the set of inputs
that share an *activation pattern* (which hidden units are active) it is one
affine map. These functions, used in chapter 4, find the patterns and the
points where a segment of input space crosses from one region to the next:

* :func:`activation_patterns`: the pattern of every input;
* :func:`grid_region_changes`: where the pattern changes along a segment,
  sampled on a grid;
* :func:`region_breakpoints`: the same points, exactly, by walking the
  segment region by region.
"""

from __future__ import annotations

import numpy as np

from relu_book._validation import as_float_array, instance, integer, real_scalar, sequence
from relu_book.nn import MLP, _check_parameters

__all__ = [
    "PIECEWISE_LINEAR",
    "activation_patterns",
    "grid_region_changes",
    "region_breakpoints",
    "region_map",
    "max_regions_bound",
    "region_counts",
]


#: Activations whose networks are piecewise linear with a kink at 0 only.
PIECEWISE_LINEAR = ("relu", "leaky_relu", "prelu")


def _check_piecewise_linear(model) -> None:
    instance(model, "model", MLP)
    if model.activation not in PIECEWISE_LINEAR:
        raise ValueError(
            f"model must have a piecewise linear activation with its kink at 0 "
            f"({', '.join(PIECEWISE_LINEAR)}), got {model.activation!r}"
        )


def _line(model, x_start, x_end):
    n_in = model.layer_sizes[0]
    a = as_float_array(x_start, "x_start").astype(np.float64)
    b = as_float_array(x_end, "x_end").astype(np.float64)
    for name, v in (("x_start", a), ("x_end", b)):
        if v.shape != (n_in,):
            raise ValueError(f"{name} must have shape ({n_in},), got {v.shape}")
        if not np.isfinite(v).all():
            # a nan or infinite end gives nan pre-activations: no breakpoints, read as "one region"
            raise ValueError(f"{name} must be finite, got {v.tolist()}")
    if np.array_equal(a, b):
        raise ValueError("x_start and x_end must differ")
    return a, b


def activation_patterns(model, X):
    r"""Which hidden units are active (pre-activation > 0) at each input.

    .. math::

        P(x) = \bigl([z_{\ell j}(x) > 0]\bigr)_{\ell < L,\ j}

    Inside one linear region of a ReLU network the pattern is constant, and
    there the network is the affine map of the sub-network of active units.

    Parameters
    ----------
    model : relu_book.nn.MLP
        With an activation in :data:`PIECEWISE_LINEAR`.
    X : array_like, shape (batch, n_in)

    Returns
    -------
    numpy.ndarray of bool, shape (batch, total number of hidden units)

    Examples
    --------
    >>> model = MLP([1, 2, 1], init="normal", init_std=1.0)
    >>> model.weights[0] = np.array([[1.0, -1.0]])
    >>> activation_patterns(model, [[2.0], [-1.0], [0.0]])
    array([[ True, False],
           [False,  True],
           [False, False]])
    """
    _check_piecewise_linear(model)
    model.forward(X)
    return np.concatenate([r.pre_activation > 0 for r in model.activations[:-1]], axis=1)


def grid_region_changes(model, x_start, x_end, num=10_001):
    r"""Where the activation pattern changes along a segment, sampled on a grid.

    The segment is :math:`x(t) = x_0 + t\,(x_1 - x_0)`, :math:`t \in [0, 1]`,
    sampled at ``num`` equally spaced :math:`t`. Two regions closer than the
    grid spacing can be missed; :func:`region_breakpoints` is exact.

    Parameters
    ----------
    model : relu_book.nn.MLP
        With an activation in :data:`PIECEWISE_LINEAR`.
    x_start, x_end : array_like, shape (n_in,)
        The end points :math:`x_0 \ne x_1`.
    num : int, default 10001
        Grid points (>= 2).

    Returns
    -------
    numpy.ndarray, shape (changes,)
        The midpoints (in :math:`t`) of the grid intervals across which the
        pattern changes; the segment crosses ``changes + 1`` regions.

    Examples
    --------
    >>> model = MLP([1, 2, 1], init="normal", init_std=1.0)
    >>> model.weights[0] = np.array([[1.0, -1.0]])
    >>> model.biases[0] = np.array([-0.5, -0.5])   # kinks at x = 0.5 and x = -0.5
    >>> grid_region_changes(model, [-1.0], [1.0], num=9)
    array([0.1875, 0.8125])
    """
    _check_piecewise_linear(model)
    a, b = _line(model, x_start, x_end)
    num = integer(num, "num", low=2)
    t = np.linspace(0.0, 1.0, num)
    patterns = activation_patterns(model, a + t[:, None] * (b - a))
    changed = np.any(patterns[1:] != patterns[:-1], axis=1)
    return (t[1:][changed] + t[:-1][changed]) / 2


def _slopes(model, index: int, mask: np.ndarray) -> np.ndarray:
    """The derivative of hidden layer ``index``'s activation on each side given by ``mask``.

    ``mask`` is True on the positive side. For PReLU the negative-side slope is
    the layer's learned weight (one per unit, or one shared by the layer).
    """
    layer = model.activation_layers[index]
    if model.activation == "relu":
        return mask.astype(np.float64)
    if model.activation == "leaky_relu":
        return np.where(mask, 1.0, layer.kwargs.get("negative_slope", 0.01))
    return np.where(mask, 1.0, layer.params["weight"].astype(np.float64))  # prelu


def region_breakpoints(model, x_start, x_end, resolution=1e-9):
    r"""The exact points where a segment crosses from one linear region into the next.

    Along :math:`x(t) = x_0 + t\,(x_1 - x_0)`, inside one region every
    pre-activation is affine in :math:`t`:
    :math:`z_{\ell j}(t) = z_{\ell j}(s) + (t - s)\,\dot z_{\ell j}`, where the
    slope :math:`\dot z` is propagated forward with the region's activation
    pattern, :math:`\dot z_\ell = \bigl(f'(z_{\ell-1}) \circ \dot z_{\ell-1}\bigr) W_\ell`.
    The next breakpoint is the smallest root :math:`t > s` of these affine
    functions,

    .. math::

        t^\ast = \min_{\ell, j}\Bigl\{\, s - \frac{z_{\ell j}(s)}{\dot z_{\ell j}}
        \;:\; s - \frac{z_{\ell j}(s)}{\dot z_{\ell j}} > s \Bigr\},

    the first point where some unit switches on or off. The walk then steps
    just past :math:`t^\ast` (by ``resolution``) and repeats until
    :math:`t = 1`. Regions shorter than ``resolution`` (in :math:`t`) are
    merged with their neighbour.

    Parameters
    ----------
    model : relu_book.nn.MLP
        With an activation in :data:`PIECEWISE_LINEAR` (float64 recommended).
    x_start, x_end : array_like, shape (n_in,)
        End points :math:`x_0 \ne x_1`.
    resolution : float, default 1e-9
        Step past each breakpoint, in units of :math:`t` (in (0, 1e-3]).

    Returns
    -------
    numpy.ndarray, shape (breakpoints,)
        Increasing values of :math:`t` in (0, 1); the segment crosses
        ``breakpoints + 1`` linear regions.

    Examples
    --------
    >>> model = MLP([1, 2, 1], init="normal", init_std=1.0)
    >>> model.weights[0] = np.array([[1.0, -1.0]])
    >>> model.biases[0] = np.array([-0.5, -0.5])   # kinks at x = 0.5 and x = -0.5
    >>> region_breakpoints(model, [-1.0], [1.0])
    array([0.25, 0.75])
    """
    _check_piecewise_linear(model)
    a, b = _line(model, x_start, x_end)
    resolution = real_scalar(resolution, "resolution", low=0.0, high=1e-3, low_inclusive=False)
    direction = b - a
    weights = [w.astype(np.float64) for w in model.weights]
    biases = [v.astype(np.float64) for v in model.biases]
    breaks = []
    s = 0.0
    while True:
        h, h_dot = a + s * direction, direction
        candidates = []
        for index, (W, bias) in enumerate(zip(weights[:-1], biases[:-1])):
            z, z_dot = h @ W + bias, h_dot @ W
            with np.errstate(divide="ignore", invalid="ignore"):
                roots = s - z / z_dot
            roots = roots[np.isfinite(roots) & (roots > s)]
            if roots.size:
                candidates.append(roots.min())
            slope = _slopes(model, index, z > 0)
            h, h_dot = z * slope, z_dot * slope
        t_next = min(candidates, default=np.inf)
        if t_next >= 1.0:
            return np.array(breaks)
        breaks.append(float(t_next))
        s = t_next + resolution


def region_map(model, xlim=(-1.0, 1.0), ylim=(-1.0, 1.0), num=200):
    r"""The linear regions of a network with two inputs, on a grid: one integer label per pattern.

    Evaluates :func:`activation_patterns` at the :math:`\texttt{num}^2` points
    of a regular grid over ``xlim`` :math:`\times` ``ylim`` and numbers the
    distinct patterns :math:`0, 1, \dots`. A region is the set of inputs
    with one pattern,

    .. math::

        \{x : P(x) = p\} = \{x : z_{\ell j}(x) > 0 \iff p_{\ell j}\},

    an intersection of half-spaces (given :math:`p`, every :math:`z_{\ell j}`
    is affine in :math:`x`), hence convex: distinct labels are distinct
    regions. The number of labels is a lower bound on the number of regions
    that meet the window (a region containing no grid point is missed).

    Parameters
    ----------
    model : relu_book.nn.MLP
        With 2 inputs and an activation in :data:`PIECEWISE_LINEAR`.
    xlim, ylim : pair of float, default (-1, 1)
    num : int, default 200
        Grid points per axis (>= 2).

    Returns
    -------
    labels : numpy.ndarray of int, shape (num, num)
        ``labels[i, j]`` is the region of the point ``(x[j], y[i])``.
    x, y : numpy.ndarray, shape (num,)
        The grid coordinates.

    Examples
    --------
    >>> model = MLP([2, 2, 1], init="normal", init_std=1.0)
    >>> model.weights[0] = np.eye(2)   # units x_1 > 0 and x_2 > 0: four quadrants
    >>> labels, x, y = region_map(model, num=4)
    >>> int(labels.max()) + 1
    4
    """
    _check_piecewise_linear(model)
    if model.layer_sizes[0] != 2:
        raise ValueError(f"model must have 2 inputs, got {model.layer_sizes[0]}")
    num = integer(num, "num", low=2)
    lims = []
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        lim = as_float_array(lim, name).astype(np.float64)
        if lim.shape != (2,) or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be two increasing numbers, got {lim.tolist()}")
        if not np.isfinite(lim).all():
            raise ValueError(f"{name} must be finite, got {lim.tolist()}")
        lims.append(lim)
    x, y = np.linspace(*lims[0], num), np.linspace(*lims[1], num)
    grid = np.stack(np.meshgrid(x, y), axis=-1).reshape(-1, 2)
    rows = max(1, 250_000 // max(model.layer_sizes) ** 2)  # small blocks stay single-threaded
    # activation_patterns of each block, with its checks done once for the whole grid
    _check_parameters(model)
    grid = grid.astype(model.dtype, copy=False)
    patterns = np.empty((len(grid), sum(model.layer_sizes[1:-1])), dtype=bool)
    for i in range(0, len(grid), rows):
        model._forward(grid[i:i + rows])
        np.concatenate([r.pre_activation > 0 for r in model.activations[:-1]], axis=1, out=patterns[i:i + rows])
    return _row_labels(np.packbits(patterns, axis=1)).reshape(num, num), x, y


def _row_labels(rows: np.ndarray) -> np.ndarray:
    """``np.unique(rows, axis=0, return_inverse=True)[1]`` for a 2-d uint8 array, without its slow sort.

    Each row is read as big-endian 64-bit words (zero-padded), whose
    lexicographic order is that of the bytes, which is the order in which
    ``np.unique`` numbers the distinct rows; ``np.lexsort`` on a few integer
    keys is much faster than ``np.unique``'s sort of one opaque record per row.
    """
    n, width = rows.shape
    if n == 0 or width == 0:  # no rows, or every row the same (empty)
        return np.zeros(n, dtype=np.intp)
    padded = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = rows
    words = padded.view(">u8")
    order = np.lexsort(words.T[::-1])  # lexsort's last key is the primary one
    ranked = words[order]
    new = np.ones(n, dtype=np.intp)
    new[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
    labels = np.empty(n, dtype=np.intp)
    labels[order] = np.cumsum(new) - 1
    return labels


def max_regions_bound(layer_sizes):
    r"""Upper bound on the number of linear regions of a ReLU network (Serra et al. 2018, theorem 1).

    For :math:`n_0` inputs and hidden layers of widths :math:`n_1, \dots, n_L`,

    .. math::

        N &\le \sum_{(j_1, \dots, j_L) \in J} \prod_{\ell=1}^{L} \binom{n_\ell}{j_\ell}, \\
        J &= \bigl\{ 0 \le j_\ell \le \min(n_0, n_1 - j_1, \dots, n_{\ell-1} - j_{\ell-1}, n_\ell)\bigr\}.

    For one hidden layer it is :math:`\sum_{j \le n_0} \binom{n_1}{j}`, the
    number of regions of :math:`n_1` hyperplanes in general position in
    :math:`\mathbb R^{n_0}`.

    Parameters
    ----------
    layer_sizes : sequence of int
        :math:`n_0, n_1, \dots, n_L` (the output layer is not included; it
        adds no regions).

    Returns
    -------
    int

    Examples
    --------
    >>> max_regions_bound([2, 4])       # 4 lines in the plane: 1 + 4 + 6
    11
    >>> max_regions_bound([1, 3, 3])    # exact for one input: 4 * 4
    16
    """
    from math import comb

    sizes = [integer(n, "each entry of layer_sizes") for n in sequence(layer_sizes, "layer_sizes")]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must have at least 2 entries, got {len(sizes)}")
    if (min(sizes[:-1]) + 1) ** (len(sizes) - 1) > 10**7:
        raise ValueError(
            f"layer_sizes {sizes} give too many terms to enumerate (about "
            f"(min(layer_sizes[:-1]) + 1) ** {len(sizes) - 1} > 10**7)"
        )

    def total(level, cap):
        # cap = min(n_0, n_1 - j_1, ..., n_{level-1} - j_{level-1})
        if level == len(sizes):
            return 1
        n = sizes[level]
        return sum(comb(n, j) * total(level + 1, min(cap, n - j)) for j in range(min(cap, n) + 1))

    return total(1, sizes[0])


def region_counts(widths, depths, seeds=range(5), lim=1.0, num=120):
    r"""Number of linear regions in a window, for He-initialised ReLU networks of several sizes.

    For each width :math:`n`, number of hidden layers :math:`L` and seed, a
    network :math:`2 \to n \to \dots \to n \to 1` (:math:`L` hidden layers,
    He initialisation, zero biases replaced by :math:`\mathcal N(0, 0.1^2)`
    biases so that the regions are not all cones from the origin) is mapped
    with :func:`region_map` over :math:`[-\texttt{lim}, \texttt{lim}]^2`,

    .. math::

        N(n, L, s) = \#\{\text{distinct activation patterns on the grid}\}.

    Parameters
    ----------
    widths, depths : sequence of int
    seeds : sequence of int, default range(5)
    lim : float, default 1.0
    num : int, default 120
        Grid points per axis.

    Returns
    -------
    numpy.ndarray of float, shape (len(widths), len(depths), len(seeds))

    Examples
    --------
    >>> N = region_counts([4], [1], seeds=[0], num=60)
    >>> bool(1 <= N[0, 0, 0] <= max_regions_bound([2, 4]))
    True
    """
    from relu_book._validation import seed_list

    widths = [integer(n, "each entry of widths") for n in sequence(widths, "widths")]
    depths = [integer(d, "each entry of depths") for d in sequence(depths, "depths")]
    seeds = seed_list(seeds)
    lim = real_scalar(lim, "lim", low=0.0, low_inclusive=False)
    out = np.empty((len(widths), len(depths), len(seeds)))
    for i, n in enumerate(widths):
        for j, depth in enumerate(depths):
            for k, seed in enumerate(seeds):
                model = MLP([2] + [n] * depth + [1], activation="relu", init="he", seed=seed)
                rng = np.random.default_rng(10_000 + seed)
                model.biases = [0.1 * rng.standard_normal(b.shape) for b in model.biases]
                labels, _, _ = region_map(model, (-lim, lim), (-lim, lim), num)
                out[i, j, k] = labels.max() + 1
    return out
