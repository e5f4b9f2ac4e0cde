r"""The dying-ReLU problem: dead units, born-dead networks, and what causes and cures them.

The support code of chapter 5.

* Definitions and measurement: :func:`dead_units`, :func:`dead_unit_fraction`
  and the training callback :class:`DeadUnitTracker`.
* Born dead at initialisation (Lu, Shin, Su & Karniadakis 2020):
  :func:`born_dead_probability_exact`, its Monte Carlo estimate
  :func:`born_dead_probability`, the general estimator
  :func:`born_dead_fraction` (symmetric or randomised asymmetric
  initialisation, any grid of inputs), :func:`born_dead_by_depth` (the
  same for several depths in one pass), :func:`full_line_bounds` and
  :func:`binomial_standard_error`.
* Causes and remedies, measured over seeds: :func:`make_regression`,
  :func:`train_and_measure`, :func:`learning_rate_sweep`,
  :func:`bias_shift_sweep`, :func:`depth_sweep`, :data:`REMEDIES`,
  :func:`remedy_comparison`, and the two-unit demonstration
  :func:`revival_demo`.
* Fair comparisons and their mechanisms: :func:`best_learning_rate`,
  :func:`tuned_comparison` (learning rate tuned per configuration on
  separate seeds), :func:`gradient_norm`, :func:`sharpness` (top Hessian
  eigenvalue by power iteration) and :func:`first_step_measurements`.

A unit is *dead on a data set* when its pre-activation is :math:`\le 0` on
every example; with the library's convention :math:`\relu'(0) = 0` (PyTorch's)
such a unit receives no gradient at all. Every experiment is seeded: the same
arguments give the same numbers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from relu_book._validation import as_float_array, instance, real_scalar, sequence
from relu_book._validation import integer as _int
from relu_book._validation import seed_list as _seeds
from relu_book.activations import _prelu_array, _prelu_grad_arrays, _rrelu_slopes_array, rrelu_grad
from relu_book.nn import LOSSES, MLP, Activation, PReLU, RReLU, _inline_backward, _inline_forward, _inline_kind, train

__all__ = [
    "born_dead_probability_exact",
    "born_dead_probability",
    "born_dead_fraction",
    "born_dead_by_depth",
    "full_line_bounds",
    "binomial_standard_error",
    "dead_units",
    "dead_unit_fraction",
    "DeadUnitTracker",
    "make_regression",
    "DeadRun",
    "DIVERGED_LOSS",
    "train_and_measure",
    "learning_rate_sweep",
    "bias_shift_sweep",
    "depth_sweep",
    "REMEDIES",
    "remedy_comparison",
    "revival_demo",
    "best_learning_rate",
    "tuned_comparison",
    "gradient_norm",
    "sharpness",
    "first_step_measurements",
]

# ===================================================================== born dead


def born_dead_probability_exact(depth, width) -> float:
    r"""Probability that a zero-bias ReLU network is born dead on the positive inputs.

    For a network with one input, ``depth`` hidden layers of ``width`` ReLU
    units, zero biases and independent weights from continuous distributions
    symmetric about 0, the output is constant (identically 0) on
    :math:`x > 0` with probability

    .. math::

        P_\text{dead}(L, N) = 1 - \bigl(1 - 2^{-N}\bigr)^{L},
        \qquad L = \texttt{depth},\ N = \texttt{width}.

    On :math:`x > 0` every hidden layer computes :math:`h_\ell = x\,a_\ell`
    with :math:`a_\ell = \relu(a_{\ell-1} W_\ell) \ge 0` independent of
    :math:`x`; given :math:`a_{\ell-1} \neq 0`, the :math:`N` entries of
    :math:`a_{\ell-1} W_\ell` are independent, symmetric and continuous, so
    all are :math:`\le 0` with probability :math:`2^{-N}`, and a zero layer
    stays zero. ``depth`` counts hidden layers (the linear output layer is not
    counted).

    Parameters
    ----------
    depth : int
        Number of hidden layers :math:`L \ge 1`.
    width : int
        Units per hidden layer :math:`N \ge 1`.

    Returns
    -------
    float

    Examples
    --------
    >>> born_dead_probability_exact(1, 1)  # one unit, dead iff its weight is negative
    0.5
    >>> round(born_dead_probability_exact(10, 2), 4)
    0.9437
    """
    depth = _int(depth, "depth")
    width = _int(width, "width")
    # 1 - (1 - q)^L computed as -expm1(L log1p(-q)): accurate when q is tiny
    return float(-np.expm1(depth * np.log1p(-(2.0 ** -width))))


def binomial_standard_error(p, trials) -> float:
    r"""Standard error of a Monte Carlo estimate of a probability.

    .. math::

        \operatorname{se}(\hat p) = \sqrt{\frac{p (1 - p)}{n}}

    Parameters
    ----------
    p : float
        The probability (or its estimate), in :math:`[0, 1]`.
    trials : int
        Number :math:`n \ge 1` of independent trials.

    Returns
    -------
    float

    Examples
    --------
    >>> binomial_standard_error(0.5, 10_000)
    0.005
    """
    p = real_scalar(p, "p", low=0.0, high=1.0)
    trials = _int(trials, "trials")
    return float(np.sqrt(p * (1.0 - p) / trials))


def full_line_bounds(depth, width) -> tuple[float, float]:
    r"""Bounds on the probability of being born dead on the whole line :math:`x \in \R`.

    Same setting as :func:`born_dead_probability_exact`. Constant on
    :math:`\R` implies constant on :math:`x > 0`, which gives the upper bound.
    A hidden layer :math:`\ell \ge 2` whose :math:`N \times N` weights are all
    :math:`\le 0` kills every input (its inputs are :math:`\ge 0`), which gives
    the lower bound:

    .. math::

        1 - \bigl(1 - 2^{-N^2}\bigr)^{L - 1}
        \;\le\; P(\text{dead on } \R) \;\le\;
        1 - \bigl(1 - 2^{-N}\bigr)^{L}.

    Parameters
    ----------
    depth, width : int
        :math:`L` hidden layers of :math:`N` units.

    Returns
    -------
    (lower, upper) : tuple of float

    Examples
    --------
    >>> lower, upper = full_line_bounds(1, 3)
    >>> lower, round(upper, 3)
    (0.0, 0.125)
    """
    depth = _int(depth, "depth")
    width = _int(width, "width")
    lower = float(-np.expm1((depth - 1) * np.log1p(-(2.0 ** -(width * width)))))
    return lower, born_dead_probability_exact(depth, width)


def _rai_layer(rng, trials: int, n_in: int, n_out: int):
    """Weights and biases of one layer under our randomised asymmetric initialisation."""
    W = rng.standard_normal((trials, n_in, n_out)) * np.sqrt(2.0 / n_in)
    b = np.zeros((trials, n_out))
    params = np.concatenate([W, b[:, None, :]], axis=1)  # (trials, n_in + 1, n_out)
    chosen = rng.integers(0, n_in + 1, size=(trials, n_out))
    positive = rng.beta(2.0, 1.0, size=(trials, n_out))
    np.put_along_axis(params, chosen[:, None, :], positive[:, None, :], axis=1)
    return params[:, :n_in, :], params[:, n_in, :]


def born_dead_fraction(depth, width, trials=10_000, seed=0, inputs=(1.0,), init="symmetric") -> float:
    r"""Monte Carlo fraction of random networks whose output is constant on given inputs.

    Draws ``trials`` networks with one input, ``depth`` hidden ReLU layers of
    ``width`` units and a linear output, all at once (arrays of shape
    ``(trials, inputs, width)``; the only loop is over layers). A network
    counts as dead when at every input some hidden layer has all its
    pre-activations :math:`\le 0`; then the derivative of the output with
    respect to the input is 0 at every input (with :math:`\relu'(0) = 0`),
    and for a continuous piecewise-linear network on an interval this is
    the event that the output is constant there (up to pieces that fall
    between the grid points).

    Initialisations:

    * ``"symmetric"``: weights :math:`\mathcal N(0, 2/n_\text{in})` (He), biases 0.
    * ``"rai"``: as ``"symmetric"``, but for every unit one of its
      :math:`n_\text{in} + 1` parameters (its weights and its bias), chosen
      uniformly at random, is replaced by a draw from
      :math:`\operatorname{Beta}(2, 1)` (positive, mean 2/3). This is our
      simplified version of the randomised asymmetric initialisation of
      Lu et al. (2020); it does not reproduce their variance correction.

    With ``init="symmetric"`` the network is positively homogeneous, so any
    single positive input gives the exact event of
    :func:`born_dead_probability_exact`.

    Parameters
    ----------
    depth, width : int
        Hidden layers and units per hidden layer (both >= 1).
    trials : int, default 10_000
        Number of independent networks.
    seed : int, default 0
        Seed of the generator.
    inputs : array_like, default (1.0,)
        The one-dimensional inputs (a non-empty 1-D array of finite numbers).
    init : {"symmetric", "rai"}, default "symmetric"

    Returns
    -------
    float
        The fraction of dead networks.

    Examples
    --------
    >>> # one unit is never dead on both sides of 0
    >>> born_dead_fraction(1, 1, trials=1000, seed=0, inputs=[-1.0, 1.0])
    0.0
    """
    depth = _int(depth, "depth")
    return float(_born_dead_by_depth([depth], width, trials, seed, inputs, init)[0])


def born_dead_by_depth(depths, width, trials=10_000, seed=0, inputs=(1.0,), init="symmetric") -> np.ndarray:
    r""":func:`born_dead_fraction` for several depths at once, from one set of networks.

    With the same ``seed``, the network of depth :math:`d` that
    :func:`born_dead_fraction` draws is the first :math:`d` hidden layers of
    any deeper one (the layers are drawn one after the other from one
    generator), so a single pass through the deepest network gives every
    entry, the same numbers as separate calls:

    .. math::

        \begin{aligned}
        \hat p(d) = \frac{1}{T}\,\#\{t :\ &\text{at every input, one of the layers } 1, \dots, d \\
        &\text{of network } t \text{ has all pre-activations} \le 0\},
        \end{aligned}

    with :math:`T` = ``trials`` and :math:`d` in ``depths``.

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers (each >= 1, any order, repeats allowed).
    width, trials, seed, inputs, init
        As in :func:`born_dead_fraction`.

    Returns
    -------
    numpy.ndarray of float, shape (len(depths),)
        ``born_dead_fraction(d, width, trials, seed, inputs, init)`` for each ``d``.

    Examples
    --------
    >>> curve = born_dead_by_depth([1, 4, 8], 2, trials=2000, seed=3)
    >>> bool(curve[-1] == born_dead_fraction(8, 2, trials=2000, seed=3))
    True
    >>> bool(np.all(np.diff(curve) >= 0))  # a dead layer stays dead
    True
    """
    depths = [_int(d, "each entry of depths") for d in sequence(depths, "depths")]
    return _born_dead_by_depth(depths, width, trials, seed, inputs, init)


def _born_dead_by_depth(depths, width, trials, seed, inputs, init) -> np.ndarray:
    width = _int(width, "width")
    trials = _int(trials, "trials")
    seed = _int(seed, "seed", low=0)
    x = as_float_array(inputs, "inputs").astype(np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"inputs must be a non-empty 1-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs must be finite")
    if init not in ("symmetric", "rai"):
        raise ValueError(f'init must be "symmetric" or "rai", got {init!r}')
    rng = np.random.default_rng(seed)
    H = np.broadcast_to(x[None, :, None], (trials, x.size, 1))
    killed = np.zeros((trials, x.size), dtype=bool)
    fractions = {}
    n_in = 1
    for layer in range(1, max(depths) + 1):
        if init == "symmetric":
            W = rng.standard_normal((trials, n_in, width)) * np.sqrt(2.0 / n_in)
            b = np.zeros((trials, width))
        else:
            W, b = _rai_layer(rng, trials, n_in, width)
        Z = H @ W + b[:, None, :]
        killed |= np.all(Z <= 0, axis=2)
        H = np.maximum(Z, 0)
        n_in = width
        if layer in depths:
            fractions[layer] = float(np.mean(np.all(killed, axis=1)))
    return np.array([fractions[d] for d in depths], dtype=np.float64)


def born_dead_probability(depth, width, trials=10_000, seed=0) -> float:
    r"""Monte Carlo estimate of :func:`born_dead_probability_exact`, in the same setting.

    ``trials`` zero-bias networks with symmetric (He-scaled normal) weights,
    one input, evaluated at :math:`x = 1` (by positive homogeneity, the same
    event as "constant on :math:`x > 0`"). Vectorised over trials. Its
    standard error is :func:`binomial_standard_error` of the exact value.

    Parameters
    ----------
    depth, width : int
        Hidden layers and units per hidden layer (both >= 1).
    trials : int, default 10_000
    seed : int, default 0

    Returns
    -------
    float
        Fraction of the ``trials`` networks that are born dead.

    Examples
    --------
    >>> p = born_dead_probability(3, 2, trials=4000, seed=1)
    >>> exact = born_dead_probability_exact(3, 2)
    >>> abs(p - exact) < 4 * binomial_standard_error(exact, 4000)
    True
    """
    return born_dead_fraction(depth, width, trials=trials, seed=seed, inputs=(1.0,), init="symmetric")


# ================================================================= measurement


def dead_units(model, X) -> list[np.ndarray]:
    r"""Which hidden units of ``model`` are dead on the data set ``X``.

    Unit :math:`j` of hidden layer :math:`\ell` is dead on
    :math:`\{x_1, \dots, x_n\}` when

    .. math::

        z_{\ell j}(x_i) \le 0 \quad \text{for every } i = 1, \dots, n,

    where :math:`z_{\ell j}` is its pre-activation. For ReLU (with
    :math:`\relu'(0) = 0`, as PyTorch's autograd) such a unit outputs 0 and
    passes no gradient on any example of ``X``. For leaky ReLU, PReLU or ELU
    the same test finds *inactive* units, which still receive gradient.

    Parameters
    ----------
    model : relu_book.nn.MLP
        The network. Its parameters are not changed; its record of the last
        forward pass (:attr:`~relu_book.nn.MLP.activations`) is.
    X : array_like, shape (n, layer_sizes[0])
        The data set.

    Returns
    -------
    list of numpy.ndarray of bool
        One array per hidden layer, True for a dead unit.

    Examples
    --------
    >>> model = MLP([1, 2, 1])
    >>> model.weights[0] = np.array([[1.0, -1.0]])
    >>> dead_units(model, [[0.5], [2.0]])  # positive inputs: the second unit never fires
    [array([False,  True])]
    """
    model = instance(model, "model", MLP)
    model.forward(X)
    return [np.all(rec.pre_activation <= 0, axis=0) for rec in model.activations[:-1]]


def dead_unit_fraction(model, X) -> list[float]:
    r"""Fraction of dead units in each hidden layer of ``model`` on the data set ``X``.

    .. math::

        d_\ell = \frac{1}{N_\ell}\,\#\{j : z_{\ell j}(x_i) \le 0 \text{ for all } i\}

    (see :func:`dead_units` for the definition and the convention at 0).

    Parameters
    ----------
    model : relu_book.nn.MLP
    X : array_like, shape (n, layer_sizes[0])

    Returns
    -------
    list of float
        :math:`d_\ell` for every hidden layer, first hidden layer first.

    Examples
    --------
    >>> model = MLP([1, 2, 2, 1])
    >>> model.weights[0] = np.array([[1.0, -1.0]])
    >>> dead_unit_fraction(model, [[0.5], [2.0]])[0]
    0.5
    """
    return [float(np.mean(mask)) for mask in dead_units(model, X)]


class DeadUnitTracker:
    r"""A callback for :func:`relu_book.nn.train` that records dead-unit fractions.

    After every ``every``-th epoch it appends :func:`dead_unit_fraction` of
    the model on ``X``; it never stops training.

    Parameters
    ----------
    X : array_like, shape (n, n_inputs)
        The data set on which units are tested (usually the training set).
    every : int, default 1
        Record after every ``every``-th epoch.

    Attributes
    ----------
    epochs : list of int
        The epochs at which a record was taken.
    fractions : numpy.ndarray, shape (records, hidden layers)
        The recorded fractions.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (32, 2))
    >>> tracker = DeadUnitTracker(X, every=5)
    >>> history = train(MLP([2, 8, 8, 1]), X, X[:, :1] ** 2, lr=0.1, epochs=10,
    ...                 batch_size=8, callback=tracker)
    >>> tracker.epochs, tracker.fractions.shape
    ([5, 10], (2, 2))
    """

    def __init__(self, X, every=1):
        self.X = as_float_array(X, "X")
        if self.X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (examples, inputs), got shape {self.X.shape}")
        self.every = _int(every, "every")
        self.epochs: list[int] = []
        self._rows: list[list[float]] = []

    def __call__(self, epoch, model) -> bool:
        if epoch % self.every == 0:
            self.epochs.append(int(epoch))
            self._rows.append(dead_unit_fraction(model, self.X))
        return False

    @property
    def fractions(self) -> np.ndarray:
        return np.array(self._rows, dtype=np.float64)


# ================================================================= experiments


def make_regression(n=128, seed=0):
    r"""A small two-dimensional regression problem.

    Inputs uniform on :math:`[-1, 1]^2` and target

    .. math::

        y = \sin(\pi x_1) \cos(\pi x_2).

    Parameters
    ----------
    n : int, default 128
        Number of examples.
    seed : int, default 0

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    Y : numpy.ndarray, shape (n, 1)

    Examples
    --------
    >>> X, Y = make_regression(n=5)
    >>> X.shape, Y.shape
    ((5, 2), (5, 1))
    """
    n = _int(n, "n")
    rng = np.random.default_rng(_int(seed, "seed", low=0))
    X = rng.uniform(-1.0, 1.0, (n, 2))
    Y = np.sin(np.pi * X[:, :1]) * np.cos(np.pi * X[:, 1:])
    return X, Y


def _build(layer_sizes, activation, init, seed, init_std, bias, activation_kwargs) -> MLP:
    model = MLP(layer_sizes, activation=activation, init=init, seed=seed, init_std=init_std, **activation_kwargs)
    for b in model.biases[:-1]:
        b += bias
    return model


#: A final loss above this counts as diverged (the targets of
#: :func:`make_regression` lie in [-1, 1], so a constant 0 has loss <= 0.5).
DIVERGED_LOSS = 1e3


class DeadRun(NamedTuple):
    """What :func:`train_and_measure` returns for one training run."""

    #: Fraction of dead (or, for non-ReLU activations, inactive) hidden units before training.
    dead_at_init: float
    #: The same after training (NaN if training diverged).
    dead: float
    #: Mean mini-batch loss of the last epoch (NaN if training diverged).
    loss: float
    #: Whether the parameters overflowed to inf or NaN.
    diverged: bool


def _training_data(data) -> tuple[np.ndarray, np.ndarray]:
    """``data``, a pair ``(X, Y)`` of 2-D real arrays with one row per example, or ``make_regression()`` for None."""
    if data is None:
        return make_regression()
    pair = sequence(data, "data")
    if len(pair) != 2:
        raise ValueError(f"data must be a pair (X, Y), got {len(pair)} entries")
    X, Y = as_float_array(pair[0], "data[0] (X)"), as_float_array(pair[1], "data[1] (Y)")
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"data[0] (X) must be a 2-D array with one example per row, got shape {X.shape}")
    if Y.ndim != 2 or Y.shape[0] != X.shape[0]:
        raise ValueError(f"data[1] (Y) must be a 2-D array with one row per row of X ({X.shape[0]}), "
                         f"got shape {Y.shape}")
    return X, Y


def _overall(model, X) -> float:
    masks = dead_units(model, X)
    return float(np.mean(np.concatenate(masks))) if masks else 0.0


def train_and_measure(layer_sizes=(2, 32, 32, 1), *, lr, seed=0, bias=0.0, activation="relu", init="he",
                      init_std=None, epochs=40, batch_size=32, data=None, **activation_kwargs) -> DeadRun:
    r"""Train one network by plain SGD and measure its dead units before and after.

    The network (:class:`relu_book.nn.MLP`, seeded by ``seed``) has every
    hidden bias set to ``bias`` (a shift of the usual 0); it is trained with
    the mean squared error on ``data`` (default :func:`make_regression`) by
    :func:`relu_book.nn.train`, shuffled with ``seed``. The dead fraction is
    over all hidden units together:

    .. math::

        d = \frac{\#\{\text{dead hidden units}\}}{\#\{\text{hidden units}\}}.

    If the parameters overflow, training stops; a run that overflowed or
    ends with a loss above :data:`DIVERGED_LOSS` is reported as diverged,
    with NaN dead fraction and loss.

    A run is a deterministic function of its arguments, so a run on the
    default data whose arguments are all plain Python numbers and strings
    is remembered for the rest of the session: asking for it again (as
    chapter 5's sweeps and chapter 6's exercise do, for a few identical
    configurations) returns the same :class:`DeadRun` without training
    again. The sweeps of this module train the networks of all their seeds
    together: the weights of the seeds are stacked and each step does on
    every slice the operations of :func:`relu_book.nn.train_step`, with
    nn's activation layers (each model's own for PReLU and RReLU) and loss,
    so the runs are the same bit for bit as one :func:`relu_book.nn.train`
    per seed (the tests check this), only faster.

    Parameters
    ----------
    layer_sizes : sequence of int, default (2, 32, 32, 1)
    lr : float
        Learning rate.
    seed : int, default 0
    bias : float, default 0.0
        Initial value of every hidden bias.
    activation : str, default "relu"
        Any activation of :class:`relu_book.nn.MLP`, including ``"prelu"``
        (:class:`relu_book.nn.PReLU`: by default one learnable slope per
        unit, initially 0.25) and ``"rrelu"`` (:class:`relu_book.nn.RReLU`:
        random slopes in training; the dead fraction is measured in
        evaluation mode).
    init : {"he", "xavier", "normal"}, default "he"
    init_std : float, optional
        Standard deviation for ``init="normal"``.
    epochs, batch_size : int, default 40, 32
    data : tuple (X, Y), optional
        Training data, ``X`` of shape ``(n, n_in)`` and targets ``Y`` of shape
        ``(n, n_out)``; default ``make_regression()``.
    **activation_kwargs
        E.g. ``negative_slope=0.01``, or ``prelu_mode="shared"``.

    Returns
    -------
    DeadRun

    Examples
    --------
    >>> run = train_and_measure(lr=0.05, seed=0, epochs=5)
    >>> run.diverged, 0.0 <= run.dead <= 1.0
    (False, True)
    """
    return _measure_seeds([seed], layer_sizes, lr, bias, activation, init, init_std, epochs, batch_size, data,
                          activation_kwargs)[0]


#: Runs of :func:`train_and_measure` on the default data, by :func:`_run_key`.
_RUNS: dict = {}
_PLAIN = (int, float, str, type(None))


def _run_key(**kwargs):
    """A key that identifies the arguments exactly (type and repr of each), or None if one is not a plain value."""
    items = []
    for name in sorted(kwargs):
        value = kwargs[name]
        if name == "layer_sizes" and isinstance(value, (list, tuple)):
            entries = tuple(value)
        elif type(value) in _PLAIN:
            entries = (value,)
        else:
            return None
        if not all(type(v) in _PLAIN for v in entries):
            return None
        items.append((name, tuple((type(v).__name__, repr(v)) for v in entries)))
    return tuple(items)


def _measure_seeds(seeds, layer_sizes, lr, bias, activation, init, init_std, epochs, batch_size, data,
                   activation_kwargs, *, stack=True) -> list[DeadRun]:
    """:func:`train_and_measure` for each of ``seeds``, everything else equal (see :func:`_measure_jobs`)."""
    return _measure_jobs([(s, lr, bias) for s in seeds], layer_sizes, activation, init, init_std, epochs,
                         batch_size, data, activation_kwargs, stack=stack)


def _measure_jobs(jobs, layer_sizes, activation, init, init_std, epochs, batch_size, data, activation_kwargs, *,
                  stack=True) -> list[DeadRun]:
    """:func:`train_and_measure` for each ``(seed, lr, bias)`` of ``jobs``, everything else equal; remembered runs
    are not trained again.

    With ``stack`` the networks of the jobs are trained together by :func:`_train_stacked`; without, one by
    one by :func:`relu_book.nn.train` (the reference the tests compare it with).
    """
    keys = [None if data is not None else
            _run_key(layer_sizes=layer_sizes, lr=lr, seed=seed, bias=bias, activation=activation, init=init,
                     init_std=init_std, epochs=epochs, batch_size=batch_size, **activation_kwargs)
            for seed, lr, bias in jobs]
    runs = {j: _RUNS[key] for j, key in enumerate(keys) if key is not None and key in _RUNS}
    todo = [j for j in range(len(jobs)) if j not in runs]
    if todo:
        X, Y = _training_data(data)
        models = [_build(layer_sizes, activation, init, jobs[j][0], init_std, real_scalar(jobs[j][2], "bias"),
                         activation_kwargs) for j in todo]
        at_init = [_overall(model, X) for model in models]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if stack:
                finals = _train_stacked(models, [jobs[j][0] for j in todo], X, Y, [jobs[j][1] for j in todo],
                                        epochs, batch_size)
            else:
                finals = [_train_one(model, jobs[j][0], X, Y, jobs[j][1], epochs, batch_size)
                          for j, model in zip(todo, models)]
        for j, model, dead_at_init, (final, stopped) in zip(todo, models, at_init, finals):
            if stopped or not np.isfinite(final) or final > DIVERGED_LOSS:
                runs[j] = DeadRun(dead_at_init, float("nan"), float("nan"), True)
            else:
                runs[j] = DeadRun(dead_at_init, _overall(model, X), float(final), False)
            if keys[j] is not None:
                _RUNS[keys[j]] = runs[j]
    return [runs[j] for j in range(len(jobs))]


def _finite(arrays) -> bool:
    return all(np.isfinite(a).all() for a in arrays)


def _train_one(model, seed, X, Y, lr, epochs, batch_size) -> tuple[float, bool]:
    """Train ``model`` by :func:`relu_book.nn.train`, stopping if a parameter overflows; (final loss, stopped)."""

    def blown_up(epoch, m):
        slopes = [p for layer in m.activation_layers for p in layer.params.values()]
        return not _finite([*m.weights, *m.biases, *slopes])

    history = train(model, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed, callback=blown_up)
    return history.loss[-1], history.stopped_early


def _rrelu_training(Z: np.ndarray, layers) -> tuple[np.ndarray, np.ndarray]:
    """``(out, slopes)`` of :func:`relu_book.activations.rrelu` in training mode on every slice ``Z[k]``, with
    ``layers[k]``'s bounds and generator, as :meth:`relu_book.nn.RReLU.forward` computes them (the same draws
    and the same elementwise operations; the bounds were checked when the layers were made)."""
    draws = np.stack([layer.rng.uniform(layer.kwargs["lower"], layer.kwargs["upper"], size=z.shape).astype(Z.dtype)
                      for layer, z in zip(layers, Z)])
    slopes = _rrelu_slopes_array(Z, draws)
    with np.errstate(invalid="ignore", over="ignore"):
        return Z * slopes, slopes


def _train_stacked(models, seeds, X, Y, lrs, epochs, batch_size) -> list[tuple[float, bool]]:
    """Train ``models`` (equal sizes and activation) as :func:`relu_book.nn.train` trains each with its seed
    and learning rate (``seeds[k]``, ``lrs[k]``), all at once.

    The weights and biases of the models are stacked along a first axis, and each step does, on every slice,
    exactly the operations of :func:`relu_book.nn.train_step` in the same order (the matrix products are
    batched, one per slice). The activations are nn's: a layer without parameters or state is applied to the
    whole stack (relu and tanh inline, as :class:`relu_book.nn.MLP` computes them); PReLU's slopes are stacked
    like the weights and applied by the kernels of :func:`relu_book.activations.prelu` and
    :func:`~relu_book.activations.prelu_grad`, with the sums of
    :meth:`relu_book.nn.PReLU.backward` taken per slice; RReLU draws its random slopes from each model's own
    layer's generator on its slice (:func:`relu_book.activations.rrelu`, as :meth:`relu_book.nn.RReLU.forward`
    in training mode) and multiplies the backward pass by them (:func:`~relu_book.activations.rrelu_grad`);
    any other layer is each model's own, on its slice. Activation parameters are updated as ``train_step``
    updates them. The loss is
    that of :data:`relu_book.nn.LOSSES`. Every epoch shuffles each model's examples with its own generator,
    as ``train`` does. A model whose parameters overflow stops, as ``train``'s callback in
    :func:`_train_one` stops it. The trained parameters are written back into ``models``. Returns (loss of
    the last epoch, stopped) per model.
    """
    lrs = [real_scalar(lr, "lr", low=0.0, low_inclusive=False) for lr in lrs]
    epochs = _int(epochs, "epochs")
    batch_size = _int(batch_size, "batch_size")
    mse = LOSSES["mse"]
    first = models[0]
    if X.shape[1] != first.layer_sizes[0]:
        raise ValueError(f"X must have shape (batch, {first.layer_sizes[0]}), got {X.shape}")
    X = X.astype(first.dtype, copy=False)
    Y = mse.targets(Y, X.shape[0], first.layer_sizes[-1], first.dtype)
    shared = [type(layer) is Activation for layer in first.activation_layers]  # one layer for every slice
    kinds = [_inline_kind(layer) for layer in first.activation_layers]  # relu and tanh: computed as MLP does
    # PReLU: the slopes of the models stacked, (models, 1, units or 1), applied as PReLU.forward/backward do
    slopes = {i: np.stack([m.activation_layers[i].params["weight"] for m in models])[:, None, :]
              for i, layer in enumerate(first.activation_layers) if type(layer) is PReLU}
    unit = {i: first.activation_layers[i].mode == "unit" for i in slopes}
    # RReLU: each model's layer draws its slopes on its slice, as RReLU.forward does; the backward pass
    # multiplies by the stacked slopes, as RReLU.backward does
    drawn = {i: None for i, layer in enumerate(first.activation_layers) if type(layer) is RReLU}
    Ws = [np.stack([m.weights[i] for m in models]) for i in range(first.n_layers)]
    bs = [np.stack([m.biases[i] for m in models])[:, None, :] for i in range(first.n_layers)]
    steps = [first.dtype.type(lr) for lr in lrs]  # as train_step, in the model's dtype
    step = np.array(steps)[:, None]
    rngs = [np.random.default_rng(seed) for seed in seeds]
    n, last = X.shape[0], first.n_layers - 1
    losses = [0.0] * len(models)
    stopped = [False] * len(models)
    alive = list(range(len(models)))  # the models of the slices, in order
    modes = [m.training for m in models]
    for m in models:
        m.training = True  # as in train_step (random slopes for RReLU)
    try:
        for epoch in range(epochs):
            orders = np.stack([rngs[k].permutation(n) for k in alive])
            own = [[models[k].activation_layers[i] for k in alive] for i in range(last)]
            step_outputs = []  # (outputs, targets) of every step: the losses of a model's last epoch
            for start in range(0, n, batch_size):
                idx = orders[:, start:start + batch_size]
                H, Y_batch = X[idx], Y[idx]
                inputs, pre = [H], []
                for i, (W, b) in enumerate(zip(Ws, bs)):
                    Z = H @ W
                    Z += b
                    if i == last:
                        H = Z
                    elif shared[i]:
                        H = first.activation_layers[i].forward(Z) if kinds[i] is None else _inline_forward(kinds[i], Z)
                    elif i in slopes:
                        H = _prelu_array(Z, slopes[i])  # prelu's kernel: the slopes are stacked in Z's dtype
                    elif i in drawn:
                        H, drawn[i] = _rrelu_training(Z, own[i])
                    else:
                        Z = [Z[j] for j in range(len(alive))]  # the slices themselves: RReLU keeps them
                        H = np.stack([layer.forward(z) for layer, z in zip(own[i], Z)])
                    pre.append(Z)
                    inputs.append(H)
                step_outputs.append((H, Y_batch))
                delta = mse.gradient(H, Y_batch)  # of every slice, elementwise: the same numbers
                grads = [None] * len(Ws)
                act_grads = [[{}] * len(alive) for _ in range(last)]
                for i in range(last, -1, -1):
                    grads[i] = (np.swapaxes(inputs[i], 1, 2) @ delta, delta.sum(axis=1))
                    if i > 0:
                        grad_h = delta @ np.swapaxes(Ws[i], 1, 2)
                        if shared[i - 1] and kinds[i - 1] is not None:
                            delta = _inline_backward(kinds[i - 1], pre[i - 1], inputs[i], grad_h)
                        elif shared[i - 1]:
                            delta, _ = first.activation_layers[i - 1].backward(pre[i - 1], grad_h)
                        elif i - 1 in slopes:
                            grad_z, partial_a = _prelu_grad_arrays(pre[i - 1], slopes[i - 1])
                            grad_a = grad_h * partial_a  # summed over the batch (and the units if shared)
                            grad_a = grad_a.sum(axis=1) if unit[i - 1] else grad_a.reshape(len(alive), -1).sum(axis=1)
                            act_grads[i - 1] = grad_a.reshape(len(alive), 1, -1)
                            delta = grad_h * grad_z
                        elif i - 1 in drawn:
                            delta = grad_h * rrelu_grad(pre[i - 1], slopes=drawn[i - 1])
                        else:
                            parts = [layer.backward(z, g) for layer, z, g in zip(own[i - 1], pre[i - 1], grad_h)]
                            delta = np.stack([part[0] for part in parts])
                            act_grads[i - 1] = [part[1] for part in parts]
                for W, b, (gW, gb) in zip(Ws, bs, grads):
                    gW *= step[:, :, None]
                    W -= gW
                    gb *= step
                    b -= gb[:, None, :]
                for i, (layers, per_slice) in enumerate(zip(own, act_grads)):
                    if i in slopes:
                        slopes[i] -= step[:, :, None] * per_slice
                        continue
                    for k, layer, layer_grads in zip(alive, layers, per_slice):
                        for name, g in layer_grads.items():
                            layer.params[name] -= steps[k] * g
            keep = []
            finite = np.ones(len(alive), dtype=bool)  # the stacked parameters of each slice, checked at once
            for a in [*Ws, *bs, *slopes.values()]:
                finite &= np.isfinite(a).reshape(len(alive), -1).all(axis=1)
            for j, k in enumerate(alive):
                params = [p for i, layer in enumerate(models[k].activation_layers) if i not in slopes
                          for p in layer.params.values()]
                stopped[k] = not (finite[j] and _finite(params))
                if stopped[k] or epoch == epochs - 1:  # the model's last epoch: its mean loss over the steps
                    losses[k] = np.mean([mse.value(out[j], target[j]) for out, target in step_outputs])
                if not stopped[k]:
                    keep.append(j)
            if len(keep) < len(alive):  # a model that overflowed stops, as train's callback stops it
                alive = [alive[j] for j in keep]
                Ws = [W[keep] for W in Ws]
                bs = [b[keep] for b in bs]
                step = step[keep]
                slopes = {i: a[keep] for i, a in slopes.items()}
            if not alive:
                break
    finally:
        for m, mode in zip(models, modes):
            m.training = mode
    for j, k in enumerate(alive):
        for i in range(first.n_layers):
            models[k].weights[i][...] = Ws[i][j]
            models[k].biases[i][...] = bs[i][j, 0]
        for i, a in slopes.items():
            models[k].activation_layers[i].params["weight"][...] = a[j, 0]
    return list(zip(losses, stopped))


def _job_settings(layer_sizes=(2, 32, 32, 1), activation="relu", init="he", init_std=None, epochs=40,
                  batch_size=32, data=None, **activation_kwargs) -> dict:
    """The settings of :func:`train_and_measure` other than the seed, rate and bias, defaults filled in."""
    return {"layer_sizes": layer_sizes, "activation": activation, "init": init, "init_std": init_std,
            "epochs": epochs, "batch_size": batch_size, "data": data, "activation_kwargs": activation_kwargs}


def _measure(seeds, layer_sizes=(2, 32, 32, 1), *, lr, bias=0.0, activation="relu", init="he", init_std=None,
             epochs=40, batch_size=32, data=None, **activation_kwargs) -> list[DeadRun]:
    """:func:`train_and_measure` (same keyword arguments but ``seed``) for each of ``seeds``."""
    return _measure_seeds(seeds, layer_sizes, lr, bias, activation, init, init_std, epochs, batch_size, data,
                          activation_kwargs)


def _sweep(name, values, seeds, make_kwargs) -> dict:
    values = sequence(values, name)
    seeds = _seeds(seeds)
    shape = (len(values), len(seeds))
    out = {name: np.array(values), "seeds": np.array(seeds)}
    fields = {k: np.empty(shape) for k in ("dead_at_init", "dead", "loss")}
    diverged = np.zeros(shape, dtype=bool)
    kwargs = [make_kwargs(v) for v in values]
    common = [{k: v for k, v in kw.items() if k not in ("lr", "bias")} for kw in kwargs]
    if all(c.keys() == common[0].keys() and all(c[k] is common[0][k] for k in c) for c in common):
        # only the rate or the bias varies: train every run of the sweep together
        jobs = [(s, kw["lr"], kw.get("bias", 0.0)) for kw in kwargs for s in seeds]
        runs = _measure_jobs(jobs, **_job_settings(**common[0]))
    else:
        runs = [run for kw in kwargs for run in _measure(seeds, **kw)]
    for (i, j), run in zip(np.ndindex(shape), runs):
        fields["dead_at_init"][i, j], fields["dead"][i, j], fields["loss"][i, j] = run[:3]
        diverged[i, j] = run.diverged
    out.update(fields)
    out["diverged"] = diverged
    return out


_SWEEP_DOC = """
    Returns
    -------
    dict
        ``{name}`` (the values), ``seeds``, and arrays of shape
        ``(len({name}), len(seeds))``: ``dead_at_init``, ``dead``, ``loss``
        (see :class:`DeadRun`; NaN where a run diverged) and ``diverged``.
"""


def learning_rate_sweep(lrs, seeds=range(5), **kwargs) -> dict:
    r"""Dead-unit fraction after training against the learning rate.

    One :func:`train_and_measure` run per learning rate and seed, everything
    else fixed (``kwargs`` are passed on).

    Parameters
    ----------
    lrs : sequence of float
    seeds : sequence of int, default range(5)

    Returns
    -------
    dict
        ``lr``, ``seeds``, and arrays of shape ``(len(lrs), len(seeds))``:
        ``dead_at_init``, ``dead``, ``loss`` (NaN where a run diverged) and
        ``diverged``.

    Examples
    --------
    >>> out = learning_rate_sweep([0.01], seeds=[0], epochs=2)
    >>> out["dead"].shape
    (1, 1)
    """
    return {("lr" if k == "lrs" else k): v for k, v in
            _sweep("lrs", lrs, seeds, lambda v: {"lr": v, **kwargs}).items()}


def bias_shift_sweep(biases, seeds=range(5), lr=0.1, **kwargs) -> dict:
    r"""Dead-unit fraction before and after training against a shift of the initial biases.

    Every hidden bias starts at the given value instead of 0.

    Parameters
    ----------
    biases : sequence of float
    seeds : sequence of int, default range(5)
    lr : float, default 0.1

    Returns
    -------
    dict
        ``bias``, ``seeds``, and arrays of shape ``(len(biases), len(seeds))``:
        ``dead_at_init``, ``dead``, ``loss`` and ``diverged``.

    Examples
    --------
    >>> out = bias_shift_sweep([-5.0], seeds=[0], epochs=1)
    >>> float(out["dead_at_init"][0, 0])  # every unit starts dead
    1.0
    """
    return {("bias" if k == "biases" else k): v for k, v in
            _sweep("biases", biases, seeds, lambda v: {"lr": lr, "bias": v, **kwargs}).items()}


def depth_sweep(depths, seeds=range(5), width=16, lr=0.1, **kwargs) -> dict:
    r"""Dead-unit fraction before and after training against the number of hidden layers.

    Networks ``[2, width, ..., width, 1]`` with ``depth`` hidden layers.

    Parameters
    ----------
    depths : sequence of int
    seeds : sequence of int, default range(5)
    width : int, default 16
    lr : float, default 0.1

    Returns
    -------
    dict
        ``depth``, ``seeds``, and arrays of shape ``(len(depths), len(seeds))``:
        ``dead_at_init``, ``dead``, ``loss`` and ``diverged``.

    Examples
    --------
    >>> out = depth_sweep([1, 2], seeds=[0], epochs=1)
    >>> out["depth"].tolist()
    [1, 2]
    """
    depths = [_int(d, "each entry of depths") for d in sequence(depths, "depths")]
    width = _int(width, "width")
    return {("depth" if k == "depths" else k): v for k, v in
            _sweep("depths", depths, seeds,
                   lambda d: {"layer_sizes": [2] + [width] * d + [1], "lr": lr, **kwargs}).items()}


#: The remedy comparison of chapter 5: name -> keyword arguments of
#: :func:`train_and_measure`. The baseline is the ReLU network
#: ``[2, 32, 32, 1]`` with every weight drawn from :math:`\mathcal N(0, 0.5^2)`
#: (twice the He scale in the second layer), trained with learning rate 0.3;
#: every other row changes one thing.
REMEDIES = {
    "baseline (ReLU)": {},
    "smaller learning rate": {"lr": 0.1},
    "He initialisation": {"init": "he", "init_std": None},
    "positive bias 0.1": {"bias": 0.1},
    "leaky ReLU (0.01)": {"activation": "leaky_relu", "negative_slope": 0.01},
    "PReLU": {"activation": "prelu"},
    "ELU": {"activation": "elu"},
}

_BASELINE = {"lr": 0.3, "init": "normal", "init_std": 0.5}


def remedy_comparison(seeds=range(5), remedies=None, baseline=None) -> dict:
    r"""Dead (inactive) fraction and final loss for each remedy in :data:`REMEDIES`.

    Each entry overrides the baseline keyword arguments of
    :func:`train_and_measure` and is run once per seed.

    Parameters
    ----------
    seeds : sequence of int, default range(5)
    remedies : dict, optional
        Name -> keyword overrides; default :data:`REMEDIES`.
    baseline : dict, optional
        The keyword arguments every row starts from.

    Returns
    -------
    dict
        Name -> dict with arrays of shape ``(len(seeds),)``: ``dead``,
        ``loss`` (NaN where a run diverged) and ``diverged``.

    Examples
    --------
    >>> out = remedy_comparison(seeds=[0], remedies={"small": {"lr": 0.01, "epochs": 1}})
    >>> sorted(out["small"])
    ['dead', 'diverged', 'loss']
    """
    seeds = _seeds(seeds)
    remedies = REMEDIES if remedies is None else remedies
    base = dict(_BASELINE if baseline is None else baseline)
    out = {}
    for name, override in remedies.items():
        runs = _measure(seeds, **{**base, **override})
        out[name] = {
            "dead": np.array([r.dead for r in runs]),
            "loss": np.array([r.loss for r in runs]),
            "diverged": np.array([r.diverged for r in runs]),
        }
    return out


def revival_demo(steps=150, lr=0.002):
    r"""Two dead units in one network: one stays dead, one comes back.

    A network ``[1, 2, 2, 1]`` is built by hand and trained by full-batch
    gradient descent on :math:`y = 3x`, :math:`x \in [0.5, 1.5]`:

    * hidden layer 1: unit A :math:`= \relu(0.2 x)` (alive) and unit B
      :math:`= \relu(-x - 0.1)`, dead on every positive input;
    * hidden layer 2: unit C :math:`= \relu(A)` (alive) and unit D
      :math:`= \relu(A - 0.5)`, dead while :math:`0.2 x \le 0.5`;
    * output :math:`C + D`.

    B's inputs are the data, which never change, so B stays dead forever.
    D's input A changes, because the gradient reaches A's weight through
    C, so D's pre-activation rises until D comes back.

    Parameters
    ----------
    steps : int, default 150
        Gradient steps.
    lr : float, default 0.002

    Returns
    -------
    dict of numpy.ndarray, each of shape (steps + 1,)
        ``max_pre_B`` and ``max_pre_D`` (largest pre-activation over the data,
        before each step and after the last), ``weight_B`` and ``weight_D``
        (their incoming weight from x and from A), and ``loss``.

    Examples
    --------
    >>> demo = revival_demo(steps=150)
    >>> b, d = demo["max_pre_B"], demo["max_pre_D"]
    >>> bool(b.max() < 0), bool(d[0] < 0 < d[-1])
    (True, True)
    """
    steps = _int(steps, "steps")
    lr = real_scalar(lr, "lr", low=0.0, low_inclusive=False)
    X = np.linspace(0.5, 1.5, 11)[:, None]
    Y = 3.0 * X
    model = MLP([1, 2, 2, 1], seed=0)
    model.weights = [np.array([[0.2, -1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]]), np.array([[1.0], [1.0]])]
    model.biases = [np.array([0.0, -0.1]), np.array([0.0, -0.5]), np.array([0.0])]
    rows = []

    def record(loss):
        model.forward(X)
        rows.append((model.activations[0].pre_activation[:, 1].max(), model.activations[1].pre_activation[:, 1].max(),
                     model.weights[0][0, 1], model.weights[1][0, 1], loss))

    for _ in range(steps):
        loss, gW, gb = model.loss_and_grads(X, Y)
        record(loss)
        for W, b, g, h in zip(model.weights, model.biases, gW, gb):
            W -= lr * g
            b -= lr * h
    record(model.loss_and_grads(X, Y)[0])
    cols = np.array(rows, dtype=np.float64).T
    return dict(zip(("max_pre_B", "max_pre_D", "weight_B", "weight_D", "loss"), cols))


# ============================================ learning rates tuned per activation


def best_learning_rate(lrs, losses) -> float:
    r"""The learning rate with the smallest median final loss over seeds; a diverged run counts as infinite.

    .. math::

        \eta^\ast = \arg\min_{\eta \in \texttt{lrs}} \operatorname{median}_s L(\eta, s),
        \qquad L = +\infty \text{ for a diverged run (NaN)},

    ties going to the smaller rate (the first in ``lrs`` once sorted).

    Parameters
    ----------
    lrs : sequence of float
        The learning rates tried.
    losses : array_like, shape (len(lrs), n_seeds)
        Final loss of each run, NaN where it diverged (as returned by
        :func:`learning_rate_sweep`).

    Returns
    -------
    float

    Examples
    --------
    >>> best_learning_rate([0.1, 0.3, 1.0], [[0.5, 0.4], [0.2, 0.3], [np.nan, 0.01]])
    0.3
    """
    lrs = [real_scalar(lr, "each entry of lrs", low=0.0, low_inclusive=False) for lr in sequence(lrs, "lrs")]
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 2 or losses.shape[0] != len(lrs) or losses.shape[1] == 0:
        raise ValueError(f"losses must have shape ({len(lrs)}, n_seeds) with n_seeds >= 1, got {losses.shape}")
    medians = np.median(np.where(np.isnan(losses), np.inf, losses), axis=1)
    order = np.argsort(lrs, kind="stable")
    return float(lrs[order[int(np.argmin(medians[order]))]])


def tuned_comparison(configs, lrs, *, tuning_seeds=(100, 101), seeds=range(5), **common) -> dict:
    r"""Each configuration trained at its own best learning rate, chosen on separate seeds.

    For every configuration, :func:`learning_rate_sweep` over ``lrs`` runs on
    ``tuning_seeds``; :func:`best_learning_rate` picks the rate with the
    smallest median final loss (diverged runs count as infinite); then the
    configuration is run at that rate on ``seeds``, which must be disjoint
    from ``tuning_seeds``, so the reported runs played no part in choosing it
    (the protocol of :func:`relu_book.training.convergence_race`):

    .. math::

        \eta^\ast_c &= \arg\min_{\eta \in \texttt{lrs}}
        \operatorname{median}_{s \in \texttt{tuning\_seeds}} L_c(\eta, s), \\
        &\text{report } L_c(\eta^\ast_c, s),\ d_c(\eta^\ast_c, s)
        \text{ for } s \in \texttt{seeds}.

    Parameters
    ----------
    configs : dict
        Name -> keyword arguments of :func:`train_and_measure` (without ``lr``).
    lrs : sequence of float
        The learning-rate grid, the same for every configuration.
    tuning_seeds : sequence of int, default (100, 101)
    seeds : sequence of int, default range(5)
    **common
        Keyword arguments of every run, overridden by each configuration.

    Returns
    -------
    dict
        Name -> ``{"lr": best rate, "tuning": array (len(lrs),) of median
        tuning losses (inf where most runs diverged), "dead", "loss",
        "diverged": arrays (len(seeds),)}``.

    Examples
    --------
    >>> out = tuned_comparison({"ReLU": {}}, [0.01, 0.1], tuning_seeds=[9], seeds=[0],
    ...                        epochs=2)
    >>> out["ReLU"]["lr"], out["ReLU"]["loss"].shape
    (0.1, (1,))
    """
    if not isinstance(configs, dict) or not configs:
        raise TypeError("configs must be a non-empty dict of name -> keyword arguments")
    tuning_seeds = _seeds(tuning_seeds, "tuning_seeds")
    seeds = _seeds(seeds)
    both = sorted(set(tuning_seeds) & set(seeds))
    if both:
        raise ValueError(f"tuning_seeds and seeds must be disjoint, both contain {both}")
    out = {}
    for name, config in configs.items():
        if "lr" in config:
            raise ValueError(f"configs[{name!r}] must not set lr: the learning rate is tuned")
        kwargs = {**common, **config}
        tuning = learning_rate_sweep(lrs, seeds=tuning_seeds, **kwargs)
        best = best_learning_rate(lrs, tuning["loss"])
        final = learning_rate_sweep([best], seeds=seeds, **kwargs)
        out[name] = {
            "lr": best,
            "tuning": np.median(np.where(np.isnan(tuning["loss"]), np.inf, tuning["loss"]), axis=1),
            "dead": final["dead"][0],
            "loss": final["loss"][0],
            "diverged": final["diverged"][0],
        }
    return out


# ====================================== the size of the first step, measured


def _parameters(model) -> list[np.ndarray]:
    """Every trainable array of ``model``, in a fixed order (the arrays themselves, not copies)."""
    acts = [layer.params[k] for layer in model.activation_layers for k in sorted(layer.params)]
    return [*model.weights, *model.biases, *acts]


def _gradient(model, X, Y) -> np.ndarray:
    """The full-batch gradient of the mean squared error, flattened in the order of :func:`_parameters`."""
    _, grads_W, grads_b = model.loss_and_grads(X, Y, "mse")
    acts = [grads[k] for grads in model.activation_grads for k in sorted(grads)]
    return np.concatenate([np.ravel(g) for g in (*grads_W, *grads_b, *acts)]).astype(np.float64)


def _measured_model(model, X, Y):
    instance(model, "model", MLP)
    X = as_float_array(X, "X")
    Y = as_float_array(Y, "Y")
    return X, Y


def gradient_norm(model, X, Y) -> float:
    r"""Euclidean norm of the full-batch gradient of the mean squared error over every parameter.

    .. math::

        \lVert \nabla_\theta \mathcal L \rVert_2
        = \Bigl(\sum_\ell \lVert \partial_{W_\ell}\mathcal L\rVert_F^2
        + \lVert \partial_{b_\ell}\mathcal L\rVert^2
        + \lVert \partial_{a}\mathcal L\rVert^2\Bigr)^{1/2},

    with :math:`a` the learnable slopes of ``"prelu"`` layers, if any. Evaluated
    at the model's current parameters (at initialisation: the gradient of
    the first step of full-batch gradient descent, whose length is
    :math:`\eta` times this). Kinks use the library's convention
    (:math:`\relu'(0) = 0`); ``"rrelu"`` is evaluated in the model's current
    mode (evaluation mode unless changed). The model is not modified.

    Parameters
    ----------
    model : relu_book.nn.MLP
    X : array_like, shape (N, n_in)
    Y : array_like, shape (N, n_out)

    Returns
    -------
    float

    Examples
    --------
    >>> model = MLP([1, 1], init="normal", init_std=1.0)
    >>> model.weights[0][:] = 2.0
    >>> # L = (w + b)^2 / 2 at w = 2, b = 0: both partials are 2
    >>> gradient_norm(model, [[1.0]], [[0.0]])
    2.8284271247461903
    """
    X, Y = _measured_model(model, X, Y)
    return float(np.linalg.norm(_gradient(model, X, Y)))


def sharpness(model, X, Y, *, iterations=30, eps=1e-6, seed=0, rtol=1e-6) -> float:
    r"""Top eigenvalue of the Hessian of the loss, by power iteration on finite-difference Hessian-vector products.

    The Hessian-vector product is the central difference of two gradients,

    .. math::

        H v \approx \frac{\nabla\mathcal L(\theta + \varepsilon v)
                         - \nabla\mathcal L(\theta - \varepsilon v)}{2\varepsilon},
        \qquad \lVert v\rVert = 1,

    and power iteration :math:`v \leftarrow Hv / \lVert Hv\rVert` from a
    seeded random start converges to the eigenvector of the eigenvalue of
    largest modulus; the function returns the Rayleigh quotient
    :math:`\lambda_k = v_k^\top H v_k` of the last iterate, stopping after
    ``iterations`` steps or as soon as
    :math:`|\lambda_k - \lambda_{k-1}| \le \texttt{rtol}\,|\lambda_k|` (the mean squared error
    of :meth:`relu_book.nn.MLP.loss_and_grads`, full batch). Gradient descent
    on the quadratic model of the loss is stable along that direction only
    if :math:`\eta\lambda < 2`. Across a kink of ReLU the gradient jumps, so
    the difference measures the Hessian of the piece on which
    :math:`\theta \pm \varepsilon v` lie, provided ``eps`` is small enough
    that they lie on one piece. The model is
    restored exactly afterwards.

    Parameters
    ----------
    model : relu_book.nn.MLP
    X : array_like, shape (N, n_in)
    Y : array_like, shape (N, n_out)
    iterations : int, default 30
        The largest number of power-iteration steps (>= 1).
    eps : float, default 1e-6
        Finite-difference step (> 0). A larger step makes the two gradients
        straddle a kink more often, and a jump of the gradient divided by
        :math:`2\varepsilon` swamps the estimate (with ``1e-4`` some
        networks of chapter 5 give a spurious negative value).
    seed : int, default 0
        Seed of the random start.
    rtol : float, default 1e-6
        Stop early once two successive estimates differ by at most ``rtol``
        times the last (>= 0; 0 always runs ``iterations`` steps).

    Returns
    -------
    float
        The estimate of the top eigenvalue.

    Examples
    --------
    For a linear model :math:`\hat y = wx + b` the Hessian is
    :math:`\frac1N\sum_i (x_i, 1)^\top (x_i, 1)`:

    >>> model = MLP([1, 1], init="normal", init_std=1.0)
    >>> X = np.array([[1.0], [3.0]])
    >>> exact = np.linalg.eigvalsh(np.array([[5.0, 2.0], [2.0, 1.0]]))[-1]
    >>> bool(abs(sharpness(model, X, 2 * X) - exact) < 1e-6)
    True
    """
    X, Y = _measured_model(model, X, Y)
    iterations = _int(iterations, "iterations")
    eps = real_scalar(eps, "eps", low=0.0, low_inclusive=False)
    rtol = real_scalar(rtol, "rtol", low=0.0)
    params = _parameters(model)
    saved = [p.copy() for p in params]
    sizes = [p.size for p in params]

    def set_to(flat):
        for p, chunk in zip(params, np.split(flat, np.cumsum(sizes)[:-1])):
            p[...] = chunk.reshape(p.shape)

    theta = np.concatenate([p.ravel() for p in saved]).astype(np.float64)
    v = np.random.default_rng(_int(seed, "seed", low=0)).standard_normal(theta.size)
    v /= np.linalg.norm(v)
    value = float("nan")  # no estimate yet: the first never stops the iteration
    try:
        for _ in range(iterations):
            set_to(theta + eps * v)
            g_plus = _gradient(model, X, Y)
            set_to(theta - eps * v)
            g_minus = _gradient(model, X, Y)
            hv = (g_plus - g_minus) / (2 * eps)
            value, previous = float(v @ hv), value
            norm = np.linalg.norm(hv)
            if norm == 0 or abs(value - previous) <= rtol * abs(value):
                break
            v = hv / norm
    finally:
        for p, s in zip(params, saved):
            p[...] = s
    return value


def first_step_measurements(configs, seeds=range(5), data=None, **common) -> dict:
    r"""Gradient norm and sharpness at initialisation, per configuration and seed.

    For each configuration (keyword arguments of :func:`train_and_measure`,
    merged over ``common``), the network of :func:`train_and_measure` is
    built for each seed exactly as that function builds it, and on the
    training set (default :func:`make_regression`) the function records
    :func:`gradient_norm` (the length of the first full-batch step is
    :math:`\eta` times it) and :func:`sharpness` :math:`\lambda`; the
    product :math:`\eta\lambda` is above 2 when the first step overshoots
    along the sharpest direction of the quadratic model:

    .. math::

        \bigl(\lVert \nabla_\theta \mathcal L(\theta_0)\rVert_2,\
        \lambda_{\max}(\nabla^2_\theta \mathcal L(\theta_0))\bigr)
        \quad\text{per configuration and seed.}

    Kinks use the library's convention (:math:`\relu'(0) = 0`).

    Parameters
    ----------
    configs : dict
        Name -> keyword arguments of :func:`train_and_measure`.
    seeds : sequence of int, default range(5)
    data : tuple (X, Y), optional
        Training data, as in :func:`train_and_measure`; default ``make_regression()``.
    **common
        Keyword arguments shared by all configurations.

    Returns
    -------
    dict
        Name -> ``{"grad_norm", "sharpness": arrays (len(seeds),)}``.

    Examples
    --------
    >>> out = first_step_measurements({"ReLU": {}}, seeds=[0, 1])
    >>> out["ReLU"]["grad_norm"].shape, bool(np.all(out["ReLU"]["sharpness"] > 0))
    ((2,), True)
    """
    if not isinstance(configs, dict) or not configs:
        raise TypeError("configs must be a non-empty dict of name -> keyword arguments")
    seeds = _seeds(seeds)
    X, Y = _training_data(data)
    out = {}
    for name, config in configs.items():
        kw = {"layer_sizes": (2, 32, 32, 1), "bias": 0.0, "activation": "relu", "init": "he", "init_std": None,
              **common, **config}
        for key in ("lr", "epochs", "batch_size"):
            kw.pop(key, None)
        sizes, bias, act, init, std = (kw.pop(k) for k in ("layer_sizes", "bias", "activation", "init", "init_std"))
        norms, sharp = [], []
        for s in seeds:
            model = _build(sizes, act, init, s, std, real_scalar(bias, "bias"), kw)
            norms.append(gradient_norm(model, X, Y))
            sharp.append(sharpness(model, X, Y, seed=s))
        out[name] = {"grad_norm": np.array(norms), "sharpness": np.array(sharp)}
    return out
