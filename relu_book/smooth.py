r"""Facts about the smooth relatives of ReLU, computed: SELU's constants, extrema, the comparison table.

* :func:`normal_expectation` computes :math:`E[f(Z)^k]` for :math:`Z \sim N(0, 1)`
  by quadrature; :func:`normal_mean_exact` does it with sympy where it can.
* :func:`solve_selu_constants` recovers SELU's :math:`\alpha` and
  :math:`\lambda` from the fixed-point conditions of Klambauer et al. (2017);
  :func:`layer_statistics` runs the self-normalisation experiment.
* :func:`function_extremum` and :func:`largest_difference` find a minimum
  and the largest gap between two functions (GELU and its tanh form).
* :func:`value_range` finds the range of an activation.
* :func:`activation_table` builds the chapter's comparison table of every
  activation in the book from all of the above and the smoothness classes
  of :func:`relu_book.calculus.smoothness_class`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy
from scipy import integrate, optimize
from sympy.series.gruntz import gruntz

from relu_book import activations as act  # noqa: F401  (used by the doctests)
from relu_book import (
    calculus,
    registry,
    symbolic,  # noqa: F401  (used by the doctests)
)
from relu_book._blas import one_blas_thread
from relu_book._validation import (
    choice,
    function,
    instance,
    interval,
    real_scalar,
    seed_list,
    sequence,
    sympy_expr,
    sympy_symbol,
)
from relu_book._validation import integer as _int

__all__ = [
    "normal_expectation",
    "normal_mean_exact",
    "selu_moment_residuals",
    "solve_selu_constants",
    "layer_statistics",
    "function_extremum",
    "largest_difference",
    "value_range",
    "TableEntry",
    "TABLE_ENTRIES",
    "activation_table",
]


# ------------------------------------------------------- Gaussian expectations


def normal_expectation(f, *, power=1, breakpoints=(0.0,)):
    r"""The moment :math:`E[f(Z)^k]` for a standard normal :math:`Z`, by quadrature.

    .. math::

        E[f(Z)^k] = \int_{-\infty}^{\infty} f(z)^k \,\frac{e^{-z^2/2}}{\sqrt{2\pi}}\, dz

    computed with :func:`scipy.integrate.quad` on the pieces between the
    ``breakpoints`` (where ``f`` has a kink), each to an absolute tolerance
    of about :math:`10^{-13}`.

    Parameters
    ----------
    f : callable
        Function of a float (it is called on scalars).
    power : int, default 1
        The power :math:`k \ge 1`.
    breakpoints : sequence of float, default (0.0,)
        Points where ``f`` is not smooth.

    Returns
    -------
    float

    Examples
    --------
    >>> round(normal_expectation(lambda z: max(z, 0.0)), 12)  # 1/sqrt(2 pi)
    0.398942280401
    """
    function(f, "f")
    k = _int(power, "power", 1)
    cuts = sorted(set(sequence(breakpoints, "breakpoints", real_scalar, allow_empty=True)))
    edges = [-np.inf, *cuts, np.inf]
    norm = 1.0 / np.sqrt(2.0 * np.pi)

    def integrand(z):
        return float(f(z)) ** k * np.exp(-z * z / 2) * norm

    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        value, _ = integrate.quad(integrand, lo, hi, epsabs=1e-14, epsrel=1e-13, limit=200)
        total += value
    return float(total)


def _branch(expr, x, point):
    """The piece of a Piecewise that is in force at ``point``."""
    f = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    if not isinstance(f, sympy.Piecewise):
        return f
    for piece, cond in f.args:
        if cond == sympy.true or bool(cond.subs(x, point)):
            return piece
    raise ValueError(f"no piece of {expr} holds at {point}")  # pragma: no cover


#: The variable of :func:`normal_mean_exact`'s integrals (one symbol, so that equal integrals are equal keys).
_Z = sympy.Dummy("z", real=True)


@functools.lru_cache(maxsize=256)
def _normal_integral(g, lo, hi):
    r""":math:`\int_{lo}^{hi} g(z)\, \varphi(z)\, dz` by :func:`sympy.integrate` (``g`` a function of ``_Z``).

    Remembered: the activations share pieces (:math:`z \varphi` on
    :math:`(0, \infty)` is in every ReLU variant).
    """
    known = _known_normal_integral(g, lo, hi)
    if known is not None:
        return known
    density = sympy.exp(-(_Z**2) / 2) / sympy.sqrt(2 * sympy.pi)
    return sympy.integrate(g * density, (_Z, lo, hi))


def _known_normal_integral(g, lo, hi):
    r""":math:`\int_{lo}^{hi} g\, \varphi` from an antiderivative for the integrands below, else ``None``.

    .. math::

        \int_l^u \varphi &= \tfrac12 \Bigl[\operatorname{erf}\tfrac{z}{\sqrt2}\Bigr]_l^u, \qquad
        \int_l^u z \varphi = \bigl[-\varphi(z)\bigr]_l^u, \\
        \int_l^u e^{bz^2 + cz + d} \varphi &= \frac{e^{d + c^2/(4A)}}{2\sqrt{2A}}
            \Bigl[\operatorname{erf}\bigl(\sqrt{A}\,(z - \tfrac{c}{2A})\bigr)\Bigr]_l^u,
            \quad A = \tfrac12 - b > 0, \\
        \int_l^u z \operatorname{erf}(az)\, \varphi &= \bigl[-\operatorname{erf}(az)\, \varphi(z)\bigr]_l^u
            + \frac{2a}{\sqrt\pi} \int_l^u e^{-a^2 z^2} \varphi

    for numbers :math:`a, b, c, d` (:math:`\operatorname{erf}(\pm\infty) = \pm 1`).
    The third completes the square,
    :math:`bz^2 + cz - z^2/2 = -A (z - \tfrac{c}{2A})^2 + \tfrac{c^2}{4A}`
    (ELU's :math:`e^z`); the fourth integrates by parts with
    :math:`z \varphi = -\varphi'` (GELU's :math:`z \Phi(z)`). The same values as
    :func:`sympy.integrate` and as 50-digit quadrature (tested), without
    sympy's search for a method, which takes about a second for these two
    (through Meijer G-functions).
    """
    if g == 0:
        return sympy.Integer(0)
    coeff, g = g.as_independent(_Z, as_Add=False)
    if coeff != 1:
        known = _known_normal_integral(g, lo, hi)
        return None if known is None else sympy.expand(coeff * known)
    root2 = sympy.sqrt(2)
    if g == 1:
        return (sympy.erf(hi / root2) - sympy.erf(lo / root2)) / 2
    if g == _Z:
        return _density(lo) - _density(hi)
    if g.func == sympy.exp:
        return _gaussian_integral(g.args[0], lo, hi)
    a = sympy.Wild("a", exclude=[_Z])
    match = g.match(_Z * sympy.erf(a * _Z))
    if match and match[a].is_number and match[a].is_real:
        a = match[a]
        boundary = sympy.erf(a * lo) * _density(lo) - sympy.erf(a * hi) * _density(hi)
        return sympy.expand(boundary + 2 * a / sympy.sqrt(sympy.pi) * _gaussian_integral(-(a**2) * _Z**2, lo, hi))
    return None


def _density(t):
    r"""The standard normal density :math:`\varphi(t)` (0 at :math:`\pm\infty`)."""
    return sympy.exp(-(t**2) / 2) / sympy.sqrt(2 * sympy.pi)


def _gaussian_integral(exponent, lo, hi):
    r""":math:`\int_l^u e^{q(z)} \varphi(z)\, dz` for a quadratic :math:`q` with numeric coefficients, else ``None``.

    The formula and its condition :math:`A > 0` are in :func:`_known_normal_integral`.
    """
    if not exponent.is_polynomial(_Z):
        return None
    poly = sympy.Poly(exponent, _Z)
    if poly.degree() > 2 or not all(c.is_number and c.is_real for c in poly.all_coeffs()):
        return None
    b, c, d = ([sympy.Integer(0)] * 3 + poly.all_coeffs())[-3:]
    big_a = sympy.Rational(1, 2) - b
    if not big_a.is_positive:
        return None
    shift = c / (2 * big_a)
    ends = [sympy.erf(sympy.sqrt(big_a) * (t - shift)) for t in (lo, hi)]
    return sympy.expand(sympy.exp(d + c**2 / (4 * big_a)) / (2 * sympy.sqrt(2 * big_a)) * (ends[1] - ends[0]))


def normal_mean_exact(expr, x):
    r"""The exact mean :math:`E[f(Z)]`, :math:`Z \sim N(0, 1)`, by sympy, or ``None``.

    .. math::

        E[f(Z)] = \sum_{\text{pieces } (l, u)} \int_l^u f(z)\, \varphi(z)\, dz

    Two routes are tried. If ``expr`` has no breakpoints and
    :math:`f(z) + f(-z)` simplifies to a constant
    :math:`c` (sigmoid, tanh), then :math:`E[f(Z)] = c/2` because :math:`Z`
    and :math:`-Z` have the same law. Otherwise each piece between the
    :func:`~relu_book.calculus.breakpoints` is integrated against the normal density,
    term by term with constant factors pulled out: in closed form for
    :math:`1`, :math:`z`, Gaussians :math:`e^{bz^2 + cz + d}` and
    :math:`z \operatorname{erf}(az)` (ReLU's, ELU's and GELU's pieces), else by
    :func:`sympy.integrate`; the sum is returned expanded. ``None`` is
    returned if an integral stays unevaluated. This can be slow (seconds) for
    functions without a closed form (softplus, SiLU); the comparison table
    uses quadrature for those without asking sympy.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x``.
    x : sympy.Symbol
        The variable.

    Returns
    -------
    sympy.Expr or None

    Examples
    --------
    >>> z = sympy.Symbol("z", real=True)
    >>> normal_mean_exact(symbolic.relu(z), z)
    sqrt(2)/(2*sqrt(pi))
    >>> normal_mean_exact(symbolic.sigmoid(z), z)
    1/2
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    z = _Z
    f, constants = calculus._abstract_long_constants(expr.subs(x, z))
    points = calculus.breakpoints(f, z)
    if not points:
        symmetric = sympy.simplify(f + f.subs(z, -z))
        if symmetric.is_number:
            return symmetric / 2
    edges = [-sympy.oo, *points, sympy.oo]
    total = sympy.Integer(0)
    for lo, hi in zip(edges[:-1], edges[1:]):
        if lo == -sympy.oo and hi == sympy.oo:
            inside = sympy.Integer(0)
        elif lo == -sympy.oo:
            inside = hi - 1
        elif hi == sympy.oo:
            inside = lo + 1
        else:
            inside = (lo + hi) / 2
        # term by term, constant factors outside the integral (SELU's constants are long)
        for term in sympy.Add.make_args(sympy.expand(_branch(f, z, inside))):
            coeff, rest = term.as_independent(z, as_Add=False)
            piece = _normal_integral(rest, lo, hi)
            if piece.has(sympy.Integral):
                return None
            total += coeff * piece
    # expanded: a sum of terms, the same form whichever route found the integrals
    # (sympy.simplify before it changed none of the book's means, in a second)
    return sympy.expand(total).subs(constants)


# ------------------------------------------------------------------------- SELU


def selu_moment_residuals(alpha, scale):
    r"""How far SELU with constants :math:`(\alpha, \lambda)` is from the fixed point.

    .. math::

        r(\alpha, \lambda) = \Bigl( E[\operatorname{selu}(Z)],\; E[\operatorname{selu}(Z)^2] - 1 \Bigr),
        \qquad Z \sim N(0, 1)

    with :math:`\operatorname{selu}(z) = \lambda z` for :math:`z > 0` and
    :math:`\lambda\alpha(e^z - 1)` otherwise. Klambauer et al. (2017) choose
    :math:`(\alpha, \lambda)` so that both components vanish: a layer whose
    pre-activations are standard normal then outputs mean 0 and variance 1.

    Parameters
    ----------
    alpha, scale : float
        :math:`\alpha` and :math:`\lambda`.

    Returns
    -------
    numpy.ndarray
        The two residuals.

    Examples
    --------
    >>> r = selu_moment_residuals(act.SELU_ALPHA, act.SELU_SCALE)
    >>> bool(np.all(np.abs(r) < 1e-12))
    True
    """
    a = real_scalar(alpha, "alpha")
    lam = real_scalar(scale, "scale")

    def f(z):
        return lam * z if z > 0 else lam * a * np.expm1(z)

    mean = normal_expectation(f)
    second = normal_expectation(f, power=2)
    return np.array([mean, second - 1.0])


def solve_selu_constants(initial=(1.0, 1.0)):
    r"""Solve the two fixed-point conditions of SELU for :math:`(\alpha, \lambda)`.

    .. math::

        E[\operatorname{selu}(Z)] = 0, \qquad E[\operatorname{selu}(Z)^2] = 1,
        \qquad Z \sim N(0, 1)

    with :func:`scipy.optimize.root` (Powell's hybrid method) on
    :func:`selu_moment_residuals`, whose moments come from quadrature.

    Parameters
    ----------
    initial : (float, float), default (1.0, 1.0)
        Starting guess :math:`(\alpha_0, \lambda_0)`.

    Returns
    -------
    (alpha, scale) : tuple of float

    Raises
    ------
    RuntimeError
        If the solver does not converge.

    Examples
    --------
    >>> alpha, scale = solve_selu_constants()
    >>> round(alpha, 10), round(scale, 10)
    (1.6732632424, 1.0507009874)
    """
    try:
        a0, s0 = initial
    except (TypeError, ValueError):
        raise ValueError(f"initial must be a pair (alpha, scale), got {initial!r}") from None
    start = [real_scalar(a0, "initial[0]"), real_scalar(s0, "initial[1]")]
    sol = optimize.root(lambda v: selu_moment_residuals(v[0], v[1]), start, method="hybr", tol=1e-14)
    # Judge convergence by the residuals themselves: near machine precision
    # MINPACK may stop with "xtol too small, no further improvement", which
    # depends on the last bits of the quadrature (and so on the BLAS kernel).
    residual = np.max(np.abs(selu_moment_residuals(sol.x[0], sol.x[1])))
    if not (np.all(np.isfinite(sol.x)) and residual <= 1e-12):
        raise RuntimeError(f"the SELU fixed-point equations did not converge from {initial}: {sol.message}")
    return float(sol.x[0]), float(sol.x[1])


def layer_statistics(activation, *, depth=30, width=128, n_samples=256, seeds=(0, 1, 2, 3, 4), weight_variance=None):
    r"""Mean and variance of the activations, layer by layer, in a deep random network.

    .. math::

        x^{(0)} \sim N(0, I), \qquad
        x^{(l)} = f\bigl(x^{(l-1)} W^{(l)}\bigr), \qquad
        W^{(l)}_{ij} \sim N\bigl(0, \sigma_w^2\bigr), \ \sigma_w^2 = 1/n

    (no biases, ``n = width``). For each seed and layer, the mean and the
    variance of all ``n_samples * width`` entries of :math:`x^{(l)}` are
    recorded. With SELU and :math:`\sigma_w^2 = 1/n` they stay near 0 and 1
    (self-normalisation, Klambauer et al. 2017).

    Parameters
    ----------
    activation : callable
        Elementwise activation, e.g. :func:`relu_book.activations.selu`.
    depth : int, default 30
        Number of layers.
    width : int, default 128
        Units per layer :math:`n`.
    n_samples : int, default 256
        Input vectors.
    seeds : sequence of int, default (0, 1, 2, 3, 4)
        One network and input batch per seed (``numpy.random.default_rng(seed)``).
    weight_variance : float, optional
        :math:`\sigma_w^2`; default ``1 / width``.

    Returns
    -------
    dict
        ``"mean"`` and ``"variance"``: float64 arrays of shape
        ``(len(seeds), depth)``; row ``s`` column ``l`` is layer ``l + 1``.

    Examples
    --------
    >>> stats = layer_statistics(act.selu, depth=3, width=16, n_samples=8, seeds=(0,))
    >>> stats["mean"].shape
    (1, 3)
    """
    function(activation, "activation")
    depth = _int(depth, "depth", 1)
    width = _int(width, "width", 1)
    n_samples = _int(n_samples, "n_samples", 1)
    seeds = seed_list(seeds)
    var_w = (
        1.0 / width
        if weight_variance is None
        else real_scalar(weight_variance, "weight_variance", low=0.0, low_inclusive=False)
    )
    means = np.empty((len(seeds), depth))
    variances = np.empty((len(seeds), depth))
    with one_blas_thread():  # small products: threads would spin between them
        for i, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            x = rng.standard_normal((n_samples, width))
            for layer in range(depth):
                w = rng.normal(0.0, np.sqrt(var_w), size=(width, width))
                x = np.asarray(activation(x @ w), dtype=np.float64)
                means[i, layer] = x.mean()
                variances[i, layer] = x.var()
    return {"mean": means, "variance": variances}


# ----------------------------------------------------------------- extrema


def function_extremum(f, bracket, kind="min", num=2001, fprime=None):
    r"""The minimum (or maximum) of ``f`` on an interval: grid search, then Brent refinement.

    .. math::

        x^* = \operatorname*{arg\,min}_{l \le x \le u} f(x)

    ``f`` is sampled at ``num`` points, then the best sample is refined:
    with ``fprime``, by :func:`scipy.optimize.brentq` on :math:`f'(x) = 0`
    between the neighbouring samples (location accurate to about
    :math:`10^{-15}`); without it, by :func:`scipy.optimize.minimize_scalar`
    (bounded), whose location is only accurate to about :math:`10^{-8}`
    because :math:`f` is flat at an extremum (the value is accurate).

    Parameters
    ----------
    f : callable
        Vectorised function.
    bracket : (float, float)
        The interval :math:`[l, u]`, :math:`l < u`.
    kind : {"min", "max"}
        Which extremum.
    num : int, default 2001
        Grid size (at least 3).
    fprime : callable, optional
        Vectorised derivative of ``f``.

    Returns
    -------
    (x, value) : tuple of float

    Examples
    --------
    >>> x, v = function_extremum(lambda t: (t - 1.0) ** 2 + 2.0, (-3, 3))
    >>> round(x, 6), round(v, 12)
    (1.0, 2.0)
    >>> x, v = function_extremum(lambda t: (t - 1.0) ** 2, (-3, 3),
    ...                          fprime=lambda t: 2 * (t - 1.0))
    >>> x
    1.0
    """
    function(f, "f")
    lo, hi = interval(bracket, "bracket")
    choice(kind, "kind", ("min", "max"))
    num = _int(num, "num", 3)
    sign = 1.0 if kind == "min" else -1.0
    grid = np.linspace(lo, hi, num)
    values = sign * np.asarray(f(grid), dtype=np.float64)
    j = int(np.argmin(values))
    a, b = grid[max(j - 1, 0)], grid[min(j + 1, num - 1)]
    if fprime is not None:
        function(fprime, "fprime")

        def d(t):
            return float(np.asarray(fprime(np.array([t])))[0])

        if d(a) * d(b) < 0:
            x = optimize.brentq(d, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
            return float(x), float(np.asarray(f(np.array([x])))[0])
    res = optimize.minimize_scalar(lambda t: sign * float(np.asarray(f(np.array([t])))[0]),
                                   bounds=(a, b), method="bounded", options={"xatol": 1e-13})
    x = float(res.x) if res.fun <= values[j] else float(grid[j])
    return x, float(np.asarray(f(np.array([x])))[0])


def largest_difference(f, g, bracket=(-10.0, 10.0), num=20001):
    r"""Where and how much two functions differ most: :math:`\max_x |f(x) - g(x)|`.

    .. math::

        x^* = \operatorname*{arg\,max}_{l \le x \le u} |f(x) - g(x)|

    Parameters
    ----------
    f, g : callable
        Vectorised functions.
    bracket : (float, float), default (-10, 10)
        Interval searched.
    num : int, default 20001
        Grid size before refinement.

    Returns
    -------
    (x, difference) : tuple of float
        The point and :math:`|f(x^*) - g(x^*)|`.

    Examples
    --------
    >>> x, d = largest_difference(np.sin, lambda t: t, (0.0, 1.0))
    >>> round(x, 6), round(d, 6)
    (1.0, 0.158529)
    """
    function(f, "f")
    function(g, "g")
    return function_extremum(lambda t: np.abs(np.asarray(f(t)) - np.asarray(g(t))), bracket, "max", num)


def _limit_at_infinity(expr, x, sign):
    """:math:`\\lim_{x \\to \\pm\\infty}` of a piece: by substitution if that is determinate, else :func:`sympy.limit`.

    sympy's arithmetic with infinities returns ``nan`` (or an
    ``AccumBounds``) for every indeterminate form (:math:`\\infty - \\infty`,
    :math:`0 \\cdot \\infty`, ...), so a substitution that gives a number or
    :math:`\\pm\\infty` is the limit of the continuous functions here; the
    others (GELU and SiLU at :math:`-\\infty`, :math:`x \\cdot 0`) go to
    the Gruntz algorithm (:func:`sympy.series.gruntz.gruntz`, the core of
    :func:`sympy.limit`) on the expression rewritten with ``exp`` as one fraction.
    """
    value = expr.subs(x, sign * sympy.oo)
    if value.is_number and value.is_extended_real and not value.has(sympy.nan, sympy.AccumBounds, sympy.zoo):
        return value
    # the Gruntz algorithm, which sympy.limit runs after its heuristics (in a third of the
    # time), on one fraction (GELU's tanh form: 0.2 s instead of 0.5 s)
    return gruntz(sympy.together(expr.rewrite(sympy.exp)), x, sign * sympy.oo)


def value_range(f, expr, x, window=10.0, num=4001):
    r"""The range of a continuous activation, as an interval string such as ``"[0, inf)"``.

    .. math::

        f(\mathbb{R}) = \Bigl[\inf f,\ \sup f\Bigr] \text{ (ends open when not attained)}

    The infimum and supremum are the smallest and largest of the limits at
    :math:`\pm\infty` (:func:`sympy.limit` of the piece of ``expr`` in force
    on each tail) and of the values on a
    grid of :math:`[-w, w]` (refined by :func:`function_extremum`). An end
    is closed when a grid value equals it (to :math:`10^{-12}`), i.e. when it
    is attained within :math:`[-w, w]`; the functions here approach their
    limits no faster than :math:`e^{-|x|}`, which is far from the limit at
    :math:`|x| = 10`. Only valid for continuous functions (the range of a
    continuous function is an interval).

    Parameters
    ----------
    f : callable
        The numeric activation.
    expr : sympy.Expr
        The same function as a sympy expression of ``x``.
    x : sympy.Symbol
        The variable.
    window : float, default 10.0
        Half-width :math:`w` of the grid.
    num : int, default 4001
        Grid size.

    Returns
    -------
    (text, low, high) : tuple of (str, float, float)

    Examples
    --------
    >>> z = sympy.Symbol("z", real=True)
    >>> value_range(act.relu, symbolic.relu(z), z)[0]
    '[0, inf)'
    >>> value_range(act.tanh, symbolic.tanh(z), z)[0]
    '(-1, 1)'
    """
    function(f, "f")
    w = real_scalar(window, "window", low=0.0, low_inclusive=False)
    points = calculus.breakpoints(expr, x)
    tails = [(-1, points[0] - 1 if points else 0), (1, points[-1] + 1 if points else 0)]
    # the limit of the piece in force on each tail (sympy cannot take limits of a Piecewise at oo)
    limits = [float(_limit_at_infinity(_branch(expr, x, at), x, s)) for s, at in tails]
    grid = np.linspace(-w, w, _int(num, "num", 3))
    _, gmin = function_extremum(f, (-w, w), "min", num)
    _, gmax = function_extremum(f, (-w, w), "max", num)
    values = np.asarray(f(grid), dtype=np.float64)
    gmin, gmax = min(gmin, float(values.min())), max(gmax, float(values.max()))
    low, high = min(*limits, gmin), max(*limits, gmax)

    def end(v, attained):
        if np.isinf(v):
            return "-inf" if v < 0 else "inf"
        return f"{v:.4f}" if abs(v - round(v)) > 1e-12 else f"{round(v):d}"

    low_closed = np.isfinite(low) and abs(gmin - low) <= 1e-12
    high_closed = np.isfinite(high) and abs(gmax - high) <= 1e-12
    text = (
        ("[" if low_closed else "(") + end(low, low_closed) + ", " + end(high, high_closed)
        + ("]" if high_closed else ")")
    )
    return text, low, high


# ----------------------------------------------------------- the big table


@dataclass(frozen=True)
class TableEntry:
    """One activation of the comparison table.

    Attributes
    ----------
    name : str
        Display name.
    function, grad : callable
        Numeric function and derivative (the derivative fixes the convention at kinks).
    expr : callable
        ``z -> sympy.Expr``: the same function in :mod:`relu_book.symbolic`.
    exact_mean : bool
        Ask sympy for :math:`E[f(Z)]` (else quadrature only).
    """

    name: str
    function: Callable
    grad: Callable
    expr: Callable
    exact_mean: bool = True


def _table_entry(spec, row) -> TableEntry:
    function, derivative = spec.numeric(**row.params)
    return TableEntry(row.label or spec.name, function, derivative,
                      functools.partial(spec.expr, **row.params), row.exact_mean)


#: Every activation of the book, with the parameters used in the table: the
#: ``table`` rows of the entries of :data:`relu_book.registry.REGISTRY`.
TABLE_ENTRIES = tuple(_table_entry(spec, row) for spec in registry.REGISTRY for row in spec.table)


def activation_table(entries=TABLE_ENTRIES, grid=(-10.0, 10.0), num=4001):
    r"""Build the comparison table: range, monotonicity, smoothness, :math:`f'(0)`, :math:`E[f(Z)]`.

    .. math::

        f \mapsto \Bigl( f(\mathbb{R}),\ f' \ge 0?,\ C^k,\ f'(0),\ E[f(Z)] \Bigr)

    For each entry:

    * ``"range"``: :func:`value_range`;
    * ``"monotone"``: ``"yes"`` if the derivative is :math:`\ge 0` at all
      ``num`` grid points of ``grid`` (non-decreasing), else ``"no"``;
    * ``"smoothness"``: :func:`~relu_book.calculus.smoothness_class`;
    * ``"f'(0)"``: the derivative function at 0, i.e. the value the library
      (and PyTorch) uses, marked "kink" when :math:`f` is not differentiable at 0;
    * ``"E[f(Z)]"`` and ``"exact"``: the mean for :math:`Z \sim N(0, 1)` by
      :func:`normal_expectation`, or the sympy closed form from
      :func:`normal_mean_exact` when ``exact_mean`` is set and sympy finds one
      (``"exact"``, else ``None``); ``"how"`` says which produced the number. A quadrature value below
      :math:`10^{-12}` in magnitude (the quadrature error is about
      :math:`10^{-13}`) is reported as 0.

    Parameters
    ----------
    entries : sequence of TableEntry, default TABLE_ENTRIES
    grid : (float, float), default (-10, 10)
        Interval on which monotonicity is checked.
    num : int, default 4001
        Grid size.

    Returns
    -------
    list of dict
        One dict per entry with keys ``"activation"``, ``"range"``,
        ``"monotone"``, ``"smoothness"``, ``"f'(0)"``, ``"E[f(Z)]"``,
        ``"exact"``, ``"how"``.

    Examples
    --------
    >>> rows = activation_table(TABLE_ENTRIES[:1])
    >>> {k: rows[0][k] for k in ("range", "monotone", "smoothness", "f'(0)")}
    {'range': '[0, inf)', 'monotone': 'yes', 'smoothness': 'C^0', "f'(0)": '0 (kink)'}
    """
    entries = sequence(entries, "entries", lambda e, n: instance(e, n, TableEntry))
    z = sympy.Symbol("z", real=True)
    xs = np.linspace(real_scalar(grid[0], "grid[0]"), real_scalar(grid[1], "grid[1]"), _int(num, "num", 3))
    rows = []
    for e in entries:
        expr = e.expr(z)
        points = calculus.breakpoints(expr, z)
        kink_at_zero = any(p == 0 for p in points) and not calculus.is_differentiable_at(expr, z, 0)
        g0 = float(np.asarray(e.grad(np.array([0.0])))[0])
        exact = normal_mean_exact(expr, z) if e.exact_mean else None
        if exact is None:  # (tests/test_smooth.py checks the exact means against quadrature too)
            mean = normal_expectation(lambda t, e=e: float(np.asarray(e.function(np.array([t])))[0]),
                                      breakpoints=[float(p) for p in points])
        rows.append({
            "activation": e.name,
            "range": value_range(e.function, expr, z, window=max(abs(xs[0]), abs(xs[-1])), num=len(xs))[0],
            "monotone": "yes" if bool(np.all(np.asarray(e.grad(xs)) >= 0)) else "no",
            "smoothness": calculus.smoothness_class(expr, z),
            "f'(0)": f"{g0:.4g}" + (" (kink)" if kink_at_zero else ""),
            "E[f(Z)]": float(sympy.N(exact, 17)) if exact is not None else (0.0 if abs(mean) < 1e-12 else mean),
            "exact": exact,
            "how": "sympy" if exact is not None else "quadrature",
        })
    return rows
