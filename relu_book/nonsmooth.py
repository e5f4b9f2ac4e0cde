r"""Nonsmooth calculus for training ReLU networks: what autodiff returns and why SGD still works.

Chapter 9 uses this module to witness, on small examples, the results that
explain why gradient methods train ReLU networks although the loss has kinks:

* :func:`chain_rule_bound` and :func:`sum_rule_bound` -- the right-hand sides
  of Clarke's chain and sum rules for functions of one variable. They contain
  the Clarke generalised gradient of the composition, sometimes strictly.
* :class:`ReluNetwork`, :func:`mirror_network`, :func:`network_output`,
  :func:`autodiff_input_gradient`, :func:`finite_difference_gradient` and
  :func:`points_on_kink` -- a small float64 ReLU network, its input gradient
  by the book's reverse-mode :mod:`relu_book.autodiff` and by the difference
  quotient, and inputs on which autodiff is provably wrong although the
  network is differentiable there (Lee et al. 2020: wrong only on a null set).
* :func:`chain_rule_along_curve` -- the defining property of a conservative
  field (Bolte and Pauwels 2021) checked along a curve.
* :func:`gradient_descent` -- plain or randomly perturbed gradient descent
  driven by :mod:`relu_book.autodiff`, to show a spurious critical point.
* :class:`NeuronL1Problem` and friends -- one ReLU neuron fitted with the
  absolute loss, a piecewise affine and nonconvex loss whose Clarke gradient
  can be computed exactly, and a stochastic subgradient method on it
  (:func:`sgd_neuron_l1`) with a computable stationarity measure
  (:func:`near_stationarity`).
* :func:`relu_outputs_per_image`, :data:`VGG_CONFIGS`,
  :data:`BERTOIN2021_MNIST`, :func:`fit_zero_rate`,
  :func:`run_affected_probability` and :func:`flush_subnormals` -- counting
  the ReLU evaluations of a network, and the model "exact zeros occur
  independently at a fixed rate per pre-activation" set beside the published
  counts of Bertoin et al. (2021).

Conventions at kinks follow the frameworks: :math:`\relu'(0) = 0` and sign(0) = 0,
unless a function says otherwise (``at_zero``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ml_dtypes
import numpy as np
import sympy
from scipy import optimize

from relu_book import autodiff as ad
from relu_book._validation import (
    as_float_array,
    integer,
    random_seed,
    real_scalar,
    seed_list,
    sympy_expr,
    sympy_symbol,
)
from relu_book.calculus import clarke_gradient as _clarke_gradient

__all__ = [
    "chain_rule_bound",
    "sum_rule_bound",
    "ReluNetwork",
    "mirror_network",
    "network_output",
    "autodiff_input_gradient",
    "finite_difference_gradient",
    "points_on_kink",
    "chain_rule_along_curve",
    "gradient_descent",
    "NeuronL1Problem",
    "neuron_l1_problem",
    "neuron_l1_loss",
    "neuron_l1_gradient",
    "NearStationarity",
    "near_stationarity",
    "SGDRecord",
    "sgd_neuron_l1",
    "VGG_CONFIGS",
    "relu_outputs_per_image",
    "BERTOIN2021_MNIST",
    "BERTOIN2021_CIFAR10_VGG11",
    "fit_zero_rate",
    "run_affected_probability",
    "smallest_normal",
    "flush_subnormals",
]


# --------------------------------------------------------------------- helpers


def _ends(interval) -> tuple[sympy.Expr, sympy.Expr]:
    """The least and greatest element of a sympy ``Interval`` or ``FiniteSet``."""
    return interval.inf, interval.sup


def _interval(lo, hi):
    """``Interval(lo, hi)``; sympy returns the one-point ``FiniteSet`` when ``lo == hi``."""
    return sympy.Interval(sympy.simplify(lo), sympy.simplify(hi))


# --------------------------------------------------------------- chain rules


def chain_rule_bound(outer, y, inner, x, point):
    r"""Right-hand side of Clarke's chain rule for :math:`f \circ g` of one variable.

    .. math::

        \partial_C (f \circ g)(p) \;\subseteq\;
        \operatorname{conv}\{\, a\, b \;:\; a \in \partial_C f(g(p)),\ b \in \partial_C g(p) \,\}

    Both Clarke gradients are intervals (computed by
    :func:`relu_book.calculus.clarke_gradient` from one-sided derivatives), so
    the right-hand side is the interval spanned by the four products of their
    ends. Backpropagation returns one product :math:`a\,b`, with the values
    the program chose at the kinks, so its output lies in this set; the
    Clarke gradient of the composition may be a strictly smaller set.

    Parameters
    ----------
    outer : sympy.Expr
        :math:`f`, as an expression in ``y``; piecewise smooth near :math:`g(p)`.
    y : sympy.Symbol
        The variable of ``outer``.
    inner : sympy.Expr
        :math:`g`, as an expression in ``x``; piecewise smooth near ``point``.
    x : sympy.Symbol
        The variable of ``inner``.
    point : number or sympy number
        The point :math:`p`.

    Returns
    -------
    sympy.Interval or sympy.FiniteSet
        The bound; a ``FiniteSet`` when it is a single number.

    Raises
    ------
    TypeError
        If an expression or symbol is not a sympy object.

    Examples
    --------
    >>> import sympy
    >>> from relu_book import symbolic
    >>> x, y = sympy.symbols("x y", real=True)
    >>> chain_rule_bound(symbolic.relu(y), y, -sympy.Abs(x), x, 0)   # relu(-|x|) = 0
    Interval(-1, 1)
    """
    outer = sympy_expr(outer, "outer")
    y = sympy_symbol(y, "y")
    inner = sympy_expr(inner, "inner")
    x = sympy_symbol(x, "x")
    p = sympy.nsimplify(point) if isinstance(point, float) else sympy.sympify(point)
    a_lo, a_hi = _ends(_clarke_gradient(outer, y, inner.subs(x, p)))
    b_lo, b_hi = _ends(_clarke_gradient(inner, x, p))
    products = [a * b for a in (a_lo, a_hi) for b in (b_lo, b_hi)]
    return _interval(sympy.Min(*products), sympy.Max(*products))


def sum_rule_bound(terms, x, point):
    r"""Right-hand side of Clarke's sum rule: the sum of the terms' Clarke gradients.

    .. math::

        \partial_C \Big( \sum_i f_i \Big)(p) \;\subseteq\; \sum_i \partial_C f_i(p)
        = \Big[ \sum_i \min \partial_C f_i(p),\ \sum_i \max \partial_C f_i(p) \Big]

    (a sum of sets means all sums of one element of each). This is the chain
    rule with the smooth outer function :math:`(u_1, \dots, u_m) \mapsto \sum_i u_i`.
    Reverse-mode autodiff returns one element of the right-hand side.

    Parameters
    ----------
    terms : sequence of sympy.Expr
        The functions :math:`f_i` of ``x``, each piecewise smooth near ``point``.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        The point :math:`p`.

    Returns
    -------
    sympy.Interval or sympy.FiniteSet

    Raises
    ------
    TypeError
        If a term is not a sympy expression or ``x`` not a sympy Symbol.
    ValueError
        If ``terms`` is empty.

    Examples
    --------
    >>> import sympy
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x", real=True)
    >>> sum_rule_bound([symbolic.relu(x), -symbolic.relu(-x)], x, 0)  # = x
    Interval(0, 2)
    """
    if isinstance(terms, sympy.Basic) or not hasattr(terms, "__iter__"):
        raise TypeError(f"terms must be a sequence of sympy expressions, got {type(terms).__name__}")
    terms = [sympy_expr(t, "each term") for t in terms]
    if not terms:
        raise ValueError("terms must not be empty")
    x = sympy_symbol(x, "x")
    p = sympy.nsimplify(point) if isinstance(point, float) else sympy.sympify(point)
    ends = [_ends(_clarke_gradient(t, x, p)) for t in terms]
    return _interval(sum(lo for lo, _ in ends), sum(hi for _, hi in ends))


# ------------------------------------------------------- a small ReLU network


@dataclass(frozen=True)
class ReluNetwork:
    r"""A fully connected ReLU network with one output, in float64.

    .. math::

        h_0 = x, \qquad h_l = \operatorname{relu}(W_l h_{l-1} + b_l)\ (l < L), \qquad
        f(x) = W_L h_{L-1} + b_L

    Attributes
    ----------
    weights : tuple of numpy.ndarray
        ``W_l`` of shape ``(n_l, n_{l-1})``; the last one has one row.
    biases : tuple of numpy.ndarray
        ``b_l`` of shape ``(n_l,)``.
    mirrored : tuple of int
        Units ``(j, j + 1)`` of the first hidden layer that mirror each other
        (:func:`mirror_network`); empty if none.
    """

    weights: tuple
    biases: tuple
    mirrored: tuple = ()

    @property
    def input_dim(self) -> int:
        """Number of inputs."""
        return int(self.weights[0].shape[1])


def mirror_network(input_dim=4, hidden=(8, 8), seed=0):
    r"""A random ReLU network in which two first-layer units cancel into a linear function.

    Units 0 and 1 of the first hidden layer have opposite weights and
    biases, :math:`z_1 = -z_0`, and the second layer weighs them with
    opposite columns, so together they contribute

    .. math::

        v\,\operatorname{relu}(z_0) - v\,\operatorname{relu}(-z_0) = v\, z_0 ,

    a linear function of the input: the network has no kink on the hyperplane
    :math:`z_0 = 0`, but reverse-mode autodiff evaluates relu'(0) there twice
    and, with relu'(0) = 0, drops the term :math:`v\, z_0`. The weights of
    unit 0 are multiples of 1/4 with last entry 1 (so :func:`points_on_kink`
    can put inputs exactly on the hyperplane); the others are
    :math:`N(0, 1/n_{\text{in}})`.

    Parameters
    ----------
    input_dim : int, default 4
        Number of inputs (at least 2).
    hidden : sequence of int, default (8, 8)
        Hidden widths; the first one at least 2.
    seed : int, default 0
        Seed of the weights.

    Returns
    -------
    ReluNetwork

    Examples
    --------
    >>> net = mirror_network(3, (4,), seed=1)
    >>> [W.shape for W in net.weights], net.mirrored
    ([(4, 3), (1, 4)], (0, 1))
    """
    d = integer(input_dim, "input_dim", low=2)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a sequence of ints, got {type(hidden).__name__}")
    widths = [integer(h, "each hidden width") for h in hidden]
    if not widths or widths[0] < 2:
        raise ValueError(f"hidden must have a first width of at least 2, got {tuple(widths)}")
    rng = np.random.default_rng(random_seed(seed))
    sizes = [d, *widths, 1]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0.0, 1.0 / math.sqrt(fan_in), size=(fan_out, fan_in)))
        biases.append(rng.normal(0.0, 0.1, size=fan_out))
    w0 = rng.integers(-4, 5, size=d) / 4.0
    w0[-1] = 1.0
    b0 = rng.integers(-4, 5) / 8.0
    weights[0][0], biases[0][0] = w0, b0
    weights[0][1], biases[0][1] = -w0, -b0
    weights[1][:, 1] = -weights[1][:, 0]
    return ReluNetwork(tuple(weights), tuple(biases), (0, 1))


def _check_network(net) -> ReluNetwork:
    if not isinstance(net, ReluNetwork):
        raise TypeError(f"net must be a ReluNetwork, got {type(net).__name__}")
    return net


def _check_inputs(net: ReluNetwork, X, name: str = "X") -> np.ndarray:
    X = as_float_array(X, name)
    if X.ndim != 2 or X.shape[1] != net.input_dim:
        raise ValueError(f"{name} must have shape (n, {net.input_dim}), got {X.shape}")
    return X.astype(np.float64)


def network_output(net, X):
    r"""The output :math:`f(x)` of a :class:`ReluNetwork` for each row of ``X``, in float64.

    .. math::

        f(x) = W_L \operatorname{relu}(\cdots \operatorname{relu}(W_1 x + b_1) \cdots) + b_L

    Computed with elementwise products and sums (no BLAS), so the result is
    the same bit for bit on every machine.

    Parameters
    ----------
    net : ReluNetwork
    X : array_like
        Inputs, shape ``(n, input_dim)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.

    Examples
    --------
    >>> net = mirror_network(3, (4,), seed=1)
    >>> network_output(net, [[0.0, 0.0, 0.0]]).shape
    (1,)
    """
    net = _check_network(net)
    h = _check_inputs(net, X)
    last = len(net.weights) - 1
    for layer, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = (h[:, None, :] * W[None, :, :]).sum(axis=2) + b
        h = z if layer == last else np.maximum(z, 0.0)
    return h[:, 0]


def _first_layer(net: ReluNetwork, X: np.ndarray) -> np.ndarray:
    W, b = net.weights[0], net.biases[0]
    return (X[:, None, :] * W[None, :, :]).sum(axis=2) + b


def autodiff_input_gradient(net, X, at_zero=0.0):
    r"""Gradient of the network's output with respect to its input, by reverse-mode autodiff.

    .. math::

        \nabla f(x) = W_1^\top D_1 W_2^\top D_2 \cdots W_L^\top, \qquad
        D_l = \operatorname{diag}\big(\operatorname{relu}'(z_l)\big)

    computed by :mod:`relu_book.autodiff` (one :class:`~relu_book.autodiff.Var`
    per input coordinate, holding all the rows of ``X`` at once, and one
    ``relu`` node per unit). At a pre-activation exactly 0 the value
    ``at_zero`` is used for :math:`\relu'(0)`, as a framework would.

    Parameters
    ----------
    net : ReluNetwork
    X : array_like
        Inputs, shape ``(n, input_dim)``.
    at_zero : float, default 0.0
        :math:`\relu'(0)`, in ``[0, 1]`` (0 in PyTorch, TensorFlow and JAX).

    Returns
    -------
    numpy.ndarray
        Shape ``(n, input_dim)``.

    Examples
    --------
    >>> net = mirror_network(3, (4,), seed=1)
    >>> autodiff_input_gradient(net, [[0.5, -0.25, 1.0]]).shape
    (1, 3)
    """
    net = _check_network(net)
    X = _check_inputs(net, X)
    c = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    inputs = [ad.Var(X[:, i]) for i in range(net.input_dim)]
    h = inputs
    last = len(net.weights) - 1
    for layer, (W, b) in enumerate(zip(net.weights, net.biases)):
        units = []
        for j in range(W.shape[0]):
            z = ad.Var(np.full(X.shape[0], b[j]))
            for i, hi in enumerate(h):
                z = z + float(W[j, i]) * hi
            units.append(z if layer == last else ad.relu(z, at_zero=c))
        h = units
    h[0].backward(np.ones(X.shape[0]))
    return np.stack([v.grad for v in inputs], axis=1)


def finite_difference_gradient(net, X, step=2.0**-20):
    r"""Central difference quotients of the network's output, and a check that no kink was crossed.

    .. math::

        \partial_i f(x) &\approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \\
        \text{gap}_i &= \Big| \frac{f(x + h e_i) - f(x)}{h} - \frac{f(x) - f(x - h e_i)}{h} \Big|

    A ReLU network is piecewise affine; if :math:`f` is affine on the segment
    :math:`[x - h e_i, x + h e_i]` the forward and backward quotients agree up
    to rounding, both equal :math:`\partial_i f(x)`, and the gap is tiny. A
    gap of the order of the slopes means a kink of :math:`f` was crossed. The
    definition of the derivative is used, not the network's structure, so
    this is an independent witness of the true gradient.

    Parameters
    ----------
    net : ReluNetwork
    X : array_like
        Points, shape ``(n, input_dim)``.
    step : float, default 2**-20
        The step :math:`h > 0`.

    Returns
    -------
    gradient : numpy.ndarray
        Central quotients, shape ``(n, input_dim)``.
    gap : numpy.ndarray
        Largest gap over the coordinates, shape ``(n,)``.

    Examples
    --------
    >>> net = mirror_network(3, (4,), seed=1)
    >>> g, gap = finite_difference_gradient(net, [[0.5, -0.25, 1.0]])
    >>> bool(gap[0] < 1e-6)
    True
    """
    net = _check_network(net)
    X = _check_inputs(net, X)
    h = real_scalar(step, "step", low=0.0, low_inclusive=False)
    f0 = network_output(net, X)
    grads = np.empty_like(X)
    gaps = np.zeros(X.shape[0])
    for i in range(net.input_dim):
        e = np.zeros(net.input_dim)
        e[i] = h
        up, down = network_output(net, X + e), network_output(net, X - e)
        grads[:, i] = (up - down) / (2 * h)
        gaps = np.maximum(gaps, np.abs((up - f0) / h - (f0 - down) / h))
    return grads, gaps


def points_on_kink(net, n=100, seed=0):
    r"""Inputs on which the mirrored pair of a :func:`mirror_network` sits exactly at its kink.

    .. math::

        z_0(x) = w_0^\top x + b_0 = 0

    The first ``input_dim - 1`` coordinates are random multiples of
    :math:`2^{-10}` in :math:`[-1, 1]`; the last is solved for. Since
    :math:`w_0` has entries that are multiples of 1/4 and last entry 1, every
    product and sum is exact in float64, and the computed pre-activation is
    exactly 0 (checked). Such inputs form a hyperplane, a set of measure zero.

    Parameters
    ----------
    net : ReluNetwork
        A network from :func:`mirror_network`.
    n : int, default 100
        Number of points.
    seed : int, default 0
        Seed of the points.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, input_dim)``.

    Raises
    ------
    ValueError
        If ``net`` has no mirrored pair or its last weight is not 1.

    Examples
    --------
    >>> net = mirror_network(3, (4,), seed=1)
    >>> X = points_on_kink(net, n=5)
    >>> float(abs(_first_layer(net, X)[:, 0]).max())
    0.0
    """
    net = _check_network(net)
    n = integer(n, "n")
    if not net.mirrored:
        raise ValueError("net has no mirrored pair of units; build it with mirror_network")
    j = net.mirrored[0]
    w, b = net.weights[0][j], net.biases[0][j]
    if w[-1] != 1.0:
        raise ValueError("the last input weight of the mirrored unit must be 1")
    rng = np.random.default_rng(random_seed(seed))
    X = np.empty((n, net.input_dim))
    X[:, :-1] = rng.integers(-1024, 1025, size=(n, net.input_dim - 1)) / 1024.0
    X[:, -1] = -(b + (X[:, :-1] * w[:-1]).sum(axis=1))
    z = _first_layer(net, X)[:, j]
    if np.any(z != 0):  # pragma: no cover - exact by construction
        raise ArithmeticError("the constructed points are not exactly on the kink")
    return X


# ------------------------------------------------------- conservative fields


def chain_rule_along_curve(program, curve, times, step=2.0**-20):
    r"""Both sides of the chain rule along a curve, with autodiff's output in place of the gradient.

    .. math::

        \frac{d}{dt} f(\gamma(t)) \quad\text{and}\quad
        \big\langle D(\gamma(t)),\ \gamma'(t) \big\rangle

    where :math:`D` is what reverse-mode autodiff returns for ``program``.
    :math:`D` is a *conservative field* for :math:`f` (Bolte and Pauwels 2021)
    when the two agree for almost every :math:`t`, for every absolutely
    continuous curve. Both derivatives in :math:`t` are central difference
    quotients with step ``step``.

    Parameters
    ----------
    program : callable
        Takes a list of :class:`~relu_book.autodiff.Var` (one per coordinate,
        each holding the values at all times) and returns a ``Var``.
    curve : callable
        Maps an array of times of shape ``(m,)`` to points of shape ``(m, d)``.
    times : array_like
        The times :math:`t`, shape ``(m,)``.
    step : float, default 2**-20
        Step of the difference quotients in :math:`t`.

    Returns
    -------
    lhs : numpy.ndarray
        :math:`\frac{d}{dt} f(\gamma(t))`, shape ``(m,)``.
    rhs : numpy.ndarray
        :math:`\langle D(\gamma(t)), \gamma'(t) \rangle`, shape ``(m,)``.

    Examples
    --------
    >>> prog = lambda v: ad.relu(v[0]) - ad.relu(-v[0])          # f(x) = x
    >>> line = lambda t: np.stack([np.zeros_like(t)], axis=1)    # stays at x = 0
    >>> lhs, rhs = chain_rule_along_curve(prog, line, [0.0, 0.5])
    >>> lhs.tolist(), rhs.tolist()
    ([0.0, 0.0], [0.0, 0.0])
    """
    if not callable(program):
        raise TypeError(f"program must be callable, got {type(program).__name__}")
    if not callable(curve):
        raise TypeError(f"curve must be callable, got {type(curve).__name__}")
    t = as_float_array(times, "times").astype(np.float64)
    if t.ndim != 1:
        raise ValueError(f"times must be one-dimensional, got shape {t.shape}")
    h = real_scalar(step, "step", low=0.0, low_inclusive=False)

    def value_and_grad(points):
        coords = [ad.Var(points[:, i]) for i in range(points.shape[1])]
        out = program(coords)
        out.backward(np.ones(points.shape[0]))
        return out.value, np.stack([c.grad for c in coords], axis=1)

    def points_at(s):
        p = as_float_array(curve(s), "curve(t)").astype(np.float64)
        if p.ndim != 2 or p.shape[0] != s.shape[0]:
            raise ValueError(f"curve must return shape (m, d) for m times, got {p.shape}")
        return p

    here = points_at(t)
    _, D = value_and_grad(here)
    f_up, _ = value_and_grad(points_at(t + h))
    f_down, _ = value_and_grad(points_at(t - h))
    velocity = (points_at(t + h) - points_at(t - h)) / (2 * h)
    return (f_up - f_down) / (2 * h), (D * velocity).sum(axis=1)


def gradient_descent(program, x0, step, steps, noise=0.0, seed=0):
    r"""Gradient descent driven by reverse-mode autodiff, optionally with random perturbations.

    .. math::

        x_{k+1} = x_k - t\, D(x_k) + \sigma\, \xi_k, \qquad \xi_k \sim N(0, 1)

    where :math:`D` is what :func:`relu_book.autodiff.grad` returns for the
    program (with the rules at kinks the program chose). Many starting
    points are run at once: ``program`` must act elementwise on an array.

    Parameters
    ----------
    program : callable
        Takes a :class:`~relu_book.autodiff.Var` holding one number per run
        and returns a ``Var`` of the same shape (one loss per run).
    x0 : array_like
        Starting points, one per run.
    step : float
        Step size :math:`t > 0`.
    steps : int
        Number of steps.
    noise : float, default 0.0
        Standard deviation :math:`\sigma \ge 0` of the perturbation.
    seed : int, default 0
        Seed of the perturbations.

    Returns
    -------
    numpy.ndarray
        The iterates, shape ``(steps + 1,) + x0.shape``; row 0 is ``x0``.

    Examples
    --------
    >>> f = lambda v: ad.relu(v) - ad.relu(-v)          # f(x) = x
    >>> gradient_descent(f, [0.0, 0.5], step=0.25, steps=2)[-1].tolist()
    [0.0, 0.0]
    """
    if not callable(program):
        raise TypeError(f"program must be callable, got {type(program).__name__}")
    x = np.array(as_float_array(x0, "x0"), dtype=np.float64)
    t = real_scalar(step, "step", low=0.0, low_inclusive=False)
    steps = integer(steps, "steps")
    sigma = real_scalar(noise, "noise", low=0.0)
    rng = np.random.default_rng(random_seed(seed))
    path = np.empty((steps + 1,) + x.shape)
    path[0] = x
    for k in range(steps):
        g = ad.grad(program, x)
        x = x - t * g
        if sigma > 0:
            x = x + sigma * rng.standard_normal(x.shape)
        path[k + 1] = x
    return path


# ------------------------------------------- one ReLU neuron, absolute loss


@dataclass(frozen=True)
class NeuronL1Problem:
    r"""Data for fitting one ReLU neuron with the absolute loss (see :func:`neuron_l1_problem`).

    Attributes
    ----------
    X : numpy.ndarray
        Inputs with a last column of ones (for the bias), shape ``(n, p)``.
    y : numpy.ndarray
        Targets, shape ``(n,)``; none is 0.
    teacher : numpy.ndarray
        The weights that generated the targets, shape ``(p,)``.
    """

    X: np.ndarray
    y: np.ndarray
    teacher: np.ndarray

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.X.shape[0])

    @property
    def p(self) -> int:
        """Number of parameters (weights and bias)."""
        return int(self.X.shape[1])


def neuron_l1_problem(n=64, seed=0, noise=0.2):
    r"""Samples from a ReLU "teacher" neuron with Laplace noise, for the absolute loss.

    .. math::

        x_i &\sim N(0, I_2), \quad \tilde x_i = (x_i, 1), \quad w_\star = (1, -1/2, 1/5), \\
        y_i &= \operatorname{relu}(w_\star^\top \tilde x_i) + \varepsilon_i, \quad
        \varepsilon_i \sim \operatorname{Laplace}(0, s)

    Parameters
    ----------
    n : int, default 64
        Number of samples.
    seed : int, default 0
        Seed of inputs and noise.
    noise : float, default 0.2
        Scale :math:`s > 0` of the noise.

    Returns
    -------
    NeuronL1Problem

    Examples
    --------
    >>> prob = neuron_l1_problem(8, seed=1)
    >>> prob.X.shape, prob.p, bool(np.all(prob.X[:, -1] == 1))
    ((8, 3), 3, True)
    """
    n = integer(n, "n")
    s = real_scalar(noise, "noise", low=0.0, low_inclusive=False)
    rng = np.random.default_rng(random_seed(seed))
    X = np.hstack([rng.standard_normal((n, 2)), np.ones((n, 1))])
    teacher = np.array([1.0, -0.5, 0.2])
    y = np.maximum((X * teacher).sum(axis=1), 0.0) + rng.laplace(0.0, s, size=n)
    if np.any(y == 0):  # pragma: no cover - probability 0
        raise ArithmeticError("a target is exactly 0; use another seed")
    return NeuronL1Problem(X, y, teacher)


def _check_problem(problem) -> NeuronL1Problem:
    if not isinstance(problem, NeuronL1Problem):
        raise TypeError(f"problem must be a NeuronL1Problem, got {type(problem).__name__}")
    return problem


def _check_weights(problem: NeuronL1Problem, w, name: str = "w") -> np.ndarray:
    w = as_float_array(w, name)
    if w.shape[-1:] != (problem.p,):
        raise ValueError(f"{name} must have last dimension {problem.p}, got shape {w.shape}")
    return w.astype(np.float64)


def neuron_l1_loss(problem, w):
    r"""The absolute loss of one ReLU neuron, for one or many weight vectors.

    .. math::

        L(w) = \frac1n \sum_{i=1}^n \big| \operatorname{relu}(w^\top \tilde x_i) - y_i \big|

    :math:`L` is piecewise affine (hence semialgebraic and Lipschitz) and not
    convex: a ReLU composed with an absolute value.

    Parameters
    ----------
    problem : NeuronL1Problem
    w : array_like
        Weights, shape ``(..., p)``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Shape ``w.shape[:-1]``.

    Examples
    --------
    >>> prob = neuron_l1_problem(8, seed=1)
    >>> float(neuron_l1_loss(prob, np.zeros(3))) == float(np.mean(np.abs(prob.y)))
    True
    """
    problem = _check_problem(problem)
    w = _check_weights(problem, w)
    z = (w[..., None, :] * problem.X).sum(axis=-1)
    return np.abs(np.maximum(z, 0.0) - problem.y).mean(axis=-1)


def neuron_l1_gradient(problem, w, samples=None, at_zero=0.0, sign_at_zero=0.0):
    r"""What backpropagation returns for the absolute loss of one ReLU neuron.

    .. math::

        D(w) = \frac{1}{|B|} \sum_{i \in B} \operatorname{sign}(r_i)\, \operatorname{relu}'(z_i)\, \tilde x_i,
        \qquad z_i = w^\top \tilde x_i,\quad r_i = \operatorname{relu}(z_i) - y_i

    At a kink the chosen values are used: :math:`\relu'(0)` = ``at_zero`` and
    sign(0) = ``sign_at_zero`` (PyTorch: 0 and 0). Where no :math:`z_i` or
    :math:`r_i` is 0 this is the gradient of the minibatch loss.

    Parameters
    ----------
    problem : NeuronL1Problem
    w : array_like
        Weights, shape ``(p,)``, or ``(..., p)`` for many runs or points at once.
    samples : array_like of int, optional
        The minibatch: indices of shape ``(b,)`` (the same for every run), or
        ``(m, b)`` for ``m`` runs with weights of shape ``(m, p)``; default
        all samples.
    at_zero : float, default 0.0
        :math:`\relu'(0)`, in ``[0, 1]``.
    sign_at_zero : float, default 0.0
        The derivative used for ``|r|`` at ``r = 0``, in ``[-1, 1]``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``w``.

    Examples
    --------
    >>> prob = neuron_l1_problem(8, seed=1)
    >>> neuron_l1_gradient(prob, np.zeros(3)).tolist()     # every unit at its kink
    [0.0, 0.0, 0.0]
    >>> neuron_l1_gradient(prob, np.zeros(3), at_zero=1.0).shape
    (3,)
    """
    problem = _check_problem(problem)
    w = _check_weights(problem, w)
    c = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    s0 = real_scalar(sign_at_zero, "sign_at_zero", low=-1.0, high=1.0)
    if samples is None:
        idx = np.arange(problem.n)
    else:
        idx = np.asarray(samples)
        if idx.dtype.kind not in "iu" or idx.size == 0:
            raise TypeError("samples must be a non-empty array of integer indices")
        if idx.min() < 0 or idx.max() >= problem.n:
            raise ValueError(f"samples must be indices in [0, {problem.n}), got {idx.min()}..{idx.max()}")
    if w.ndim == 2 and idx.ndim == 1:
        idx = np.broadcast_to(idx, (w.shape[0], idx.size))
    Xb, yb = problem.X[idx], problem.y[idx]
    z = (Xb * w[..., None, :]).sum(axis=-1)
    r = np.maximum(z, 0.0) - yb
    relu_d = np.where(z > 0, 1.0, np.where(z == 0, c, 0.0))
    sign_d = np.where(r == 0, s0, np.sign(r))
    return ((sign_d * relu_d)[..., None] * Xb).mean(axis=-2)


@dataclass(frozen=True)
class NearStationarity:
    r"""A certificate of near-stationarity (see :func:`near_stationarity`).

    Attributes
    ----------
    epsilon : float
        :math:`\max(\rho, \eta)`.
    rho : float
        Distance from the iterate to the point :math:`\bar w`.
    eta : float
        :math:`\operatorname{dist}(0, \partial_C L(\bar w))`.
    kinks : int
        Number of kinks made exact at :math:`\bar w`.
    point : numpy.ndarray
        The point :math:`\bar w`.
    """

    epsilon: float
    rho: float
    eta: float
    kinks: int
    point: np.ndarray


def _kink_table(problem: NeuronL1Problem, w: np.ndarray, count: int):
    """The ``count`` kinks of L nearest to w: (distance, sample, kind), nearest first.

    Kind 0: the neuron's kink z_i = 0. Kind 1: the absolute value's kink
    r_i = 0, i.e. z_i = y_i, which exists (with z_i > 0) only if y_i > 0.
    """
    X, y = problem.X, problem.y
    z = (X * w).sum(axis=1)
    norms = np.sqrt((X * X).sum(axis=1))
    dist = np.concatenate([np.abs(z) / norms, np.where(y > 0, np.abs(z - y) / norms, np.inf)])
    order = np.argsort(dist, kind="stable")[:count]
    n = problem.n
    return [(float(dist[k]), int(k % n), int(k // n)) for k in order if np.isfinite(dist[k])]


def _box_least_squares(A: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """min ||A c - b|| over lo <= c <= hi (bounded-variable least squares, exact for small A)."""
    if A.shape[1] == 0:
        return float(np.sqrt((b * b).sum()))
    res = optimize.lsq_linear(A, b, bounds=(lo, hi), method="bvls")
    r = A @ res.x - b
    return float(np.sqrt((r * r).sum()))


def _independent(A: np.ndarray) -> bool:
    """Whether the rows of A (at most a few) are linearly independent, numerically."""
    if A.shape[0] == 0:
        return True
    s = np.linalg.svd(A, compute_uv=False)
    return bool(s[-1] > 1e-10 * s[0])


def _clarke_distance(problem: NeuronL1Problem, w_bar: np.ndarray, chosen) -> float | None:
    """dist(0, Clarke gradient of L at w_bar), the chosen kinks being exact there.

    Returns None if the formula does not apply: the chosen kink normals are
    linearly dependent, or another kink is too close to w_bar to be told
    apart from 0 in floating point.
    """
    X, y, n = problem.X, problem.y, problem.n
    rows = [i for i, _ in chosen]
    if not _independent(X[rows]):
        return None
    z = (X * w_bar).sum(axis=1)
    r = np.maximum(z, 0.0) - y
    tol = 1e-9 * (1.0 + np.abs(y))
    smooth = np.ones(n, dtype=bool)
    smooth[rows] = False
    if np.any(smooth & ((np.abs(z) < tol) | ((z > 0) & (np.abs(r) < tol)))):
        return None
    active = smooth & (z > 0)
    g0 = ((np.sign(r) * active)[:, None] * X).sum(axis=0) / n
    lo, hi = [], []
    for i, kind in chosen:
        if kind == 1:  # |z - y_i| near z = y_i > 0: slopes -1 and +1
            lo.append(-1.0), hi.append(1.0)
        elif y[i] > 0:  # |relu(z) - y_i| = y_i - relu(z) near z = 0
            lo.append(-1.0), hi.append(0.0)
        else:  # |relu(z) - y_i| = relu(z) - y_i near z = 0
            lo.append(0.0), hi.append(1.0)
    A = X[rows].T / n
    return _box_least_squares(A, -g0, np.array(lo), np.array(hi))


def near_stationarity(problem, w):
    r"""How close ``w`` is to a Clarke-critical point of the absolute loss of one neuron.

    .. math::

        \varepsilon(w) = \min_{\bar w} \max\big( \lVert w - \bar w \rVert,\
        \operatorname{dist}(0, \partial_C L(\bar w)) \big)

    with :math:`\bar w` ranging over the points obtained by projecting
    :math:`w` onto the intersection of the :math:`k = 0, 1, \dots, p` nearest
    kink hyperplanes of :math:`L` (:math:`z_i = 0`, or :math:`z_i = y_i` for
    :math:`y_i > 0`). At such a point the chosen kinks are exact and, when
    their normals :math:`\tilde x_i` are linearly independent, the Clarke
    gradient is the zonotope

    .. math::

        \partial_C L(\bar w) = g_0 + \frac1n \sum_{i \in K} I_i\, \tilde x_i ,

    where :math:`g_0` is the gradient of the smooth terms and :math:`I_i` is
    :math:`[-1, 1]` (kink of the absolute value), :math:`[-1, 0]` (neuron's
    kink, :math:`y_i > 0`) or :math:`[0, 1]` (neuron's kink, :math:`y_i < 0`).
    (The map :math:`d \mapsto (\tilde x_i^\top d)_{i \in K}` is onto, so
    Clarke's chain rule holds with equality, and a separable sum of
    one-variable kinks has the product of their intervals as Clarke
    gradient.) The distance from 0 is a bounded least-squares problem.
    :math:`\varepsilon(w) \to 0` along a sequence means the sequence
    approaches Clarke-critical points: it is :math:`(\rho, \eta)`-near
    stationary with both tending to 0.

    Parameters
    ----------
    problem : NeuronL1Problem
    w : array_like
        Weights, shape ``(p,)``.

    Returns
    -------
    NearStationarity
        The best of the candidate points.

    Examples
    --------
    >>> prob = neuron_l1_problem(16, seed=1)
    >>> cert = near_stationarity(prob, prob.teacher)
    >>> cert.kinks in (0, 1, 2, 3), cert.epsilon >= 0
    (True, True)
    """
    problem = _check_problem(problem)
    w = _check_weights(problem, w)
    if w.shape != (problem.p,):
        raise ValueError(f"w must have shape ({problem.p},), got {w.shape}")
    table = _kink_table(problem, w, problem.p)
    best = None
    for k in range(problem.p + 1):
        chosen = [(i, kind) for _, i, kind in table[:k]]
        if len({i for i, _ in chosen}) < k:
            continue  # both kinks of one sample cannot be exact at once (y_i != 0)
        if k:
            A = problem.X[[i for i, _ in chosen]]
            if not _independent(A):
                continue
            target = np.array([problem.y[i] if kind == 1 else 0.0 for i, kind in chosen])
            w_bar = w - A.T @ np.linalg.solve(A @ A.T, A @ w - target)
        else:
            w_bar = w.copy()
        eta = _clarke_distance(problem, w_bar, chosen)
        if eta is None:
            continue
        rho = float(np.sqrt(((w - w_bar) ** 2).sum()))
        cert = NearStationarity(max(rho, eta), rho, eta, k, w_bar)
        if best is None or cert.epsilon < best.epsilon:
            best = cert
    if best is None:  # pragma: no cover - k = 0 applies unless w sits on a kink
        raise ArithmeticError("w sits exactly on a kink; no certificate computed")
    return best


@dataclass(frozen=True)
class SGDRecord:
    r"""What :func:`sgd_neuron_l1` recorded.

    Attributes
    ----------
    steps : numpy.ndarray
        The checkpoints :math:`k` (number of steps done), increasing.
    weights : numpy.ndarray
        The iterates at the checkpoints, shape ``(len(steps), runs, p)``.
    seeds : tuple of int
        The seed of each run.
    kink_hits : int
        Number of times, over all steps and runs, that a sampled term was
        evaluated exactly at a kink (:math:`z_i = 0` or :math:`r_i = 0`).
    """

    steps: np.ndarray
    weights: np.ndarray
    seeds: tuple
    kink_hits: int


def sgd_neuron_l1(problem, seeds, steps=10000, batch=4, step0=0.5, power=0.75, checkpoints=20):
    r"""Stochastic subgradient method, driven by backpropagation, on the absolute loss of one neuron.

    .. math::

        w_{k+1} = w_k - t_k\, D_{B_k}(w_k), \qquad t_k = \frac{t_0}{(k + 1)^{a}}

    with :math:`D_B` from :func:`neuron_l1_gradient` (relu'(0) = 0,
    sign(0) = 0) on a minibatch :math:`B_k` of ``batch`` samples drawn
    uniformly with replacement. For :math:`1/2 < a \le 1` the steps satisfy
    :math:`\sum t_k = \infty` and :math:`\sum t_k^2 < \infty`. Each seed gives
    one run: :math:`w_0 \sim N(0, I)` and its own minibatches. All runs are
    computed together, with elementwise operations only (no BLAS), so the
    iterates are the same bit for bit on every machine.

    Parameters
    ----------
    problem : NeuronL1Problem
    seeds : sequence of int
        One run per seed.
    steps : int, default 10000
        Number of steps.
    batch : int, default 4
        Minibatch size.
    step0 : float, default 0.5
        :math:`t_0 > 0`.
    power : float, default 0.75
        :math:`a`, in :math:`(1/2, 1]`.
    checkpoints : int, default 20
        Number of log-spaced checkpoints (duplicates removed; the last is ``steps``).

    Returns
    -------
    SGDRecord

    Examples
    --------
    >>> prob = neuron_l1_problem(16, seed=1)
    >>> rec = sgd_neuron_l1(prob, seeds=[0, 1], steps=50, checkpoints=3)
    >>> rec.steps.tolist(), rec.weights.shape, rec.kink_hits
    ([1, 7, 50], (3, 2, 3), 0)
    """
    problem = _check_problem(problem)
    seeds = seed_list(seeds)
    steps = integer(steps, "steps")
    batch = integer(batch, "batch")
    t0 = real_scalar(step0, "step0", low=0.0, low_inclusive=False)
    a = real_scalar(power, "power", low=0.5, high=1.0, low_inclusive=False)
    n_ck = integer(checkpoints, "checkpoints")
    marks = np.unique(np.round(np.logspace(0.0, np.log10(steps), n_ck)).astype(np.int64))
    marks[-1] = steps
    rngs = [np.random.default_rng(s) for s in seeds]
    W = np.stack([g.standard_normal(problem.p) for g in rngs])
    idx = np.stack([g.integers(0, problem.n, size=(steps, batch)) for g in rngs], axis=1)
    X, y = problem.X, problem.y
    record = np.empty((marks.size, len(seeds), problem.p))
    hits, m = 0, 0
    for k in range(steps):
        Xb, yb = X[idx[k]], y[idx[k]]
        z = (Xb * W[:, None, :]).sum(axis=2)
        r = np.maximum(z, 0.0) - yb
        hits += int(np.count_nonzero((z == 0) | (r == 0)))
        g = ((np.sign(r) * (z > 0))[:, :, None] * Xb).mean(axis=1)
        W = W - (t0 / (k + 1.0) ** a) * g
        if k + 1 == marks[m]:
            record[m] = W
            m += 1
    return SGDRecord(marks, record, tuple(seeds), hits)


# ------------------------------------------------------------ floating point

#: Convolutional layers of the VGG networks (Simonyan and Zisserman 2015):
#: an int is a 3x3 convolution with that many output channels (padding 1,
#: so the image size is kept), followed by a ReLU; "M" is a 2x2 max pooling
#: that halves the image size. On 32x32 CIFAR images the classifier is then
#: a single linear layer (no ReLU), as in the code of Bertoin et al. (2021).
VGG_CONFIGS: dict[str, tuple] = {
    "VGG11": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "VGG13": (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "VGG16": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
    "VGG19": (
        64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
        512, 512, 512, 512, "M", 512, 512, 512, 512, "M",
    ),
}  # fmt: skip


def relu_outputs_per_image(config, image_size=32):
    r"""Number of ReLU evaluations (pre-activations) of a VGG-style network on one image.

    .. math::

        N = \sum_{\text{conv layers } l} c_l \, s_l^2, \qquad
        s_l = \frac{\text{image size}}{2^{\#\text{poolings before } l}}

    A fully connected network is given by its hidden widths; it has
    :math:`N = \sum_l n_l` ReLU outputs per input.

    Parameters
    ----------
    config : str or sequence
        A name in :data:`VGG_CONFIGS`, a VGG layer list (ints and at least
        one ``"M"``), or the hidden widths of a fully connected network (ints
        only, no ``"M"``; ``image_size`` is then ignored).
    image_size : int, default 32
        Height and width of the (square) input image.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the name is unknown, an entry is not a positive int or ``"M"``, or
        the image is too small for the poolings.

    Examples
    --------
    >>> relu_outputs_per_image("VGG11")
    151552
    >>> relu_outputs_per_image((256, 256, 256))    # a fully connected 784-256-256-256-10
    768
    """
    if isinstance(config, str):
        if config not in VGG_CONFIGS:
            raise ValueError(f"config must be one of {sorted(VGG_CONFIGS)} or a layer list, got {config!r}")
        config = VGG_CONFIGS[config]
    if not hasattr(config, "__iter__"):
        raise TypeError(f"config must be a name or a sequence of layers, got {type(config).__name__}")
    size = integer(image_size, "image_size")
    config = list(config)
    if "M" not in config:  # a fully connected network: one ReLU per hidden unit
        return sum(integer(w, "each hidden width") for w in config)
    total = 0
    for entry in config:
        if isinstance(entry, str):
            if entry != "M":
                raise ValueError(f"config entries must be positive ints or 'M', got {entry!r}")
            if size % 2:
                raise ValueError(
                    f"image_size is too small or not divisible for the poolings of config, got {image_size}"
                )
            size //= 2
        else:
            total += integer(entry, "each config entry") * size * size
    return total


#: Published counts of Bertoin et al. (2021), Section 3 (MNIST), as released
#: with their code: github.com/deel-ai/relu-prime, folder paper_results/section_3
#: (commit 6c359e0). The unit is a *run*: a random initialisation of a fully
#: connected network 784-w-...-w-10 (PyTorch's default initialisation), with
#: which one pass over the 60000 training images is made in minibatches, at
#: fixed weights, comparing the first-layer weight gradients computed with
#: relu'(0) = 0 and relu'(0) = 1. A run counts when some minibatch gives
#: different gradients. 1000 runs per setting; key ``"width"`` maps the width
#: (3 hidden layers, minibatches of 256) to the number of such runs, key
#: ``"depth"`` the number of hidden layers (width 256), key ``"batch"`` the
#: minibatch size (3 hidden layers of width 256). Precision in bits.
BERTOIN2021_MNIST: dict = {
    "runs": 1000,
    "images": 60000,
    "width": {
        16: {16: 333, 64: 1000, 256: 1000, 512: 1000, 1024: 1000},
        32: {16: 21, 64: 163, 256: 478, 512: 582, 1024: 873},
        64: {16: 0, 64: 0, 256: 0, 512: 0, 1024: 0},
    },
    "depth": {
        16: {1: 871, 2: 999, 3: 1000, 5: 1000, 6: 1000},
        32: {1: 54, 2: 258, 3: 463, 5: 647, 6: 697},
    },
    "batch": {
        16: {16: 1000, 64: 1000, 256: 1000, 512: 1000, 1024: 1000},
        32: {16: 439, 64: 453, 256: 488, 512: 351, 1024: 384},
    },
}


#: The float32 runs of VGG11 on CIFAR10 without batch normalisation of Bertoin
#: et al. (2021), Section 4.4, as released (the file
#: ``volume_estimation_sample_vgg11.csv`` in ``paper_results/section_4/cifar10/vgg11``
#: of github.com/deel-ai/relu-prime,
#: commit 6c359e0): each run is a random initialisation with which minibatches
#: are drawn until the first-layer gradients with :math:`\relu'(0) = 0` and 1 differ.
#: ``"affected"`` runs of ``"runs"`` ended that way, after ``"minibatches"``
#: minibatches in total. The file records minibatches of ``"batch"`` images;
#: the released notebook builds them of 128.
BERTOIN2021_CIFAR10_VGG11: dict = {"runs": 1000, "affected": 1000, "minibatches": 9120, "batch": 100}


def run_affected_probability(rate, pre_activations):
    r"""Probability that a run meets at least one exact zero, if zeros occur independently.

    .. math::

        P = 1 - e^{-\lambda N}

    the chance of at least one event for a Poisson count with mean
    :math:`\lambda N`: :math:`N` pre-activations each exactly 0 with
    probability :math:`\lambda`, independently. Every exact zero is assumed
    to change the gradient (it does unless its upstream gradient is 0).

    Parameters
    ----------
    rate : float
        :math:`\lambda \ge 0`, exact zeros per pre-activation.
    pre_activations : array_like
        :math:`N \ge 0`, pre-activations per run.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Same shape as ``pre_activations``.

    Examples
    --------
    >>> float(run_affected_probability(1e-8, 1e8))    # 1 - 1/e
    0.6321205588285577
    """
    lam = real_scalar(rate, "rate", low=0.0)
    N = as_float_array(pre_activations, "pre_activations").astype(np.float64)
    if np.any(N < 0):
        raise ValueError("pre_activations must be >= 0")
    out = -np.expm1(-lam * N)
    return out[()] if out.ndim == 0 else out


def fit_zero_rate(pre_activations, affected, runs):
    r"""Maximum-likelihood rate of exact zeros from counts of affected runs.

    .. math::

        \hat\lambda = \arg\max_\lambda \sum_j k_j \log\big(1 - e^{-\lambda N_j}\big) - (m_j - k_j)\, \lambda N_j

    for settings :math:`j` with :math:`N_j` pre-activations per run and
    :math:`k_j` of :math:`m_j` runs affected, under the model of
    :func:`run_affected_probability`. The log-likelihood is concave in
    :math:`\lambda`, so the root of its derivative is the maximum.

    Parameters
    ----------
    pre_activations : array_like
        :math:`N_j > 0`.
    affected : array_like
        :math:`k_j`, integers with :math:`0 \le k_j \le m_j`.
    runs : array_like
        :math:`m_j > 0` (broadcast against the others).

    Returns
    -------
    float
        :math:`\hat\lambda`; 0 if no run was affected.

    Raises
    ------
    ValueError
        If every run of every setting was affected (the estimate is infinite)
        or a count is out of range.

    Examples
    --------
    >>> rate = fit_zero_rate([1e6], [632], [1000])    # 1 - exp(-1) of the runs
    >>> round(rate * 1e6, 2)
    1.0
    """
    N, k, m = np.broadcast_arrays(
        as_float_array(pre_activations, "pre_activations").astype(np.float64),
        as_float_array(affected, "affected").astype(np.float64),
        as_float_array(runs, "runs").astype(np.float64),
    )
    if np.any(N <= 0) or np.any(m <= 0) or np.any(k < 0) or np.any(k > m):
        raise ValueError("need pre_activations > 0, runs > 0 and 0 <= affected <= runs")
    if not np.any(k):
        return 0.0
    if np.all(k == m):
        raise ValueError("every run was affected: the rate is not identifiable (infinite estimate)")

    def score(log_lam):
        with np.errstate(over="ignore"):
            grow = np.expm1(math.exp(log_lam) * N)
        return float(np.sum(k * N / grow) - np.sum((m - k) * N))

    lo, hi = -80.0, 80.0
    return math.exp(optimize.brentq(score, lo, hi, xtol=1e-13, rtol=1e-13))


def smallest_normal(dtype):
    r"""The smallest positive normal number :math:`x_{\min}` of a floating-point format.

    .. math::

        x_{\min} = 2^{\,1 - \text{bias}}: \quad 2^{-14} \text{ (float16)}, \quad
        2^{-126} \text{ (float32, bfloat16)}, \quad 2^{-1022} \text{ (float64)}

    Numbers of smaller magnitude (other than 0) are *subnormal*: they have
    fewer significant bits, and flush-to-zero hardware replaces them by 0.

    Parameters
    ----------
    dtype : dtype or str
        float16, bfloat16, float32 or float64.

    Returns
    -------
    float

    Examples
    --------
    >>> smallest_normal("float16") == 2.0**-14
    True
    >>> smallest_normal(ml_dtypes.bfloat16) == smallest_normal("float32")
    True
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a floating dtype, got {dtype!r}") from None
    if dt == np.dtype(ml_dtypes.bfloat16):
        return float(ml_dtypes.finfo(ml_dtypes.bfloat16).tiny)
    if dt.kind != "f":
        raise ValueError(f"dtype must be a floating dtype, got {dt}")
    return float(np.finfo(dt).tiny)


def flush_subnormals(x):
    r"""Set subnormal numbers to zero (flush-to-zero), keeping the dtype.

    .. math::

        \operatorname{ftz}(x) = \begin{cases} 0 & 0 < |x| < x_{\min} \\ x & \text{otherwise} \end{cases}

    where :math:`x_{\min}` is the smallest positive *normal* number of the
    dtype: :math:`2^{-14} \approx 6.1 \times 10^{-5}` for float16 and
    :math:`2^{-126} \approx 1.2 \times 10^{-38}` for float32 and bfloat16.
    Processors in flush-to-zero / denormals-are-zero mode (FTZ/DAZ) do this
    to the results and inputs of arithmetic; every flushed value becomes an
    exact zero at which :math:`\relu'(0)` is used. The sign of a flushed negative
    number is kept (``-0.0``), which compares equal to 0.

    Parameters
    ----------
    x : array_like
        A floating array: float16, bfloat16, float32 or float64.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Same shape and dtype; a new array.

    Examples
    --------
    >>> flush_subnormals(np.array([1e-6, 1e-4, -3e-5], dtype=np.float16))
    array([ 0.    ,  0.0001, -0.    ], dtype=float16)
    """
    arr = np.asarray(x)
    if arr.dtype != np.dtype(ml_dtypes.bfloat16):
        arr = as_float_array(x, "x")
    tiny = smallest_normal(arr.dtype)
    mag = np.abs(arr.astype(np.float64))
    out = np.where((mag < tiny) & (mag > 0), np.copysign(0.0, arr.astype(np.float64)), arr).astype(arr.dtype)
    return out[()] if out.ndim == 0 else out
