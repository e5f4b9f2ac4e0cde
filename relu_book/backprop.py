r"""Backpropagation through ReLU layers, written out by hand.

Two small models whose gradients chapter 2 derives with differentials:

* a dense layer :math:`\operatorname{out} = \relu(xW + b)`, forward and
  backward (:func:`dense_relu_forward`, :func:`dense_relu_backward`);
* a graph-network style layer (Kipf & Welling 2017) in which the matrix
  :math:`A` appears twice, with the loss
  :math:`L(A) = \tfrac12 \lVert A\,\relu(AXW_0)\,W_1 - Y \rVert_F^2`
  (:func:`graph_layer_loss`) and its gradient with respect to :math:`A`
  (:func:`graph_layer_grad_A`).

In both, the derivative of ReLU enters only as a mask: the Jacobian of an
elementwise ReLU at :math:`a` is :math:`\operatorname{diag}(H(a))`, so a
backward pass multiplies the upstream gradient elementwise by
:math:`\relu'(a)`. The mask is :func:`relu_book.activations.relu_grad` with its default
``at_zero=0``: where a pre-activation is exactly 0 the gradient is taken as 0,
as PyTorch's autograd does.

All functions take numpy arrays (or anything :func:`numpy.asarray` accepts),
compute in the common floating dtype of their arguments (float32 in, float32
out; integers become float64), never modify their inputs, and raise
``ValueError`` with the offending argument's name and shape on a shape
mismatch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from relu_book._validation import as_float_array
from relu_book.activations import relu, relu_grad

__all__ = [
    "DenseReluCache",
    "dense_relu_forward",
    "dense_relu_backward",
    "graph_layer_loss",
    "graph_layer_grad_A",
]


class DenseReluCache(NamedTuple):
    """What :func:`dense_relu_forward` keeps for :func:`dense_relu_backward`.

    An immutable named tuple ``(x, W, pre_activation)`` of three arrays, all
    of the layer's dtype. They are the forward pass's own arrays (not
    copies): do not modify them between the forward and the backward pass.
    """

    #: The input, shape ``(batch, n_in)``.
    x: np.ndarray
    #: The weights, shape ``(n_in, n_out)``.
    W: np.ndarray
    #: :math:`z = xW + b`, shape ``(batch, n_out)``; its sign pattern is the
    #: ReLU mask used by the backward pass.
    pre_activation: np.ndarray


def _matrix(value, name: str, form: str) -> np.ndarray:
    """Return ``value`` as a 2-D floating array or raise naming ``name``."""
    arr = as_float_array(value, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {form}, got shape {arr.shape}")
    return arr


def _common_dtype(*arrays: np.ndarray) -> list[np.ndarray]:
    """Cast ``arrays`` to their common floating dtype (no copy when it already matches)."""
    dtype = np.result_type(*arrays)
    return [a.astype(dtype, copy=False) for a in arrays]


def _check_dense(x, W, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _matrix(x, "x", "(batch, n_in)")
    W = _matrix(W, "W", "(n_in, n_out)")
    if W.shape[0] != x.shape[1]:
        raise ValueError(
            f"W must have shape (n_in, n_out) = ({x.shape[1]}, ...) to match x of shape "
            f"{x.shape}, got {W.shape}"
        )
    b = as_float_array(b, "b")
    if b.shape != (W.shape[1],):
        raise ValueError(
            f"b must have shape (n_out,) = ({W.shape[1]},) to match W of shape {W.shape}, got {b.shape}"
        )
    x, W, b = _common_dtype(x, W, b)
    return x, W, b


def dense_relu_forward(x, W, b):
    r"""Forward pass of a dense layer followed by ReLU.

    .. math::

        z = xW + \mathbf{1} b^\top, \qquad \operatorname{out} = \relu(z),

    with one example per row of :math:`x`.

    Parameters
    ----------
    x : array_like, shape (batch, n_in)
        The inputs, one per row.
    W : array_like, shape (n_in, n_out)
        The weights.
    b : array_like, shape (n_out,)
        The bias, added to every row.

    Returns
    -------
    out : numpy.ndarray, shape (batch, n_out)
        :math:`\relu(xW + b)`, in the common floating dtype of the arguments.
    cache : DenseReluCache
        ``(x, W, pre_activation)``, what :func:`dense_relu_backward` needs.

    Raises
    ------
    ValueError
        If an argument is not 2-D (``x``, ``W``) or 1-D (``b``), or the shapes
        do not chain; the message names the argument and the shapes.
    TypeError
        If an argument is not numeric.

    Examples
    --------
    >>> x = np.array([[1.0, -2.0]])
    >>> W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    >>> out, cache = dense_relu_forward(x, W, np.zeros(3))
    >>> cache.pre_activation
    array([[ 1., -2.,  0.]])
    >>> out
    array([[1., 0., 0.]])
    """
    x, W, b = _check_dense(x, W, b)
    z = x @ W + b
    return relu(z), DenseReluCache(x, W, z)


def dense_relu_backward(grad_out, cache):
    r"""Backward pass of :func:`dense_relu_forward`: the gradients of a loss.

    Given :math:`G = \partial L / \partial\,\operatorname{out}` (same shape as
    the output), let :math:`\Delta = G \circ \relu'(z)` be the upstream
    gradient masked by the ReLU derivative at the pre-activation
    :math:`z = xW + b`. The differential
    :math:`dL = \langle \Delta,\; dx\,W + x\,dW + \mathbf 1\,db^\top \rangle`
    gives

    .. math::

        \frac{\partial L}{\partial x} = \Delta W^\top, \qquad
        \frac{\partial L}{\partial W} = x^\top \Delta, \qquad
        \frac{\partial L}{\partial b} = \Delta^\top \mathbf{1}
        \;(\text{the column sums of } \Delta).

    Where a pre-activation is exactly 0, :math:`\relu'(0)` is taken as 0
    (:func:`relu_book.activations.relu_grad` with ``at_zero=0``), as PyTorch's autograd
    does; no gradient flows through that unit.

    Parameters
    ----------
    grad_out : array_like, shape (batch, n_out)
        The gradient of the loss with respect to the layer's output.
    cache : DenseReluCache
        The second value returned by :func:`dense_relu_forward`.

    Returns
    -------
    grad_x : numpy.ndarray, shape (batch, n_in)
    grad_W : numpy.ndarray, shape (n_in, n_out)
    grad_b : numpy.ndarray, shape (n_out,)
        In the common floating dtype of ``grad_out`` and the cache.

    Raises
    ------
    TypeError
        If ``cache`` is not a :class:`DenseReluCache` or ``grad_out`` is not numeric.
    ValueError
        If ``grad_out`` does not have the output's shape.

    Examples
    --------
    >>> x = np.array([[1.0, -2.0]])
    >>> W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    >>> out, cache = dense_relu_forward(x, W, np.zeros(3))
    >>> gx, gW, gb = dense_relu_backward(np.ones((1, 3)), cache)
    >>> gb  # only the first unit is active; the third sits exactly at 0
    array([1., 0., 0.])
    >>> gW
    array([[ 1.,  0.,  0.],
           [-2.,  0.,  0.]])
    >>> gx
    array([[1., 0.]])
    """
    if not isinstance(cache, DenseReluCache):
        raise TypeError(
            "cache must be the DenseReluCache returned by dense_relu_forward, "
            f"got {type(cache).__name__}"
        )
    x, W, z = cache
    grad_out = as_float_array(grad_out, "grad_out")
    if grad_out.shape != z.shape:
        raise ValueError(
            f"grad_out must have shape (batch, n_out) = {z.shape}, the shape of the layer's "
            f"output, got {grad_out.shape}"
        )
    grad_out, x, W, z = _common_dtype(grad_out, x, W, z)
    delta = grad_out * relu_grad(z)
    return delta @ W.T, x.T @ delta, delta.sum(axis=0)


def _check_graph(A, X, W0, W1, Y) -> list[np.ndarray]:
    A = _matrix(A, "A", "(n, n)")
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square 2-D array of shape (n, n), got shape {A.shape}")
    n = A.shape[0]
    X = _matrix(X, "X", "(n, d)")
    if X.shape[0] != n:
        raise ValueError(f"X must have shape (n, d) = ({n}, ...) to match A of shape {A.shape}, got {X.shape}")
    W0 = _matrix(W0, "W0", "(d, h)")
    if W0.shape[0] != X.shape[1]:
        raise ValueError(
            f"W0 must have shape (d, h) = ({X.shape[1]}, ...) to match X of shape {X.shape}, got {W0.shape}"
        )
    W1 = _matrix(W1, "W1", "(h, k)")
    if W1.shape[0] != W0.shape[1]:
        raise ValueError(
            f"W1 must have shape (h, k) = ({W0.shape[1]}, ...) to match W0 of shape {W0.shape}, got {W1.shape}"
        )
    Y = _matrix(Y, "Y", "(n, k)")
    if Y.shape != (n, W1.shape[1]):
        raise ValueError(
            f"Y must have shape (n, k) = ({n}, {W1.shape[1]}) to match A of shape {A.shape} and "
            f"W1 of shape {W1.shape}, got {Y.shape}"
        )
    return _common_dtype(A, X, W0, W1, Y)


def graph_layer_loss(A, X, W0, W1, Y) -> float:
    r"""Squared-error loss of a two-layer graph network as a function of ``A``.

    .. math::

        L(A) = \tfrac12 \bigl\lVert A\,\relu(A X W_0)\,W_1 - Y \bigr\rVert_F^2

    The matrix :math:`A` (for example a normalised adjacency matrix, as in
    Kipf & Welling 2017) propagates features along the graph in both layers.

    Parameters
    ----------
    A : array_like, shape (n, n)
        The propagation matrix.
    X : array_like, shape (n, d)
        Node features.
    W0 : array_like, shape (d, h)
        First-layer weights.
    W1 : array_like, shape (h, k)
        Second-layer weights.
    Y : array_like, shape (n, k)
        Targets.

    Returns
    -------
    float
        The loss, computed in the common floating dtype of the arguments.

    Raises
    ------
    ValueError
        If the shapes do not chain; the message names the argument and the shapes.

    Examples
    --------
    >>> A = np.array([[1.0, -1.0], [1.0, 1.0]])
    >>> X = np.eye(2); W0 = np.eye(2); W1 = np.eye(2); Y = np.zeros((2, 2))
    >>> graph_layer_loss(A, X, W0, W1, Y)  # A @ relu(A) = [[0, -1], [2, 1]]
    3.0
    """
    A, X, W0, W1, Y = _check_graph(A, X, W0, W1, Y)
    E = A @ relu(A @ X @ W0) @ W1 - Y
    return float(0.5 * np.sum(E * E))


def graph_layer_grad_A(A, X, W0, W1, Y):
    r"""Gradient of :func:`graph_layer_loss` with respect to ``A``.

    With :math:`H = AXW_0`, :math:`R = \relu(H)` and :math:`E = ARW_1 - Y`,
    the differential has one term for each place :math:`A` appears,

    .. math::

        dL = \langle E,\; dA\,R\,W_1 + A\,dR\,W_1 \rangle,
        \qquad dR = \relu'(H) \circ (dA\,X W_0),

    and the two paths add up:

    .. math::

        \frac{\partial L}{\partial A}
        = E W_1^\top R^\top
        + \bigl[(A^\top E W_1^\top) \circ \relu'(H)\bigr] W_0^\top X^\top .

    :math:`\relu'(0)` is taken as 0 (:func:`relu_book.activations.relu_grad` with
    ``at_zero=0``), as PyTorch's autograd does.

    Parameters
    ----------
    A, X, W0, W1, Y : array_like
        As in :func:`graph_layer_loss`.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        :math:`\partial L / \partial A`, in the common floating dtype of the arguments.

    Raises
    ------
    ValueError
        If the shapes do not chain; the message names the argument and the shapes.

    Examples
    --------
    >>> A = np.array([[1.0, -1.0], [1.0, 1.0]])
    >>> X = np.eye(2); W0 = np.eye(2); W1 = np.eye(2); Y = np.zeros((2, 2))
    >>> graph_layer_grad_A(A, X, W0, W1, Y)
    array([[ 2., -1.],
           [ 4.,  5.]])
    """
    A, X, W0, W1, Y = _check_graph(A, X, W0, W1, Y)
    H = A @ X @ W0
    R = relu(H)
    E = A @ R @ W1 - Y
    direct = E @ W1.T @ R.T
    through_relu = ((A.T @ E @ W1.T) * relu_grad(H)) @ W0.T @ X.T
    return direct + through_relu
