r"""When does :math:`\relu'(0)` matter? Exact zeros in low-precision training.

For real-valued random inputs the event "a pre-activation is exactly 0" has
probability zero, so the value chosen for :math:`\relu'(0)` should never matter. In
floating point it does: a pre-activation :math:`z = \sum_k x_k w_{k} + b` is
*rounded*, and when the exact sum is smaller than half the spacing of the
numbers near its partial sums, the rounded result can be exactly 0.
Bertoin et al. (2021) measured how often this changes backpropagation in real
training runs. This module reproduces the experiment at a small scale:

* :func:`synthetic_digits` -- MNIST-like inputs generated in code: 28x28
  images, mostly exact zeros, nonzero pixels quantised to ``k/255``.
* :func:`matmul_in` -- a matrix product computed in a chosen precision by
  explicit accumulation (no BLAS), so that results are bit-for-bit the same
  on every machine.
* :func:`precision_run` -- train a small ReLU network with SGD in one
  precision, and at every minibatch count the exact-zero pre-activations and
  check whether the first-layer weight gradient differs between
  :math:`\relu'(0) = 0` and :math:`\relu'(0) = 1`; :func:`precision_runs`
  does so for several seeds at once.
* :func:`exact_zero_example` -- one exact zero, taken apart.

Determinism: every operation is an elementwise ``+``, ``-`` or ``*`` of
numpy arrays (no ``exp``, no BLAS, no fused multiply-add), each correctly
rounded to the working precision, in a fixed order. The printed counts are
therefore the same on every machine with IEEE arithmetic. The loss is the
squared error (no softmax, hence no ``exp`` whose last bit could differ
between math libraries).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import ml_dtypes
import numpy as np

from relu_book._validation import as_float_array, integer, random_seed, real_scalar, sequence
from relu_book.activations import relu, relu_grad

__all__ = [
    "PRECISIONS",
    "synthetic_digits",
    "matmul_in",
    "init_mlp",
    "mlp_gradients",
    "PrecisionRun",
    "precision_run",
    "precision_runs",
    "ExactZero",
    "exact_zero_example",
]

#: The working precisions of the experiment, by name.
PRECISIONS: dict[str, np.dtype] = {
    "float64": np.dtype(np.float64),
    "float32": np.dtype(np.float32),
    "float16": np.dtype(np.float16),
    "bfloat16": np.dtype(ml_dtypes.bfloat16),
}

_SIDE = 28
_N_CLASSES = 10


def _dtype(value, name: str = "dtype") -> np.dtype:
    if isinstance(value, str):
        if value not in PRECISIONS:
            allowed = ", ".join(repr(k) for k in PRECISIONS)
            raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
        return PRECISIONS[value]
    try:
        dt = np.dtype(value)
    except TypeError:
        raise TypeError(f"{name} must be a floating dtype or one of {list(PRECISIONS)}, got {value!r}") from None
    if dt not in PRECISIONS.values():
        raise ValueError(f"{name} must be one of {list(PRECISIONS)}, got {dt}")
    return dt


# ------------------------------------------------------------------------- data


def _stroke_prototypes(rng: np.random.Generator) -> np.ndarray:
    """Ten 28x28 stroke images in [0, 1]: a polyline drawn with a smooth pen."""
    rows, cols = np.mgrid[0:_SIDE, 0:_SIDE].astype(np.float64)
    protos = np.zeros((_N_CLASSES, _SIDE, _SIDE))
    width2 = 2.4**2
    for c in range(_N_CLASSES):
        points = rng.uniform(7.0, 21.0, size=(6, 2))
        img = np.zeros((_SIDE, _SIDE))
        for p, q in zip(points[:-1], points[1:]):
            d = q - p
            t = ((rows - p[0]) * d[0] + (cols - p[1]) * d[1]) / (d @ d)
            t = np.clip(t, 0.0, 1.0)
            dist2 = (rows - p[0] - t * d[0]) ** 2 + (cols - p[1] - t * d[1]) ** 2
            bump = np.maximum(0.0, 1.0 - dist2 / width2) ** 2  # a pen with compact support
            img = np.maximum(img, bump)
        protos[c] = img
    return protos


def synthetic_digits(n, seed=0):
    r"""MNIST-like images generated in code: sparse, with values quantised to ``k/255``.

    Each of 10 classes has a stroke prototype (a random polyline drawn with a
    pen of compact support, so the background is exactly 0). A sample is its
    class prototype shifted by up to 2 pixels, scaled by a random contrast,
    saturated at 1 and quantised:

    .. math::

        x_{\text{pixel}} = \frac{\operatorname{round}(255 \cdot \min(1, a\, s_{\text{pixel}}))}{255},
        \qquad a \sim U(1, 2)

    About five pixels in six are exactly 0 (in MNIST, about four in five).

    Parameters
    ----------
    n : int
        Number of images.
    seed : int, default 0
        Seed of the generator (prototypes and samples).

    Returns
    -------
    X : numpy.ndarray
        float64 array of shape ``(n, 784)`` with entries in ``{0, 1/255, ..., 1}``.
    y : numpy.ndarray
        int64 labels in ``0..9``, shape ``(n,)``.

    Examples
    --------
    >>> X, y = synthetic_digits(4, seed=1)
    >>> X.shape, y.shape
    ((4, 784), (4,))
    >>> bool(np.all(np.round(X * 255) == X * 255))
    True
    """
    X, y = _synthetic_digits(integer(n, "n"), random_seed(seed))
    return X.copy(), y.copy()


@functools.lru_cache(maxsize=16)
def _synthetic_digits(n, seed):
    """:func:`synthetic_digits` without the checks, remembered (read-only arrays): the precisions share the data."""
    rng = np.random.default_rng(seed)
    protos = _stroke_prototypes(rng)
    y = rng.integers(0, _N_CLASSES, size=n)
    shifts = rng.integers(-2, 3, size=(n, 2))
    contrast = rng.uniform(1.0, 2.0, size=n)
    # image i is protos[y[i]] rolled by shifts[i] (np.roll), for all images at once
    side = np.arange(_SIDE)
    rows = (side[None, :] - shifts[:, :1]) % _SIDE
    cols = (side[None, :] - shifts[:, 1:]) % _SIDE
    img = protos[y[:, None, None], rows[:, :, None], cols[:, None, :]]
    X = np.round(255.0 * np.minimum(1.0, contrast[:, None, None] * img)).reshape(n, _SIDE * _SIDE) / 255.0
    y = y.astype(np.int64)
    X.flags.writeable = y.flags.writeable = False
    return X, y


# ------------------------------------------------------------------- arithmetic


def matmul_in(a, b, dtype, accumulate=None):
    r"""Matrix product in a chosen precision, by explicit accumulation.

    .. math::

        c_{ij} = \operatorname{fl}\Big( \cdots \operatorname{fl}\big(\operatorname{fl}(a_{i1} b_{1j})
        + \operatorname{fl}(a_{i2} b_{2j})\big) + \cdots \Big)

    Every product and every partial sum is rounded to the accumulation
    precision, in the order ``k = 0, 1, ...``; the result is then rounded
    to ``dtype``. Terms with an exact zero factor are skipped, which does
    not change the result (adding a signed zero leaves a sum unchanged).
    Unlike ``a @ b`` (BLAS, whose summation order and use of fused
    multiply-add depend on the library and the CPU), the result is the same
    bit for bit on every machine.

    Parameters
    ----------
    a : array_like
        Shape ``(m, k)``; rounded to the accumulation precision first.
    b : array_like
        Shape ``(k, n)``; rounded to the accumulation precision first.
    dtype : str or dtype
        The result's precision: ``"float64"``, ``"float32"``, ``"float16"`` or ``"bfloat16"``.
    accumulate : str or dtype, optional
        The precision of the products and partial sums; default ``dtype``.
        ``"float32"`` with ``dtype="float16"`` mimics GPU tensor cores.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, n)``, dtype ``dtype``.

    Examples
    --------
    >>> a = np.array([[1.0, 2.0**-11, 2.0**-11]])
    >>> b = np.ones((3, 1))
    >>> matmul_in(a, b, "float16")            # each 2**-11 is lost against 1
    array([[1.]], dtype=float16)
    >>> matmul_in(a, b, "float16", accumulate="float32")
    array([[1.001]], dtype=float16)
    """
    dt = _dtype(dtype)
    acc_dt = dt if accumulate is None else _dtype(accumulate, "accumulate")
    a = as_float_array(a, "a")  # complex, strings and objects refused, not truncated
    b = as_float_array(b, "b")
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"a and b must be matrices of shapes (m, k) and (k, n), got {a.shape} and {b.shape}")
    return _matmul(a.astype(acc_dt)[None], b.astype(acc_dt)[None], dt, acc_dt)[0]


def _matmul_reference(a, b, dt, acc_dt):
    """The definition of :func:`matmul_in` as a loop over ``k``; ``a``, ``b`` already in ``acc_dt``."""
    active = np.flatnonzero(np.any(a != 0, axis=0) & np.any(b != 0, axis=1))
    acc = np.zeros((a.shape[0], b.shape[1]), dtype=np.float32 if acc_dt.itemsize == 2 else acc_dt)
    for k in active:
        if acc_dt.itemsize == 2:  # each float32 product or sum of two 16-bit numbers rounded back at once
            prod = (a[:, k : k + 1].astype(np.float32) * b[k : k + 1, :].astype(np.float32)).astype(acc_dt)
            acc = (acc + prod.astype(np.float32)).astype(acc_dt).astype(np.float32)
        else:
            acc += a[:, k : k + 1] * b[k : k + 1, :]
    return acc.astype(dt)


#: Significand bits p (with the implicit bit) and smallest normal exponent of the 16-bit formats.
_FORMAT_16BIT = {np.dtype(np.float16): (11, -14), np.dtype(ml_dtypes.bfloat16): (8, -126)}


def _matmul(a, b, dt, acc_dt):
    """:func:`matmul_in` for stacks of matrices, without the checks: ``a[s] @ b[s]`` for each ``s``.

    ``a`` (shape ``(S, m, k)``) and ``b`` (shape ``(S, k, n)``) are already in
    ``acc_dt``. The same sums as :func:`_matmul_reference`, bit for bit, but
    with all products formed at once and the loop over ``k`` shared by the
    whole stack. Terms that are zero are skipped only when they are zero in
    every matrix of the stack; the others add a signed zero to a running sum
    that is never ``-0.0`` (it starts at ``+0.0``, and ``x + (-x) = +0.0``),
    which changes nothing. With an infinite or NaN input, or (16-bit formats)
    when an a priori bound does not exclude overflow, each product is
    computed by :func:`_matmul_reference` instead.
    """
    S, m, n = a.shape[0], a.shape[1], b.shape[2]
    small = acc_dt.itemsize == 2
    if small:
        a = a.astype(np.float32)  # exact
        b = b.astype(np.float32)
    fast = bool(np.all(np.isfinite(a)) and np.all(np.isfinite(b)))
    if fast and small:
        p, emin = _FORMAT_16BIT[acc_dt]
        # |each product and partial sum| <= (1 + 2^-p)^(k + 1) * sum_k |a_ik b_kj| (one rounding per
        # operation), and sum_k |a_ik b_kj| <= (max_i sum_k |a_ik|) (max_kj |b_kj|)
        abs_a, abs_b = np.abs(a), np.abs(b)
        bound = float(np.max(np.sum(abs_a, axis=2, dtype=np.float64), initial=0.0)) * float(np.max(abs_b, initial=0.0))
        bound *= (1.0 + 2.0**-p) ** (a.shape[2] + 1) * (1.0 + 1e-9)
        # no overflow of the 16-bit format, nor of the constant M of _rounding_16bit in float32
        fast = bound < min(float(ml_dtypes.finfo(acc_dt).max), 2.0 ** (127 - 24 + p))
    if not fast:
        if small:
            a, b = a.astype(acc_dt), b.astype(acc_dt)
        return np.stack([_matmul_reference(a[s], b[s], dt, acc_dt) for s in range(S)])
    nonzero_a, nonzero_b = a != 0, b != 0
    rows = np.flatnonzero(np.any(nonzero_a, axis=(0, 2)))
    cols = np.flatnonzero(np.any(nonzero_b, axis=(0, 1)))
    active = np.flatnonzero(np.any(nonzero_a, axis=(0, 1)) & np.any(nonzero_b, axis=(0, 2)))
    out = np.zeros((S, m, n), dtype=dt)
    if rows.size == 0 or cols.size == 0 or active.size == 0:
        return out
    a, b = a[:, rows][:, :, active], b[:, active][:, :, cols]  # (S, m', k'), (S, k', n')
    nonzero = a != 0
    terms = int(np.max(np.sum(nonzero, axis=2)))
    if small and terms < 0.7 * a.shape[2] and a.size * b.shape[2] // a.shape[2] * terms < 2**24:
        # sparse rows (images): row i sums only its own nonzero a_ik, still in the order of k (then zero
        # terms), so the loop is as long as the longest row: a_l[s, i] b_l[s, i, :] is the l-th term of row i
        # (worth the gathering of b's rows where each step rounds twice)
        order = np.argsort(~nonzero, axis=2, kind="stable")[:, :, :terms]
        a_terms = np.ascontiguousarray(np.take_along_axis(a, order, axis=2).transpose(2, 0, 1))[..., None]
        b_terms = np.ascontiguousarray(b[np.arange(a.shape[0])[:, None, None], order].transpose(2, 0, 1, 3))
    else:
        a_terms = np.ascontiguousarray(a.transpose(2, 0, 1))[..., None]  # (k', S, m', 1)
        b_terms = np.ascontiguousarray(b.transpose(1, 0, 2))[:, :, None, :]  # (k', S, 1, n')
    shape = (a.shape[0], a.shape[1], b.shape[2])
    if small:
        # pairs[0] is the running sum, pairs[1] the next product: both rounded by one call
        pairs = np.zeros((2, *shape), dtype=np.float32)
        acc, term = pairs
        round_pairs = _rounding_16bit(pairs, p, emin, np.empty(pairs.shape, dtype=np.uint32))
        round_term = _rounding_16bit(term, p, emin, np.empty(shape, dtype=np.uint32))
        np.multiply(a_terms[0], b_terms[0], out=term)  # exact in float32
        round_term()
        for a_k, b_k in zip(a_terms[1:], b_terms[1:]):
            np.add(acc, term, out=acc)
            np.multiply(a_k, b_k, out=term)
            round_pairs()
        np.add(acc, term, out=acc)
        _rounding_16bit(acc, p, emin, np.empty(shape, dtype=np.uint32))()
    else:
        acc, term = np.zeros(shape, dtype=a.dtype), np.empty(shape, dtype=a.dtype)
        for a_k, b_k in zip(a_terms, b_terms):
            np.multiply(a_k, b_k, out=term)
            np.add(acc, term, out=acc)
    out[:, rows[:, None], cols] = acc.astype(dt)
    return out


def _rounding_16bit(x, p, emin, work):
    r"""A function that rounds the float32 array ``x`` in place to ``p`` significand bits, as ``x.astype(dtype)`` does.

    Round to nearest, ties to even, at the spacing :math:`2^{e - p + 1}` of
    the binade :math:`2^e \le |x| < 2^{e+1}`, with :math:`e \ge e_{min}` (the
    subnormals have the spacing of the smallest binade). Adding
    :math:`M = 1.5 \cdot 2^{e + 24 - p}` moves ``x`` into a float32 binade
    whose spacing is exactly that, so ``(x + M) - M`` is the rounded value
    (still a float32). Valid when the result is finite in the 16-bit format
    (no overflow); zeros come out as ``+0.0``. ``work`` is a uint32 array of
    ``x``'s shape, overwritten.
    """
    bits, magic = x.view(np.uint32), work.view(np.float32)
    exponent, smallest, scale = np.uint32(0x7F800000), np.float32(2.0**emin), np.float32(1.5 * 2.0 ** (24 - p))

    def round_x():
        np.bitwise_and(bits, exponent, out=work)  # the bits of 2^e (0 below 2^-126)
        np.maximum(magic, smallest, out=magic)
        np.multiply(magic, scale, out=magic)
        np.add(x, magic, out=x)
        np.subtract(x, magic, out=x)

    return round_x


# ---------------------------------------------------------------------- network


def init_mlp(sizes, dtype, seed=0):
    r"""Weights and biases of a fully connected network, PyTorch's default initialisation.

    Layer :math:`l` maps :math:`n_{l-1}` inputs to :math:`n_l` outputs with
    :math:`W_l, b_l \sim U(-1/\sqrt{n_{l-1}}, 1/\sqrt{n_{l-1}})` (what
    ``torch.nn.Linear`` does), drawn in float64 and rounded to ``dtype``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first, e.g. ``(784, 32, 32, 10)``.
    dtype : str or dtype
        The precision of the parameters.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    list of (W, b)
        ``W`` of shape ``(n_{l-1}, n_l)`` and ``b`` of shape ``(n_l,)``.

    Examples
    --------
    >>> [(W.shape, b.dtype.name) for W, b in init_mlp((4, 3, 2), "float16")]
    [((4, 3), 'float16'), ((3, 2), 'float16')]
    """
    dt = _dtype(dtype)
    sizes = [integer(s, "sizes") for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 layer widths, got {len(sizes)}")
    rng = np.random.default_rng(random_seed(seed))
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        W = rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(dt)
        b = rng.uniform(-bound, bound, size=fan_out).astype(dt)
        params.append((W, b))
    return params


def _mm(a, b, dt, acc_dt):
    """:func:`_matmul` of two stacks given in any floating dtype."""
    return _matmul(as_float_array(a).astype(acc_dt), as_float_array(b).astype(acc_dt), dt, acc_dt)


def _forward(params, X, dt, acc_dt):
    """Pre-activations ``zs`` and layer inputs ``hs`` (``hs[0] = X``), for a stack of networks and inputs.

    ``X`` has shape ``(S, B, n_0)``; each ``W`` of ``params`` ``(S, n_{l-1}, n_l)``, each ``b`` ``(S, n_l)``.
    """
    hs, zs = [X], []
    for layer, (W, b) in enumerate(params):
        z = _mm(hs[-1], W, dt, acc_dt) + b[:, None, :]  # rounding after the product, then after the bias add
        zs.append(z)
        if layer < len(params) - 1:
            hs.append(relu(z))
    return zs, hs


def _backward(params, zs, hs, Y, dt, acc_dt, at_zero, weights=True):
    r"""Gradients of the squared loss, :math:`\relu'(0)` = ``at_zero`` at every hidden unit (stacks as in _forward).

    Returns the list of ``(dW, db)`` and the :math:`\delta` of the first
    layer (``dW = X^T delta`` there); with ``weights=False`` only the
    :math:`\delta` are computed (the list is then empty).
    """
    batch = Y.shape[1]
    delta = (zs[-1] - Y) * np.asarray(1.0 / batch, dtype=dt)
    grads = [None] * len(params) if weights else []
    for layer in range(len(params) - 1, -1, -1):
        W, _ = params[layer]
        if weights:
            db = np.stack([np.sum(d, axis=0, dtype=dt) for d in delta])  # one network at a time: the same sums
            grads[layer] = (_mm(hs[layer].transpose(0, 2, 1), delta, dt, acc_dt), db)
        if layer > 0:
            z = zs[layer - 1]
            delta = _mm(delta, W.transpose(0, 2, 1), dt, acc_dt) * relu_grad(z, at_zero=at_zero)
    return grads, delta


def mlp_gradients(params, X, Y, dtype, *, at_zero=0.0, accumulate=None):
    r"""Forward and backward pass of a ReLU network with the squared loss, in one precision.

    .. math::

        L = \frac{1}{2B} \sum_{i=1}^{B} \lVert f(x_i) - y_i \rVert^2, \qquad
        \delta_{l-1} = (\delta_l W_l^\top) \odot \operatorname{relu}'(z_{l-1})

    with :math:`\operatorname{relu}'(0)` = ``at_zero``. Every product is
    computed by :func:`matmul_in`; the bias is added after the product is
    rounded, as in an unfused ``x @ W + b``.

    Parameters
    ----------
    params : list of (W, b)
        From :func:`init_mlp`.
    X : array_like
        Inputs, shape ``(B, n_0)``; rounded to ``dtype``.
    Y : array_like
        Targets, shape ``(B, n_L)``.
    dtype : str or dtype
        The working precision.
    at_zero : float, default 0.0
        The value used for :math:`\relu'(0)`, in ``[0, 1]``.
    accumulate : str or dtype, optional
        Accumulation precision of the matrix products (see :func:`matmul_in`).

    Returns
    -------
    grads : list of (dW, db)
        One pair per layer, in ``dtype``.
    zs : list of numpy.ndarray
        The pre-activations of every layer (the last one is the output).

    Examples
    --------
    >>> params = init_mlp((3, 4, 2), "float64", seed=0)
    >>> grads, zs = mlp_gradients(params, np.ones((2, 3)), np.zeros((2, 2)), "float64")
    >>> [dW.shape for dW, db in grads]
    [(3, 4), (4, 2)]
    """
    dt = _dtype(dtype)
    acc_dt = dt if accumulate is None else _dtype(accumulate, "accumulate")
    c = real_scalar(at_zero, "at_zero", low=0.0, high=1.0)
    X = np.asarray(X).astype(dt)[None]
    Y = np.asarray(Y).astype(dt)[None]
    stack = [(np.asarray(W)[None], np.asarray(b)[None]) for W, b in params]
    zs, hs = _forward(stack, X, dt, acc_dt)
    grads, _ = _backward(stack, zs, hs, Y, dt, acc_dt, c)
    return [(dW[0], db[0]) for dW, db in grads], [z[0] for z in zs]


@dataclass(frozen=True)
class PrecisionRun:
    r"""What :func:`precision_run` measured, one entry per minibatch.

    Attributes
    ----------
    precision : str
        The working precision (with the accumulation precision if different).
    seed : int
        The seed of data and initialisation.
    zeros : numpy.ndarray
        Number of exact-zero hidden pre-activations in each minibatch.
    affected : numpy.ndarray
        Whether the first-layer weight gradient differs between
        :math:`\relu'(0) = 0` and :math:`\relu'(0) = 1`, for each minibatch.
    pre_activations : int
        Number of hidden pre-activations per minibatch.
    """

    precision: str
    seed: int
    zeros: np.ndarray
    affected: np.ndarray
    pre_activations: int

    @property
    def affected_fraction(self) -> float:
        r"""Fraction of minibatches whose first-layer weight gradient depends on :math:`\relu'(0)`."""
        return float(np.mean(self.affected))


def precision_run(dtype, seed=0, *, steps=16, batch=32, hidden=(32, 32), lr=0.25, accumulate=None):
    r"""Train a small ReLU network in one precision and record where :math:`\relu'(0)` matters.

    Data from :func:`synthetic_digits`, network ``784 -> hidden -> 10`` from
    :func:`init_mlp`, one-hot targets, squared loss, plain SGD with
    :math:`\relu'(0) = 0` (the framework default). At every minibatch the gradient is
    also computed with :math:`\relu'(0) = 1`, and the two first-layer weight
    gradients are compared bit for bit. (When a minibatch has no exact-zero
    pre-activation the two backward passes perform identical operations, so
    the comparison is skipped and the minibatch counted as unaffected.)

    Parameters
    ----------
    dtype : str or dtype
        Working precision: ``"float64"``, ``"float32"``, ``"float16"`` or ``"bfloat16"``.
    seed : int, default 0
        Seed of data and initialisation.
    steps : int, default 16
        Number of SGD steps (one minibatch each).
    batch : int, default 32
        Minibatch size (a power of 2 keeps the 1/B scaling exact).
    hidden : sequence of int, default (32, 32)
        Hidden layer widths.
    lr : float, default 0.25
        Learning rate.
    accumulate : str or dtype, optional
        Accumulation precision of the matrix products (default ``dtype``).

    Returns
    -------
    PrecisionRun

    Examples
    --------
    >>> run = precision_run("float64", seed=0, steps=2, batch=8, hidden=(8,))
    >>> run.zeros, run.affected
    (array([0, 0]), array([False, False]))
    """
    return precision_runs(dtype, [random_seed(seed)], steps=steps, batch=batch, hidden=hidden, lr=lr,
                          accumulate=accumulate)[0]


def precision_runs(dtype, seeds, *, steps=16, batch=32, hidden=(32, 32), lr=0.25, accumulate=None):
    r""":func:`precision_run` for several seeds, the networks trained side by side.

    .. math::

        \begin{aligned}
        &\texttt{precision\_runs}(d, [s_1, \dots, s_S]) \\
        &\quad = [\texttt{precision\_run}(d, s_1), \dots, \texttt{precision\_run}(d, s_S)]
        \end{aligned}

    The same results, bit for bit, as one :func:`precision_run` per seed: the
    networks are independent and every operation is elementwise per network
    (see :func:`matmul_in`); only the loops are shared, which is faster.

    Parameters
    ----------
    dtype : str or dtype
        Working precision: ``"float64"``, ``"float32"``, ``"float16"`` or ``"bfloat16"``.
    seeds : sequence of int
        Seeds of data and initialisation, one run each.
    steps, batch, hidden, lr, accumulate
        As in :func:`precision_run`.

    Returns
    -------
    list of PrecisionRun
        One per seed, in the order of ``seeds``.

    Examples
    --------
    >>> runs = precision_runs("bfloat16", [0, 1], steps=2, batch=8, hidden=(8,))
    >>> [r.seed for r in runs]
    [0, 1]
    >>> alone = precision_run("bfloat16", 1, steps=2, batch=8, hidden=(8,))
    >>> runs[1].zeros.tolist() == alone.zeros.tolist()
    True
    """
    dt = _dtype(dtype)
    acc_dt = dt if accumulate is None else _dtype(accumulate, "accumulate")
    seeds = sequence(seeds, "seeds", random_seed)
    steps = integer(steps, "steps")
    batch = integer(batch, "batch")
    hidden = tuple(sequence(hidden, "hidden", integer))
    lr = real_scalar(lr, "lr", low=0.0, low_inclusive=False)
    data = [_synthetic_digits(steps * batch, seed) for seed in seeds]
    X = np.stack([x for x, _ in data])
    Y = np.eye(_N_CLASSES)[np.stack([y for _, y in data])]
    inits = [init_mlp((X.shape[2], *hidden, _N_CLASSES), dt, seed=seed + 10_000) for seed in seeds]
    params = [(np.stack(Ws), np.stack(bs)) for Ws, bs in (zip(*layer) for layer in zip(*inits))]
    step = np.asarray(lr, dtype=dt)
    zeros = np.zeros((len(seeds), steps), dtype=np.int64)
    affected = np.zeros((len(seeds), steps), dtype=bool)
    for s in range(steps):
        xb = X[:, s * batch : (s + 1) * batch].astype(dt)
        yb = Y[:, s * batch : (s + 1) * batch].astype(dt)
        zs, hs = _forward(params, xb, dt, acc_dt)
        grads, delta = _backward(params, zs, hs, yb, dt, acc_dt, 0.0)
        zeros[:, s] = sum(np.count_nonzero(z == 0, axis=(1, 2)) for z in zs[:-1])
        if zeros[:, s].any():
            dW = grads[0][0]
            _, delta1 = _backward(params, zs, hs, yb, dt, acc_dt, 1.0, weights=False)
            # column j of dW = X^T delta depends on column j of delta only: recompute the columns
            # where delta changed (all of them if dW has a nan, which no comparison finds equal)
            cols = np.flatnonzero(np.any(delta1 != delta, axis=(0, 1)))
            if not np.all(np.isfinite(dW.astype(np.float64))):
                cols = np.arange(dW.shape[2])
            dW1 = _mm(xb.transpose(0, 2, 1), delta1[:, :, cols], dt, acc_dt)
            for r in np.flatnonzero(zeros[:, s]):
                affected[r, s] = not np.array_equal(dW[r][:, cols], dW1[r])
        params = [(W - step * dW, b - step * db) for (W, b), (dW, db) in zip(params, grads)]
    name = dt.name if acc_dt == dt else f"{dt.name} (accumulate {acc_dt.name})"
    return [PrecisionRun(name, seed, zeros[r], affected[r], batch * sum(hidden)) for r, seed in enumerate(seeds)]


# ------------------------------------------------------------------ one example


@dataclass(frozen=True)
class ExactZero:
    r"""One hidden pre-activation that rounds to exactly 0 (see :func:`exact_zero_example`).

    Attributes
    ----------
    sample, unit : int
        Where it is: index of the image, hidden unit of the first layer.
    nonzero_terms : int
        Number of nonzero terms :math:`x_k w_k` in the sum.
    largest_partial_sum : float
        The largest magnitude reached by the running sum of the product.
    spacing : float
        The distance between consecutive numbers of the working precision
        at ``largest_partial_sum``: the size of one rounding step there.
    product : float
        The computed (rounded) :math:`\operatorname{fl}(x \cdot w)`.
    exact_product : float
        The exact :math:`x \cdot w` for the same (rounded) inputs and weights.
    bias : float
        The bias :math:`b` of the unit; here ``product == -bias``.
    computed : float
        :math:`\operatorname{fl}(\operatorname{fl}(x \cdot w) + b)`, which is 0.
    exact : float
        The exact :math:`x \cdot w + b` (computed with :func:`math.fsum`).
    """

    sample: int
    unit: int
    nonzero_terms: int
    largest_partial_sum: float
    spacing: float
    product: float
    exact_product: float
    bias: float
    computed: float
    exact: float


def exact_zero_example(dtype="float16", seed=0, *, n=512, hidden=32):
    r"""Find a first-layer pre-activation that is exactly 0 at initialisation, and take it apart.

    Uses the images of :func:`synthetic_digits` and the first layer of
    :func:`init_mlp` with the same seeds as :func:`precision_run` (a
    first-layer pre-activation depends only on its own image, not on the
    rest of the minibatch).

    Parameters
    ----------
    dtype : str or dtype, default "float16"
        The working precision.
    seed : int, default 0
        The seed (same meaning as in :func:`precision_run`).
    n : int, default 512
        Number of images to search.
    hidden : int, default 32
        Width of the first hidden layer.

    Returns
    -------
    ExactZero or None
        The first exact zero in (image, unit) order, or ``None`` if there is none.

    Examples
    --------
    >>> exact_zero_example("float64", seed=0) is None
    True
    """
    dt = _dtype(dtype)
    n = integer(n, "n")
    hidden = integer(hidden, "hidden")
    seed = random_seed(seed)
    X, _ = synthetic_digits(n, seed=seed)
    (W, b), *_ = init_mlp((X.shape[1], hidden, _N_CLASSES), dt, seed=seed + 10_000)
    xb = X.astype(dt)
    product = matmul_in(xb, W, dt)
    z = product + b
    hits = np.argwhere(z == 0)
    if hits.size == 0:
        return None
    i, j = (int(v) for v in hits[0])
    xs = xb[i].astype(np.float64)
    ws = W[:, j].astype(np.float64)
    terms = [xk * wk for xk, wk in zip(xs, ws) if xk != 0 and wk != 0]  # exact in float64
    partial = matmul_in(xb[i : i + 1, :] * np.tri(xb.shape[1], dtype=dt)[:, :], W[:, j : j + 1], dt)
    largest = float(np.max(np.abs(partial.astype(np.float64))))
    return ExactZero(
        sample=i,
        unit=j,
        nonzero_terms=len(terms),
        largest_partial_sum=largest,
        spacing=float(np.spacing(np.asarray(largest, dtype=dt))),
        product=float(product[i, j]),
        exact_product=math.fsum(terms),
        bias=float(b[j]),
        computed=float(z[i, j]),
        exact=math.fsum(terms + [float(b[j])]),
    )
