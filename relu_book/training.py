r"""Experiments on training deep networks: the data, the network at initialisation, the speed of training.

The experiments of chapter 4, small enough to rerun in seconds. Each
function returns numbers (numpy arrays or plain dictionaries of them) and
leaves the plotting to the chapter.

* The data, generated in code: :func:`make_spirals`.
* Vanishing gradients at initialisation: :func:`gradient_norms_at_init`.
* The scale of the signal at initialisation: :func:`mean_squared_preactivations`.
* Convergence speed: :func:`training_error`, :func:`epochs_to_error`,
  :func:`training_error_curves`, :func:`convergence_race`.

Every experiment is seeded: the same arguments give the same numbers.
"""

from __future__ import annotations

import numpy as np

from relu_book._validation import as_float_array, choice, integer, random_seed, real_scalar, seed_list
from relu_book.nn import MLP, train

__all__ = [
    "make_spirals",
    "gradient_norms_at_init",
    "mean_squared_preactivations",
    "training_error",
    "epochs_to_error",
    "training_error_curves",
    "convergence_race",
]


def _chunks(X: np.ndarray, width: int):
    """Split the rows of ``X`` so that a product with a ``width x width`` matrix stays small.

    OpenBLAS runs a matrix product on several threads once rows * width**2
    exceeds about 2.6e5; for the small matrices of these experiments the
    threaded product is slower (much slower on a busy machine) than a few
    single-threaded ones, and the results are the same.
    """
    rows = max(1, 250_000 // max(width, 1) ** 2)
    return [X[i:i + rows] for i in range(0, X.shape[0], rows)]


# =========================================================================
# The data, generated in code
# =========================================================================


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    r"""Interleaved spirals in the plane, one arm per class.

    Point :math:`i` of class :math:`k` has radius :math:`r_i = i/(n-1)` and angle

    .. math::

        \theta_{ki} = \frac{4 i}{n-1} + \frac{2\pi k}{K} + \varepsilon_{ki},
        \qquad \varepsilon_{ki} \sim \mathcal N(0, \texttt{noise}^2),

    and coordinates :math:`r_i(\sin\theta_{ki}, \cos\theta_{ki})`: the classic
    data set of Karpathy's CS231n notes, which no linear classifier separates.

    Parameters
    ----------
    n_per_class : int, default 100
        Points per class (>= 2).
    n_classes : int, default 3
        Number of arms :math:`K` (>= 2).
    noise : float, default 0.2
        Standard deviation of the angular noise (>= 0).
    seed : int, default 0
        Seed of the noise.

    Returns
    -------
    X : numpy.ndarray, shape (n_per_class * n_classes, 2)
        The points, float64.
    labels : numpy.ndarray, shape (n_per_class * n_classes,)
        Integer class of each point.

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=4, n_classes=2, noise=0.0)
    >>> X.shape, np.bincount(labels)
    ((8, 2), array([4, 4]))
    """
    n = integer(n_per_class, "n_per_class", low=2)
    k = integer(n_classes, "n_classes", low=2)
    noise = real_scalar(noise, "noise", low=0.0)
    rng = np.random.default_rng(random_seed(seed))
    r = np.linspace(0.0, 1.0, n)
    points, labels = [], []
    for c in range(k):
        theta = np.linspace(0.0, 4.0, n) + 2 * np.pi * c / k + rng.standard_normal(n) * noise
        points.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        labels.append(np.full(n, c))
    return np.concatenate(points), np.concatenate(labels)


# =========================================================================
# Vanishing gradients at initialisation
# =========================================================================


def gradient_norms_at_init(activation, depth=20, width=64, seeds=range(5), init="he", batch=64):
    r"""Norm of the loss gradient with respect to each layer's weights, at initialisation.

    A network of ``depth`` weight layers, all ``width`` wide, with the given
    activation and initialisation, is evaluated on a batch of standard normal
    inputs against standard normal targets (loss ``"mse"``), and

    .. math::

        g_\ell = \Bigl\lVert \frac{\partial \mathcal L}{\partial W_\ell} \Bigr\rVert_F,
        \qquad \ell = 1, \dots, \texttt{depth},

    is recorded for each seed. Each backward step multiplies by
    :math:`\operatorname{diag}(f'(Z_\ell))\,W_\ell^\top`; a derivative bounded
    by 1/4 (sigmoid) shrinks the product geometrically.

    Parameters
    ----------
    activation : str
        Any activation of :class:`relu_book.nn.MLP`.
    depth : int, default 20
        Number of weight layers (>= 1).
    width : int, default 64
        Width of the input, every hidden layer and the output.
    seeds : sequence of int, default range(5)
        One network (and one batch) per seed.
    init : {"he", "xavier"}, default "he"
        Weight initialisation.
    batch : int, default 64
        Examples in the batch.

    Returns
    -------
    numpy.ndarray, shape (len(seeds), depth)
        :math:`g_\ell`, layer 1 (next to the input) first, float64.

    Examples
    --------
    >>> g = gradient_norms_at_init("sigmoid", depth=6, width=16, seeds=[0], init="xavier")
    >>> g.shape, bool(g[0, 0] < g[0, -1])  # smaller next to the input
    ((1, 6), True)
    """
    depth = integer(depth, "depth")
    width = integer(width, "width")
    batch = integer(batch, "batch")
    seeds = seed_list(seeds)
    choice(init, "init", ("he", "xavier"))
    out = np.empty((len(seeds), depth))
    for row, seed in enumerate(seeds):
        model = MLP([width] * (depth + 1), activation=activation, init=init, seed=seed)
        rng = np.random.default_rng(10_000 + seed)
        X = rng.standard_normal((batch, width))
        Y = rng.standard_normal((batch, width))
        _, grads_W, _ = model.loss_and_grads(X, Y, "mse")
        out[row] = [np.linalg.norm(g) for g in grads_W]
    return out


# =========================================================================
# The scale of the signal at initialisation
# =========================================================================


def mean_squared_preactivations(gain, depth=50, width=100, seeds=range(5), activation="relu", batch=200):
    r"""The mean squared pre-activation of every layer of a deep network at initialisation.

    Weights are drawn from :math:`\mathcal N(0, \texttt{gain}/n)` with
    :math:`n` = ``width``, biases are 0, and the inputs are standard normal.
    For each layer the function records

    .. math::

        q_\ell = \operatorname{mean}\bigl(Z_\ell^2\bigr)
        \quad\text{(over the batch and the units)}.

    For ReLU, :math:`\mathbb E[\relu(z)^2] = \tfrac12 \operatorname{Var}(z)` for
    symmetric :math:`z`, so :math:`q_{\ell+1} \approx \tfrac{\texttt{gain}}{2}\, q_\ell`:
    ``gain=1`` halves it every layer, ``gain=2`` (He initialisation) keeps it
    of order 1.

    Parameters
    ----------
    gain : float
        Variance of a weight times ``width`` (> 0).
    depth : int, default 50
        Number of weight layers.
    width : int, default 100
        Width of the input and of every layer.
    seeds : sequence of int, default range(5)
        One network (and one batch) per seed.
    activation : str, default "relu"
        Any activation of :class:`relu_book.nn.MLP`.
    batch : int, default 200
        Number of inputs.

    Returns
    -------
    numpy.ndarray, shape (len(seeds), depth)
        :math:`q_\ell` for :math:`\ell = 1, \dots` ``depth``, float64.

    Examples
    --------
    >>> q = mean_squared_preactivations(1.0, depth=10, width=200, seeds=[0])
    >>> bool(0.3 < (q[0, -1] / q[0, -2]) < 0.7)  # about 1/2 per layer
    True
    """
    gain = real_scalar(gain, "gain", low=0.0, low_inclusive=False)
    depth = integer(depth, "depth")
    width = integer(width, "width")
    batch = integer(batch, "batch")
    seeds = seed_list(seeds)
    out = np.empty((len(seeds), depth))
    for row, seed in enumerate(seeds):
        model = MLP([width] * (depth + 1), activation=activation, init="normal",
                    init_std=float(np.sqrt(gain / width)), seed=seed)
        X = np.random.default_rng(10_000 + seed).standard_normal((batch, width))
        sums = np.zeros(depth)
        for chunk in _chunks(X, width):
            model.forward(chunk)
            sums += [np.sum(r.pre_activation ** 2) for r in model.activations]
        out[row] = sums / (batch * width)
    return out


# =========================================================================
# Convergence speed
# =========================================================================


def training_error(model, X, labels):
    r"""Fraction of examples whose largest output is not their label.

    .. math::

        \text{error} = \frac1N \sum_{n=1}^N \bigl[\arg\max_k \hat y_{nk} \ne y_n\bigr]

    Parameters
    ----------
    model : relu_book.nn.MLP
    X : array_like, shape (N, n_in)
    labels : array_like of int, shape (N,)

    Returns
    -------
    float

    Examples
    --------
    >>> model = MLP([2, 2], init="normal", init_std=1.0)
    >>> model.weights[0] = np.eye(2)
    >>> training_error(model, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))
    0.5
    """
    X = as_float_array(X, "X")
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        expected = X.shape[0] if X.ndim else 0
        raise ValueError(f"labels must have shape ({expected},), one per row of X, got {labels.shape}")
    wrong = 0
    start = 0
    for chunk in _chunks(X, max(model.layer_sizes)):
        out = model.forward(chunk)
        wrong += int(np.sum(np.argmax(out, axis=1) != labels[start:start + len(chunk)]))
        start += len(chunk)
    return wrong / X.shape[0]


def epochs_to_error(activation, lr, seed, X, labels, *, threshold=0.25, max_epochs=300,
                    hidden=(64, 64, 64), batch_size=32, init=None):
    r"""Epochs of SGD until the training error first drops to ``threshold``.

    Trains :class:`relu_book.nn.MLP` with layer sizes
    ``[n_in, *hidden, n_classes]`` (so ``len(hidden) + 1`` weight layers),
    cross-entropy loss, plain SGD with learning rate ``lr``, and checks the
    error on the whole training set (:func:`training_error`) after every
    epoch. ``seed`` sets both the initial weights and the shuffling.

    Parameters
    ----------
    activation : str
        Activation of the hidden layers.
    lr : float
        Learning rate (> 0).
    seed : int
        Seed of the run.
    X : array_like, shape (N, n_in)
    labels : array_like of int, shape (N,)
    threshold : float, default 0.25
        Target training error in [0, 1].
    max_epochs : int, default 300
        Give up after this many epochs.
    hidden : sequence of int, default (64, 64, 64)
        Widths of the hidden layers.
    batch_size : int, default 32
    init : str, optional
        Weight initialisation; default ``"he"`` for the ReLU family and
        ``"xavier"`` for sigmoid and tanh (each activation's customary one).

    Returns
    -------
    float
        The first epoch (1, 2, ...) after which the error is at most
        ``threshold``, or ``inf`` if it never is within ``max_epochs``, or
        if the loss becomes NaN or infinite (divergence).

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=50, seed=0)
    >>> epochs_to_error("relu", 0.3, 0, X, labels, threshold=0.6, max_epochs=50)
    1.0
    """
    threshold = real_scalar(threshold, "threshold", low=0.0, high=1.0)
    max_epochs = integer(max_epochs, "max_epochs")
    seed = random_seed(seed)
    X = as_float_array(X, "X")
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise ValueError(f"X must be 2-D and labels 1-D of the same length, got {X.shape} and {labels.shape}")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if init is None:
        init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    sizes = [X.shape[1], *hidden, int(labels.max()) + 1]
    model = MLP(sizes, activation=activation, init=init, seed=seed)
    reached = []

    def callback(epoch, model):
        error = training_error(model, X, labels)
        diverged = not np.all([np.all(np.isfinite(w)) for w in model.weights])
        if error <= threshold or diverged:
            reached.append(np.inf if diverged else float(epoch))
            return True
        return False

    with np.errstate(over="ignore", invalid="ignore"):
        train(model, X, labels, lr, max_epochs, batch_size, seed=seed, loss="cross_entropy", callback=callback)
    return reached[0] if reached else np.inf


def training_error_curves(activation, lr, seeds, X, labels, *, epochs=40, hidden=(64, 64, 64),
                          batch_size=32, init=None):
    r"""Training error after every epoch, one row per seed: the curves of a convergence plot.

    The same runs as :func:`epochs_to_error` (same network, data, seeds and
    initialisation), but trained for exactly ``epochs`` epochs and recording
    :func:`training_error` after each one.

    Parameters
    ----------
    activation : str
    lr : float
    seeds : sequence of int
    X, labels
        The training set.
    epochs : int, default 40
    hidden, batch_size, init
        As in :func:`epochs_to_error`.

    Returns
    -------
    numpy.ndarray, shape (len(seeds), epochs)
        Column ``e`` is the error after epoch ``e + 1``.

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=30, seed=0)
    >>> training_error_curves("relu", 0.3, [0, 1], X, labels, epochs=3).shape
    (2, 3)
    """
    seeds = seed_list(seeds)
    epochs = integer(epochs, "epochs")
    X = as_float_array(X, "X")
    labels = np.asarray(labels)
    if init is None:
        init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    out = np.empty((len(seeds), epochs))
    for row, seed in enumerate(seeds):
        model = MLP([X.shape[1], *hidden, int(labels.max()) + 1], activation=activation, init=init, seed=seed)

        def callback(epoch, model, row=row):
            out[row, epoch - 1] = training_error(model, X, labels)

        with np.errstate(over="ignore", invalid="ignore"):
            train(model, X, labels, lr, epochs, batch_size, seed=seed, loss="cross_entropy", callback=callback)
    return out


def convergence_race(X, labels, *, activations=("relu", "tanh"), lrs=(0.01, 0.03, 0.1, 0.3, 1.0),
                     tuning_seeds=(100, 101, 102), seeds=range(5), **kwargs):
    r"""Epochs to a training-error threshold per activation, each at its own best learning rate.

    For each activation, every learning rate of ``lrs`` is tried on the
    ``tuning_seeds``; the one with the smallest median number of epochs
    (ties: the smaller rate) is then run on ``seeds``, which are disjoint
    from the tuning seeds, so the reported runs were not used to choose it.
    For two activations ``a, b`` the per-seed ratio
    :math:`e_b / e_a` measures how many times faster ``a`` is.

    Parameters
    ----------
    X, labels
        The training set (see :func:`epochs_to_error`).
    activations : sequence of str, default ("relu", "tanh")
    lrs : sequence of float, default (0.01, 0.03, 0.1, 0.3, 1.0)
        The learning-rate grid, the same for every activation.
    tuning_seeds : sequence of int, default (100, 101, 102)
    seeds : sequence of int, default range(5)
    **kwargs
        Passed to :func:`epochs_to_error` (``threshold``, ``max_epochs``,
        ``hidden``, ``batch_size``).

    Returns
    -------
    dict
        ``{activation: {"lr": best rate, "tuning": array (len(lrs),) of
        median epochs on the tuning seeds, "epochs": array (len(seeds),)}}``.

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=50, seed=0)
    >>> race = convergence_race(X, labels, lrs=(0.1, 0.3), tuning_seeds=[9], seeds=[0, 1],
    ...                         threshold=0.6, max_epochs=30)
    >>> sorted(race), race["relu"]["epochs"].shape
    (['relu', 'tanh'], (2,))
    """
    if isinstance(activations, str):
        raise TypeError("activations must be a sequence of names, got a single str")
    lrs = [real_scalar(lr, "each entry of lrs", low=0.0, low_inclusive=False) for lr in lrs]
    if not lrs:
        raise ValueError("lrs must not be empty")
    tuning_seeds = seed_list(tuning_seeds, "tuning_seeds")
    seeds = seed_list(seeds)
    if set(tuning_seeds) & set(seeds):
        both = sorted(set(tuning_seeds) & set(seeds))
        raise ValueError(f"tuning_seeds and seeds must be disjoint, both contain {both}")
    results = {}
    for act in activations:
        tuning = np.array([
            np.median([epochs_to_error(act, lr, s, X, labels, **kwargs) for s in tuning_seeds]) for lr in lrs
        ])
        best = lrs[int(np.argmin(tuning))]  # argmin takes the first (smallest) rate on ties
        epochs = np.array([epochs_to_error(act, best, s, X, labels, **kwargs) for s in seeds])
        results[act] = {"lr": best, "tuning": tuning, "epochs": epochs}
    return results
