r"""A small reverse-mode automatic differentiation, with explicit rules at kinks.

Chapter 3 uses it to show what an autodiff framework returns at a kink and
why: the answer is fixed by the rule each *operation* uses at its own kink,
not by the function the program computes. Every rule that matters is a
parameter here, so one program reproduces the choices of the frameworks:

* :func:`relu` with ``at_zero`` -- the value used for :math:`\relu'(0)`
  (0 in PyTorch, TensorFlow and JAX);
* :func:`maximum` / :func:`minimum` with ``tie`` -- the share of the upstream
  gradient sent to the *first* argument where the two arguments are equal
  (1/2 in ``torch.maximum`` and ``jax.numpy.maximum``; 1 in
  ``tf.maximum`` and in ``torch.clamp(x, min=0)``, where the tie goes to ``x``);
* :func:`absolute` with ``at_zero`` -- the value used for sign(0) (0 in PyTorch);
* :func:`heaviside` with ``at_zero`` -- H(0), a step whose derivative is 0.

Values are numpy arrays (a Python number becomes a 0-d array); operations
broadcast like numpy and keep the floating dtype. A :class:`Var` records the
operations applied to it; :meth:`Var.backward` walks the record backwards
(reverse mode) and stores in every node's ``.grad`` the derivative of the
output with respect to that node.

Examples
--------
>>> x = Var(0.0)
>>> y = relu(x) - relu(-x)          # equals x for every x ...
>>> y.backward()
>>> float(x.grad)                   # ... but reverse mode returns 0 at 0
0.0
>>> x = Var([-1.0, 0.0, 2.0])
>>> maximum(x, 0.0, tie=0.5).backward(np.ones(3))
>>> x.grad
array([0. , 0.5, 1. ])
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from relu_book import activations
from relu_book._validation import as_float_array, function, real_scalar

__all__ = [
    "Var",
    "relu",
    "absolute",
    "maximum",
    "minimum",
    "heaviside",
    "grad",
    "RELU_FORMS",
]


def _lift(value, like: Var | None = None) -> Var:
    """Return ``value`` as a :class:`Var` (a constant if it is not one already).

    A Python number takes the dtype of ``like`` (as numpy treats Python
    scalars), so ``Var(float32) + 0.5`` stays float32.
    """
    if isinstance(value, Var):
        return value
    if like is not None and isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return Var(np.asarray(value, dtype=like.value.dtype))
    return Var(value)


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes along which an operand of ``shape`` was broadcast."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(extra))) if extra > 0 else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


class Var:
    r"""A value in a computation, recording how it was computed.

    Create the inputs with ``Var(value)``, compute with the operators
    ``+``, ``-``, ``*`` (and unary ``-``, ``abs``) and the functions of this
    module, then call :meth:`backward` on the output. Afterwards ``v.grad``
    holds :math:`\partial\,\text{output} / \partial v` for every node ``v``
    that the output depends on.

    Parameters
    ----------
    value : array_like
        A real number or array. Floating dtypes are kept; integers become
        float64. The array is copied, so later changes to it do not leak in.

    Attributes
    ----------
    value : numpy.ndarray
        The value (0-d for a scalar).
    grad : numpy.ndarray or None
        The derivative of the last output :meth:`backward` was called on,
        with respect to this node; ``None`` before any call.
    op : str
        The operation that produced this node (``"input"`` for a leaf).

    Examples
    --------
    >>> x = Var(3.0)
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> float(y.value), float(x.grad)
    (15.0, 8.0)
    """

    __array_ufunc__ = None  # numpy defers to Var's reflected operators

    def __init__(self, value, *, _parents: tuple = (), _vjp: Callable | None = None, _op: str = "input"):
        self.value = np.array(as_float_array(value, "value"), copy=True)
        self.grad: np.ndarray | None = None
        self.op = _op
        self._parents: tuple[Var, ...] = _parents
        self._vjp = _vjp

    # -------------------------------------------------------------- properties
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of :attr:`value`."""
        return self.value.shape

    @property
    def dtype(self) -> np.dtype:
        """The dtype of :attr:`value`."""
        return self.value.dtype

    def __repr__(self) -> str:
        return f"Var({np.array2string(self.value, separator=', ')}, op={self.op!r})"

    # --------------------------------------------------------------- operators
    def __add__(self, other) -> Var:
        other = _lift(other, self)
        return Var(
            self.value + other.value,
            _parents=(self, other),
            _vjp=lambda g: (_unbroadcast(g, self.shape), _unbroadcast(g, other.shape)),
            _op="add",
        )

    def __radd__(self, other) -> Var:
        return _lift(other, self) + self

    def __neg__(self) -> Var:
        return Var(-self.value, _parents=(self,), _vjp=lambda g: (-g,), _op="neg")

    def __sub__(self, other) -> Var:
        other = _lift(other, self)
        return Var(
            self.value - other.value,
            _parents=(self, other),
            _vjp=lambda g: (_unbroadcast(g, self.shape), _unbroadcast(-g, other.shape)),
            _op="sub",
        )

    def __rsub__(self, other) -> Var:
        return _lift(other, self) - self

    def __mul__(self, other) -> Var:
        other = _lift(other, self)
        a, b = self.value, other.value
        return Var(
            a * b,
            _parents=(self, other),
            _vjp=lambda g: (_unbroadcast(g * b, self.shape), _unbroadcast(g * a, other.shape)),
            _op="mul",
        )

    def __rmul__(self, other) -> Var:
        return _lift(other, self) * self

    def __abs__(self) -> Var:
        return absolute(self)

    def sum(self) -> Var:
        """Sum of all entries, as a 0-d :class:`Var`."""
        shape = self.shape
        return Var(
            np.sum(self.value),
            _parents=(self,),
            _vjp=lambda g: (np.broadcast_to(g, shape).copy(),),
            _op="sum",
        )

    # ---------------------------------------------------------------- backward
    def _topological_order(self) -> list[Var]:
        order: list[Var] = []
        seen: set[int] = set()
        stack: list[tuple[Var, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for parent in node._parents:
                if id(parent) not in seen:
                    stack.append((parent, False))
        return order  # parents before children

    def backward(self, grad=None) -> None:
        """Compute the derivative of this node with respect to every node it depends on.

        Parameters
        ----------
        grad : array_like, optional
            The "upstream" gradient (the seed), of this node's shape. May be
            omitted when this node holds a single number; it is then 1. For
            an elementwise function of an array ``x``, ``grad=np.ones(shape)``
            gives the elementwise derivative in ``x.grad``.

        Notes
        -----
        Each call recomputes ``.grad`` of every node in the graph from
        scratch (it does not accumulate across calls).
        """
        if grad is None:
            if self.value.size != 1:
                raise ValueError(
                    f"grad must be given for an output of shape {self.shape} "
                    f"(it can be omitted only for a single number); pass grad=np.ones({self.shape})"
                )
            seed = np.ones(self.shape, dtype=self.dtype)
        else:
            seed = as_float_array(grad, "grad")
            if seed.shape != self.shape:
                raise ValueError(f"grad must have the output's shape {self.shape}, got shape {seed.shape}")
            seed = seed.astype(self.dtype)
        order = self._topological_order()
        grads: dict[int, np.ndarray] = {id(self): seed}
        for node in reversed(order):  # children before parents
            g = grads.get(id(node))
            if g is None:
                g = np.zeros(node.shape, dtype=node.dtype)
            node.grad = g
            if node._vjp is None:
                continue
            for parent, pg in zip(node._parents, node._vjp(g)):
                pg = np.asarray(pg, dtype=parent.dtype)
                key = id(parent)
                grads[key] = grads[key] + pg if key in grads else pg


# --------------------------------------------------------------- kink operations


def relu(x, at_zero=0.0) -> Var:
    r"""ReLU of a :class:`Var`, with a chosen derivative at 0.

    .. math::

        \operatorname{relu}(x) = \max(0, x), \qquad
        \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ c & x = 0 \\ 0 & x < 0 \end{cases}

    Parameters
    ----------
    x : Var or array_like
        The input.
    at_zero : float, default 0.0
        The value :math:`c \in [0, 1]` used for relu'(0). The default 0 is
        what PyTorch (``threshold_backward(grad, result, 0)``), TensorFlow
        (``ReluGrad``: ``gradients * (features > 0)``) and JAX
        (``jax.nn.relu``) use.

    Returns
    -------
    Var

    Examples
    --------
    >>> x = Var([-1.0, 0.0, 1.0])
    >>> relu(x, at_zero=1.0).backward(np.ones(3))
    >>> x.grad
    array([0., 1., 1.])
    """
    c = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    x = _lift(x)
    v = x.value
    local = activations.relu_grad(v, at_zero=c)
    return Var(activations.relu(v), _parents=(x,), _vjp=lambda g: (g * local,), _op="relu")


def absolute(x, at_zero=0.0) -> Var:
    r"""Absolute value of a :class:`Var`, with a chosen derivative at 0.

    .. math::

        \frac{d}{dx}|x| = \operatorname{sign}(x) \text{ for } x \ne 0, \qquad c \text{ at } x = 0

    Parameters
    ----------
    x : Var or array_like
        The input.
    at_zero : float, default 0.0
        The value :math:`c \in [-1, 1]` used at 0. The default 0 is PyTorch's
        (``abs``: ``grad * self.sgn()``, and sgn(0) = 0).

    Returns
    -------
    Var

    Examples
    --------
    >>> x = Var([-2.0, 0.0, 2.0])
    >>> absolute(x).backward(np.ones(3))
    >>> x.grad
    array([-1.,  0.,  1.])
    """
    c = real_scalar(at_zero, "at_zero", low=-1.0, high=1.0)
    x = _lift(x)
    v = x.value
    local = np.where(v == 0, c, np.sign(v)).astype(v.dtype)
    return Var(np.abs(v), _parents=(x,), _vjp=lambda g: (g * local,), _op="abs")


def _extremum(a, b, tie, pick_first: Callable, fn: Callable, name: str) -> Var:
    t = real_scalar(tie, "tie", low=0.0, high=1.0)
    if isinstance(a, Var):
        b = _lift(b, a)
    elif isinstance(b, Var):
        a = _lift(a, b)
    else:
        a, b = _lift(a), _lift(b)
    av, bv = a.value, b.value
    out = fn(av, bv)
    share = np.where(av == bv, t, np.where(pick_first(av, bv), 1.0, 0.0)).astype(out.dtype)

    def vjp(g):
        return _unbroadcast(g * share, a.shape), _unbroadcast(g * (1 - share), b.shape)

    return Var(out, _parents=(a, b), _vjp=vjp, _op=name)


def maximum(a, b, tie=0.5) -> Var:
    r"""Elementwise maximum of two values, with a chosen split of the gradient at ties.

    .. math::

        \frac{\partial \max(a, b)}{\partial a} =
        \begin{cases} 1 & a > b \\ t & a = b \\ 0 & a < b \end{cases}, \qquad
        \frac{\partial \max(a, b)}{\partial b} = 1 - \frac{\partial \max(a, b)}{\partial a}

    Parameters
    ----------
    a, b : Var or array_like
        The arguments (broadcast against each other).
    tie : float, default 0.5
        The share :math:`t \in [0, 1]` of the gradient sent to ``a`` where
        ``a == b``; ``b`` gets :math:`1 - t`. ``0.5`` is ``torch.maximum``
        and ``jax.numpy.maximum``; ``1.0`` is ``tf.maximum`` (its gradient
        uses ``x >= y``) and ``torch.clamp(x, min=0)`` (``self >= min``).

    Returns
    -------
    Var

    Examples
    --------
    >>> x = Var(0.0)
    >>> y = maximum(x, 0.0, tie=1.0)
    >>> y.backward()
    >>> float(x.grad)
    1.0
    """
    return _extremum(a, b, tie, np.greater, np.maximum, "maximum")


def minimum(a, b, tie=0.5) -> Var:
    r"""Elementwise minimum, with a chosen split of the gradient at ties (see :func:`maximum`).

    .. math::

        \frac{\partial \min(a, b)}{\partial a} =
        \begin{cases} 1 & a < b \\ t & a = b \\ 0 & a > b \end{cases}

    Parameters
    ----------
    a, b : Var or array_like
        The arguments (broadcast against each other).
    tie : float, default 0.5
        The share :math:`t \in [0, 1]` of the gradient sent to ``a`` where ``a == b``.

    Returns
    -------
    Var

    Examples
    --------
    >>> x = Var([5.0, 6.0, 7.0])
    >>> minimum(x, 6.0, tie=0.0).backward(np.ones(3))
    >>> x.grad
    array([1., 0., 0.])
    """
    return _extremum(a, b, tie, np.less, np.minimum, "minimum")


def heaviside(x, at_zero=0.5) -> Var:
    r"""The unit step :math:`H(x)` of a :class:`Var`; its derivative is taken as 0 everywhere.

    .. math::

        H(x) = \begin{cases} 1 & x > 0 \\ h_0 & x = 0 \\ 0 & x < 0 \end{cases}

    Parameters
    ----------
    x : Var or array_like
        The input.
    at_zero : float, default 0.5
        The value :math:`h_0 \in [0, 1]` of H(0); sympy's ``Heaviside(0)`` is 1/2.

    Returns
    -------
    Var

    Examples
    --------
    >>> x = Var(0.0)
    >>> y = x * heaviside(x)            # relu written as x H(x)
    >>> y.backward()
    >>> float(x.grad)                   # product rule: H(0) + 0 * H'(0)
    0.5
    """
    h0 = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    x = _lift(x)
    v = x.value
    out = activations.relu_grad(v, at_zero=h0)  # H is the derivative of relu, with H(0) = h0
    return Var(out, _parents=(x,), _vjp=lambda g: (np.zeros_like(g),), _op="heaviside")


# ----------------------------------------------------------------- conveniences


def grad(f: Callable[[Var], Var], x, seed=None) -> np.ndarray:
    r"""Reverse-mode derivative of ``f`` at ``x``.

    For a function with a single-number output this is the gradient
    :math:`\nabla f(x)`. For an elementwise function of an array it is the
    elementwise derivative :math:`f'(x_i)` (the seed is then all ones).

    Parameters
    ----------
    f : callable
        Takes a :class:`Var` and returns a :class:`Var`.
    x : array_like
        The point.
    seed : array_like, optional
        The upstream gradient; defaults to 1 for a single-number output and
        to all ones otherwise.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> grad(lambda v: relu(v) - relu(-v), [-1.0, 0.0, 1.0])
    array([1., 0., 1.])
    """
    function(f, "f")
    v = Var(x)
    out = f(v)
    if not isinstance(out, Var):
        raise TypeError(f"f must return a Var, got {type(out).__name__}")
    if seed is None:
        seed = np.ones(out.shape, dtype=out.dtype)
    out.backward(seed)
    if v.grad is None:  # pragma: no cover - backward always reaches the input
        return np.zeros(v.shape, dtype=v.dtype)
    return v.grad


#: Algebraic forms of relu (and one of the identity) as programs on :class:`Var`,
#: each with the framework rule it reproduces. All equal relu(x) (the last one
#: equals x), but their reverse-mode derivatives at 0 differ.
RELU_FORMS: dict[str, Callable[[Var], Var]] = {
    "relu(x), relu'(0) = 0": lambda v: relu(v, at_zero=0.0),
    "max(x, 0), tie -> x": lambda v: maximum(v, 0.0, tie=1.0),
    "max(x, 0), tie split 1/2": lambda v: maximum(v, 0.0, tie=0.5),
    "(x + |x|) / 2, sign(0) = 0": lambda v: (v + absolute(v)) * 0.5,
    "x * H(x), H(0) = 1/2": lambda v: v * heaviside(v, at_zero=0.5),
    "relu(x) - relu(-x)  (= x)": lambda v: relu(v) - relu(-v),
}
