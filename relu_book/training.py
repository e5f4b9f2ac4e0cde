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

from relu_book._blas import one_blas_thread
from relu_book._validation import (
    as_float_array,
    choice,
    instance,
    integer,
    random_seed,
    real_scalar,
    seed_list,
    sequence,
    training_set,
)
from relu_book.nn import MLP, _check_lr, _inline_backward, _inline_forward, _inline_kind, activation_names, train

__all__ = [
    "make_spirals",
    "gradient_norms_at_init",
    "mean_squared_preactivations",
    "training_error",
    "epochs_to_error",
    "training_error_curves",
    "convergence_race",
    "RELU_NORMAL_MEAN",
    "zigzag_sgd",
    "zigzag_race",
    "signal_by_depth",
    "log_norm_drift",
    "log_norm_drift_prediction",
    "dead_fraction_curves",
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


def _product(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B``, computed in row blocks small enough to stay single-threaded (see :func:`_chunks`)."""
    rows = max(1, 250_000 // max(B.shape[0] * B.shape[1], 1))
    return np.concatenate([A[i:i + rows] @ B for i in range(0, A.shape[0], rows)])


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
    with one_blas_thread():  # small products: idle BLAS threads would spin between them (the results are the same)
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
    with one_blas_thread():  # small products: idle BLAS threads would spin between them (the results are the same)
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
    instance(model, "model", MLP)
    X, labels = training_set(X, labels, n_classes=model.layer_sizes[-1])
    if X.shape[1] != model.layer_sizes[0]:
        raise ValueError(f"X must have {model.layer_sizes[0]} columns (the model's inputs), got {X.shape[1]}")
    wrong = 0
    start = 0
    for chunk in _chunks(X, max(model.layer_sizes)):
        out = model.forward(chunk)
        wrong += int(np.sum(np.argmax(out, axis=1) != labels[start:start + len(chunk)]))
        start += len(chunk)
    return wrong / X.shape[0]


def _hidden(hidden, *, allow_empty: bool = True) -> list[int]:
    """The widths of the hidden layers, read once (a generator would be empty for the second seed)."""
    return sequence(hidden, "hidden", integer, allow_empty=allow_empty)


def _classifier(activation, seed, X: np.ndarray, labels: np.ndarray, hidden, init) -> MLP:
    """The spirals classifier: ``hidden`` layers, one output per class, and each
    activation's customary initialisation when ``init`` is None (Glorot's for
    sigmoid and tanh, He's otherwise)."""
    if init is None:
        init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    return MLP([X.shape[1], *hidden, int(labels.max()) + 1], activation=activation, init=init, seed=seed)


class _Stack:
    """Classifiers of one architecture and one relu or tanh activation, trained side by side.

    Run ``k`` is the :class:`~relu_book.nn.MLP` ``models[k]`` trained by
    :func:`relu_book.nn.train` (cross-entropy, learning rate ``lrs[k]``,
    shuffling seed ``seeds[k]``). Its weights and biases are slice ``k`` of
    stacked arrays, and every step of every run is computed with exactly the
    operations of :func:`~relu_book.nn.train_step` (the matrix products one
    BLAS call per slice, as ``numpy.matmul`` does for a stack), so each run's
    weights are those of its own :func:`~relu_book.nn.train`, bit for bit;
    but a numpy call serves all the runs at once, which is what makes it
    faster on these small networks. The loss values and gradient norms that
    :func:`~relu_book.nn.train` records are not computed. Only for
    activations that :class:`~relu_book.nn.MLP` computes inline
    (:func:`_stackable`).
    """

    def __init__(self, models, lrs, seeds):
        n = models[0].n_layers
        self.kind = _inline_kind(models[0].activation_layers[0]) if models[0].activation_layers else None
        self.W = [np.stack([m.weights[i] for m in models]) for i in range(n)]
        self.b = [np.stack([m.biases[i] for m in models]) for i in range(n)]
        self.step = np.array([models[0].dtype.type(lr) for lr in lrs]).reshape(-1, 1, 1)
        self.rngs = [np.random.default_rng(seed) for seed in seeds]
        self.runs = np.arange(len(models))  # the runs still in the stack, by their index in models
        self._buffers = None  # two flat arrays, the layers of _outputs, kept between calls

    def keep(self, mask: np.ndarray) -> None:
        """Drop the runs where ``mask`` (one entry per run still in the stack) is False."""
        self.W = [w[mask] for w in self.W]
        self.b = [b[mask] for b in self.b]
        self.step = self.step[mask]
        self.rngs = [rng for rng, k in zip(self.rngs, mask) if k]
        self.runs = self.runs[mask]

    def forward(self, H: np.ndarray):
        """Outputs (runs, rows, classes) and the ``(Z, H)`` of every layer, as :meth:`MLP.forward` computes them."""
        records = []
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            Z = H @ W
            Z += b[:, None, :]
            H = Z if i == last else _inline_forward(self.kind, Z)
            records.append((Z, H))
        return H, records

    def _outputs(self, H: np.ndarray) -> np.ndarray:
        """The outputs of :meth:`forward`, without its records: each layer computed in place, in one of two
        buffers kept between calls. (Fresh arrays of a few MB each, on every call, cost a page fault per
        4 KiB, as much time as the products themselves; the values are the same.)"""
        runs, rows = len(self.runs), H.shape[-2]
        size = runs * rows * max(W.shape[2] for W in self.W)
        if self._buffers is None or self._buffers[0].size < size:
            self._buffers = (np.empty(size, self.W[0].dtype), np.empty(size, self.W[0].dtype))
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            Z = self._buffers[i % 2][:runs * rows * W.shape[2]].reshape(runs, rows, W.shape[2])
            np.matmul(H, W, out=Z)
            Z += b[:, None, :]
            H = Z if i == last else _inline_forward(self.kind, Z, out=Z)
        return H

    def epoch(self, X: np.ndarray, labels: np.ndarray, batch_size: int) -> None:
        """One epoch of :func:`relu_book.nn.train` for every run: shuffle, then one step per batch."""
        n = X.shape[0]
        orders = np.stack([rng.permutation(n) for rng in self.rngs])
        for start in range(0, n, batch_size):
            idx = orders[:, start:start + batch_size]
            self._step(X[idx], labels[idx])

    def _step(self, X: np.ndarray, labels: np.ndarray) -> None:
        """:func:`relu_book.nn.train_step` with the cross-entropy, on a batch per run."""
        out, records = self.forward(X)
        runs, batch = labels.shape
        shifted = out - out.max(axis=2, keepdims=True)  # relu_book.nn._cross_entropy_grad
        exp = np.exp(shifted)
        grad = exp / exp.sum(axis=2, keepdims=True)
        grad[np.arange(runs)[:, None], np.arange(batch), labels] -= 1
        grad /= batch
        n = len(self.W)
        grads_W, grads_b = [None] * n, [None] * n
        delta = grad
        for i in range(n - 1, -1, -1):  # MLP._backward
            H_prev = X if i == 0 else records[i - 1][1]
            grads_W[i] = H_prev.transpose(0, 2, 1) @ delta
            grads_b[i] = delta.sum(axis=1)
            if i > 0:
                grad_h = delta @ self.W[i].transpose(0, 2, 1)
                delta = _inline_backward(self.kind, *records[i - 1], grad_h)
        for W, b, gW, gb in zip(self.W, self.b, grads_W, grads_b):
            gW *= self.step
            W -= gW
            gb *= self.step[:, 0]
            b -= gb

    def errors(self, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """:func:`training_error` of every run: all rows in one pass, on one BLAS thread (:func:`_chunks`
        splits the rows only to keep OpenBLAS single-threaded; the results are the same)."""
        with one_blas_thread():
            out = self._outputs(X)
        return np.sum(np.argmax(out, axis=2) != labels, axis=1) / X.shape[0]

    def finite(self) -> np.ndarray:
        """Whether all weights of each run are finite."""
        return np.all([np.all(np.isfinite(w), axis=(1, 2)) for w in self.W], axis=0)


def _stackable(model: MLP) -> bool:
    """Whether :class:`_Stack` can train copies of ``model``: all its hidden layers inline, float64."""
    kinds = {_inline_kind(layer) for layer in model.activation_layers}
    return model.dtype == np.float64 and None not in kinds and len(kinds) <= 1


def _per_epoch(measure, activation, lr, seeds, X, labels, epochs, hidden, batch_size, init,
               stack_measure=None) -> np.ndarray:
    """Train one classifier per seed and record ``measure(model)`` after every epoch.

    With ``stack_measure`` (the same measure for a :class:`_Stack`, one value
    per run) and a stackable activation, the runs are trained side by side,
    with the same results."""
    seeds = seed_list(seeds)
    epochs = integer(epochs, "epochs")
    hidden = _hidden(hidden)
    X, labels = training_set(X, labels)
    out = np.full((len(seeds), epochs), np.nan)
    models = [_classifier(activation, seed, X, labels, hidden, init) for seed in seeds]
    if stack_measure is not None and seeds and _stackable(models[0]):
        # the checks of train(), once
        lr = _check_lr(lr)
        batch_size = integer(batch_size, "batch_size")
        X64 = X.astype(np.float64, copy=False)
        stack = _Stack(models, [lr] * len(seeds), seeds)
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                stack.epoch(X64, labels, batch_size)
                out[:, epoch] = stack_measure(stack, X64, labels)
        return out
    for row, (seed, model) in enumerate(zip(seeds, models)):
        def callback(epoch, model, row=row):
            out[row, epoch - 1] = measure(model, X, labels)

        with np.errstate(over="ignore", invalid="ignore"):
            train(model, X, labels, lr, epochs, batch_size, seed=seed, loss="cross_entropy", callback=callback)
    return out


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
    return float(_epochs_to_error_runs(activation, [lr], [seed], X, labels, threshold=threshold,
                                       max_epochs=max_epochs, hidden=hidden, batch_size=batch_size, init=init)[0])


def _epochs_to_error_runs(activation, lrs, seeds, X, labels, *, threshold=0.25, max_epochs=300,
                          hidden=(64, 64, 64), batch_size=32, init=None, record=0):
    """:func:`epochs_to_error` of the runs ``(lrs[k], seeds[k])``, side by side (:class:`_Stack`) when it can.

    With ``record`` > 0 also :func:`training_error_curves` of the same runs
    over ``record`` epochs (each run is trained that long even after it
    reached the threshold, which does not change when it first did):
    returns ``(epochs, curves)`` then.
    """
    threshold = real_scalar(threshold, "threshold", low=0.0, high=1.0)
    max_epochs = integer(max_epochs, "max_epochs")
    seeds = [random_seed(seed) for seed in seeds]
    hidden = _hidden(hidden)
    X, labels = training_set(X, labels)
    models = [_classifier(activation, seed, X, labels, hidden, init) for seed in seeds]
    if not _stackable(models[0]):
        reached = np.array([_epochs_to_error(model, lr, seed, X, labels, threshold, max_epochs, batch_size)
                            for model, lr, seed in zip(models, lrs, seeds)])
        if not record:
            return reached
        curves = np.array([training_error_curves(activation, lr, [seed], X, labels, epochs=record, hidden=hidden,
                                                 batch_size=batch_size, init=init)[0]
                           for lr, seed in zip(lrs, seeds)])
        return reached, curves
    # the checks of train(), once
    lrs = [_check_lr(lr) for lr in lrs]
    batch_size = integer(batch_size, "batch_size")
    X64 = X.astype(np.float64, copy=False)
    stack = _Stack(models, lrs, seeds)
    reached = np.full(len(models), np.inf)
    searching = np.ones(len(models), dtype=bool)  # not yet at the threshold, not diverged
    curves = np.full((len(models), record), np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, max(max_epochs, record) + 1):
            stack.epoch(X64, labels, batch_size)
            errors = stack.errors(X64, labels)
            if epoch <= record:
                curves[stack.runs, epoch - 1] = errors
            if epoch <= max_epochs:
                finite = stack.finite()
                done = searching[stack.runs] & ((errors <= threshold) | ~finite)
                reached[stack.runs[done & finite]] = float(epoch)  # diverged runs stay at inf
                searching[stack.runs[done]] = False
            finished = (~searching[stack.runs] | (epoch >= max_epochs)) & (epoch >= record)
            if finished.all():
                break
            if finished.any():
                stack.keep(~finished)
    return (reached, curves) if record else reached


def _epochs_to_error(model, lr, seed, X, labels, threshold, max_epochs, batch_size) -> float:
    """:func:`epochs_to_error` of one model, trained by :func:`relu_book.nn.train` (any activation)."""
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
    return _per_epoch(training_error, activation, lr, seeds, X, labels, epochs, hidden, batch_size, init,
                      stack_measure=_Stack.errors)


def convergence_race(X, labels, *, activations=("relu", "tanh"), lrs=(0.01, 0.03, 0.1, 0.3, 1.0),
                     tuning_seeds=(100, 101, 102), seeds=range(5), curve_epochs=None, **kwargs):
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
    curve_epochs : int, optional
        Also return the training error after each of the first
        ``curve_epochs`` epochs of the reported runs, training them that long
        even after they reached the threshold (which does not change the
        epoch at which they first did): the same numbers as
        :func:`training_error_curves` of the chosen rate on ``seeds``, without
        training those runs twice.
    **kwargs
        Passed to :func:`epochs_to_error` (``threshold``, ``max_epochs``,
        ``hidden``, ``batch_size``).

    Returns
    -------
    dict
        ``{activation: {"lr": best rate, "tuning": array (len(lrs),) of
        median epochs on the tuning seeds, "epochs": array (len(seeds),)}}``,
        and with ``curve_epochs`` also ``"curves"``: array
        (len(seeds), curve_epochs), row ``k`` the errors of seed ``seeds[k]``.

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=50, seed=0)
    >>> race = convergence_race(X, labels, lrs=(0.1, 0.3), tuning_seeds=[9], seeds=[0, 1],
    ...                         threshold=0.6, max_epochs=30)
    >>> sorted(race), race["relu"]["epochs"].shape
    (['relu', 'tanh'], (2,))
    >>> race = convergence_race(X, labels, lrs=(0.1, 0.3), tuning_seeds=[9], seeds=[0, 1],
    ...                         threshold=0.6, max_epochs=30, curve_epochs=5)
    >>> lr = race["tanh"]["lr"]
    >>> curves = training_error_curves("tanh", lr, [0, 1], X, labels, epochs=5)
    >>> race["tanh"]["curves"].shape
    (2, 5)
    >>> bool(np.array_equal(race["tanh"]["curves"], curves))
    True
    """
    if isinstance(activations, str):
        raise TypeError("activations must be a sequence of names, got a single str")
    names = activation_names()
    activations = sequence(activations, "activations", lambda a, n: choice(a, n, names))
    lrs = sequence(lrs, "lrs", lambda lr, n: real_scalar(lr, n, low=0.0, low_inclusive=False))
    unknown = sorted(set(kwargs) - {"threshold", "max_epochs", "hidden", "batch_size", "init"})
    if unknown:
        raise TypeError(f"convergence_race got unexpected keyword arguments {unknown}; the keyword arguments "
                        "of epochs_to_error are threshold, max_epochs, hidden, batch_size and init")
    if "hidden" in kwargs:  # passed to every run: read a generator once
        kwargs["hidden"] = _hidden(kwargs["hidden"])
    tuning_seeds = seed_list(tuning_seeds, "tuning_seeds")
    seeds = seed_list(seeds)
    if set(tuning_seeds) & set(seeds):
        both = sorted(set(tuning_seeds) & set(seeds))
        raise ValueError(f"tuning_seeds and seeds must be disjoint, both contain {both}")
    record = 0 if curve_epochs is None else integer(curve_epochs, "curve_epochs")
    results = {}
    for act in activations:
        # every (rate, tuning seed) pair at once, as epochs_to_error(act, lr, s, ...) would train it
        runs = [(lr, s) for lr in lrs for s in tuning_seeds]
        tuned = _epochs_to_error_runs(act, *zip(*runs), X, labels, **kwargs).reshape(len(lrs), len(tuning_seeds))
        tuning = np.array([np.median(row.tolist()) for row in tuned])
        best = lrs[int(np.argmin(tuning))]  # argmin takes the first (smallest) rate on ties
        reported = _epochs_to_error_runs(act, [best] * len(seeds), seeds, X, labels, record=record, **kwargs)
        if record:
            epochs, curves = reported
            results[act] = {"lr": best, "tuning": tuning, "epochs": epochs, "curves": curves}
        else:
            results[act] = {"lr": best, "tuning": tuning, "epochs": reported}
    return results


# =========================================================================
# Non-centred inputs: the zig-zag of a unit's weights
# =========================================================================

#: The mean of relu(Z) for a standard normal Z, 1/sqrt(2 pi), which "centred" inputs subtract.
RELU_NORMAL_MEAN = float(1.0 / np.sqrt(2.0 * np.pi))


def zigzag_sgd(inputs, lr, seed, *, steps=400, target=(1.0, -1.0), tol=0.1):
    r"""SGD on the two weights of a linear unit fed all-positive or centred inputs.

    The unit computes :math:`\hat y = w^\top x` with :math:`w \in \mathbb R^2`,
    starting at :math:`w = 0`, and learns the teacher :math:`y = w_\ast^\top x`
    by SGD, one example per step, on :math:`\tfrac12 (\hat y - y)^2`. Its gradient is

    .. math::

        \nabla_w \tfrac12 (w^\top x - y)^2 = \delta\, x, \qquad \delta = (w - w_\ast)^\top x,

    a multiple of :math:`x`: if every component of :math:`x` is
    :math:`\ge 0`, no two components of the gradient have opposite signs, so
    each step moves both weights up or both down, and reaching
    :math:`w_\ast = (1, -1)` takes a zig-zag. The inputs are
    :math:`x = \relu(z)`, :math:`z \sim \mathcal N(0, I_2)` (``"positive"``: the
    outputs of a ReLU layer), or the same minus their mean
    :math:`1/\sqrt{2\pi}` (``"centred"``).

    Parameters
    ----------
    inputs : {"positive", "centred"}
    lr : float
        Learning rate (> 0).
    seed : int
        Seed of the inputs.
    steps : int, default 400
        Number of SGD steps (one example each).
    target : sequence of 2 floats, default (1.0, -1.0)
        The teacher's weights :math:`w_\ast` (not all zero).
    tol : float, default 0.1
        Converged when :math:`\lVert w - w_\ast\rVert \le \texttt{tol}\,\lVert w_\ast\rVert`.

    Returns
    -------
    dict
        ``"path"``: array (steps + 1, 2), the weights after each step (row 0 is
        the start); ``"steps"``: the first step at which the run has converged
        (``inf`` if never, or if it diverged); ``"opposite"``: the fraction of
        steps whose update has one positive and one negative component.

    Examples
    --------
    >>> pos = zigzag_sgd("positive", 0.5, seed=0)
    >>> pos["path"].shape, pos["opposite"]          # never one weight up, the other down
    ((401, 2), 0.0)
    >>> bool(zigzag_sgd("centred", 0.5, seed=0)["opposite"] > 0.3)
    True
    """
    choice(inputs, "inputs", ("positive", "centred"))
    lr = real_scalar(lr, "lr", low=0.0, low_inclusive=False)
    seed = random_seed(seed)
    steps = integer(steps, "steps")
    tol = real_scalar(tol, "tol", low=0.0, low_inclusive=False)
    w_star = as_float_array(target, "target").astype(np.float64)
    if w_star.shape != (2,) or not np.any(w_star) or not np.all(np.isfinite(w_star)):
        raise ValueError(f"target must be 2 finite numbers, not both 0, got {w_star.tolist()}")
    X = np.maximum(np.random.default_rng(seed).standard_normal((steps, 2)), 0.0)
    if inputs == "centred":
        X = X - RELU_NORMAL_MEAN
    path = np.empty((steps + 1, 2))
    path[0] = 0.0
    w = path[0].copy()
    radius = tol * np.linalg.norm(w_star)
    reached, opposite = np.inf, 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k, x in enumerate(X):
            step = lr * ((w - w_star) @ x) * x
            opposite += bool(step[0] * step[1] < 0)
            w = w - step
            path[k + 1] = w
            if reached == np.inf and np.linalg.norm(w - w_star) <= radius:
                reached = float(k + 1)
    if not np.all(np.isfinite(w)) or np.linalg.norm(w - w_star) > radius:
        reached = np.inf  # diverged, or left the target again
    return {"path": path, "steps": reached, "opposite": opposite / steps}


def zigzag_race(lrs=(0.3, 0.5, 1.0, 1.5, 2.0, 3.0), tuning_seeds=(100, 101, 102), seeds=range(20), **kwargs):
    r"""Steps to converge for positive and centred inputs, each at its own best learning rate.

    As :func:`convergence_race`, for :func:`zigzag_sgd`: for each kind of input
    the learning rate of ``lrs`` with the smallest median number of steps on
    ``tuning_seeds`` (ties: the smaller rate) is run on ``seeds``.

    .. math::

        \eta^\ast = \arg\min_{\eta} \operatorname{median}_{s \in \text{tuning}} \text{steps}(\eta, s)

    Parameters
    ----------
    lrs : sequence of float
    tuning_seeds : sequence of int, default (100, 101, 102)
    seeds : sequence of int, default range(20)
        Disjoint from ``tuning_seeds``.
    **kwargs
        Passed to :func:`zigzag_sgd` (``steps``, ``target``, ``tol``).

    Returns
    -------
    dict
        ``{"positive" | "centred": {"lr": rate, "tuning": array (len(lrs),),
        "steps": array (len(seeds),), "opposite": array (len(seeds),)}}``.

    Examples
    --------
    >>> race = zigzag_race(lrs=(0.5, 1.0), tuning_seeds=[9], seeds=[0, 1])
    >>> sorted(race), race["centred"]["steps"].shape
    (['centred', 'positive'], (2,))
    """
    lrs = sequence(lrs, "lrs", lambda lr, n: real_scalar(lr, n, low=0.0, low_inclusive=False))
    tuning_seeds = seed_list(tuning_seeds, "tuning_seeds")
    seeds = seed_list(seeds)
    if set(tuning_seeds) & set(seeds):
        raise ValueError(
            f"tuning_seeds and seeds must be disjoint, both contain {sorted(set(tuning_seeds) & set(seeds))}"
        )
    results = {}
    for inputs in ("positive", "centred"):
        tuning = np.array([np.median([zigzag_sgd(inputs, lr, s, **kwargs)["steps"] for s in tuning_seeds])
                           for lr in lrs])
        best = lrs[int(np.argmin(tuning))]
        runs = [zigzag_sgd(inputs, best, s, **kwargs) for s in seeds]
        results[inputs] = {"lr": best, "tuning": tuning, "steps": np.array([r["steps"] for r in runs]),
                           "opposite": np.array([r["opposite"] for r in runs])}
    return results


# =========================================================================
# He initialisation, forward and backward; finite-width drift
# =========================================================================


def signal_by_depth(widths, scaling, seeds=range(5), batch=16):
    r"""Forward and backward second moments, layer by layer, of a ReLU network at initialisation.

    Weight layer :math:`\ell` maps :math:`n_{\ell-1}` = ``widths[l-1]`` units to
    :math:`n_\ell` = ``widths[l]``, with weights from
    :math:`\mathcal N(0, 2/n_{\ell-1})` (``"fan_in"``) or
    :math:`\mathcal N(0, 2/n_\ell)` (``"fan_out"``) and zero biases; the
    inputs are standard normal and the loss is
    :math:`\mathcal L = \sum R \circ \hat Y` with a standard normal :math:`R`, so
    the gradient arriving at the output is :math:`R` whatever the forward
    pass did. Records, for every layer,

    .. math::

        q_\ell = \operatorname{mean}\bigl(Z_\ell^2\bigr), \qquad
        g_\ell = \operatorname{mean}\Bigl(\bigl(\partial \mathcal L / \partial Z_\ell\bigr)^2\Bigr).

    Forward, :math:`q_{\ell+1} \approx \tfrac12 n_\ell v_{\ell+1} q_\ell`;
    backward, :math:`g_\ell \approx \tfrac12 n_{\ell+1} v_{\ell+1} g_{\ell+1}`
    (with :math:`v_{\ell+1}` the variance of the entries of :math:`W_{\ell+1}`,
    an :math:`n_\ell \times n_{\ell+1}` matrix): fan-in scaling keeps :math:`q`,
    fan-out scaling keeps :math:`g`. ReLU's derivative at 0 is taken as 0.

    Parameters
    ----------
    widths : sequence of int
        :math:`n_0, \dots, n_L` (at least 2 entries, each >= 1).
    scaling : {"fan_in", "fan_out"}
    seeds : sequence of int, default range(5)
    batch : int, default 16

    Returns
    -------
    q, g : numpy.ndarray, shape (len(seeds), L)
        Column :math:`\ell - 1` is layer :math:`\ell` (the last is the output).

    Examples
    --------
    >>> q, g = signal_by_depth([64, 256, 256, 64], "fan_in", seeds=[0])
    >>> q.shape, bool(0.5 < q[0, -1] / q[0, 0] < 2)
    ((1, 3), True)
    """
    widths = [integer(n, "each entry of widths") for n in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must have at least 2 entries, got {len(widths)}")
    choice(scaling, "scaling", ("fan_in", "fan_out"))
    seeds = seed_list(seeds)
    batch = integer(batch, "batch")
    L = len(widths) - 1
    q, g = np.empty((len(seeds), L)), np.empty((len(seeds), L))
    with one_blas_thread():  # small products: idle BLAS threads would spin between them (the results are the same)
        for row, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            Ws = [rng.standard_normal((a, b)) * np.sqrt(2.0 / (a if scaling == "fan_in" else b))
                  for a, b in zip(widths[:-1], widths[1:])]
            h, zs = rng.standard_normal((batch, widths[0])), []
            for W in Ws:
                zs.append(_product(h, W))
                h = np.maximum(zs[-1], 0.0)
            delta = rng.standard_normal((batch, widths[-1]))  # dL/dZ_L: the output is linear
            for layer in range(L - 1, -1, -1):
                q[row, layer], g[row, layer] = np.mean(zs[layer] ** 2), np.mean(delta ** 2)
                if layer:
                    delta = _product(delta, Ws[layer].T) * (zs[layer - 1] > 0)
    return q, g


def log_norm_drift(widths, depth=20, seeds=range(20)):
    r"""Change of the log squared length of a signal through a deep He-initialised ReLU network.

    For each width :math:`n` and seed, a network of ``depth`` ReLU layers
    :math:`n \to n` (weights :math:`\mathcal N(0, 2/n)`, zero biases) maps one
    standard normal input :math:`x`; the function records

    .. math::

        D = \log \frac{\lVert h_L \rVert^2}{\lVert x \rVert^2},
        \qquad h_\ell = \relu(h_{\ell-1} W_\ell),\ h_0 = x .

    He initialisation makes :math:`\mathbb E\lVert h_\ell\rVert^2` constant, but
    each layer multiplies the squared length by an independent random factor
    :math:`R_\ell = \tfrac2n \sum_j \relu(g_j)^2` (:math:`g_j` standard normal)
    with mean 1 and variance :math:`5/n`, so :math:`\log R_\ell` has mean
    :math:`\approx -\tfrac{5}{2n}` and :math:`D` drifts to
    :math:`\approx -\tfrac{5L}{2n}` (:func:`log_norm_drift_prediction`): a
    finite-width effect that vanishes as :math:`L/n \to 0`
    (Hanin and Rolnick, 2018).

    Parameters
    ----------
    widths : sequence of int
        Widths :math:`n` (each >= 1).
    depth : int, default 20
        Number of ReLU layers :math:`L`.
    seeds : sequence of int, default range(20)

    Returns
    -------
    numpy.ndarray, shape (len(widths), len(seeds))
        :math:`D`; ``-inf`` if every unit of some layer was off.

    Examples
    --------
    >>> D = log_norm_drift([100], depth=20, seeds=range(20))[0]
    >>> mean, sd = log_norm_drift_prediction(100, 20)
    >>> bool(abs(D.mean() - mean) < 3 * sd / np.sqrt(20))   # within 3 standard errors
    True
    """
    widths = [integer(n, "each entry of widths") for n in widths]
    depth = integer(depth, "depth")
    seeds = seed_list(seeds)
    out = np.empty((len(widths), len(seeds)))
    with one_blas_thread():  # small products: idle BLAS threads would spin between them (the results are the same)
        for i, n in enumerate(widths):
            for j, seed in enumerate(seeds):
                rng = np.random.default_rng(seed)
                h = x = rng.standard_normal(n)
                for _ in range(depth):
                    h = np.maximum(h @ (rng.standard_normal((n, n)) * np.sqrt(2.0 / n)), 0.0)
                with np.errstate(divide="ignore"):
                    out[i, j] = np.log(h @ h) - np.log(x @ x)
    return out


def log_norm_drift_prediction(width, depth):
    r"""The second-order prediction of :func:`log_norm_drift`: mean and standard deviation.

    With :math:`\operatorname{Var} R_\ell = 5/n` and
    :math:`\mathbb E \log R \approx -\tfrac12 \operatorname{Var} R` (a Taylor
    expansion of :math:`\log` around 1),

    .. math::

        \mathbb E D \approx -\frac{5L}{2n}, \qquad \operatorname{sd} D \approx \sqrt{5L/n}.

    Parameters
    ----------
    width : float
        :math:`n` (> 0).
    depth : float
        :math:`L` (>= 0).

    Returns
    -------
    mean, sd : float

    Examples
    --------
    >>> log_norm_drift_prediction(100, 20)
    (-0.5, 1.0)
    """
    n = real_scalar(width, "width", low=0.0, low_inclusive=False)
    L = real_scalar(depth, "depth", low=0.0)
    return -2.5 * L / n, float(np.sqrt(5.0 * L / n))


# =========================================================================
# Dead units during training
# =========================================================================


def dead_fraction_curves(activation, lr, seeds, X, labels, *, epochs=20, hidden=(64, 64, 64), batch_size=32,
                         init=None):
    r"""Fraction of dead hidden units after every epoch, one row per seed.

    The runs of :func:`epochs_to_error` (same network, data, seeds and
    initialisation), trained for exactly ``epochs`` epochs; after each one,
    the fraction of all hidden units that are dead on the training set,

    .. math::

        d = \frac{\#\{(\ell, j) : z_{\ell j}(x_i) \le 0 \text{ for every } i\}}{\sum_\ell n_\ell}

    (:func:`relu_book.dying.dead_units`).

    Parameters
    ----------
    activation : str
    lr : float
    seeds : sequence of int
    X, labels
        The training set.
    epochs : int, default 20
    hidden, batch_size, init
        As in :func:`epochs_to_error`.

    Returns
    -------
    numpy.ndarray, shape (len(seeds), epochs)
        Column ``e`` is the fraction after epoch ``e + 1``; ``nan`` once the
        weights are no longer finite.

    Examples
    --------
    >>> X, labels = make_spirals(n_per_class=30, seed=0)
    >>> d = dead_fraction_curves("relu", 3.0, [0], X, labels, epochs=3)
    >>> d.shape, bool(d[0, -1] > 0.5)
    ((1, 3), True)
    """
    hidden = _hidden(hidden, allow_empty=False)

    def dead_fraction(model, X, labels):
        if not all(np.all(np.isfinite(w)) for w in model.weights):
            return np.nan
        alive = np.zeros(sum(hidden), dtype=bool)
        for chunk in _chunks(X, max(hidden)):  # relu_book.dying.dead_units, in blocks
            model.forward(chunk)
            alive |= np.concatenate([np.any(r.pre_activation > 0, axis=0) for r in model.activations[:-1]])
        return 1.0 - np.mean(alive)

    def dead_fractions(stack, X, labels):  # the same, for every run of a _Stack
        alive = np.zeros((len(stack.runs), sum(hidden)), dtype=bool)
        for chunk in _chunks(X, max(hidden)):
            _, records = stack.forward(chunk)
            alive |= np.concatenate([np.any(Z > 0, axis=1) for Z, _ in records[:-1]], axis=1)
        return np.where(stack.finite(), 1.0 - np.mean(alive, axis=1), np.nan)

    return _per_epoch(dead_fraction, activation, lr, seeds, X, labels, epochs, hidden, batch_size, init,
                      stack_measure=dead_fractions)
