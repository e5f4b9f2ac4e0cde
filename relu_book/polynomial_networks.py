r"""Networks that run on :math:`+` and :math:`\times` only: polynomial activations and their cost.

Homomorphic encryption evaluates additions and multiplications on encrypted
numbers, nothing else, so a network can run on encrypted inputs only if its
activations are polynomials. This module turns the perceptrons of
:mod:`relu_book.nn` into such networks and measures what that costs.

* :class:`PolynomialActivation` is a hidden layer :math:`h = p(z)` with
  :math:`p(z) = \sum_k c_k z^k`; ``MLP(..., activation="polynomial",
  coefficients=(c0, c1, ...))`` builds a network with it.
* :func:`relu_fit` turns an approximation of relu on :math:`[-a, a]` from
  :mod:`relu_book.approximation` into such coefficients;
  :func:`with_polynomial_activations` and :func:`replace_relus` put them in
  place of a trained network's ReLUs (no retraining);
  :func:`preactivation_ranges` measures the interval each layer needs.
* :func:`train_classifier` trains a network from scratch and reports whether
  it diverged; :func:`spirals_train_test` and :func:`accuracy` are the data
  and the score of the chapter.
* The cost under encryption is the *multiplicative depth*: the largest number
  of multiplications on a path from an input to an output, because each
  multiplication of a ciphertext uses up one level of the modulus chain.
  :func:`slot_forward` evaluates a polynomial network with ``+``, ``-`` and
  ``*`` only, on any objects that support them: numpy arrays (one array per
  feature, one entry per example), :class:`Tracked` values that count the
  depth, or CKKS ciphertexts (:mod:`relu_book.encryption`).
  :func:`activation_depth` and :func:`network_depth` give the depth it uses.

Everything is in float64 (the networks' dtype, float32 networks are
computed in their own dtype by :mod:`relu_book.nn`).
"""

from __future__ import annotations

import copy
import functools
import math
import numbers

import numpy as np
from numpy.polynomial import Chebyshev, Legendre, Polynomial

from relu_book import approximation
from relu_book._validation import as_float_array, integer, real_scalar, sequence
from relu_book.nn import MLP, Activation, _inputs, register_activation, train

# The data set and the error rate of chapter 4, imported in this one place.
from relu_book.training import make_spirals, training_error

__all__ = [
    "PolynomialActivation",
    "relu_fit",
    "monomial_coefficients",
    "spirals_train_test",
    "accuracy",
    "preactivation_ranges",
    "rescale_units",
    "with_polynomial_activations",
    "replace_relus",
    "train_classifier",
    "Tracked",
    "activation_depth",
    "circuit_depth",
    "median_and_range",
    "network_depth",
    "slot_forward",
]


# ------------------------------------------------------------------ helpers


def monomial_coefficients(p) -> np.ndarray:
    r"""The coefficients :math:`c_0, \dots, c_d` of a series in powers of :math:`x`.

    .. math::

        p(x) = \sum_{k=0}^{d} c_k x^k

    A :mod:`numpy.polynomial` series on the domain :math:`[-a, a]` is a
    polynomial in :math:`t = x/a`; its coefficients in :math:`t` that are
    below :math:`10^{-12}` times the largest are set to 0 (they are rounding
    errors, such as the :math:`x^3` coefficient of a degree-3 fit of relu on
    a symmetric interval), then converted to powers of :math:`x` and trailing
    zeros are removed.

    Parameters
    ----------
    p : numpy.polynomial series, or sequence of float
        The polynomial; a sequence is taken as coefficients :math:`c_0, c_1, \dots`.

    Returns
    -------
    numpy.ndarray
        float64 coefficients, lowest degree first, at least one entry.

    Examples
    --------
    >>> monomial_coefficients(approximation.relu_minimax(3))  # the degree-2 fit
    array([0.0625, 0.5   , 0.5   ])
    """
    if isinstance(p, (Polynomial, Chebyshev, Legendre)):
        lo, hi = (float(v) for v in p.domain)
        if not math.isclose(lo, -hi):
            raise ValueError(f"p must be a series on a symmetric domain [-a, a], got [{lo}, {hi}]")
        half = hi
        in_x = np.array(p.convert(kind=Polynomial).coef, dtype=np.float64)  # default domain: powers of x
        coef = in_x * half ** np.arange(in_x.size)  # powers of t = x / a
    else:
        coef = as_float_array(p, "p").astype(np.float64)
        if coef.ndim != 1 or coef.size == 0:
            raise ValueError(f"p must be a 1-d sequence of coefficients, got shape {coef.shape}")
        half = 1.0
    if not np.all(np.isfinite(coef)):
        raise ValueError("p must have finite coefficients")
    largest = np.max(np.abs(coef))
    coef = np.where(np.abs(coef) <= 1e-12 * largest, 0.0, coef)
    coef = coef / half ** np.arange(coef.size)
    nonzero = np.flatnonzero(coef)
    return coef[: nonzero[-1] + 1] if nonzero.size else coef[:1]


@functools.cache
def _unit_fit(method: str, degree: int) -> tuple:
    return tuple(monomial_coefficients(approximation.APPROXIMATIONS[method](degree, 1.0)))


def relu_fit(degree, a=1.0, method="minimax") -> np.ndarray:
    r"""Monomial coefficients of a degree-:math:`d` approximation of relu on :math:`[-a, a]`.

    .. math::

        p_a(x) = a\,p_1(x / a) = \sum_{k=0}^{d} c_k a^{1-k} x^k \approx \relu(x), \qquad |x| \le a

    ``method`` is a key of :data:`relu_book.approximation.APPROXIMATIONS`:
    ``"minimax"`` (the best uniform fit, the default), ``"least squares"``,
    ``"Chebyshev"``, ``"integrated step"`` (the derivative-then-integrate fit
    of CryptoDL, constant 0) or ``"integrated step, L2 constant"``. The fit
    :math:`p_1 = \sum_k c_k x^k` is computed once on :math:`[-1, 1]` (through
    :func:`monomial_coefficients`, so a fit whose top coefficient is a
    rounding error, degree 3 on a symmetric interval, comes back with its
    true, lower degree) and scaled to :math:`[-a, a]` by positive
    homogeneity, :math:`\relu(x) = a \relu(x/a)`: each of these fits of
    relu on :math:`[-a, a]` is :math:`a p_1(x/a)` (Exercise 7.5).

    Parameters
    ----------
    degree : int
        Degree :math:`d \ge 1`.
    a : float, default 1.0
        Half-width :math:`a > 0` of the interval.
    method : str, default "minimax"

    Returns
    -------
    numpy.ndarray
        float64 coefficients :math:`c_0 a, c_1, c_2 / a, \dots`.

    Examples
    --------
    >>> relu_fit(2, a=4.0)  # a/16 + x/2 + x^2/(2a)
    array([0.25 , 0.5  , 0.125])
    >>> relu_fit(2, a=2.0, method="integrated step")  # x/2 + 3x^2/(8a)
    array([0.    , 0.5   , 0.1875])
    """
    if not isinstance(method, str) or method not in approximation.APPROXIMATIONS:
        raise ValueError(f"method must be one of {list(approximation.APPROXIMATIONS)}, got {method!r}")
    d = integer(degree, "degree", low=1)
    half = real_scalar(a, "a", low=0.0, low_inclusive=False)
    unit = np.array(_unit_fit(method, d))
    return unit * half ** (1.0 - np.arange(unit.size))


def _coefficients(coefficients) -> np.ndarray:
    if isinstance(coefficients, (Polynomial, Chebyshev, Legendre)):
        return monomial_coefficients(coefficients)
    if isinstance(coefficients, (str, bytes)) or not hasattr(coefficients, "__len__"):
        raise TypeError(f"coefficients must be a sequence of real numbers, got {type(coefficients).__name__}")
    return monomial_coefficients(coefficients)


# ------------------------------------------------------------ the activation


class PolynomialActivation(Activation):
    r"""A hidden layer with a polynomial activation: ``activation="polynomial"``.

    .. math::

        h = p(z) = \sum_{k=0}^{d} c_k z^k, \qquad
        \frac{\partial \mathcal L}{\partial z} = \frac{\partial \mathcal L}{\partial h} \circ p'(z),
        \quad p'(z) = \sum_{k=1}^{d} k c_k z^{k-1}

    evaluated by Horner's rule in the model's dtype. A polynomial has no
    kink, so no convention is needed anywhere. The coefficients are fixed
    (not learned).

    Parameters
    ----------
    name : str
        ``"polynomial"``.
    n_units : int
        Width of the layer.
    dtype : numpy.dtype
        The model's dtype.
    coefficients : sequence of float or numpy.polynomial series, default (0, 0, 1)
        :math:`c_0, c_1, \dots, c_d` (lowest first); the default is the
        square activation :math:`z^2` of CryptoNets.

    Examples
    --------
    >>> act = PolynomialActivation(coefficients=(0.0, 0.5, 0.25), n_units=2)
    >>> z = np.array([[-2.0, 2.0]])
    >>> act.forward(z)  # z/2 + z^2/4
    array([[0., 2.]])
    >>> act.backward(z, np.ones((1, 2)))[0]  # 1/2 + z/2
    array([[-0.5,  1.5]])
    """

    def __init__(self, name="polynomial", n_units=1, dtype=np.float64, coefficients=(0.0, 0.0, 1.0), **kwargs):
        if kwargs:
            raise TypeError(
                f"activation 'polynomial' got unexpected keyword arguments {sorted(kwargs)}; "
                "it accepts ['coefficients']"
            )
        coef = _coefficients(coefficients)
        self.name = name
        self.n_units = integer(n_units, "n_units")
        self.dtype = np.dtype(dtype)
        #: float64 coefficients :math:`c_0, \dots, c_d`, lowest first.
        self.coefficients = coef
        self.kwargs = {"coefficients": tuple(float(c) for c in coef)}
        self.params = {}
        self._p = coef.astype(self.dtype)
        self._dp = (coef[1:] * np.arange(1, coef.size)).astype(self.dtype)

    @property
    def degree(self) -> int:
        """The degree :math:`d` of :math:`p` (0 for a constant)."""
        return self.coefficients.size - 1

    @staticmethod
    def _horner(coef, z):
        out = np.zeros_like(z)
        for c in coef[::-1]:
            out *= z
            out += c
        return out

    def forward(self, z):
        """Return :math:`p(z)`, elementwise, in the dtype of ``z``."""
        return self._horner(self._p, z)

    def derivative(self, z):
        """Return :math:`p'(z)`, elementwise."""
        return self._horner(self._dp, z) if self._dp.size else np.zeros_like(z)

    def backward(self, z, grad_h):
        """Return ``(grad_h * p'(z), {})``."""
        return grad_h * self.derivative(z), {}

    def __repr__(self) -> str:
        return f"PolynomialActivation(coefficients={list(self.kwargs['coefficients'])})"


register_activation("polynomial", PolynomialActivation)


# --------------------------------------------------------- data and scoring


def spirals_train_test(n_per_class=100, noise=0.2, seed=0):
    r"""A training and a test set of three interleaved spirals.

    .. math::

        (X, y) = \texttt{make\_spirals}(\text{seed}), \qquad
        (X_\text{test}, y_\text{test}) = \texttt{make\_spirals}(\text{seed} + 1)

    The two sets have the same arms and differ in their angular noise
    (:func:`relu_book.training.make_spirals`, three classes).

    Parameters
    ----------
    n_per_class : int, default 100
        Points per class in each set.
    noise : float, default 0.2
        Standard deviation of the angular noise.
    seed : int, default 0
        Seed of the training set; the test set uses ``seed + 1``.

    Returns
    -------
    X, y, X_test, y_test : numpy.ndarray
        Points of shape ``(3 n_per_class, 2)`` and integer labels.

    Examples
    --------
    >>> X, y, X_test, y_test = spirals_train_test(n_per_class=5)
    >>> X.shape, X_test.shape, bool(np.all(y == y_test))
    ((15, 2), (15, 2), True)
    """
    seed = integer(seed, "seed", low=0)
    X, y = make_spirals(n_per_class=n_per_class, n_classes=3, noise=noise, seed=seed)
    X_test, y_test = make_spirals(n_per_class=n_per_class, n_classes=3, noise=noise, seed=seed + 1)
    return X, y, X_test, y_test


def accuracy(model, X, labels) -> float:
    r"""Fraction of examples whose largest output is their label.

    .. math::

        \text{accuracy} = \frac1N \sum_{n=1}^{N} \bigl[\arg\max_k \hat y_{nk} = y_n\bigr]

    A network whose outputs are not all finite (it diverged, or a polynomial
    blew up) gets ``nan``: its argmax means nothing.

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
    >>> accuracy(model, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))
    0.5
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = model.forward(X)
    if not np.all(np.isfinite(out)):
        return float("nan")
    return 1.0 - training_error(model, X, labels)


def preactivation_ranges(model, X) -> np.ndarray:
    r"""The largest :math:`|z|` of each hidden layer's pre-activations on ``X``.

    .. math::

        a_\ell = \max_{n, j} |z^{(\ell)}_{nj}|, \qquad \ell = 1, \dots, L - 1

    The interval :math:`[-a_\ell, a_\ell]` is the one a polynomial replacing
    layer :math:`\ell`'s activation has to approximate it on, for these
    inputs.

    Parameters
    ----------
    model : relu_book.nn.MLP
    X : array_like, shape (N, n_in)

    Returns
    -------
    numpy.ndarray, shape (n_hidden_layers,)
        float64.

    Examples
    --------
    >>> model = MLP([1, 2, 1], init="normal", init_std=1.0)
    >>> model.weights[0] = np.array([[1.0, -3.0]])
    >>> preactivation_ranges(model, [[0.5], [-1.0]])
    array([3.])
    """
    model.forward(X)
    return np.array([float(np.max(np.abs(r.pre_activation))) for r in model.activations[:-1]])


def rescale_units(model, X):
    r"""An equivalent ReLU network whose hidden pre-activations on ``X`` lie in :math:`[-1, 1]`.

    .. math::

        W^{(\ell)}_{:,j} \to W^{(\ell)}_{:,j} / s_j, \quad b^{(\ell)}_j \to b^{(\ell)}_j / s_j, \quad
        W^{(\ell+1)}_{j,:} \to s_j W^{(\ell+1)}_{j,:}, \qquad s_j = \max_n |z^{(\ell)}_{nj}|

    layer by layer. By positive homogeneity, :math:`s\,\relu(z/s) = \relu(z)`
    for :math:`s > 0`, so the new network computes the same function, while
    every unit's pre-activation on ``X`` now has largest magnitude exactly 1:
    one polynomial fitted on :math:`[-1, 1]` then serves every unit. This is
    the "scale by measured ranges" fix; batch normalisation before the
    activation plays the same role in training. A unit whose pre-activation
    is 0 on all of ``X`` keeps :math:`s_j = 1`.

    Parameters
    ----------
    model : relu_book.nn.MLP
        A ReLU network (not modified).
    X : array_like, shape (N, n_in)
        The inputs whose ranges are measured (the training set).

    Returns
    -------
    relu_book.nn.MLP

    Examples
    --------
    >>> net = MLP([2, 5, 5, 3], seed=1)
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> scaled = rescale_units(net, X)
    >>> bool(np.allclose(scaled.forward(X), net.forward(X)))
    True
    >>> preactivation_ranges(scaled, X)
    array([1., 1.])
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if model.activation != "relu":
        raise ValueError(f"model must be a ReLU network (positively homogeneous), got {model.activation!r}")
    new = copy.deepcopy(model)
    H = _inputs(X, new.layer_sizes[0], new.dtype)
    for i in range(new.n_layers - 1):
        Z = H @ new.weights[i] + new.biases[i]
        s = np.max(np.abs(Z), axis=0)
        s = np.where(s > 0, s, 1.0).astype(new.dtype)
        new.weights[i] = new.weights[i] / s
        new.biases[i] = new.biases[i] / s
        new.weights[i + 1] = new.weights[i + 1] * s[:, None]
        H = np.maximum(Z / s, 0)
    return new


def with_polynomial_activations(model, polynomials):
    r"""A copy of ``model`` whose hidden activations are the given polynomials.

    .. math::

        h^{(\ell)} = p_\ell\bigl(z^{(\ell)}\bigr), \qquad \ell = 1, \dots, L - 1

    The weights and biases are copied (``model`` is not modified); every
    hidden layer gets a :class:`PolynomialActivation`.

    Parameters
    ----------
    model : relu_book.nn.MLP
        A trained network with any activation.
    polynomials : sequence
        One polynomial per hidden layer (coefficients, lowest first, or a
        numpy.polynomial series), or a single one for every layer.

    Returns
    -------
    relu_book.nn.MLP
        ``activation="polynomial"``.

    Examples
    --------
    >>> relu_net = MLP([2, 4, 4, 3], seed=0)
    >>> square_net = with_polynomial_activations(relu_net, [(0, 0, 1), (0, 0, 1)])
    >>> [layer.degree for layer in square_net.activation_layers]
    [2, 2]
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    n_hidden = len(model.activation_layers)
    if isinstance(polynomials, (Polynomial, Chebyshev, Legendre)) or (
        hasattr(polynomials, "__len__") and len(polynomials) and isinstance(polynomials[0], numbers.Real)
    ):
        polynomials = [polynomials] * n_hidden
    if isinstance(polynomials, (str, bytes)) or not hasattr(polynomials, "__len__"):
        raise TypeError(f"polynomials must be a sequence of polynomials, got {type(polynomials).__name__}")
    if len(polynomials) != n_hidden:
        raise ValueError(f"polynomials must have one entry per hidden layer ({n_hidden}), got {len(polynomials)}")
    coefs = [_coefficients(p) for p in polynomials]
    new = MLP(model.layer_sizes, activation="polynomial", seed=model.seed, dtype=model.dtype, coefficients=coefs[0])
    new.weights = [W.copy() for W in model.weights]
    new.biases = [b.copy() for b in model.biases]
    new.activation_layers = [
        PolynomialActivation(n_units=n, dtype=model.dtype, coefficients=c)
        for n, c in zip(model.layer_sizes[1:-1], coefs)
    ]
    return new


def replace_relus(model, degree, a, method="minimax"):
    r"""Replace every ReLU of ``model`` by a polynomial fit of relu on :math:`[-a_\ell, a_\ell]`.

    .. math::

        \relu\bigl(z^{(\ell)}\bigr) \;\to\; p_{d, a_\ell}\bigl(z^{(\ell)}\bigr),
        \qquad p_{d, a} = \text{the degree-}d\text{ fit of relu on } [-a, a]

    No retraining: the weights are the ReLU network's. Inside
    :math:`[-a_\ell, a_\ell]` each activation is off by at most the fit's
    error (:math:`a E_d` on :math:`[-1, 1]` scaled, for the minimax fit);
    outside, :math:`p_{d,a}` grows like :math:`|z|^d` and the errors compound
    from layer to layer.

    Parameters
    ----------
    model : relu_book.nn.MLP
        A trained network with ``activation="relu"``.
    degree : int
        Degree :math:`d \ge 1` of the fits.
    a : float or sequence of float
        One half-width for every layer, or one per hidden layer (for example
        :func:`preactivation_ranges`).
    method : str, default "minimax"
        As in :func:`relu_fit`.

    Returns
    -------
    relu_book.nn.MLP

    Examples
    --------
    >>> net = MLP([2, 3, 3], seed=0)
    >>> poly = replace_relus(net, 2, a=[4.0])
    >>> poly.activation_layers[0].coefficients
    array([0.25 , 0.5  , 0.125])
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if model.activation != "relu":
        raise ValueError(f"model must be a ReLU network, got activation={model.activation!r}")
    n_hidden = len(model.activation_layers)
    widths = np.atleast_1d(as_float_array(a, "a"))
    if widths.ndim != 1 or widths.size not in (1, n_hidden):
        raise ValueError(f"a must be a number or one number per hidden layer ({n_hidden}), got shape {widths.shape}")
    widths = np.broadcast_to(widths, (n_hidden,))
    return with_polynomial_activations(model, [relu_fit(degree, float(w), method) for w in widths])


def train_classifier(activation, X, labels, *, seed=0, hidden=(8, 8), lr=0.3, epochs=40, batch_size=32,
                     **activation_kwargs):
    r"""Train a perceptron classifier by SGD on cross-entropy; stop if it diverges.

    .. math::

        \theta \leftarrow \theta - \eta \nabla_\theta \mathcal L_\text{ce},
        \quad \text{stopping when some weight is no longer finite}

    The network is ``MLP([n_in, *hidden, n_classes], activation, seed=seed)``
    with He initialisation, trained with :func:`relu_book.nn.train` for
    ``epochs`` epochs of mini-batches (shuffled with ``seed``). A polynomial
    activation such as :math:`z^2` can make the weights overflow; training
    then stops at the end of that epoch and the run counts as diverged.

    Parameters
    ----------
    activation : str
        ``"relu"``, ``"polynomial"`` or any name :class:`relu_book.nn.MLP` accepts.
    X : array_like, shape (N, n_in)
    labels : array_like of int, shape (N,)
    seed : int, default 0
    hidden : sequence of int, default (8, 8)
    lr : float, default 0.3
    epochs : int, default 40
    batch_size : int, default 32
    **activation_kwargs
        For example ``coefficients=(0, 0, 1)``.

    Returns
    -------
    model : relu_book.nn.MLP
    diverged : bool

    Examples
    --------
    >>> X, y, _, _ = spirals_train_test(n_per_class=20)
    >>> model, diverged = train_classifier("relu", X, y, epochs=2)
    >>> model.layer_sizes, diverged
    ((2, 8, 8, 3), False)
    """
    X = as_float_array(X, "X")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class labels, got dtype {labels.dtype}")
    hidden = sequence(hidden, "hidden", integer, allow_empty=True)
    model = MLP([X.shape[1], *hidden, int(labels.max()) + 1], activation=activation, seed=seed, **activation_kwargs)

    def diverged_yet(epoch, m):
        return not all(np.all(np.isfinite(W)) for W in m.weights)

    with np.errstate(over="ignore", invalid="ignore"):
        history = train(model, X, labels, lr, epochs, batch_size, seed=seed, loss="cross_entropy",
                        callback=diverged_yet)
    return model, bool(history.stopped_early)


# ------------------------------------------------------- multiplicative depth


class Tracked:
    r"""A value that records the multiplicative depth of the circuit that computed it.

    .. math::

        \operatorname{depth}(u + v) &= \max(\operatorname{depth} u, \operatorname{depth} v), \qquad
        \operatorname{depth}(u + c) = \operatorname{depth} u, \\
        \operatorname{depth}(u v) &= \max(\operatorname{depth} u, \operatorname{depth} v) + 1, \qquad
        \operatorname{depth}(c\,u) = \operatorname{depth} u + 1

    for tracked values :math:`u, v` and a plain number :math:`c`. This is how
    CKKS spends levels: every product, also by a plain non-integer number,
    is followed by a rescaling that consumes one prime of the modulus chain;
    additions cost none. The products are counted too (``products``: of two
    tracked values; ``scalings``: by a plain number).

    Parameters
    ----------
    value : array_like
        The plaintext value (float64), computed alongside.
    depth : int, default 0
        Depth of a fresh input.

    Examples
    --------
    >>> u = Tracked([1.0, 2.0])
    >>> v = (u * u) * 0.5 + u * 3.0 + 1.0
    >>> v.value, v.depth
    (array([4.5, 9. ]), 2)
    """

    __array_priority__ = 1000  # so that numpy scalars defer to Tracked's operators

    def __init__(self, value, depth=0, _counts=None):
        self.value = np.asarray(as_float_array(value, "value"), dtype=np.float64)
        self.depth = integer(depth, "depth", low=0)
        #: Shared counters of the circuit: products of two tracked values, and by plain numbers.
        self.counts = _counts if _counts is not None else {"products": 0, "scalings": 0}

    @classmethod
    def columns(cls, X):
        """One fresh tracked value per column of ``X``, sharing one set of counters.

        Examples
        --------
        >>> cols = Tracked.columns(np.ones((4, 2)))
        >>> len(cols), cols[0].counts is cols[1].counts
        (2, True)
        """
        X = as_float_array(X, "X")
        if X.ndim != 2:
            raise ValueError(f"X must be 2-d (examples, features), got shape {X.shape}")
        counts = {"products": 0, "scalings": 0}
        return [cls(X[:, j], 0, counts) for j in range(X.shape[1])]

    def _new(self, value, depth):
        return Tracked(value, depth, self.counts)

    def __add__(self, other):
        if isinstance(other, Tracked):
            return self._new(self.value + other.value, max(self.depth, other.depth))
        return self._new(self.value + real_scalar(other, "other"), self.depth)

    def __sub__(self, other):
        if isinstance(other, Tracked):
            return self._new(self.value - other.value, max(self.depth, other.depth))
        return self._new(self.value - real_scalar(other, "other"), self.depth)

    def __mul__(self, other):
        if isinstance(other, Tracked):
            self.counts["products"] += 1
            return self._new(self.value * other.value, max(self.depth, other.depth) + 1)
        self.counts["scalings"] += 1
        return self._new(self.value * real_scalar(other, "other"), self.depth + 1)

    def __repr__(self) -> str:
        return f"Tracked(depth={self.depth}, shape={self.value.shape})"


def activation_depth(degree, fold_leading=True) -> int:
    r"""Levels that :func:`slot_forward` spends on a polynomial activation of degree :math:`d`.

    .. math::

        \operatorname{depth}(p) &= \lceil \log_2 d \rceil \ \ (\text{leading coefficient folded}), \\
        \operatorname{depth}(p) &= \lceil \log_2 (d + 1) \rceil \ \ (\text{not folded}),

    for :math:`d \ge 2`; a linear activation :math:`c_0 + c_1 z` costs 1 (its
    product by :math:`c_1`) and a constant 0. Every value computed with
    :math:`k` levels is a polynomial of degree at most :math:`2^k` in the
    circuit's inputs (a product at most doubles the degree, a product by a
    plain number does not raise it), so :math:`z^d` needs
    :math:`\lceil \log_2 d \rceil` levels: with the leading coefficient
    folded into the layer's weights the first formula is the least possible.
    Without folding, the leading term needs a product by a plain number too,
    which costs one more level when :math:`d` is a power of two.

    Parameters
    ----------
    degree : int
        Degree :math:`d \ge 0`.
    fold_leading : bool, default True
        Whether the leading coefficient is folded into the weights before.

    Returns
    -------
    int

    Examples
    --------
    >>> [activation_depth(d) for d in (1, 2, 3, 4, 5, 8, 9)]
    [1, 1, 2, 2, 3, 3, 4]
    >>> [activation_depth(d, fold_leading=False) for d in (1, 2, 3, 4)]
    [1, 2, 2, 3]
    """
    d = integer(degree, "degree", low=0)
    if not isinstance(fold_leading, (bool, np.bool_)):
        raise TypeError(f"fold_leading must be a bool, got {type(fold_leading).__name__}")
    if d == 0:
        return 0
    if d == 1:
        return 1
    return math.ceil(math.log2(d)) if fold_leading else math.ceil(math.log2(d + 1))


def circuit_depth(coefficients, fold_leading=True) -> dict:
    r"""Depth and multiplications of the circuit :func:`slot_forward` uses for one activation.

    .. math::

        p(z) = \sum_{k=0}^{d} c_k z^k \quad\text{evaluated on a fresh } z \text{ (depth 0)}

    The activation is evaluated on a :class:`Tracked` input, exactly as
    :func:`slot_forward` evaluates it inside a network (with the leading
    coefficient folded into the weights before it when ``fold_leading``, so
    the circuit sees :math:`\pm u^d` plus lower terms), and the counts are
    read off: a measurement of the circuit, to set beside
    :func:`activation_depth`.

    Parameters
    ----------
    coefficients : sequence of float
        :math:`c_0, \dots, c_d`, with :math:`c_d \ne 0` and some :math:`c_k \ne 0` for :math:`k \ge 1`.
    fold_leading : bool, default True

    Returns
    -------
    dict
        ``"depth"``, ``"products"`` (of two ciphertexts), ``"scalings"``
        (products by a plain number).

    Examples
    --------
    >>> circuit_depth([0.0, 0.5, 0.1875])  # z/2 + 3z^2/16: one square, one scaling
    {'depth': 1, 'products': 1, 'scalings': 1}
    >>> circuit_depth([0.0, 0.5, 0.1875], fold_leading=False)
    {'depth': 2, 'products': 1, 'scalings': 2}
    """
    coef = _coefficients(coefficients)
    if not isinstance(fold_leading, (bool, np.bool_)):
        raise TypeError(f"fold_leading must be a bool, got {type(fold_leading).__name__}")
    d = coef.size - 1
    folded = fold_leading and d >= 2
    if folded:
        scale = abs(coef[-1]) ** (1.0 / d)
        coef = coef / scale ** np.arange(coef.size)
        coef[-1] = np.sign(coefficients[-1])
    (u,) = Tracked.columns(np.zeros((1, 1)))
    out = _polynomial(u, coef, folded)
    return {"depth": out.depth, **out.counts}


def median_and_range(values, digits=3) -> str:
    r"""``"median (min-max)"`` of the finite values, and how many were not finite.

    .. math::

        \operatorname{median}\{v_i : v_i \text{ finite}\}
        \;\bigl(\min_i v_i - \max_i v_i\bigr)

    Parameters
    ----------
    values : array_like
        For example accuracies over seeds, ``nan`` for a diverged run.
    digits : int, default 3
        Decimals of the median and of the range.

    Returns
    -------
    str

    Examples
    --------
    >>> median_and_range([0.9, 0.95, 0.8])
    '0.900 (0.800-0.950)'
    >>> median_and_range([0.9, float("nan"), 0.8], digits=2)
    '0.85 (0.80-0.90), 1 not finite'
    >>> median_and_range([float("nan")] * 2)
    '2 not finite'
    """
    v = as_float_array(values, "values").ravel()
    digits = integer(digits, "digits")
    finite = v[np.isfinite(v)]
    missing = v.size - finite.size
    if finite.size == 0:
        return f"{missing} not finite"
    text = f"{np.median(finite):.{digits}f} ({finite.min():.{digits}f}-{finite.max():.{digits}f})"
    return text + (f", {missing} not finite" if missing else "")


def _layers(model):
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if not all(isinstance(layer, PolynomialActivation) for layer in model.activation_layers):
        raise ValueError(f"model must have polynomial activations (activation='polynomial'), got {model.activation!r}")
    return model.activation_layers


def network_depth(model, fold_leading=True) -> int:
    r"""The multiplicative depth of a polynomial network evaluated by :func:`slot_forward`.

    .. math::

        \operatorname{depth} = L + \sum_{\ell=1}^{L-1} \operatorname{depth}(p_\ell)

    for :math:`L` weight layers (each a product by plain weights: one level)
    and hidden activations :math:`p_\ell` (:func:`activation_depth`).

    Parameters
    ----------
    model : relu_book.nn.MLP
        With polynomial activations.
    fold_leading : bool, default True

    Returns
    -------
    int

    Examples
    --------
    >>> net = with_polynomial_activations(MLP([2, 4, 4, 3]), (0, 0, 1))
    >>> network_depth(net)
    5
    """
    layers = _layers(model)
    return model.n_layers + sum(activation_depth(layer.degree, fold_leading) for layer in layers)


def _power(u, k, cache):
    """u**k with depth ceil(log2 k): u**hi * u**(k - hi), hi the largest power of 2 below k."""
    if k not in cache:
        hi = 1 << ((k - 1).bit_length() - 1)
        cache[k] = _power(u, hi, cache) * _power(u, k - hi, cache)
    return cache[k]


def _term(u, c, k, cache):
    """c * u**k with depth floor(log2 k) + 1: the plain factor goes on the lowest power."""
    if k == 1:
        return u * c
    hi = 1 << ((k - 1).bit_length() - 1)
    return _power(u, hi, cache) * _term(u, c, k - hi, cache)


def _linear(h, W, b):
    out = []
    for k in range(W.shape[1]):
        acc = None
        for j in range(W.shape[0]):
            w = float(W[j, k])
            if w == 0.0:
                continue
            term = h[j] * w
            acc = term if acc is None else acc + term
        if acc is None:
            raise ValueError(f"unit {k} of a layer has all weights 0; slot_forward needs a non-zero weight")
        out.append(acc + float(b[k]))
    return out


def _polynomial(u, coef, folded):
    """sum_k coef[k] u**k; if ``folded``, coef[-1] is +-1 and costs no product by a plain number."""
    d = coef.size - 1
    cache = {1: u}
    acc = None
    for k in range(1, d + 1):
        c = float(coef[k])
        if c == 0.0:
            continue
        if k == d and folded:  # the term is +-u^d: an addition or a subtraction, no scaling
            top = _power(u, d, cache)
            if acc is None:
                acc = top if c > 0 else top * -1.0
            elif c > 0:
                acc = acc + top
            else:
                acc = acc - top
            continue
        term = _term(u, c, k, cache)
        acc = term if acc is None else acc + term
    if acc is None:
        raise ValueError("slot_forward needs non-constant activations")
    return acc + float(coef[0])


def slot_forward(model, columns, fold_leading=True):
    r"""Evaluate a polynomial network with ``+``, ``-`` and ``*`` only, one column per feature.

    .. math::

        u^{(\ell)}_k &= \sum_j \bigl(s_\ell W^{(\ell)}_{jk}\bigr) h^{(\ell-1)}_j + s_\ell b^{(\ell)}_k,
        \qquad s_\ell = |c_d|^{1/d}, \\
        h^{(\ell)}_k &= \sum_{i=0}^{d} \frac{c_i}{s_\ell^{\,i}} \bigl(u^{(\ell)}_k\bigr)^i
                    = p_\ell\bigl(z^{(\ell)}_k\bigr)

    ``columns[j]`` holds feature :math:`j` of every example (a numpy array,
    a :class:`Tracked` value, or a CKKS vector: the examples sit in the
    slots, as in CryptoNets). Each unit is one such object; a layer is a sum
    of products by plain weights plus a plain bias. With ``fold_leading``
    the leading coefficient's size :math:`s_\ell^d = |c_d|` is folded into the
    layer's weights, so that :math:`\pm u^d` costs no product by a plain
    number; powers are built by repeated squaring and each remaining plain
    coefficient multiplies the lowest power it can, so the activation uses
    :func:`activation_depth` levels. Only the leading coefficient of a
    degree-:math:`\ge 2` polynomial is folded.

    Parameters
    ----------
    model : relu_book.nn.MLP
        With polynomial activations (:func:`with_polynomial_activations`).
    columns : sequence
        ``model.layer_sizes[0]`` objects supporting ``+``, ``-``, ``*`` with
        each other and with Python floats.
    fold_leading : bool, default True

    Returns
    -------
    list
        ``model.layer_sizes[-1]`` objects: the output columns.

    Examples
    --------
    >>> net = with_polynomial_activations(MLP([2, 4, 3], seed=0), (0.1, 0.5, 0.2))
    >>> X = np.array([[0.5, -1.0], [1.0, 2.0]])
    >>> out = slot_forward(net, Tracked.columns(X))
    >>> [o.depth for o in out]
    [3, 3, 3]
    >>> bool(np.allclose(np.stack([o.value for o in out], 1), net.forward(X)))
    True
    """
    layers = _layers(model)
    if not isinstance(fold_leading, (bool, np.bool_)):
        raise TypeError(f"fold_leading must be a bool, got {type(fold_leading).__name__}")
    if isinstance(columns, (str, bytes)) or not hasattr(columns, "__len__"):
        raise TypeError(f"columns must be a sequence, one entry per input feature, got {type(columns).__name__}")
    if len(columns) != model.layer_sizes[0]:
        raise ValueError(
            f"columns must have {model.layer_sizes[0]} entries (one per input feature), got {len(columns)}"
        )
    h = list(columns)
    for i, (W, b) in enumerate(zip(model.weights, model.biases)):
        W = np.asarray(W, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if i == model.n_layers - 1:
            return _linear(h, W, b)
        coef = layers[i].coefficients
        d = coef.size - 1
        folded = fold_leading and d >= 2
        scale = abs(coef[-1]) ** (1.0 / d) if folded else 1.0
        u = _linear(h, W * scale, b * scale)
        scaled = coef / scale ** np.arange(coef.size)
        if folded:
            scaled[-1] = np.sign(coef[-1])
        h = [_polynomial(v, scaled, folded) for v in u]
    raise AssertionError("unreachable")  # pragma: no cover
