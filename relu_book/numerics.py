r"""Finite differences, numerical gradients and gradient checks.

The numeric witness for every derivative in the book: a difference quotient
of the function itself, compared with the derivative we wrote down.

* :func:`finite_difference` -- the elementwise difference quotient of an
  elementwise function (forward, backward or central).
* :func:`default_step` -- the step those quotients use when none is given.
* :func:`numerical_gradient` -- the gradient of a scalar function of an
  array, one entry at a time.
* :func:`gradient_check` / :func:`relative_error` -- compare an analytic
  gradient with the numerical one.

All quotients divide by the step actually taken, ``(x + h) - x`` as rounded
in floating point, not by the requested ``h``; this removes one source of
rounding error and makes the quotients of :func:`~relu_book.activations.relu` exactly
0 or 1 on its linear pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relu_book._validation import as_float_array, choice, function, real_scalar, result

__all__ = [
    "SCHEMES",
    "default_step",
    "finite_difference",
    "numerical_gradient",
    "GradientCheck",
    "gradient_check",
    "relative_error",
]

#: The difference schemes understood by :func:`finite_difference`.
SCHEMES = ("central", "forward", "backward")


# ------------------------------------------------------------------- validation


def _step(h, x: np.ndarray, scheme: str, dtype) -> np.ndarray:
    """Return the step as an array of shape ``x.shape`` and dtype ``dtype``."""
    if h is None:
        return np.broadcast_to(np.asarray(default_step(x, scheme)), x.shape).astype(dtype)
    harr = as_float_array(h, "h")
    if np.isnan(harr).any():
        raise ValueError("h must not be nan")
    if np.isinf(harr).any():
        raise ValueError(f"h must be finite, got {harr[np.isinf(harr)].flat[0]}")
    if (harr <= 0).any():
        raise ValueError(f"h must be positive, got {harr[harr <= 0].flat[0]}")
    try:
        harr = np.broadcast_to(harr, x.shape)
    except ValueError:
        raise ValueError(f"h of shape {harr.shape} does not broadcast to x of shape {x.shape}") from None
    with np.errstate(over="ignore"):
        out = harr.astype(dtype)
    if np.isinf(out).any():  # checked after the cast to x's dtype
        raise ValueError(f"h must be finite in {np.dtype(dtype).name}: {harr.max()} overflows")
    if (out == 0).any():
        raise ValueError(f"h must be representable in {np.dtype(dtype).name}: {harr.min()} rounds to 0")
    return out


def _check_steps_taken(taken: np.ndarray, x: np.ndarray) -> None:
    bad = (taken == 0) & np.isfinite(x)
    if bad.any():
        raise ValueError(
            f"h is too small for x in {x.dtype.name}: x + h rounds to x at "
            f"{int(bad.sum())} of {x.size} entries; pass a larger h"
        )


def _scalar_output(value) -> float:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged sequences
        raise TypeError(f"fun must return a real number, got {type(value).__name__}") from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"fun must return a real number, got {type(value).__name__}")
    if arr.ndim != 0:
        raise ValueError(f"fun must return a scalar, got an array of shape {arr.shape}")
    return float(arr)


# ----------------------------------------------------------- finite differences


def default_step(x, scheme="central"):
    r"""The default step of a difference quotient at each point of ``x``.

    .. math::

        h(x) = \varepsilon^{1/p}\,\max(1, |x|), \qquad
        p = \begin{cases} 2 & \text{forward, backward} \\ 3 & \text{central} \end{cases}

    where :math:`\varepsilon` is the machine epsilon of ``x``'s dtype. The
    choice balances truncation error (:math:`O(h)` one-sided,
    :math:`O(h^2)` central) against rounding error (:math:`O(\varepsilon/h)`),
    so a float32 ``x`` gets a much larger step than a float64 one.

    Parameters
    ----------
    x : array_like
        The points at which the quotient will be taken.
    scheme : {"central", "forward", "backward"}, default "central"
        The difference scheme.

    Returns
    -------
    numpy.ndarray
        Positive steps, same shape and floating dtype as ``x``.

    Examples
    --------
    >>> default_step(np.array([0.0, 100.0]), "forward")
    array([1.49011612e-08, 1.49011612e-06])
    >>> default_step(np.array([0.0], dtype=np.float32))
    array([0.00492157], dtype=float32)
    """
    x = as_float_array(x)
    scheme = choice(scheme, "scheme", SCHEMES)
    eps = np.finfo(x.dtype).eps
    base = np.cbrt(eps) if scheme == "central" else np.sqrt(eps)
    with np.errstate(invalid="ignore"):
        scale = np.maximum(np.abs(x), 1)
    return result((scale * base).astype(x.dtype, copy=False))


def finite_difference(f, x, h=None, scheme="central"):
    r"""Elementwise difference quotient of an elementwise function.

    .. math::

        D^{+}_h f(x) &= \frac{f(x + h) - f(x)}{h}, \qquad
        D^{-}_h f(x) = \frac{f(x) - f(x - h)}{h}, \\
        D^{0}_h f(x) &= \frac{f(x + h) - f(x - h)}{2h}

    for ``scheme`` = ``"forward"``, ``"backward"`` and ``"central"``. The
    denominator is the step actually taken after rounding. One-sided
    quotients have error :math:`O(h)`, the central one :math:`O(h^2)` on
    smooth functions.

    At a kink the quotients do not agree. The forward quotient tends to the
    right-hand slope, the backward one to the left-hand slope, and the
    central quotient returns the *average* of the two one-sided slopes. For
    :func:`~relu_book.activations.relu` at 0 this gives 1, 0 and 1/2 -- none of which
    is the value 0 that autodiff frameworks use there (see the examples).

    Parameters
    ----------
    f : callable
        Vectorised elementwise function: ``f(array)`` returns an array of
        the same shape.
    x : array_like
        Points at which to differentiate.
    h : float or array_like, optional
        Positive finite step(s), broadcastable to ``x``. Default:
        :func:`default_step` for ``x`` and ``scheme``.
    scheme : {"central", "forward", "backward"}, default "central"
        The difference scheme.

    Returns
    -------
    numpy.ndarray
        The quotients, same shape and floating dtype as ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` or ``h`` is not real.
    ValueError
        If ``scheme`` is unknown, ``h`` is not positive and finite or does
        not broadcast to ``x``, ``h`` is too small to change ``x``, or ``f``
        does not return an array shaped like ``x``.

    Examples
    --------
    >>> from relu_book import relu
    >>> x = [-1.0, 0.0, 2.0]
    >>> finite_difference(relu, x, scheme="forward")
    array([0., 1., 1.])
    >>> finite_difference(relu, x, scheme="backward")
    array([0., 0., 1.])
    >>> finite_difference(relu, x)
    array([0. , 0.5, 1. ])
    """
    function(f, "f")
    scheme = choice(scheme, "scheme", SCHEMES)
    x = as_float_array(x)
    step = _step(h, x, scheme, x.dtype)

    def call(points):
        # f gets a copy: the forward and backward schemes would otherwise hand
        # the caller's x itself to f, which could modify it in place.
        points = points.copy()
        try:
            value = f(points)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"f must be a vectorised function of an array (f(x) for x of shape {x.shape}); "
                f"calling it raised {type(exc).__name__}: {exc}"
            ) from exc
        value = as_float_array(value, "the value of f")
        if value.shape != x.shape:
            raise ValueError(
                f"f must be elementwise: it returned shape {value.shape} for x of shape {x.shape}"
            )
        return value

    with np.errstate(invalid="ignore"):
        if scheme == "forward":
            hi, lo = x + step, x
        elif scheme == "backward":
            hi, lo = x, x - step
        else:
            hi, lo = x + step, x - step
        taken = hi - lo
        _check_steps_taken(taken, x)
        quotient = (call(hi) - call(lo)) / taken
    return result(quotient.astype(x.dtype, copy=False))


# ----------------------------------------------------------------- gradients


def _numerical_gradient64(fun, x: np.ndarray, h, scheme: str) -> np.ndarray:
    """Float64 gradient of ``fun`` at ``x``; never hands ``x`` itself to ``fun``."""
    base = x.astype(np.float64, copy=True)
    # The step is chosen for x's own dtype: a float32 x usually means fun
    # computes in float32, where the float64 step would drown in rounding.
    step = _step(h, x, scheme, x.dtype).astype(np.float64).ravel()
    flat = base.ravel()
    grad = np.empty(flat.shape, dtype=np.float64)
    if flat.size:
        f0 = None if scheme == "central" else _scalar_output(fun(base.copy()))
    for i in range(flat.size):
        xi = flat[i]
        hi = xi + step[i] if scheme != "backward" else xi
        lo = xi - step[i] if scheme != "forward" else xi
        if np.isfinite(xi) and hi == lo:
            raise ValueError(
                f"h is too small for x: x + h rounds to x at entry {np.unravel_index(i, x.shape)}; pass a larger h"
            )
        values = []
        for point in (hi, lo):
            if point == xi and f0 is not None:
                values.append(f0)
                continue
            xp = base.copy()
            xp.flat[i] = point
            values.append(_scalar_output(fun(xp)))
        with np.errstate(invalid="ignore"):
            grad[i] = (values[0] - values[1]) / (hi - lo)
    return grad.reshape(x.shape)


def numerical_gradient(fun, x, h=None, scheme="central"):
    r"""Gradient of a scalar function of an array, by finite differences.

    Entry :math:`i` is a difference quotient along the unit vector
    :math:`e_i`; for the central scheme

    .. math::

        \frac{\partial F}{\partial x_i}(x) \approx
        \frac{F(x + h_i e_i) - F(x - h_i e_i)}{2 h_i}.

    The perturbed points are float64 copies of ``x``; ``fun`` never sees (and
    so never mutates) the caller's array. At a kink of ``F`` along
    :math:`e_i` the central quotient returns the average of the one-sided
    slopes, as in :func:`finite_difference`.

    Parameters
    ----------
    fun : callable
        ``fun(array)`` returns a real scalar; the array has the shape of ``x``.
    x : array_like
        The point, of any shape.
    h : float or array_like, optional
        Positive finite step(s), broadcastable to ``x``. Default:
        :func:`default_step` for ``x``'s dtype (so a float32 ``x`` gets the
        larger float32 step even though the arithmetic is done in float64).
    scheme : {"central", "forward", "backward"}, default "central"
        The difference scheme; forward and backward cost ``n + 1`` calls of
        ``fun`` instead of ``2n``.

    Returns
    -------
    numpy.ndarray
        The gradient, same shape and floating dtype as ``x``.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> numerical_gradient(lambda x: 0.5 * np.sum((A @ x) ** 2), [1.0, 0.0])
    array([10., 14.])
    """
    function(fun, "fun")
    scheme = choice(scheme, "scheme", SCHEMES)
    x = as_float_array(x)
    return result(_numerical_gradient64(fun, x, h, scheme).astype(x.dtype, copy=False))


# ------------------------------------------------------------ gradient checks


def _relative_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.finfo(np.float64).tiny)
        return np.abs(a - b) / scale


def _as_pair(a, b, names=("a", "b")):
    a = as_float_array(a, names[0]).astype(np.float64)
    b = as_float_array(b, names[1]).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}")
    return a, b


def _max(errors: np.ndarray) -> float:
    return float(np.max(errors)) if errors.size else 0.0


def relative_error(a, b) -> float:
    r"""Largest entrywise relative difference of two arrays.

    .. math::

        \max_i \frac{|a_i - b_i|}{\max(|a_i|, |b_i|, \tau)}

    with :math:`\tau` the smallest positive normal float64, so that two
    zeros have relative error 0 and the result lies in :math:`[0, 2]`. NaN in
    either array gives NaN. Symmetric in ``a`` and ``b``.

    Parameters
    ----------
    a, b : array_like
        Arrays of the same shape.

    Returns
    -------
    float
        The largest relative error (0.0 for empty arrays).

    Examples
    --------
    >>> relative_error([1.0, 0.0, -2.0], [1.0, 0.0, -1.0])
    0.5
    """
    a, b = _as_pair(a, b)
    return _max(_relative_errors(a, b))


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """The outcome of :func:`gradient_check`.

    Attributes
    ----------
    max_rel_error : float
        Largest entrywise relative error (see :func:`relative_error`).
    max_abs_error : float
        Largest entrywise absolute error.
    numeric : numpy.ndarray
        The central-difference gradient (float64, read-only).
    analytic : numpy.ndarray
        The gradient being checked (float64, read-only).
    """

    max_rel_error: float
    max_abs_error: float
    numeric: np.ndarray
    analytic: np.ndarray

    def passed(self, tol: float = 1e-6, atol: float = 0.0) -> bool:
        """Whether every entry agrees within relative ``tol`` or absolute ``atol``.

        ``atol`` forgives entries whose true value is 0 but whose numerical
        estimate is rounding noise (relative error 1 there).
        """
        tol = real_scalar(tol, "tol", low=0.0)
        atol = real_scalar(atol, "atol", low=0.0)
        rel = _relative_errors(self.analytic, self.numeric)
        absolute = np.abs(self.analytic - self.numeric)
        return bool(np.all((rel <= tol) | (absolute <= atol)))

    def __str__(self) -> str:
        return (
            f"gradient check: max relative error {self.max_rel_error:.2e}, "
            f"max absolute error {self.max_abs_error:.2e} over {self.numeric.size} entries"
        )


def gradient_check(fun, grad, x, h=None) -> GradientCheck:
    r"""Compare a gradient with central differences of the function.

    Computes :math:`g^{\text{num}}` = :func:`numerical_gradient` of ``fun``
    at ``x`` (central scheme) and reports, entrywise,

    .. math::

        \frac{|g_i - g^{\text{num}}_i|}{\max(|g_i|, |g^{\text{num}}_i|, \tau)}
        \quad\text{and}\quad |g_i - g^{\text{num}}_i|.

    Away from kinks a correct gradient gives relative errors around
    :math:`10^{-9}` or below in float64; a wrong one gives errors of order 1.
    At a kink the central quotient is the average of the one-sided slopes and
    need not match the convention of the analytic gradient: check away from
    kinks.

    Parameters
    ----------
    fun : callable
        ``fun(array)`` returns a real scalar.
    grad : callable or array_like
        Either the analytic gradient already evaluated at ``x`` (an array
        shaped like ``x``), or a callable ``grad(array)`` returning it.
    x : array_like
        The point; not modified.
    h : float or array_like, optional
        Step(s) for :func:`numerical_gradient`.

    Returns
    -------
    GradientCheck
        Maximum relative and absolute errors, the numeric and analytic
        gradients, and a :meth:`GradientCheck.passed` test.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> b = np.array([1.0, -1.0])
    >>> fun = lambda x: 0.5 * np.sum((A @ x - b) ** 2)
    >>> grad = lambda x: A.T @ (A @ x - b)
    >>> gradient_check(fun, grad, [0.5, -0.25]).passed()
    True
    >>> wrong = gradient_check(fun, lambda x: 2 * grad(x), [0.5, -0.25])
    >>> wrong.passed(), round(wrong.max_rel_error, 6)
    (False, 0.5)
    """
    function(fun, "fun")
    x = as_float_array(x)
    numeric = _numerical_gradient64(fun, x, h, "central")
    analytic = grad(x.copy()) if callable(grad) else grad
    analytic = as_float_array(analytic, "grad").astype(np.float64)  # always a new array
    if analytic.shape != x.shape:
        raise ValueError(f"grad must be shaped like x {x.shape}, got shape {analytic.shape}")
    analytic.setflags(write=False)
    numeric.setflags(write=False)
    with np.errstate(invalid="ignore"):
        abs_err = np.abs(analytic - numeric)
    return GradientCheck(
        max_rel_error=_max(_relative_errors(analytic, numeric)),
        max_abs_error=_max(abs_err),
        numeric=numeric,
        analytic=analytic,
    )
