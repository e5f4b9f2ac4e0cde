r"""Polynomial approximations of ReLU on an interval :math:`[-a, a]`.

A polynomial can be evaluated with additions and multiplications only, which
is all that homomorphic encryption allows (Hesamifard et al. 2017). Three
constructions of a degree-:math:`d` polynomial close to :math:`\relu` are
provided:

* :func:`relu_least_squares`: the least-squares (:math:`L^2`) fit of relu
  itself, the orthogonal projection onto the Legendre polynomials;
* :func:`relu_from_step`: the least-squares fit of the *derivative*, the step
  :math:`H(x)`, of degree :math:`d - 1`, integrated once; the integration
  constant is chosen by ``constant``;
* :func:`relu_chebyshev`: interpolation at the :math:`d + 1` Chebyshev points.

They are compared with :func:`max_error` and :func:`l2_error`, and tabulated
by :func:`error_table`. :func:`exact_least_squares`, :func:`exact_l2_error`
and :func:`exact_max_error` do the same computations in exact arithmetic with
sympy, for low degrees.

Dtype behaviour: the fits are computed in float64 and returned as
:mod:`numpy.polynomial` series (:class:`~numpy.polynomial.legendre.Legendre`
or :class:`~numpy.polynomial.chebyshev.Chebyshev`, with ``domain=[-a, a]``)
with float64 coefficients. Calling a series on a float32 array returns
float64, as numpy does; :func:`evaluate` returns the dtype of its input. The
error measures return Python floats.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy
from numpy.polynomial import Chebyshev, Legendre

from relu_book._blas import one_blas_thread
from relu_book._validation import (
    as_float_array,
    choice,
    function,
    integer,
    real_scalar,
    result,
    sequence,
    sympy_expr,
    sympy_symbol,
)

__all__ = [
    "least_squares_fit",
    "step_least_squares",
    "relu_least_squares",
    "relu_from_step",
    "relu_chebyshev",
    "relu_minimax",
    "error_extrema",
    "BERNSTEIN_CONSTANT",
    "bernstein_asymptote",
    "evaluate",
    "max_error",
    "l2_error",
    "error_table",
    "APPROXIMATIONS",
    "exact_least_squares",
    "exact_l2_error",
    "exact_max_error",
    "exact_minimax",
]

_CONSTANTS = ("zero", "l2", "max")


# ----------------------------------------------------------------- validation


def _half_width(a) -> float:
    return real_scalar(a, "a", low=0.0, low_inclusive=False)


def _breakpoints(breakpoints, a: float) -> list[float]:
    if isinstance(breakpoints, (str, bytes)) or not hasattr(breakpoints, "__iter__"):
        raise TypeError(f"breakpoints must be a sequence of real numbers, got {type(breakpoints).__name__}")
    values = [real_scalar(b, "breakpoints") for b in breakpoints]
    return sorted({b for b in values if -a < b < a})


def _series(p, name: str = "p"):
    if not isinstance(p, (Legendre, Chebyshev, np.polynomial.Polynomial)):
        raise TypeError(
            f"{name} must be a numpy.polynomial series (Legendre, Chebyshev or Polynomial), got {type(p).__name__}"
        )
    return p


@one_blas_thread()  # as _error_extremes
def _gauss_pieces(a: float, breakpoints: list[float], nodes: int):
    """Gauss--Legendre nodes and weights on each piece of [-a, a] cut at ``breakpoints``."""
    t, w = np.polynomial.legendre.leggauss(nodes)
    edges = [-a, *breakpoints, a]
    xs, ws = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        half = (hi - lo) / 2
        xs.append(lo + half * (t + 1))
        ws.append(half * w)
    return np.concatenate(xs), np.concatenate(ws)


# ----------------------------------------------------------------- the fits


def least_squares_fit(f, degree, a=1.0, *, breakpoints=(0.0,), nodes=None):
    r"""The least-squares polynomial of degree at most ``degree`` to ``f`` on :math:`[-a, a]`.

    .. math::

        p &= \operatorname*{arg\,min}_{\deg p \le d} \int_{-a}^{a} \bigl(f(x) - p(x)\bigr)^2 \, dx
          = \sum_{k=0}^{d} c_k P_k(x/a), \\
        c_k &= \frac{2k + 1}{2a} \int_{-a}^{a} f(x)\, P_k(x/a)\, dx

    with :math:`P_k` the Legendre polynomials (orthogonal on :math:`[-1, 1]`).
    The integrals are computed by Gauss--Legendre quadrature on each piece
    between the ``breakpoints`` (where ``f`` has a kink or a jump), so they
    are exact when ``f`` is a polynomial of degree at most ``2 nodes - 1 - d``
    on each piece (relu and the step are). The value of ``f`` at a breakpoint
    is never used.

    Parameters
    ----------
    f : callable
        Vectorised function of a float64 array.
    degree : int
        Largest degree :math:`d \ge 0`.
    a : float, default 1.0
        Half-width of the interval, :math:`a > 0`.
    breakpoints : sequence of float, default (0.0,)
        Points where ``f`` is not smooth; those outside :math:`(-a, a)` are ignored.
    nodes : int, optional
        Quadrature nodes per piece; default ``degree + 32``.

    Returns
    -------
    numpy.polynomial.legendre.Legendre
        The fit, with ``domain=[-a, a]`` and float64 coefficients.

    Examples
    --------
    >>> p = least_squares_fit(lambda x: np.where(x > 0, 1.0, 0.0), 2)
    >>> np.round(p.convert(kind=np.polynomial.Polynomial).coef, 12) + 0.0
    array([0.5 , 0.75, 0.  ])
    """
    function(f, "f")
    d = integer(degree, "degree", low=0)
    half = _half_width(a)
    cuts = _breakpoints(breakpoints, half)
    n = d + 32 if nodes is None else integer(nodes, "nodes", low=1)
    x, w = _gauss_pieces(half, cuts, n)
    fx = np.asarray(f(x), dtype=np.float64)
    if fx.shape != x.shape:
        raise ValueError(f"f must be elementwise: it returned shape {fx.shape} for x of shape {x.shape}")
    vander = np.polynomial.legendre.legvander(x / half, d)  # P_k(x / a), one column per k
    k = np.arange(d + 1)
    coef = (2 * k + 1) / (2 * half) * (vander.T @ (w * fx))
    return Legendre(coef, domain=[-half, half])


def _step(x):
    return np.where(x > 0, 1.0, 0.0)


def _relu(x):
    return np.maximum(x, 0.0)


def step_least_squares(degree, a=1.0):
    r"""The least-squares fit of the Heaviside step :math:`H` (the derivative of relu) on :math:`[-a, a]`.

    .. math::

        s_d = \operatorname*{arg\,min}_{\deg s \le d} \int_{-a}^{a} \bigl(H(x) - s(x)\bigr)^2 \, dx

    The value :math:`H(0)` does not matter (a single point has no weight).
    Because :math:`H - \tfrac12` is odd, :math:`s_d` has no even terms beyond
    the constant :math:`\tfrac12`, so :math:`s_{2k} = s_{2k-1}`; for example
    :math:`s_2(x) = \tfrac12 + \tfrac34 x` on :math:`[-1, 1]`. Near the jump
    :math:`s_d` overshoots (the Gibbs phenomenon), whatever the degree.

    Parameters
    ----------
    degree : int
        Largest degree :math:`d \ge 0`.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    numpy.polynomial.legendre.Legendre
        With ``domain=[-a, a]``.

    Examples
    --------
    >>> s = step_least_squares(2)
    >>> s(np.array([-1.0, 0.0, 1.0]))
    array([-0.25,  0.5 ,  1.25])
    """
    d = integer(degree, "degree", low=0)
    return least_squares_fit(_step, d, a, breakpoints=(0.0,), nodes=d // 2 + 2)


def relu_least_squares(degree, a=1.0):
    r"""The least-squares fit of :math:`\relu` itself on :math:`[-a, a]`.

    .. math::

        p_d = \operatorname*{arg\,min}_{\deg p \le d} \int_{-a}^{a} \bigl(\relu(x) - p(x)\bigr)^2 \, dx

    Parameters
    ----------
    degree : int
        Largest degree :math:`d \ge 0`.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    numpy.polynomial.legendre.Legendre
        With ``domain=[-a, a]``.

    Examples
    --------
    >>> p = relu_least_squares(2)
    >>> p.convert(kind=np.polynomial.Polynomial).coef * 32
    array([ 3., 16., 15.])
    """
    d = integer(degree, "degree", low=0)
    return least_squares_fit(_relu, d, a, breakpoints=(0.0,), nodes=d // 2 + 2)


@one_blas_thread()  # eigenvalues of small companion matrices: threads would spin between them
def _error_extremes(p, a: float) -> tuple[float, float]:
    """Smallest and largest value of ``p - relu`` on [-a, a]."""
    # p - relu is a polynomial on each side of 0: its extremes are at -a, 0, a
    # or where its derivative vanishes (p' = 0 on the left, p' = 1 on the right).
    candidates = [np.array([-a, 0.0, a]), np.linspace(-a, a, 2001)]
    dp = p.deriv()
    for target, lo, hi in ((0.0, -a, 0.0), (1.0, 0.0, a)):
        if dp.degree() >= 1:
            roots = (dp - target).roots()
            real = roots.real[np.abs(roots.imag) <= 1e-9 * a]
            candidates.append(real[(real > lo) & (real < hi)])
    x = np.concatenate(candidates)
    err = p(x) - np.maximum(x, 0.0)
    return float(err.min()), float(err.max())


def relu_from_step(degree, a=1.0, constant="zero"):
    r"""Approximate relu by integrating the least-squares fit of its derivative.

    .. math::

        q_d(x) = c + \int_0^x s_{d-1}(t)\, dt

    where :math:`s_{d-1}` is :func:`step_least_squares` of degree
    :math:`d - 1`, so that :math:`q_d` has degree :math:`d` and
    :math:`q_d' = s_{d-1}` approximates :math:`\relu' = H`. The integration
    constant :math:`c` is chosen by ``constant``:

    * ``"zero"``: :math:`c = 0`, so :math:`q_d(0) = \relu(0) = 0`;
    * ``"l2"``: the :math:`c` that minimises :math:`\int_{-a}^{a} (q_d - \relu)^2`,
      the mean of :math:`\relu - \int_0^x s_{d-1}` over :math:`[-a, a]`;
    * ``"max"``: the :math:`c` that minimises :math:`\max |q_d - \relu|`, the
      midpoint between the smallest and largest value of
      :math:`\relu - \int_0^x s_{d-1}`.

    Parameters
    ----------
    degree : int
        Degree :math:`d \ge 1` of the result.
    a : float, default 1.0
        Half-width :math:`a > 0`.
    constant : {"zero", "l2", "max"}
        How to choose the integration constant.

    Returns
    -------
    numpy.polynomial.legendre.Legendre
        With ``domain=[-a, a]``.

    Examples
    --------
    >>> q = relu_from_step(2)
    >>> q.convert(kind=np.polynomial.Polynomial).coef * 8
    array([0., 4., 3.])
    """
    d = integer(degree, "degree", low=1)
    half = _half_width(a)
    choice(constant, "constant", _CONSTANTS)
    q = step_least_squares(d - 1, half).integ(lbnd=0.0)  # q(0) = 0
    if constant == "l2":
        # mean of relu - q over [-a, a]: (a^2 / 2 - int q) / (2a); int q = 2a * (Legendre coefficient 0)
        c = (half * half / 2) / (2 * half) - q.coef[0]
        q = q + c
    elif constant == "max":
        low, high = _error_extremes(q, half)
        q = q - (low + high) / 2
    return q


def relu_chebyshev(degree, a=1.0):
    r"""Interpolate relu at the :math:`d + 1` Chebyshev points of :math:`[-a, a]`.

    .. math::

        p(x_j) = \relu(x_j), \qquad
        x_j = a \cos\frac{(2j + 1)\pi}{2(d + 1)}, \quad j = 0, \dots, d

    (Chebyshev points of the first kind, as
    ``numpy.polynomial.Chebyshev.interpolate`` uses.)

    Parameters
    ----------
    degree : int
        Degree :math:`d \ge 0`.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    numpy.polynomial.chebyshev.Chebyshev
        With ``domain=[-a, a]``.

    Examples
    --------
    >>> p = relu_chebyshev(1)  # the line through (-0.7071, 0) and (0.7071, 0.7071)
    >>> np.round(p(np.array([-1.0, 0.0, 1.0])), 6)
    array([-0.146447,  0.353553,  0.853553])
    """
    d = integer(degree, "degree", low=0)
    half = _half_width(a)
    return Chebyshev.interpolate(_relu, d, domain=[-half, half])


# ------------------------------------------------------------------ minimax

#: Bernstein's constant :math:`\beta = \lim_{n\to\infty} 2n\,E_{2n}(|x|)`, as computed by
#: Varga and Carpenter (1987) (OEIS A073001), to double precision.
BERNSTEIN_CONSTANT = 0.28016949902386913


@one_blas_thread()  # as _error_extremes
def _error_candidates(p, a: float, grid: int = 0) -> np.ndarray:
    """Sorted points of [-a, a] where ``relu - p`` can have a local extremum.

    ``relu - p`` is a polynomial on each side of the kink, so its local
    extrema sit at the end points, at the kink 0, at the real roots of ``p'``
    in (-a, 0) and at those of ``p' - 1`` in (0, a). A uniform grid of
    ``grid`` points can be added as a safeguard.
    """
    parts = [np.array([-a, 0.0, a])]
    if grid:
        parts.append(np.linspace(-a, a, grid))
    dp = p.deriv()
    for target, lo, hi in ((0.0, -a, 0.0), (1.0, 0.0, a)):
        if dp.degree() >= 1:
            roots = (dp - target).roots()
            real = roots.real[np.abs(roots.imag) <= 1e-9 * a]
            parts.append(real[(real > lo) & (real < hi)])
    return np.unique(np.concatenate(parts))


def error_extrema(p, a=1.0):
    r"""The alternating extrema of the error :math:`e = \relu - p` on :math:`[-a, a]`.

    .. math::

        e(x) = \relu(x) - p(x), \qquad
        x_1 < x_2 < \dots < x_m, \quad
        \operatorname{sign} e(x_{i+1}) = -\operatorname{sign} e(x_i)

    The candidates (end points, the kink, the critical points on each side)
    are sorted; each run of consecutive candidates where :math:`e` has the
    same sign is replaced by the one where :math:`|e|` is largest. By
    Chebyshev's equioscillation theorem, ``p`` of degree :math:`d` is the
    best uniform approximation exactly when :math:`d + 2` of these points
    have :math:`|e(x_i)| = \max |e|`.

    Parameters
    ----------
    p : numpy.polynomial series
        The approximation.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    x, e : numpy.ndarray
        The points (increasing) and the signed errors :math:`e(x_i)` there.

    Examples
    --------
    >>> x, e = error_extrema(relu_minimax(1))  # x/2 + 1/4: error +-1/4 at -1, 0, 1
    >>> np.round(x, 12) + 0.0, np.round(e, 12) + 0.0
    (array([-1.,  0.,  1.]), array([ 0.25, -0.25,  0.25]))
    """
    p = _series(p)
    half = _half_width(a)
    x = _error_candidates(p, half, grid=201)
    e = np.maximum(x, 0.0) - p(x)
    keep_x, keep_e = [x[0]], [e[0]]
    for xi, ei in zip(x[1:], e[1:]):
        if np.sign(ei) == np.sign(keep_e[-1]) or ei == 0.0:
            if abs(ei) > abs(keep_e[-1]):
                keep_x[-1], keep_e[-1] = xi, ei
        else:
            keep_x.append(xi)
            keep_e.append(ei)
    return np.array(keep_x), np.array(keep_e)


def relu_minimax(degree, a=1.0, *, tol=1e-12, max_iter=60):
    r"""The best uniform (minimax) polynomial approximation of relu on :math:`[-a, a]`, by Remez exchange.

    .. math::

        p^*_d = \operatorname*{arg\,min}_{\deg p \le d}\ \max_{|x| \le a} |\relu(x) - p(x)|,
        \qquad E_d = \max_{|x| \le a} |\relu(x) - p^*_d(x)|

    Remez's algorithm: start from the :math:`d + 2` Chebyshev extreme points
    :math:`x_i`; solve the linear system
    :math:`p(x_i) + (-1)^i E = \relu(x_i)` for the coefficients of :math:`p`
    (in the Chebyshev basis of :math:`[-a, a]`) and the levelled error
    :math:`E`; replace the points by :func:`error_extrema` of the new error
    (keeping the largest, :math:`d + 2` alternating points); repeat until
    :math:`\max|e| - |E| \le \text{tol} \cdot \max|e|`. At the end the error
    equioscillates at :math:`d + 2` points, which by Chebyshev's theorem makes
    :math:`p` the unique best approximation. The value :math:`\relu(0) = 0`
    is used at the kink (relu is continuous, so no convention is involved).

    Because :math:`\relu(x) = x/2 + |x|/2` and :math:`|x|` is even, the best
    approximation of degree :math:`2m + 1` is the one of degree :math:`2m`
    (its coefficient of :math:`x^{2m+1}` comes out at rounding level), and
    :math:`E_d(\relu) = E_d(|x|)/2` for :math:`d \ge 1`.

    Parameters
    ----------
    degree : int
        Degree :math:`d \ge 0`.
    a : float, default 1.0
        Half-width :math:`a > 0`.
    tol : float, default 1e-12
        Relative gap between the largest error and the levelled error at which to stop.
    max_iter : int, default 60
        Largest number of exchanges; more raises ``RuntimeError``.

    Returns
    -------
    numpy.polynomial.chebyshev.Chebyshev
        With ``domain=[-a, a]`` and float64 coefficients.

    Examples
    --------
    >>> p = relu_minimax(2)  # 1/16 + x/2 + x^2/2, error 1/16
    >>> np.round(p.convert(kind=np.polynomial.Polynomial).coef, 12) + 0.0
    array([0.0625, 0.5   , 0.5   ])
    >>> round(max_error(p), 12)
    0.0625
    """
    d = integer(degree, "degree", low=0)
    half = _half_width(a)
    tol = real_scalar(tol, "tol", low=0.0, low_inclusive=False)
    max_iter = integer(max_iter, "max_iter", low=1)
    # An even degree d >= 2 is solved as d + 1: the best approximations coincide,
    # and the odd number of reference points, symmetric about the kink, avoids
    # the degenerate first step (levelled error 0) of an even number of them.
    m = d + 1 if d >= 2 and d % 2 == 0 else d
    n = m + 2
    ref = -half * np.cos(np.pi * np.arange(n) / (n - 1))  # Chebyshev extreme points, increasing
    signs = (-1.0) ** np.arange(n)
    for _ in range(max_iter):
        system = np.column_stack([np.polynomial.chebyshev.chebvander(ref / half, m), signs])
        solution = np.linalg.solve(system, np.maximum(ref, 0.0))
        p = Chebyshev(solution[:-1], domain=[-half, half])
        level = abs(solution[-1])
        x, e = error_extrema(p, half)
        largest = float(np.max(np.abs(e)))
        if largest - level <= tol * largest:
            return Chebyshev(p.coef[: d + 1], domain=[-half, half])  # drops a rounding-level T_{d+1} term
        while len(x) > n:  # drop the smaller end until d + 2 alternating points remain
            if abs(e[0]) < abs(e[-1]):
                x, e = x[1:], e[1:]
            else:
                x, e = x[:-1], e[:-1]
        if len(x) < n:  # pragma: no cover - the error alternates at the n reference points
            raise RuntimeError(f"Remez exchange lost the alternation at degree {m}")
        ref = x
    raise RuntimeError(f"Remez exchange did not converge in {max_iter} iterations at degree {d} (tol={tol})")


def bernstein_asymptote(degree, a=1.0):
    r"""Bernstein's asymptotic minimax error for relu: :math:`a\beta/(2d)`.

    .. math::

        E_d(\relu; [-a, a]) = \frac{a}{2} E_d(|x|; [-1, 1])
        \sim \frac{a\beta}{2d}, \qquad \beta = 0.2801694990\ldots

    Bernstein (1914) proved that :math:`2n E_{2n}(|x|) \to \beta` on
    :math:`[-1, 1]`; Varga and Carpenter (1987) computed :math:`\beta`. Since
    :math:`\relu(x) = x/2 + |x|/2`, the minimax error of relu is half that of
    :math:`|x|`, and it scales with :math:`a` by positive homogeneity. The
    asymptote is for even :math:`d`; for odd :math:`d = 2m + 1` the error is
    that of degree :math:`2m`.

    Parameters
    ----------
    degree : int or array_like of int
        Degrees :math:`d \ge 1`.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    float or numpy.ndarray
        :math:`a\beta/(2d)`, float64.

    Examples
    --------
    >>> bernstein_asymptote(np.array([10, 20]))
    array([0.01400847, 0.00700424])
    """
    half = _half_width(a)
    d = np.asarray(degree)
    if d.dtype.kind not in "iu":
        raise TypeError(f"degree must be an integer or an array of integers, got dtype {d.dtype}")
    if np.any(d < 1):
        raise ValueError(f"degree must be >= 1, got {d.min()}")
    return result(half * BERNSTEIN_CONSTANT / (2.0 * d.astype(np.float64)))


#: Name -> constructor ``(degree, a) -> series`` of the ReLU approximations compared in chapters 7 and 8.
APPROXIMATIONS = {
    "least squares": relu_least_squares,
    "integrated step": relu_from_step,
    "integrated step, L2 constant": lambda degree, a=1.0: relu_from_step(degree, a, constant="l2"),
    "Chebyshev": relu_chebyshev,
    "minimax": relu_minimax,
}


# ------------------------------------------------------------ error measures


def evaluate(p, x):
    r"""Evaluate the series ``p`` at ``x``, returning the dtype of ``x``.

    .. math::

        p(x) = \sum_k c_k\, T_k\!\left(\tfrac{x}{a}\right)

    in the basis :math:`T_k` of the series. The computation is in float64
    (the coefficients' dtype) and the result is cast back to the input's
    floating dtype.

    Parameters
    ----------
    p : numpy.polynomial series
        A ``Legendre``, ``Chebyshev`` or ``Polynomial``.
    x : array_like
        Points.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``x``.

    Examples
    --------
    >>> evaluate(relu_least_squares(2), np.array([0.0, 1.0], dtype=np.float32))
    array([0.09375, 1.0625 ], dtype=float32)
    """
    p = _series(p)
    x = as_float_array(x)
    return result(np.asarray(p(x.astype(np.float64))).astype(x.dtype))


def max_error(p, a=1.0):
    r"""The largest error :math:`\max_{|x| \le a} |p(x) - \relu(x)|`.

    .. math::

        \|p - \relu\|_\infty = \max_{-a \le x \le a} |p(x) - \relu(x)|

    Computed from the candidates where the maximum can sit: :math:`\pm a`,
    the kink 0, the real roots of :math:`p'` in :math:`(-a, 0)` and of
    :math:`p' - 1` in :math:`(0, a)` (plus a grid of 2001 points as a
    safeguard), in float64.

    Parameters
    ----------
    p : numpy.polynomial series
        The approximation.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(max_error(relu_least_squares(2)), 12)  # 3/32, at x = 0
    0.09375
    """
    p = _series(p)
    low, high = _error_extremes(p, _half_width(a))
    return max(-low, high)


def l2_error(p, a=1.0):
    r"""The :math:`L^2` error :math:`\bigl(\int_{-a}^{a} (p - \relu)^2 dx\bigr)^{1/2}`.

    .. math::

        \|p - \relu\|_2 = \left( \int_{-a}^{a} \bigl(p(x) - \relu(x)\bigr)^2 \, dx \right)^{1/2}

    Not divided by the length :math:`2a` of the interval. The integral is
    computed by Gauss--Legendre quadrature on :math:`[-a, 0]` and
    :math:`[0, a]` with enough nodes to be exact for a polynomial ``p``.

    Parameters
    ----------
    p : numpy.polynomial series
        The approximation.
    a : float, default 1.0
        Half-width :math:`a > 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> # x/2 + 1/4 has squared L2 error 1/24
    >>> round(l2_error(relu_from_step(1, constant="l2")) ** 2 * 24, 10)
    1.0
    """
    p = _series(p)
    half = _half_width(a)
    x, w = _gauss_pieces(half, [0.0], p.degree() + 2)
    err = p(x) - np.maximum(x, 0.0)
    return float(np.sqrt(np.sum(w * err * err)))


def error_table(degrees, half_widths=(1.0,), methods=None):
    r"""Max and :math:`L^2` errors of each approximation, by degree and interval.

    .. math::

        \bigl(d, a, \text{method}\bigr) \mapsto
        \bigl(\|p - \relu\|_\infty,\ \|p - \relu\|_2\bigr) \text{ on } [-a, a]

    Parameters
    ----------
    degrees : sequence of int
        Degrees :math:`d \ge 1`.
    half_widths : sequence of float, default (1.0,)
        Half-widths :math:`a > 0`.
    methods : sequence of str, optional
        Keys of :data:`APPROXIMATIONS`; default all of them.

    Returns
    -------
    list of dict
        One row per (method, degree, a) with keys ``"method"``, ``"degree"``,
        ``"a"``, ``"max error"``, ``"L2 error"``.

    Examples
    --------
    >>> rows = error_table([2], methods=["least squares"])
    >>> rows[0]["degree"], round(rows[0]["max error"], 6)
    (2, 0.09375)
    """
    keys = tuple(APPROXIMATIONS)
    methods = list(keys) if methods is None else sequence(methods, "methods", lambda m, n: choice(m, n, keys))
    degrees = sequence(degrees, "degrees", lambda d, n: integer(d, n, low=1))
    half_widths = sequence(half_widths, "half_widths", lambda a, n: real_scalar(a, n, low=0.0, low_inclusive=False))
    rows = []
    for m in methods:
        for a in half_widths:
            for d in degrees:
                p = APPROXIMATIONS[m](d, a)
                rows.append(
                    {"method": m, "degree": d, "a": a, "max error": max_error(p, a), "L2 error": l2_error(p, a)}
                )
    return rows


# ------------------------------------------------------------------ exact (sympy)


def _sympy_half_width(a) -> sympy.Expr:
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"a must be a positive number, got {type(a).__name__}")
    if isinstance(a, float):
        a = sympy.Rational(a)
    try:
        a = sympy.sympify(a, strict=True)
    except (sympy.SympifyError, TypeError):
        raise TypeError(f"a must be a positive number, got {type(a).__name__}") from None
    if not (isinstance(a, sympy.Expr) and a.is_number and a.is_positive):
        raise ValueError(f"a must be a positive number, got {a}")
    return a


def _sympy_expr(expr, x, name: str = "expr"):
    """A sympy expression of the symbol ``x`` and of nothing else."""
    x = sympy_symbol(x, "x")
    expr = sympy_expr(expr, name)
    extra = expr.free_symbols - {x}
    if extra:
        raise ValueError(f"{name} must depend on x only, got free symbols {sorted(map(str, extra))}")
    return expr


def exact_least_squares(expr, x, degree, a=1):
    r"""The least-squares polynomial fit of ``expr`` on :math:`[-a, a]`, in exact arithmetic.

    .. math::

        p(x) = \sum_{k=0}^{d} \frac{2k + 1}{2a} \left( \int_{-a}^{a} f(t) P_k(t/a)\, dt \right) P_k(x/a)

    Each integral is done by :func:`sympy.integrate` after rewriting ``Max``,
    ``Min``, ``Abs`` and ``Heaviside`` as ``Piecewise``. Use it for low
    degrees; :func:`least_squares_fit` is the numeric counterpart.

    Parameters
    ----------
    expr : sympy.Expr
        The function of ``x``, e.g. ``sympy.Heaviside(x)`` or ``sympy.Max(0, x)``.
    x : sympy.Symbol
        The variable.
    degree : int
        Largest degree :math:`d \ge 0`.
    a : int, Rational or float, default 1
        Half-width :math:`a > 0` (floats are converted exactly).

    Returns
    -------
    sympy.Expr
        The polynomial, expanded.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_least_squares(sympy.Heaviside(x), x, 2)
    3*x/4 + 1/2
    """
    expr = _sympy_expr(expr, x)
    d = integer(degree, "degree", low=0)
    half = _sympy_half_width(a)
    f = expr.subs(x, _T).rewrite(sympy.Piecewise)
    total = sympy.Integer(0)
    for k in range(d + 1):
        ck = sympy.Rational(2 * k + 1, 2) / half * _legendre_moment(f, k, half)
        total += ck * sympy.legendre(k, x / half)
    return sympy.expand(total)


#: The variable of :func:`_legendre_moment` (one symbol, so that equal integrals are equal keys).
_T = sympy.Dummy("t", real=True)


@functools.lru_cache(maxsize=256)
def _legendre_moment(f, k, half):
    r""":math:`\int_{-a}^{a} f(t) P_k(t/a)\, dt` by :func:`sympy.integrate` (``f`` a function of ``_T``).

    Remembered: fits of degree :math:`d` and :math:`d + 1` share their first moments.
    """
    pk = sympy.legendre(k, _T / half)
    return sympy.integrate(sympy.piecewise_fold(f * pk), (_T, -half, half))


def exact_l2_error(p, x, a=1, target=None):
    r"""The exact :math:`L^2` error :math:`\bigl(\int_{-a}^{a} (p - f)^2\bigr)^{1/2}`, by sympy.

    .. math::

        \|p - f\|_2 = \left( \int_{-a}^{a} \bigl(p(x) - f(x)\bigr)^2 \, dx \right)^{1/2}

    Parameters
    ----------
    p : sympy.Expr
        The approximation, a function of ``x``.
    x : sympy.Symbol
        The variable.
    a : int, Rational or float, default 1
        Half-width :math:`a > 0`.
    target : sympy.Expr, optional
        The function :math:`f`; default ``Max(0, x)`` (relu).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_l2_error(x / 2 + sympy.Rational(1, 4), x)
    sqrt(6)/12
    """
    p = _sympy_expr(p, x, "p")
    f = sympy.Max(0, x) if target is None else _sympy_expr(target, x, "target")
    half = _sympy_half_width(a)
    rational = p.is_polynomial(x) and (sympy.Poly(p, x).domain.is_QQ or sympy.Poly(p, x).domain.is_ZZ)
    if target is None and half.is_Rational and rational:
        # relu's pieces: the same rational number as sympy.integrate of the Piecewise (tested), without its search
        left, right = sympy.Poly(p**2, x).integrate(), sympy.Poly((p - x) ** 2, x).integrate()
        return sympy.sqrt(left.eval(0) - left.eval(-half) + right.eval(half) - right.eval(0))
    integrand = sympy.piecewise_fold(((p - f) ** 2).rewrite(sympy.Piecewise))
    return sympy.sqrt(sympy.simplify(sympy.integrate(integrand, (x, -half, half))))


def exact_max_error(p, x, a=1):
    r"""The exact largest error :math:`\max_{|x| \le a} |p(x) - \relu(x)|` of a polynomial ``p``.

    .. math::

        \|p - \relu\|_\infty = \max\Bigl( &|p(\pm a) - \relu(\pm a)|,\ |p(0)|,\\
        &|p(\xi)| \text{ for } p'(\xi) = 0, \xi < 0,\\
        &|p(\eta) - \eta| \text{ for } p'(\eta) = 1, \eta > 0 \Bigr)

    The critical points are the exact real roots of polynomials
    (``sympy.Poly.real_roots``, possibly ``CRootOf`` objects), and the
    candidates are compared by evaluating them to 30 digits.

    Parameters
    ----------
    p : sympy.Expr
        A polynomial in ``x`` with exact (rational or algebraic) coefficients.
    x : sympy.Symbol
        The variable.
    a : int, Rational or float, default 1
        Half-width :math:`a > 0`.

    Returns
    -------
    (error, where) : tuple of sympy.Expr
        The largest error and a point where it is attained.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_max_error(sympy.Rational(3, 32) + x / 2 + sympy.Rational(15, 32) * x**2, x)
    (3/32, 0)
    """
    p = _sympy_expr(p, x, "p")
    if not p.is_polynomial(x):
        raise ValueError(f"p must be a polynomial in {x}, got {p}")
    half = _sympy_half_width(a)
    candidates = [(-half, p.subs(x, -half)), (sympy.Integer(0), p.subs(x, 0)), (half, p.subs(x, half) - half)]
    dp = sympy.diff(p, x)
    for target, lo, hi, shift in ((0, -half, 0, 0), (1, 0, half, 1)):
        poly = sympy.Poly(dp - target, x)
        if poly.degree() < 1:
            continue
        for r in set(poly.real_roots()):
            if lo < r < hi:
                candidates.append((r, p.subs(x, r) - shift * r))
    # compared by 30-digit values; |err| by the sign of its value (sympy.Abs would
    # try to prove the sign of a CRootOf expression)
    value, where, err = max(((sympy.N(e, 30), w, e) for w, e in candidates), key=lambda c: abs(c[0]))
    err = -err if value < 0 else err
    # a polynomial in a CRootOf is left as it is: sympy.simplify takes a second to change nothing
    return (err if err.has(sympy.CRootOf) else sympy.simplify(err)), where


def exact_minimax(x, degree, a=1):
    r"""The minimax polynomial of relu of degree 1, 2 or 3 on :math:`[-a, a]`, solved exactly by sympy.

    .. math::

        \relu(x) &= \frac{x}{2} + \frac{|x|}{2}, \qquad
        p^*_d(x) = \frac{x}{2} + q(x^2), \\
        e(t) &= \frac t2 - q(t^2) = (-1)^{i+1} E \ \text{at}\ t_0 = 0 < t_1 < \dots < t_{m+1} = a

    The odd part :math:`x/2` of relu is a polynomial, so the best
    approximation keeps it and approximates the even part :math:`|x|/2` by an
    even polynomial :math:`q(x^2)` of degree :math:`2m`,
    :math:`m = \lfloor d/2 \rfloor`. On :math:`[0, a]` its error must take the
    values :math:`\mp E` alternately at :math:`m + 2` points, the interior ones
    being critical points (:math:`e'(t_i) = 0`). sympy solves these equations
    for the coefficients, :math:`E` and the interior points; the result is
    checked with :func:`exact_max_error` (at :math:`a = 1` when ``a`` is a
    symbol: the error scales with :math:`a` by positive homogeneity). Degree 3
    gives the degree-2 polynomial, since :math:`|x|` is even.

    Parameters
    ----------
    x : sympy.Symbol
        The variable.
    degree : int
        1, 2 or 3.
    a : positive number or positive sympy Symbol, default 1
        Half-width of the interval.

    Returns
    -------
    (p, E) : tuple of sympy.Expr
        The minimax polynomial, expanded, and its largest error.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_minimax(x, 2)
    (x**2/2 + x/2 + 1/16, 1/16)
    """
    if not isinstance(x, sympy.Symbol):
        raise TypeError(f"x must be a sympy Symbol, got {type(x).__name__}")
    d = integer(degree, "degree", low=1)
    if d > 3:
        raise ValueError(f"degree must be 1, 2 or 3 (sympy solves one interior point at most), got {d}")
    if isinstance(a, sympy.Symbol):
        if not a.is_positive:
            raise ValueError(f"a must be a positive symbol (declare it with positive=True), got {a}")
        half = a
    else:
        half = _sympy_half_width(a)
    t = sympy.Dummy("t", nonnegative=True)
    E = sympy.Dummy("E", positive=True)
    c0, c2, xi = sympy.Dummy("c0"), sympy.Dummy("c2"), sympy.Dummy("xi", positive=True)
    if d == 1:
        q = c0
        error = t / 2 - q
        equations = [error.subs(t, 0) + E, error.subs(t, half) - E]
        unknowns = [c0, E]
    else:
        q = c0 + c2 * t**2
        error = t / 2 - q
        equations = [error.subs(t, 0) + E, error.subs(t, xi) - E, error.subs(t, half) + E,
                     sympy.diff(error, t).subs(t, xi)]
        unknowns = [c0, c2, E, xi]
    (solution,) = sympy.solve(equations, unknowns, dict=True)
    p = sympy.expand(x / 2 + q.subs(solution).subs(t, x))
    level = sympy.simplify(solution[E])
    check_p, check_level = (p.subs(half, 1), level.subs(half, 1)) if isinstance(half, sympy.Symbol) else (p, level)
    largest, _ = exact_max_error(check_p, x, 1 if isinstance(half, sympy.Symbol) else half)
    if sympy.simplify(largest - check_level) != 0:  # pragma: no cover - would mean the alternation pattern is wrong
        raise ArithmeticError(f"the equioscillation solution {p} has max error {largest}, not {check_level}")
    return p, level
