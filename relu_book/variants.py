r"""Leaky, parametric, randomised and generalised ReLU: the support code of chapter 6.

The activations themselves and their derivatives live in
:mod:`relu_book.activations` (``leaky_relu``, ``prelu``, ``rrelu``,
``generalized_relu``, ``relu6``); the learnable layers in :mod:`relu_book.nn`
(``activation="prelu"`` and ``"rrelu"``). This module holds what the chapter
adds around them:

* the maxout view of leaky ReLU: :func:`maxout`;
* the gradient of a loss with respect to a shared or per-channel PReLU slope:
  :func:`prelu_weight_grad`;
* the initialisation gain of He et al. (2015) for a slope :math:`a`:
  :func:`prelu_init_gain`, and the forward and backward signal through a
  deep leaky network: :func:`signal_propagation`;
* the randomised leaky ReLU as Xu et al. (2015) write it, dividing by a
  number drawn from :math:`U(3, 8)`: :func:`rrelu_divisor`;
* a training callback that records learned slopes: :class:`SlopeTracker`;
* the high-learning-rate comparison: :data:`VARIANTS` and
  :func:`variant_sweep`, built on :mod:`relu_book.dying`;
* a machine-independent proxy for the cost of an evaluation:
  :func:`transcendental_calls`.
"""

from __future__ import annotations

import numpy as np

from relu_book._validation import as_float_array, boolean, generator, instance, real_scalar, result
from relu_book._validation import integer as _int
from relu_book._validation import seed_list as _seeds
from relu_book.activations import prelu, prelu_grad
from relu_book.dying import learning_rate_sweep
from relu_book.nn import MLP, PReLU

__all__ = [
    "maxout",
    "prelu_weight_grad",
    "prelu_init_gain",
    "signal_propagation",
    "rrelu_divisor",
    "SlopeTracker",
    "VARIANTS",
    "variant_sweep",
    "TRANSCENDENTAL_UFUNCS",
    "transcendental_calls",
]


# ------------------------------------------------------------------ maxout


def maxout(x, slopes, intercepts=None):
    r"""Maxout of affine pieces of one variable (Goodfellow et al. 2013), elementwise.

    .. math::

        m(x) = \max_{k = 1, \dots, K} \bigl(w_k x + b_k\bigr)

    With pieces :math:`(1, 0)` and :math:`(\alpha, 0)` and :math:`\alpha \le 1`
    this is leaky ReLU, :math:`\max(x, \alpha x)`; with :math:`(0, 0)` and
    :math:`(1, 0)` it is ReLU. A maxout is convex; at a point where two
    pieces tie it has a kink.

    Parameters
    ----------
    x : array_like
        Input values.
    slopes : array_like, shape (K,)
        The slopes :math:`w_k` (finite, at least one).
    intercepts : array_like, shape (K,), optional
        The intercepts :math:`b_k`; default zeros.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> maxout([-2.0, 0.0, 3.0], slopes=[1.0, 0.1])  # leaky ReLU with slope 0.1
    array([-0.2,  0. ,  3. ])
    """
    x = as_float_array(x)
    w = as_float_array(slopes, "slopes")
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"slopes must be a non-empty 1-D array, got shape {w.shape}")
    b = np.zeros_like(w) if intercepts is None else as_float_array(intercepts, "intercepts")
    if b.shape != w.shape:
        raise ValueError(f"intercepts must have the shape of slopes {w.shape}, got {b.shape}")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise ValueError("slopes and intercepts must be finite")
    w = w.astype(x.dtype, copy=False)
    b = b.astype(x.dtype, copy=False)
    pieces = x[..., None] * w + b
    return result(pieces.max(axis=-1))


# ------------------------------------------------------------------ PReLU


def prelu_weight_grad(x, weight, upstream):
    r"""Gradient of a loss with respect to the PReLU slope(s), summed over the shared positions.

    For :math:`y = \operatorname{prelu}(x; a)` and an upstream gradient
    :math:`g = \partial\mathcal L/\partial y`,

    .. math::

        \frac{\partial \mathcal L}{\partial a_c} = \sum_{i \,:\, a_i = a_c} g_i \min(0, x_i),

    the sum running over every element that uses the slope :math:`a_c`: all
    elements for a channel-shared slope (a scalar ``weight``), all positions
    and examples of channel :math:`c` for a channel-wise slope (a ``weight``
    that broadcasts along the other axes). At :math:`x = 0` the elementwise
    partial is :math:`\min(0, 0) = 0`, as in PyTorch.

    Parameters
    ----------
    x : array_like
        Inputs of the PReLU.
    weight : array_like
        The slope(s); must broadcast to the shape of ``x``.
    upstream : array_like
        :math:`\partial\mathcal L/\partial y`, with the shape of ``x``.

    Returns
    -------
    numpy.ndarray
        The gradient, with the shape of ``weight``, in the dtype of ``x``.

    Examples
    --------
    >>> x = np.array([[-1.0, 2.0], [-3.0, -4.0]])   # 2 examples, 2 channels
    >>> prelu_weight_grad(x, np.array([0.25, 0.25]), np.ones_like(x))   # channel-wise
    array([-4., -4.])
    >>> prelu_weight_grad(x, np.array(0.25), np.ones_like(x))   # channel-shared
    array(-8.)
    """
    x = as_float_array(x)
    w = as_float_array(weight, "weight")
    g = as_float_array(upstream, "upstream")
    if g.shape != x.shape:
        raise ValueError(f"upstream must have the shape of x {x.shape}, got {g.shape}")
    _, partial = prelu_grad(x, w)  # min(0, x); checks that weight broadcasts to x
    elementwise = g.astype(x.dtype, copy=False) * partial
    lead = x.ndim - w.ndim
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(w.shape) if n == 1 and x.shape[lead + i] != 1)
    return elementwise.sum(axis=axes, keepdims=True).reshape(w.shape)


def prelu_init_gain(negative_slope):
    r"""The initialisation gain of He et al. (2015) for a (P)ReLU with slope :math:`a`.

    .. math::

        \text{gain}(a) = \sqrt{\frac{2}{1 + a^2}},
        \qquad W_{ij} \sim \mathcal N\!\Bigl(0, \frac{\text{gain}(a)^2}{n_\text{in}}\Bigr),

    which makes :math:`\tfrac12 (1 + a^2)\, n_\text{in} \operatorname{Var}(W_{ij}) = 1`:
    the second moment of the pre-activations is the same in every layer.
    :math:`a = 0` gives He initialisation for ReLU, :math:`a = 1` the linear
    case (gain 1). It is also PyTorch's ``calculate_gain("leaky_relu", a)``.

    Parameters
    ----------
    negative_slope : float or array_like
        The slope :math:`a` (any finite real).

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> prelu_init_gain(np.array([0.0, 1.0]))
    array([1.41421356, 1.        ])
    """
    a = as_float_array(negative_slope, "negative_slope")
    if not np.all(np.isfinite(a)):
        raise ValueError("negative_slope must be finite")
    return result(np.sqrt(2 / (1 + a * a)))


def signal_propagation(negative_slope, gain, depth=20, width=64, seeds=range(5), batch=64):
    r"""Second moments of the forward signal and of the backpropagated gradient, by layer.

    A network ``[width] * (depth + 1)`` with leaky ReLU of slope
    :math:`\alpha` in its hidden layers, zero biases and weights
    :math:`\mathcal N(0, \texttt{gain}^2/n)`, is run on standard normal
    inputs; then an output gradient :math:`G = \partial\mathcal L/\partial Z_L`
    with standard normal entries is propagated back,

    .. math::

        \frac{\partial\mathcal L}{\partial Z_\ell}
          = \Bigl(\frac{\partial\mathcal L}{\partial Z_{\ell+1}} W_{\ell+1}^\top\Bigr)
            \circ f'(Z_\ell).

    Each step multiplies both second moments by about
    :math:`\texttt{gain}^2 (1 + \alpha^2)/2`: forward
    :math:`q_{\ell+1} \approx \texttt{gain}^2 \frac{1 + \alpha^2}{2} q_\ell`,
    backward the same factor per layer towards the input.

    Parameters
    ----------
    negative_slope : float
        :math:`\alpha` (any finite number; above 1 the activation amplifies).
    gain : float
        Standard deviation of a weight times :math:`\sqrt{n}` (> 0).
    depth : int, default 20
        Weight layers (>= 2).
    width : int, default 64
    seeds : sequence of int, default range(5)
        One network, batch and output gradient per seed.
    batch : int, default 64

    Returns
    -------
    dict of numpy.ndarray, each of shape (len(seeds), depth)
        ``forward``: mean of :math:`Z_\ell^2`; ``backward``: mean of
        :math:`(\partial\mathcal L/\partial Z_\ell)^2`; layer 1 (next to the
        input) first.

    Examples
    --------
    >>> out = signal_propagation(0.0, np.sqrt(2.0), depth=5, width=200, seeds=[0])
    >>> bool(0.5 < out["backward"][0, 0] < 2.0)   # He initialisation keeps it of order 1
    True
    """
    alpha = real_scalar(negative_slope, "negative_slope")
    gain = real_scalar(gain, "gain", low=0.0, low_inclusive=False)
    depth = _int(depth, "depth", low=2)
    width = _int(width, "width")
    batch = _int(batch, "batch")
    seeds = _seeds(seeds)
    forward = np.empty((len(seeds), depth))
    backward = np.empty((len(seeds), depth))
    for row, seed in enumerate(seeds):
        model = MLP([width] * (depth + 1), activation="leaky_relu", init="normal",
                    init_std=gain / np.sqrt(width), seed=seed, negative_slope=alpha)
        rng = np.random.default_rng(10_000 + seed)
        model.forward(rng.standard_normal((batch, width)))
        delta = rng.standard_normal((batch, width))
        forward[row] = [np.mean(r.pre_activation ** 2) for r in model.activations]
        backward[row, -1] = np.mean(delta ** 2)
        for ell in range(depth - 2, -1, -1):
            delta = (delta @ model.weights[ell + 1].T) * model.activation_layers[ell].derivative(
                model.activations[ell].pre_activation)
            backward[row, ell] = np.mean(delta ** 2)
    return {"forward": forward, "backward": backward}


# ------------------------------------------------------------------ RReLU


def rrelu_divisor(x, lower=3.0, upper=8.0, training=False, rng=None, return_slopes=False):
    r"""Randomised leaky ReLU as Xu et al. (2015) write it: divide by a random number.

    .. math::

        y = \begin{cases} x & x \ge 0 \\ x / a & x < 0 \end{cases},
        \qquad a \sim U(l, u) \text{ in training},
        \quad a = \frac{l + u}{2} \text{ at test time},

    with :math:`l = 3`, :math:`u = 8` (the values of the Kaggle NDSB winner
    the paper follows): the test-time slope is :math:`2/(l + u) = 2/11`. The
    training slopes :math:`1/a` lie in :math:`[1/8, 1/3]` but are not
    uniform there, and their mean is :math:`\ln(u/l)/(u - l)`, not
    :math:`2/11`. :func:`relu_book.activations.rrelu` follows PyTorch
    instead: slopes uniform on :math:`[1/8, 1/3]`, test slope
    :math:`11/48`. At :math:`x = 0` both give 0 with slope :math:`1/a`.

    Parameters
    ----------
    x : array_like
        Input values.
    lower, upper : float, default 3.0, 8.0
        Bounds :math:`0 < l \le u` of the divisor.
    training : bool, default False
        Random divisors (True) or the fixed one (False).
    rng : numpy.random.Generator or int or None
        Generator or seed for training (``None`` means seed 0).
    return_slopes : bool, default False
        Also return the multipliers :math:`1/a` (1 where ``x > 0``).

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray

    Examples
    --------
    >>> rrelu_divisor([-11.0, 2.0])   # test time: x / 5.5
    array([-2.,  2.])
    """
    x = as_float_array(x)
    lo = real_scalar(lower, "lower", low=0.0, low_inclusive=False)
    hi = real_scalar(upper, "upper")
    if lo > hi:
        raise ValueError(f"lower must be <= upper, got lower={lo}, upper={hi}")
    if boolean(training, "training"):
        rng = generator(rng)
        divisor = rng.uniform(lo, hi, size=x.shape)
    else:
        divisor = np.full(x.shape, (lo + hi) / 2)
    # a leaky ReLU with slope 1/divisor: prelu, whose derivative in x is the multiplier
    out = prelu(x, 1.0 / divisor)
    slopes = prelu_grad(x, 1.0 / divisor)[0]
    return (out, slopes) if return_slopes else out


# ------------------------------------------------------------------ training


class SlopeTracker:
    r"""A callback for :func:`relu_book.nn.train` that records the PReLU slopes.

    Records the slopes of every :class:`relu_book.nn.PReLU` layer of
    ``model`` when created (epoch 0) and after every epoch.

    Parameters
    ----------
    model : relu_book.nn.MLP
        A model with ``activation="prelu"``.

    Attributes
    ----------
    epochs : list of int
        0, then the epochs after which a record was taken.

    Examples
    --------
    >>> from relu_book.dying import make_regression
    >>> from relu_book.nn import train
    >>> X, Y = make_regression(n=32)
    >>> model = MLP([2, 4, 1], activation="prelu", prelu_mode="shared")
    >>> tracker = SlopeTracker(model)
    >>> history = train(model, X, Y, lr=0.05, epochs=3, batch_size=8, callback=tracker)
    >>> tracker.epochs, tracker.slopes(0).shape
    ([0, 1, 2, 3], (4, 1))
    """

    def __init__(self, model):
        instance(model, "model", MLP)
        if not model.activation_layers or not all(isinstance(layer, PReLU) for layer in model.activation_layers):
            raise ValueError(f'model must have activation="prelu", got {model.activation!r}')
        self.epochs: list[int] = []
        self._rows: list[list[np.ndarray]] = []
        self(0, model)

    def __call__(self, epoch, model) -> bool:
        self.epochs.append(int(epoch))
        self._rows.append([layer.params["weight"].copy() for layer in model.activation_layers])
        return False

    def slopes(self, layer) -> np.ndarray:
        """The recorded slopes of hidden layer ``layer`` (0-based): shape (records, slopes)."""
        layer = _int(layer, "layer", low=0)
        if layer >= len(self._rows[0]):
            raise ValueError(f"layer must be < {len(self._rows[0])}, the number of hidden layers, got {layer}")
        return np.array([row[layer] for row in self._rows])


#: The comparison of chapter 6: name -> keyword arguments of
#: :func:`relu_book.dying.train_and_measure`.
VARIANTS = {
    "ReLU": {"activation": "relu"},
    "leaky ReLU (0.01)": {"activation": "leaky_relu", "negative_slope": 0.01},
    "PReLU": {"activation": "prelu"},
    "RReLU": {"activation": "rrelu"},
}


def variant_sweep(lrs, seeds=range(5), variants=None, **kwargs) -> dict:
    r"""Dead (inactive) fraction and final loss against the learning rate, for each variant.

    For every entry of ``variants`` (default :data:`VARIANTS`), one
    :func:`relu_book.dying.learning_rate_sweep` over ``lrs`` and ``seeds``
    (network ``[2, 32, 32, 1]``, He initialisation, 40 epochs of SGD on
    :func:`relu_book.dying.make_regression` unless ``kwargs`` say
    otherwise). The fraction counts hidden units whose pre-activation is
    :math:`\le 0` on every training example: dead for ReLU, inactive (still
    learning) for the others; for RReLU it is measured in evaluation mode.
    The loss is the mean mini-batch loss of the last epoch (in training
    mode: with random slopes for RReLU).

    Parameters
    ----------
    lrs : sequence of float
    seeds : sequence of int, default range(5)
    variants : dict, optional
        Name -> keyword arguments of :func:`relu_book.dying.train_and_measure`.
    **kwargs
        Passed to every run.

    Returns
    -------
    dict
        Name -> the dictionary of :func:`relu_book.dying.learning_rate_sweep`
        (``lr``, ``seeds``, and ``dead_at_init``, ``dead``, ``loss``,
        ``diverged`` of shape ``(len(lrs), len(seeds))``).

    Examples
    --------
    >>> out = variant_sweep([0.05], seeds=[0], epochs=2)
    >>> sorted(out) == sorted(VARIANTS), out["PReLU"]["dead"].shape
    (True, (1, 1))
    """
    variants = VARIANTS if variants is None else variants
    if not isinstance(variants, dict) or not variants:
        raise TypeError("variants must be a non-empty dict of name -> keyword arguments")
    return {name: learning_rate_sweep(lrs, seeds=seeds, **{**kwargs, **override})
            for name, override in variants.items()}


# ------------------------------------------------- cost of an evaluation

#: The ufuncs that :func:`transcendental_calls` counts (numpy's and scipy.special's).
TRANSCENDENTAL_UFUNCS = ("exp", "expm1", "log", "log1p", "logaddexp", "tanh", "erf", "ndtr", "expit")


class _CountingModule:
    """Stand-in for a module that records each call of a transcendental ufunc and its output size."""

    def __init__(self, module, calls: list):
        self._module = module
        self._calls = calls

    def __getattr__(self, attr):
        obj = getattr(self._module, attr)
        if attr not in TRANSCENDENTAL_UFUNCS:
            return obj

        def counted(*args, **kwargs):
            out = obj(*args, **kwargs)
            self._calls.append((attr, int(np.size(out))))
            return out

        return counted


def transcendental_calls(name, n=1000, **params) -> dict:
    r"""Transcendental ufunc calls per element when ``relu_book`` evaluates an activation and its derivative.

    A deterministic stand-in for the cost of an evaluation, independent of
    the machine and its load: ``relu_book.activations.<name>`` and
    ``<name>_grad`` are run on ``n`` points spread over :math:`[-3, 3]`
    (with 0 among them), and every call of one of
    :data:`TRANSCENDENTAL_UFUNCS` made by the activation module (or by the
    float64 kernels it calls) is counted, weighted by its output size:

    .. math::

        c = \frac{1}{n} \sum_{\text{calls}} \operatorname{size}(\text{output}).

    Comparisons, ``where``, ``maximum`` and arithmetic are not counted; for
    wall-clock timings see ``make bench``. The kink convention of each
    derivative is that of ``relu_book`` (its value at 0 is not affected).

    Parameters
    ----------
    name : str
        An activation of :mod:`relu_book.activations` (``"relu"``,
        ``"elu"``, ``"gelu"``, ...).
    n : int, default 1000
        Number of points (>= 1).
    **params
        Parameters of the activation (e.g. ``weight=0.25`` for ``"prelu"``).

    Returns
    -------
    dict
        ``{"function": c_f, "derivative": c_df, "ufuncs": sorted names called}``.

    Examples
    --------
    >>> transcendental_calls("relu")
    {'function': 0.0, 'derivative': 0.0, 'ufuncs': []}
    >>> transcendental_calls("elu")["function"]
    1.0
    """
    from relu_book import _precise, activations

    n = _int(n, "n")
    if not isinstance(name, str) or not hasattr(activations, f"{name}_grad"):
        raise ValueError(f"name must be an activation of relu_book.activations with a derivative, got {name!r}")
    f, df = getattr(activations, name), getattr(activations, f"{name}_grad")
    x = np.linspace(-3.0, 3.0, n) if n > 1 else np.zeros(1)
    out = {}
    names = set()
    patched = [(module, attr, getattr(module, attr)) for module in (activations, _precise)
               for attr in ("np", "special") if hasattr(module, attr)]
    for key, func in (("function", f), ("derivative", df)):
        calls: list = []
        for module, attr, original in patched:
            setattr(module, attr, _CountingModule(original, calls))
        try:
            func(x, **params)
        finally:
            for module, attr, original in patched:
                setattr(module, attr, original)
        out[key] = sum(size for _, size in calls) / n
        names.update(u for u, _ in calls)
    out["ufuncs"] = sorted(names)
    return out


# ------------------------------------------------- the "which activation" table


def guide_rows(configs, tuned, seeds=range(5), depth=20, width=64) -> list[dict]:
    r"""One row per activation of the measurements behind chapter 6's "which activation to use" table.

    For each entry of ``configs`` (name -> keyword arguments of
    :func:`relu_book.dying.train_and_measure`, with an ``"activation"``):

    * ``lr``, ``loss``, ``dead``: the tuned learning rate and the medians over
      seeds of the final loss and of the dead (inactive) fraction, read from
      ``tuned[name]``, the output of :func:`relu_book.dying.learning_rate_sweep`
      at that one rate;
    * ``depth ratio``: the median over ``seeds`` of
      :math:`g_1 / g_{\text{depth}}`, the gradient norm next to the input over
      the one next to the output, at He initialisation
      (:func:`relu_book.training.gradient_norms_at_init`); 1 means the
      gradient keeps its size through ``depth`` layers;
    * ``f'(0-)``, ``f'(0+)``: the derivative just left and right of 0
      (:math:`\pm 10^{-9}`), and ``f'(0)``: what ``relu_book`` returns at 0;
    * ``transcendental``: calls per element for the function and its
      derivative (:func:`transcendental_calls`);
    * ``frameworks at 0``: which one-sided derivative each framework of
      :data:`relu_book.conventions.CONVENTIONS` returns at 0 (the table of
      chapter 3): ``left`` where it agrees with ``relu_book`` (which returns
      the left one), ``right`` where it returns 1, the right derivative of
      every activation here; ``-`` if the table has no row for it.

    Parameters
    ----------
    configs : dict
    tuned : dict
        Name -> dictionary of :func:`relu_book.dying.learning_rate_sweep` with one rate.
    seeds : sequence of int, default range(5)
    depth, width : int, default 20, 64

    Returns
    -------
    list of dict

    Examples
    --------
    >>> from relu_book.dying import learning_rate_sweep
    >>> cfg = {"ReLU": {"activation": "relu"}}
    >>> sweep = learning_rate_sweep([0.1], seeds=[0], epochs=1)
    >>> row = guide_rows(cfg, {"ReLU": sweep}, seeds=[0], depth=3)[0]
    >>> row["f'(0-)"], row["f'(0+)"], row["f'(0)"], row["transcendental"]
    (0.0, 1.0, 0.0, '0 / 0')
    >>> row["frameworks at 0"]
    'PyTorch, JAX, Keras, TF: left'
    """
    from relu_book import registry
    from relu_book.training import gradient_norms_at_init

    if not isinstance(configs, dict) or not configs:
        raise TypeError("configs must be a non-empty dict of name -> keyword arguments")
    seeds = _seeds(seeds)
    rows = []
    for name, config in configs.items():
        act = config.get("activation", "relu")
        if name not in tuned:
            raise ValueError(f"tuned has no entry for {name!r}")
        t = tuned[name]
        g = gradient_norms_at_init(act, depth=depth, width=width, seeds=seeds)
        spec = registry.get(act)
        params = {k: float(v) for k, v in spec.required.items()}
        params.update({k: v for k, v in config.items() if k in spec.parameters})
        _, df = spec.numeric(**params)
        left, at_zero, right = (float(v) for v in df(np.array([-1e-9, 0.0, 1e-9])))
        cost = transcendental_calls(act, **params)
        with np.errstate(all="ignore"):
            rows.append({
                "activation": name,
                "lr": float(t["lr"][0]),
                "loss": float(np.nanmedian(t["loss"][0])) if np.isfinite(t["loss"][0]).any() else np.nan,
                "dead": float(np.nanmedian(t["dead"][0])) if np.isfinite(t["dead"][0]).any() else np.nan,
                "depth ratio": float(np.median(g[:, 0] / g[:, -1])),
                "f'(0-)": round(left, 6),
                "f'(0+)": round(right, 6),
                "f'(0)": round(at_zero, 6),
                "transcendental": f"{cost['function']:g} / {cost['derivative']:g}",
                "frameworks at 0": _frameworks_at_zero(act),
            })
    return rows


def _frameworks_at_zero(activation: str) -> str:
    """Which side each framework takes at 0, from chapter 3's table of conventions, as short text."""
    from relu_book.conventions import CONVENTIONS, FRAMEWORKS

    rows = [r for r in CONVENTIONS.get(activation, ()) if r.at == 0]
    ours = [r.derivative for r in rows if r.tool == "relu_book"]
    if not ours:
        return "-"
    sides: dict = {}
    for r in rows:
        if r.tool in FRAMEWORKS and r.tool not in sum(sides.values(), []):
            side = "left" if r.derivative == ours[0] else "right" if r.derivative == 1.0 else f"{r.derivative:g}"
            sides.setdefault(side, []).append(r.tool)
    short = {"TensorFlow": "TF"}
    return "; ".join(f"{', '.join(short.get(t, t) for t in tools)}: {side}" for side, tools in sides.items())
