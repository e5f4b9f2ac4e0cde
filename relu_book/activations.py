r"""The rectified linear unit, its variants and smooth relatives, with derivatives.

Every function here is elementwise and vectorised. It takes a number, a list
or a numpy array, returns an array of the same shape, keeps a floating dtype
(float32 in, float32 out; likewise float16, and bfloat16 and the float8
formats of ``ml_dtypes``, computed in a wider type where numpy needs one and
rounded back; integers become float64), never modifies its input, and
propagates NaN.

Each ``*_grad`` function is the derivative with respect to ``x``. At a kink
(a point where the function has no derivative) it returns the value that
PyTorch's autograd returns for the matching ``torch.nn.functional`` operation;
each docstring states that value and notes where TensorFlow or JAX differ.

Names and keyword arguments follow ``torch.nn.functional``; the generalised
ReLU follows ``keras.activations.relu``. Each activation has an entry in
:mod:`relu_book.registry` (its kinks, the value returned at each, its figure
style), from which ``__all__`` and :data:`ACTIVATIONS` are built.
"""

from __future__ import annotations

import functools

import numpy as np

from relu_book import _precise
from relu_book._validation import as_float_array, generator, in_dtype, real_scalar, result
from relu_book.registry import REGISTRY

# The public names: each activation of the registry with its derivative
# (relu, relu_grad, ...), then the helpers and constants.
__all__ = [
    *(name for spec in REGISTRY for name in (spec.name, spec.name + "_grad")),
    "rrelu_slopes",
    "SELU_ALPHA",
    "SELU_SCALE",
    "ACTIVATIONS",
]

#: The constant :math:`\alpha` of SELU (Klambauer et al. 2017), as in PyTorch.
SELU_ALPHA = 1.6732632423543772848170429916717
#: The constant :math:`\lambda` of SELU (Klambauer et al. 2017), as in PyTorch.
SELU_SCALE = 1.0507009873554804934193349852946


def _nan_in_nan_out(func):
    """Let NaN inputs pass through silently (numpy warns "invalid value" otherwise), and let a
    value beyond the range of x's dtype round to +-inf silently, as :func:`relu_book._precise.apply`
    does (``leaky_relu(float16 3, 6e4)`` computes ``3 * 6e4 = inf`` before taking the minimum, 3)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(invalid="ignore", over="ignore"):
            return func(*args, **kwargs)

    return wrapper


def _keep_nan(x: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Return ``grad`` with NaN wherever ``x`` is NaN (a new array when needed)."""
    nan = np.isnan(x)
    if nan.any():
        grad = np.where(nan, x, grad)
    return grad


# --------------------------------------------------------------------------- ReLU


@_nan_in_nan_out
def relu(x):
    r"""Rectified linear unit.

    .. math::

        \operatorname{relu}(x) = \max(0, x) =
        \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        ``max(0, x)`` elementwise, same shape and floating dtype as ``x``.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    x = as_float_array(x)
    # a constant of x's dtype: numpy 2.0 promotes bfloat16 with a Python 0 to float32
    return result(np.maximum(x, x.dtype.type(0)))


@_nan_in_nan_out
def relu_grad(x, at_zero=0.0):
    r"""Derivative of :func:`relu`, with a chosen value at the kink.

    .. math::

        \operatorname{relu}'(x) =
        \begin{cases} 1 & x > 0 \\ c & x = 0 \\ 0 & x < 0 \end{cases}
        \qquad c \in [0, 1]

    At ``x = 0`` relu has no derivative; its subdifferential there is the
    interval :math:`[0, 1]`. By default the value ``c = 0`` is returned, as
    PyTorch's autograd (``torch.relu``), TensorFlow's ``tf.nn.relu`` and JAX's
    ``jax.nn.relu`` all do.

    Parameters
    ----------
    x : array_like
        Input values.
    at_zero : float, default 0.0
        The value ``c`` returned where ``x == 0``; any number in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        The derivative elementwise, same shape and floating dtype as ``x``.

    Examples
    --------
    >>> relu_grad([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    >>> relu_grad([-1.0, 0.0, 2.0], at_zero=0.5)
    array([0. , 0.5, 1. ])
    """
    x = as_float_array(x)
    c = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    return result(_relu_grad_array(x, c))


def _relu_grad_array(x: np.ndarray, c: float = 0.0) -> np.ndarray:
    """:func:`relu_grad` of a float array ``x`` with ``at_zero=c``, without checking them
    (for callers in inner loops, such as :class:`relu_book.nn.MLP`, that checked once)."""
    grad = np.empty_like(x)
    # One fused pass (comparison written straight into the float output);
    # this keeps relu_grad as fast as np.maximum(x, 0) on large arrays.
    if c == 1.0:
        np.greater_equal(x, 0, out=grad, casting="unsafe")
    else:
        np.greater(x, 0, out=grad, casting="unsafe")
        if c != 0.0:
            grad[x == 0] = c
    if x.size and np.isnan(np.max(x)):  # max propagates NaN: a cheap test
        grad = np.where(np.isnan(x), x, grad)
    return grad


# --------------------------------------------------------------------- Leaky ReLU


@_nan_in_nan_out
def leaky_relu(x, negative_slope=0.01):
    r"""Leaky rectified linear unit (Maas et al. 2013).

    .. math::

        \text{leaky\_relu}(x) =
        \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}

    For :math:`\alpha \le 1` this equals :math:`\max(x, \alpha x)`; for
    :math:`\alpha > 1` it equals :math:`\min(x, \alpha x)`.

    Parameters
    ----------
    x : array_like
        Input values.
    negative_slope : float, default 0.01
        The slope :math:`\alpha` on the negative side; any finite number.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0], negative_slope=0.1)
    array([-0.2,  0. ,  3. ])
    """
    x = as_float_array(x)
    a = real_scalar(negative_slope, "negative_slope")
    return result(_leaky_relu_array(x, a, in_dtype(a, "negative_slope", x.dtype)))


def _leaky_relu_array(x: np.ndarray, a: float, slope: np.ndarray) -> np.ndarray:
    """:func:`leaky_relu` of a float array ``x``, with ``a`` the checked ``negative_slope`` and ``slope`` the
    same in ``x``'s dtype (:func:`~relu_book._validation.in_dtype`), without checking them (for callers in
    inner loops, such as :class:`relu_book.nn.Activation`, that checked once). Like numpy, it warns about
    an overflow in ``x * slope``; :func:`leaky_relu` silences that."""
    if a == 0:
        return np.maximum(x, x.dtype.type(0))
    out = np.asarray(np.multiply(x, slope))  # two in-place passes instead of np.where's three
    if a <= 1:
        np.maximum(out, x, out=out)
    else:
        np.minimum(out, x, out=out)
    return out


@_nan_in_nan_out
def leaky_relu_grad(x, negative_slope=0.01):
    r"""Derivative of :func:`leaky_relu`.

    .. math::

        \text{leaky\_relu}'(x) =
        \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    At ``x = 0`` the value :math:`\alpha` (``negative_slope``) is returned, as
    PyTorch's autograd and TensorFlow's ``tf.nn.leaky_relu`` do. JAX's
    ``jax.nn.leaky_relu`` is written with ``x >= 0`` and returns 1 there.

    Parameters
    ----------
    x : array_like
        Input values.
    negative_slope : float, default 0.01
        The slope :math:`\alpha` on the negative side.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> leaky_relu_grad([-2.0, 0.0, 3.0], negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    x = as_float_array(x)
    slope = in_dtype(real_scalar(negative_slope, "negative_slope"), "negative_slope", x.dtype)
    return result(_leaky_relu_grad_array(x, slope))


def _leaky_relu_grad_array(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """:func:`leaky_relu_grad` of a float array ``x``, with ``slope`` as in :func:`_leaky_relu_array`, unchecked."""
    grad = np.where(x > 0, x.dtype.type(1), slope)
    return _keep_nan(x, grad)


# ------------------------------------------------------------------------- PReLU


def _prelu_weight(x: np.ndarray, weight) -> np.ndarray:
    """The slope(s) in the dtype of ``x``; inf and NaN are kept, so that a diverged slope propagates,
    but a finite slope that overflows the dtype is refused."""
    w = as_float_array(weight, "weight")
    try:
        shape = np.broadcast_shapes(x.shape, w.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(f"weight of shape {w.shape} does not broadcast to x of shape {x.shape}")
    return in_dtype(w, "weight", x.dtype)


@_nan_in_nan_out
def prelu(x, weight):
    r"""Parametric ReLU (He et al. 2015): a leaky ReLU whose slope is learned.

    .. math::

        \operatorname{prelu}(x; a) =
        \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}
        = \max(0, x) + a \min(0, x)

    Parameters
    ----------
    x : array_like
        Input values.
    weight : array_like
        The slope :math:`a`; a scalar (channel-shared) or an array that
        broadcasts to the shape of ``x`` (for example one slope per unit, of
        shape ``(n_units,)`` for ``x`` of shape ``(batch, n_units)``). It is
        cast to the dtype of ``x``; a finite slope too large for that dtype
        is refused. An infinite or NaN slope is not refused: like a NaN in
        ``x`` it propagates to the outputs it touches (a slope that diverged
        in training).

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Raises
    ------
    ValueError
        If ``weight`` does not broadcast to the shape of ``x``, or a finite
        entry of it overflows the dtype of ``x`` (``1e308`` for float32 ``x``).

    Examples
    --------
    >>> prelu([-2.0, 0.0, 3.0], 0.25)
    array([-0.5,  0. ,  3. ])
    """
    x = as_float_array(x)
    w = _prelu_weight(x, weight)
    return result(_prelu_array(x, w))


def _prelu_array(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """:func:`prelu` of a float array ``x`` with slopes ``w`` already of its dtype and broadcasting to its
    shape, without checking them (for callers in inner loops, such as :class:`relu_book.nn.PReLU`, whose
    arrays are right by construction). Like numpy, it warns about an overflow in ``x * w``; :func:`prelu`
    silences that."""
    return np.where(x > 0, x, x * w)


@_nan_in_nan_out
def prelu_grad(x, weight):
    r"""Partial derivatives of :func:`prelu` with respect to ``x`` and to the slope.

    .. math::

        \frac{\partial f}{\partial x} =
        \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}
        \qquad
        \frac{\partial f}{\partial a} = \min(0, x)

    Both are elementwise, with the shape of ``x``. To get the gradient of a
    loss with respect to a shared or per-channel slope, multiply by the
    upstream gradient and sum over the broadcast axes. At ``x = 0`` the
    partial in ``x`` is the slope :math:`a` and the partial in :math:`a` is 0,
    as PyTorch's autograd returns for ``torch.nn.functional.prelu``.

    Parameters
    ----------
    x : array_like
        Input values.
    weight : array_like
        The slope :math:`a`, broadcastable to ``x``.

    Returns
    -------
    grad_x, grad_weight : numpy.ndarray
        Elementwise partial derivatives, each with the shape of ``x``.

    Examples
    --------
    >>> gx, ga = prelu_grad([-2.0, 0.0, 3.0], 0.25)
    >>> gx
    array([0.25, 0.25, 1.  ])
    >>> ga
    array([-2.,  0.,  0.])
    """
    x = as_float_array(x)
    w = _prelu_weight(x, weight)
    grad_x, grad_w = _prelu_grad_arrays(x, w)
    return result(grad_x), result(grad_w)


def _prelu_grad_arrays(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`prelu_grad` of a float array ``x`` with slopes ``w``, unchecked, as :func:`_prelu_array`."""
    grad_x = np.where(x > 0, x.dtype.type(1), w)
    grad_w = np.minimum(x, x.dtype.type(0))
    return _keep_nan(x, grad_x), grad_w


# ------------------------------------------------------------------------- RReLU


@_nan_in_nan_out
def rrelu_slopes(x, lower=1.0 / 8, upper=1.0 / 3, training=False, rng=None):
    r"""The multiplier that randomised leaky ReLU (Xu et al. 2015) applies to each input.

    .. math::

        r(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases},
        \qquad a \sim U(l, u) \text{ in training},
        \quad a = \tfrac{l + u}{2} \text{ at evaluation}

    In training a fresh slope is drawn for every element with ``x <= 0``, as
    PyTorch does; at evaluation the fixed slope :math:`(l + u)/2` is used
    (PyTorch's convention, 11/48 for the defaults; Xu et al. divide by a
    number drawn from :math:`U(3, 8)` and test with 2/11 instead).

    Parameters
    ----------
    x : array_like
        Input values.
    lower, upper : float
        Bounds :math:`l \le u` of the uniform distribution of slopes.
    training : bool, default False
        Draw random slopes (True) or use the fixed mean slope (False).
    rng : numpy.random.Generator or int or None
        Random generator (or seed) used in training; ``None`` seeds with 0 so
        that results are reproducible.

    Returns
    -------
    numpy.ndarray
        The multiplier for each element; same shape and dtype as ``x``.

    Examples
    --------
    >>> rrelu_slopes([-1.0, 0.0, 1.0])
    array([0.22916667, 0.22916667, 1.        ])
    """
    x = as_float_array(x)
    lo = real_scalar(lower, "lower")
    hi = real_scalar(upper, "upper")
    if lo > hi:
        raise ValueError(f"lower must be <= upper, got lower={lo}, upper={hi}")
    in_dtype(lo, "lower", x.dtype)  # every slope lies in [lo, hi]: both ends must fit x's dtype
    in_dtype(hi, "upper", x.dtype)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be a bool, got {type(training).__name__}")
    if training:
        rng = generator(rng)
        slope = rng.uniform(lo, hi, size=x.shape).astype(x.dtype)
    else:
        slope = np.asarray(lo / 2 + hi / 2, dtype=x.dtype)  # (lo + hi) / 2 without overflow
    return result(_rrelu_slopes_array(x, slope))


def _rrelu_slopes_array(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """:func:`rrelu_slopes` of a float array ``x``, with ``slope`` (the draws, of ``x``'s shape, or the fixed
    slope) already in ``x``'s dtype, without checking them (for callers in inner loops, such as
    ``relu_book.dying``'s stacked training, whose layers checked their bounds once)."""
    slopes = np.broadcast_to(np.where(x > 0, x.dtype.type(1), slope), x.shape).copy()
    return _keep_nan(x, slopes)


@_nan_in_nan_out
def rrelu(x, lower=1.0 / 8, upper=1.0 / 3, training=False, rng=None, return_slopes=False):
    r"""Randomised leaky ReLU (Xu et al. 2015): ``x * rrelu_slopes(x, ...)``.

    .. math::

        \operatorname{rrelu}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}

    with :math:`a` drawn from :math:`U(l, u)` per element in training and
    :math:`a = (l + u)/2` at evaluation (see :func:`rrelu_slopes`).

    Parameters
    ----------
    x : array_like
        Input values.
    lower, upper : float
        Bounds of the uniform distribution of slopes.
    training : bool, default False
        Random slopes (True) or the fixed mean slope (False).
    rng : numpy.random.Generator or int or None
        Random generator or seed for training mode (``None`` means seed 0).
    return_slopes : bool, default False
        Also return the multipliers, which are the derivative (see
        :func:`rrelu_grad`).

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        The activations, and the slopes if ``return_slopes``.

    Examples
    --------
    >>> rrelu([-1.0, 2.0], lower=0.25, upper=0.25)
    array([-0.25,  2.  ])
    >>> out, slopes = rrelu([-1.0, -1.0, 2.0], training=True, rng=1, return_slopes=True)
    >>> bool(((slopes[:2] >= 1 / 8) & (slopes[:2] <= 1 / 3)).all())
    True
    """
    x = as_float_array(x)
    slopes = np.asarray(rrelu_slopes(x, lower, upper, training, rng))
    out = result(x * slopes)
    return (out, result(slopes)) if return_slopes else out


@_nan_in_nan_out
def rrelu_grad(x, lower=1.0 / 8, upper=1.0 / 3, training=False, rng=None, slopes=None):
    r"""Derivative of :func:`rrelu` with respect to ``x``.

    .. math::

        \operatorname{rrelu}'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}

    The derivative is the multiplier itself. In training, pass the ``slopes``
    returned by ``rrelu(..., return_slopes=True)`` so that the backward pass
    uses the slopes of the forward pass (or the same ``rng`` seed). At
    ``x = 0`` the slope :math:`a` is returned, as PyTorch does.

    Parameters
    ----------
    x : array_like
        Input values.
    lower, upper, training, rng
        As in :func:`rrelu_slopes`; ignored when ``slopes`` is given.
    slopes : array_like, optional
        Multipliers from the forward pass, with the shape of ``x``.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> rrelu_grad([-1.0, 0.0, 1.0], lower=0.1, upper=0.3)
    array([0.2, 0.2, 1. ])
    """
    x = as_float_array(x)
    if slopes is None:
        return rrelu_slopes(x, lower, upper, training, rng)
    s = as_float_array(slopes, "slopes")
    if s.shape != x.shape:
        raise ValueError(f"slopes must have the shape of x {x.shape}, got {s.shape}")
    return result(_keep_nan(x, s.astype(x.dtype, copy=True)))


# ------------------------------------------------------------------------- ReLU6


@_nan_in_nan_out
def relu6(x):
    r"""ReLU capped at 6, as used in MobileNets (Howard et al. 2017).

    .. math::

        \operatorname{relu6}(x) = \min(\max(0, x), 6)

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> relu6([-1.0, 3.0, 8.0])
    array([0., 3., 6.])
    """
    x = as_float_array(x)
    return result(np.minimum(np.maximum(x, x.dtype.type(0)), x.dtype.type(6)))


@_nan_in_nan_out
def relu6_grad(x):
    r"""Derivative of :func:`relu6`.

    .. math::

        \operatorname{relu6}'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}

    At both kinks, ``x = 0`` and ``x = 6``, the value 0 is returned, as
    PyTorch's autograd does (``relu6`` is ``hardtanh(x, 0, 6)``, whose
    backward pass keeps the gradient only strictly inside the interval) and as
    TensorFlow's ``tf.nn.relu6`` does.

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> relu6_grad([0.0, 3.0, 6.0])
    array([0., 1., 0.])
    """
    x = as_float_array(x)
    grad = ((x > 0) & (x < 6)).astype(x.dtype)
    return result(_keep_nan(x, grad))


# -------------------------------------------------------------- Generalised ReLU


def _generalized_params(negative_slope, max_value, threshold, dtype):
    """The parameters as floats, checked as numbers and then in ``dtype``, the dtype of ``x``."""
    a = real_scalar(negative_slope, "negative_slope")
    t = real_scalar(threshold, "threshold")
    if max_value is None:
        m = None
    else:
        m = real_scalar(max_value, "max_value")
        if m < t:
            raise ValueError(f"max_value must be >= threshold ({t}), got {m}")
        if m < 0:
            raise ValueError(f"max_value must be >= 0 (Keras clips to [0, max_value]), got {m}")
        in_dtype(m, "max_value", dtype)  # rounding keeps m >= t and m >= 0
    in_dtype(a, "negative_slope", dtype)
    in_dtype(t, "threshold", dtype)
    return a, m, t


@_nan_in_nan_out
def generalized_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    r"""The generalised ReLU of ``keras.activations.relu``, computed as Keras computes it.

    With :math:`\alpha` = ``negative_slope``, :math:`m` = ``max_value`` and
    :math:`\theta` = ``threshold``, Keras 3 (``ReLU.static_call`` in
    ``keras/src/activations/activations.py``) keeps ``x`` only where
    :math:`x > \theta` *strictly*, clips the result to :math:`[0, m]` when a
    cap is given, and subtracts :math:`\alpha \max(\theta - x, 0)`:

    .. math::

        f(x) = c(x) - \alpha \max(\theta - x, 0), \qquad
        c(x) = \begin{cases} \min(\max(x, 0), m) & x > \theta \\ 0 & x \le \theta \end{cases}

    (without a cap, :math:`c(x) = x` for :math:`x > \theta`). For
    :math:`\theta \ge 0` this is

    .. math::

        f(x) = \begin{cases}
            m & x \ge m,\ x > \theta \\
            x & \theta < x < m \\
            \alpha (x - \theta) & x \le \theta
        \end{cases}

    so :math:`f(\theta) = 0`: a non-zero threshold makes the function jump
    from 0 to :math:`\theta` just *after* :math:`\theta` (Keras's docstring:
    ``relu([-10, -5, 0, 5, 10], threshold=5)`` is ``[0, 0, 0, 0, 10]``). With
    :math:`\theta < 0` and a cap, the clipping to :math:`[0, m]` also sets
    :math:`f` to 0 on :math:`(\theta, 0]`. With the defaults it is
    :func:`relu`, with ``max_value=6`` :func:`relu6`, with ``negative_slope``
    alone :func:`leaky_relu`. Values equal Keras's (on the JAX backend) at
    every point; ``tests/test_frameworks.py`` compares them on a grid that
    contains :math:`\theta`, :math:`m`, 0 and their floating-point
    neighbours. One deviation: NaN stays NaN (Keras's ``where(x > θ, x, 0)``
    turns NaN into 0 when :math:`\theta \ne 0`).

    Parameters
    ----------
    x : array_like
        Input values.
    negative_slope : float, default 0.0
        Slope :math:`\alpha` below the threshold.
    max_value : float or None, default None
        Cap :math:`m` (``None``: no cap); must be ``>= threshold`` and ``>= 0``.
    threshold : float, default 0.0
        The threshold :math:`\theta`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    >>> generalized_relu(x, negative_slope=0.5)
    array([-5. , -2.5,  0. ,  5. , 10. ])
    >>> generalized_relu(x, max_value=5.0)
    array([0., 0., 0., 5., 5.])
    >>> generalized_relu(x, threshold=5.0)
    array([ 0.,  0.,  0.,  0., 10.])
    """
    x = as_float_array(x)
    a, m, t = _generalized_params(negative_slope, max_value, threshold, x.dtype)
    c = x.dtype.type  # constants in x's dtype, as Keras casts them (and bfloat16 stays bfloat16)
    zero = c(0)
    if a != 0 and m is None and t == 0:  # Keras calls the backend's leaky_relu
        out = np.where(x >= zero, x, x * c(a))
    else:
        out = np.asarray(np.where(x > c(t), x, zero) if t != 0 else np.maximum(x, zero))
        if m is not None:
            np.minimum(np.maximum(out, zero, out=out), c(m), out=out)
        if a != 0:
            out -= np.maximum(c(t) - x, zero) * c(a)
    return result(_keep_nan(x, np.asarray(out)))


@_nan_in_nan_out
def generalized_relu_grad(x, negative_slope=0.0, max_value=None, threshold=0.0):
    r"""Derivative of :func:`generalized_relu`: Keras's own, as JAX differentiates it.

    Away from the kinks,

    .. math::

        f'(x) = \begin{cases}
            0 & x > m \\
            1 & \max(\theta, 0) < x < m \\
            \alpha & x < \theta
        \end{cases}

    (0 on :math:`(\theta, 0)` when :math:`\theta < 0` and a cap is given). At
    the kinks this returns what ``jax.grad`` returns for
    ``keras.activations.relu`` on the JAX backend, which depends on the
    operations Keras's code happens to use:

    - at :math:`x = \theta`: 0, since ``x`` is kept only where :math:`x > \theta`
      and :math:`\operatorname{relu}'(0) = 0` in the negative part; except
      with ``negative_slope`` alone (:math:`\theta = 0`, no cap), where Keras
      calls ``jax.nn.leaky_relu``, written ``where(x >= 0, x, α x)``: 1;
    - at :math:`x = m`: 0 when :math:`\theta = 0` and :math:`m = 6` (Keras
      calls ``jax.nn.relu6``), otherwise 1/2: Keras clips with ``jnp.clip``,
      whose ``minimum`` splits the gradient evenly at a tie;
    - at :math:`x = 0` when :math:`\theta < 0` and a cap is given: 1/2
      (the ``maximum`` of the clip, at a tie).

    For :math:`\theta \ne 0` the function jumps at :math:`\theta` and has no
    derivative there at all; these values are conventions, listed in
    :mod:`relu_book.conventions`. ``tests/test_frameworks.py`` compares every
    value with ``jax.grad`` of Keras's function on a grid that contains the
    kinks and their floating-point neighbours.

    Parameters
    ----------
    x : array_like
        Input values.
    negative_slope, max_value, threshold
        As in :func:`generalized_relu`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> generalized_relu_grad([-1.0, 1.0, 2.0, 4.0, 5.0],
    ...                       negative_slope=0.1, max_value=4.0, threshold=1.0)
    array([0.1, 0. , 1. , 0.5, 0. ])
    >>> generalized_relu_grad([0.0, 6.0], max_value=6.0)
    array([0., 0.])
    """
    x = as_float_array(x)
    a, m, t = _generalized_params(negative_slope, max_value, threshold, x.dtype)
    dtype = x.dtype
    c = dtype.type  # constants in x's dtype (numpy 2.0 promotes bfloat16 with a Python float to float32)
    zero, half, one = c(0), c(0.5), c(1)
    if a != 0 and m is None and t == 0:  # jax.nn.leaky_relu: where(x >= 0, x, a x)
        return result(_keep_nan(x, np.where(x >= zero, one, c(a))))
    if t == 0 and m == 6:  # jax.nn.relu6: gradient only strictly inside (0, 6)
        grad = np.asarray((x > zero) & (x < c(6))).astype(dtype)
    else:
        kept = np.asarray(x > c(t))  # an array also for 0-d x, so that the updates below stay in place
        grad = kept.astype(dtype)
        if m is not None:  # jnp.clip(v, 0, m) = minimum(maximum(v, 0), m); ties share 1/2
            v = np.where(kept, x, zero)
            grad *= np.where(v > zero, one, np.where(v == zero, half, zero))
            v = np.maximum(v, zero)
            grad *= np.where(v < c(m), one, np.where(v == c(m), half, zero))
    if a != 0:  # d/dx of -a * relu(t - x) with relu'(0) = 0
        grad += np.asarray(x < c(t)).astype(dtype) * c(a)
    return result(_keep_nan(x, grad))


# ---------------------------------------------------------------------- Softplus


def _softplus_params(beta, threshold):
    b = real_scalar(beta, "beta", low=0.0, low_inclusive=False)
    t = real_scalar(threshold, "threshold", allow_inf=True)
    return b, t


@_nan_in_nan_out
def softplus(x, beta=1.0, threshold=20.0):
    r"""Softplus, a smooth approximation of ReLU, with PyTorch's linear cut-over.

    .. math::

        \operatorname{softplus}(x) = \begin{cases}
            \frac{1}{\beta} \log\left(1 + e^{\beta x}\right) & \beta x \le t \\
            x & \beta x > t
        \end{cases}

    It tends to :func:`relu` as :math:`\beta \to \infty`, with largest error
    :math:`\log(2)/\beta` at :math:`x = 0`. Above the threshold :math:`t`
    PyTorch returns ``x`` itself; this creates a jump of size
    :math:`\frac{1}{\beta}\log(1 + e^{-t})` there. Pass ``threshold=inf`` for
    the pure formula (computed without overflow either way).

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 1.43 ulp).

    Parameters
    ----------
    x : array_like
        Input values.
    beta : float, default 1.0
        Sharpness :math:`\beta > 0`.
    threshold : float, default 20.0
        Cut-over :math:`t` for :math:`\beta x`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> softplus([0.0, 100.0])
    array([  0.69314718, 100.        ])
    """
    x = as_float_array(x)
    b, t = _softplus_params(beta, threshold)
    return result(_precise.apply(_precise.softplus, x, b, t))


@_nan_in_nan_out
def softplus_grad(x, beta=1.0, threshold=20.0):
    r"""Derivative of :func:`softplus`: the logistic sigmoid of :math:`\beta x`.

    .. math::

        \operatorname{softplus}'(x) = \begin{cases}
            \sigma(\beta x) = \frac{1}{1 + e^{-\beta x}} & \beta x \le t \\
            1 & \beta x > t
        \end{cases}

    The same piecewise rule as PyTorch's autograd (value 1 strictly above
    the threshold). Softplus is smooth, so there is no kink convention.

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 2.25 ulp).

    Parameters
    ----------
    x : array_like
        Input values.
    beta, threshold
        As in :func:`softplus`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> softplus_grad([0.0, 30.0])
    array([0.5, 1. ])
    """
    x = as_float_array(x)
    b, t = _softplus_params(beta, threshold)
    return result(_precise.apply(_precise.softplus_grad, x, b, t))


# --------------------------------------------------------------------- ELU, SELU


@_nan_in_nan_out
def elu(x, alpha=1.0):
    r"""Exponential linear unit (Clevert et al. 2015).

    .. math::

        \operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 1 ulp).

    Parameters
    ----------
    x : array_like
        Input values.
    alpha : float, default 1.0
        The saturation value :math:`-\alpha` for :math:`x \to -\infty`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> elu([-1.0, 0.0, 2.0])
    array([-0.63212056,  0.        ,  2.        ])
    """
    x = as_float_array(x)
    a = real_scalar(alpha, "alpha")
    return result(_precise.apply(_precise.elu, x, a, 1.0))


@_nan_in_nan_out
def elu_grad(x, alpha=1.0):
    r"""Derivative of :func:`elu`.

    .. math::

        \operatorname{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    At ``x = 0`` the value :math:`\alpha` is returned, as PyTorch's autograd
    and JAX (``jax.nn.elu``) do; the derivative is continuous there exactly
    when :math:`\alpha = 1`. TensorFlow's ``tf.nn.elu`` has :math:`\alpha = 1`
    and returns 1.

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 0.973 ulp).

    Parameters
    ----------
    x : array_like
        Input values.
    alpha : float, default 1.0
        As in :func:`elu`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> elu_grad([0.0, 1.0], alpha=2.0)
    array([2., 1.])
    """
    x = as_float_array(x)
    a = real_scalar(alpha, "alpha")
    return result(_precise.apply(_precise.elu_grad, x, a, 1.0))


@_nan_in_nan_out
def selu(x):
    r"""Scaled exponential linear unit (Klambauer et al. 2017).

    .. math::

        \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}

    with :math:`\lambda \approx 1.0507` (:data:`SELU_SCALE`) and
    :math:`\alpha \approx 1.6733` (:data:`SELU_ALPHA`).

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 1.55 ulp).

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> selu([0.0, 1.0])
    array([0.        , 1.05070099])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.elu, x, SELU_ALPHA, SELU_SCALE))


@_nan_in_nan_out
def selu_grad(x):
    r"""Derivative of :func:`selu`.

    .. math::

        \operatorname{selu}'(x) = \begin{cases} \lambda & x > 0 \\ \lambda \alpha e^{x} & x \le 0 \end{cases}

    At ``x = 0`` the value :math:`\lambda\alpha \approx 1.7581` is returned,
    as PyTorch's autograd and JAX do; TensorFlow's ``tf.nn.selu`` returns
    :math:`\lambda` there.

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 1.75 ulp).

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> selu_grad([0.0, 1.0])
    array([1.75809934, 1.05070099])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.elu_grad, x, SELU_ALPHA, SELU_SCALE))


# -------------------------------------------------------------------- GELU, SiLU

_SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))
_GELU_CUBIC = 0.044715
_INV_SQRT_2 = float(1.0 / np.sqrt(2.0))
_INV_SQRT_2PI = float(1.0 / np.sqrt(2.0 * np.pi))


def _check_approximate(approximate: str) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f'approximate must be "none" or "tanh", got {approximate!r}')
    return approximate


@_nan_in_nan_out
def gelu(x, approximate="none"):
    r"""Gaussian error linear unit (Hendrycks & Gimpel 2016).

    .. math::

        \operatorname{gelu}(x) = x \, \Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)

    or, with ``approximate="tanh"``,

    .. math::

        \frac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right).

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), exact form: worst error 0.5 ulp
    (PyTorch 2.13: 1.68e+07 ulp, from the cancellation in 1 + erf for x < 0);
    tanh form: worst error 0.5 ulp (PyTorch 2.13: 1.68e+07 ulp).

    Parameters
    ----------
    x : array_like
        Input values.
    approximate : {"none", "tanh"}
        Exact (error function) or tanh form, as in PyTorch.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> gelu([0.0, 1.0])
    array([0.        , 0.84134475])
    """
    x = as_float_array(x)
    kernel = _precise.gelu if _check_approximate(approximate) == "none" else _precise.gelu_tanh
    return result(_precise.apply(kernel, x))


@_nan_in_nan_out
def gelu_grad(x, approximate="none"):
    r"""Derivative of :func:`gelu`.

    .. math::

        \operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x)

    for the exact form (:math:`\varphi` the standard normal density); for the
    tanh form, with :math:`u = \sqrt{2/\pi}(x + 0.044715 x^3)`,

    .. math::

        \tfrac12\left(1 + \tanh u\right) + \tfrac12 x \left(1 - \tanh^2 u\right)
        \sqrt{2/\pi}\left(1 + 3 \cdot 0.044715\, x^2\right).

    GELU is smooth, so there is no kink convention.

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), exact form: worst error 0.5 ulp
    (PyTorch 2.13: 1.72e+07 ulp); tanh form: worst error 0.5 ulp (PyTorch 2.13:
    1.68e+07 ulp, and NaN for :math:`|x| \ge 10^{13}`).

    Parameters
    ----------
    x : array_like
        Input values.
    approximate : {"none", "tanh"}
        As in :func:`gelu`.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> gelu_grad([0.0])
    array([0.5])
    """
    x = as_float_array(x)
    kernel = _precise.gelu_grad if _check_approximate(approximate) == "none" else _precise.gelu_tanh_grad
    return result(_precise.apply(kernel, x))


@_nan_in_nan_out
def sigmoid(x):
    r"""Logistic sigmoid, computed without overflow.

    .. math::

        \sigma(x) = \frac{1}{1 + e^{-x}}

    Examples
    --------
    >>> sigmoid([0.0])
    array([0.5])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.sigmoid, x))


@_nan_in_nan_out
def sigmoid_grad(x):
    r"""Derivative of :func:`sigmoid`; at most 1/4, reached at 0.

    .. math::

        \sigma'(x) = \sigma(x)\,(1 - \sigma(x))

    Examples
    --------
    >>> sigmoid_grad([0.0])
    array([0.25])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.sigmoid_grad, x))


@_nan_in_nan_out
def tanh(x):
    r"""Hyperbolic tangent.

    .. math::

        \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}

    Examples
    --------
    >>> tanh([0.0])
    array([0.])
    """
    x = as_float_array(x)
    return result(np.tanh(x))


@_nan_in_nan_out
def tanh_grad(x):
    r"""Derivative of :func:`tanh`; at most 1, reached at 0.

    .. math::

        \tanh'(x) = 1 - \tanh^2(x)

    Examples
    --------
    >>> tanh_grad([0.0])
    array([1.])
    """
    x = as_float_array(x)
    return result(_tanh_grad_from_value(np.tanh(x)))


def _tanh_grad_from_value(t: np.ndarray) -> np.ndarray:
    """:func:`tanh_grad` from :math:`t = \\tanh(x)` already computed: :math:`1 - t^2`, in ``t``'s dtype."""
    return t.dtype.type(1) - t * t


@_nan_in_nan_out
def silu(x):
    r"""Sigmoid-weighted linear unit, also called Swish with :math:`\beta = 1`.

    .. math::

        \operatorname{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}

    (Elfwing et al. 2018; Ramachandran et al. 2017.)

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 2.31 ulp).

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> silu([0.0, 1.0])
    array([0.        , 0.73105858])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.silu, x))


@_nan_in_nan_out
def silu_grad(x):
    r"""Derivative of :func:`silu`.

    .. math::

        \operatorname{silu}'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)

    SiLU is smooth, so there is no kink convention.

    Accuracy: evaluated in float64 and rounded once to the input's dtype. In
    float32, on the grid of ``tests/test_float32_accuracy.py`` (2,000,001 points
    on [-40, 40] and the extremes), worst error 0.5 ulp (PyTorch 2.13: 2.18e+04 ulp,
    near the zero of the derivative at x = -1.28).

    Parameters
    ----------
    x : array_like
        Input values.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> silu_grad([0.0])
    array([0.5])
    """
    x = as_float_array(x)
    return result(_precise.apply(_precise.silu_grad, x))


#: Name -> (function, derivative) for the fixed activations of the registry
#: (those a network wraps in a plain :class:`relu_book.nn.Activation`: every
#: one but ``prelu`` and ``rrelu``); keyword arguments are passed through by callers.
ACTIVATIONS = {
    spec.name: (globals()[spec.name], globals()[spec.name + "_grad"])
    for spec in REGISTRY
    if spec.layer == "Activation"
}
