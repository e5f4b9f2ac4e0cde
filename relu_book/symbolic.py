r"""Symbolic (sympy) views of the activations, their derivatives and subdifferentials.

Every activation of :mod:`relu_book.activations` has a namesake here with the
same keyword parameters. It takes a sympy symbol or expression instead of an
array and returns a sympy expression, so that the chapters can differentiate,
take limits and integrate::

    >>> import sympy
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x")
    >>> symbolic.leaky_relu(x, negative_slope=sympy.Rational(1, 10))
    Piecewise((x, x > 0), (x/10, True))
    >>> sympy.diff(symbolic.relu(x), x)
    Heaviside(x)

Parameters may be Python numbers (``int``, ``fractions.Fraction``, ``float``)
or sympy expressions, including symbols such as ``sympy.Symbol("alpha")``.
Python floats become sympy ``Float`` objects holding the same binary value;
pass ``sympy.Rational`` (or ``Fraction``) for exact arithmetic. The defaults
are the numeric defaults written exactly (``negative_slope=1/100``,
``lower=1/8``, ``upper=1/3``).

Each expression is written with the same comparisons as the numeric code
(``x > 0`` where numpy has ``x > 0``, ``x >= threshold`` where it has
``x >= threshold``), so :func:`sympy.diff` of a ``Piecewise`` takes, at a
kink, the value of the branch whose condition holds there, which mostly
reproduces PyTorch's convention; each docstring says where it does not.
:func:`to_numeric` turns any expression into a vectorised numpy function, and
the tests compare both views at many points. What happens *at* a kink
(one-sided derivatives, subdifferential, Clarke gradient, smoothness class)
is computed in :mod:`relu_book.calculus`.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy

from relu_book._validation import as_float_array, result, sympy_symbol
from relu_book._validation import sympy_expr as _expr
from relu_book._validation import sympy_real as _param
from relu_book.registry import REGISTRY

# The public names: the sympy view of each activation of the registry, then
# the other forms, the constants and the conversion to numpy.
__all__ = [
    *(spec.name for spec in REGISTRY),
    "relu_forms",
    "SELU_ALPHA",
    "SELU_SCALE",
    "GELU_CUBIC",
    "ACTIVATIONS",
    "to_numeric",
]

_ERFC = sympy.erfc(1 / sympy.sqrt(2))

#: The SELU constant :math:`\alpha_{01}` in closed form (Klambauer et al. 2017),
#: :math:`-\sqrt{2/\pi} \,/\, (\operatorname{erfc}(1/\sqrt 2)\, e^{1/2} - 1)
#: \approx 1.6732632423543772848170429916717`.
SELU_ALPHA = -sympy.sqrt(2 / sympy.pi) / (_ERFC * sympy.exp(sympy.Rational(1, 2)) - 1)

#: The SELU constant :math:`\lambda_{01}` in closed form (Klambauer et al. 2017),
#: :math:`\approx 1.0507009873554804934193349852946`.
SELU_SCALE = (
    (1 - _ERFC * sympy.sqrt(sympy.E))
    * sympy.sqrt(2 * sympy.pi)
    / sympy.sqrt(
        2 * sympy.erfc(sympy.sqrt(2)) * sympy.E**2
        + sympy.pi * _ERFC**2 * sympy.E
        - 2 * (2 + sympy.pi) * _ERFC * sympy.sqrt(sympy.E)
        + sympy.pi
        + 2
    )
)

#: The cubic coefficient 0.044715 of the tanh form of GELU, as an exact rational.
GELU_CUBIC = sympy.Rational(44715, 1_000_000)


# ----------------------------------------------------------------- activations


def relu(x):
    r"""Rectified linear unit as ``sympy.Max(0, x)``.

    .. math::

        \operatorname{relu}(x) = \max(0, x)

    Written with ``Max`` so that :func:`sympy.diff` returns the Heaviside step
    :math:`H(x)`. At ``x = 0`` sympy's ``Heaviside(0)`` is :math:`1/2`
    (sympy >= 1.9), the midpoint of the subdifferential :math:`[0, 1]`; the
    numeric :func:`relu_book.activations.relu_grad` follows PyTorch and
    returns 0 (``to_numeric(..., heaviside_at_zero=0)`` reproduces it).
    :func:`relu_forms` gives three other equal expressions.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr
        ``Max(0, x)``.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> relu(x)
    Max(0, x)
    >>> sympy.diff(relu(x), x)
    Heaviside(x)
    >>> sympy.Heaviside(0)
    1/2
    """
    return sympy.Max(0, _expr(x, "x"))


def relu_forms(x):
    r"""Four equal expressions of ReLU: max, piecewise, Heaviside and absolute value.

    .. math::

        \max(0, x)
        = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}
        = x\,H(x)
        = \frac{x + |x|}{2}

    They agree at every real ``x`` (at 0 each is 0, whatever value is given
    to :math:`H(0)`), but sympy differentiates them differently at 0:
    ``Heaviside(x)`` (value 1/2), a ``Piecewise`` (value 0, from the
    ``True`` branch), ``x*DiracDelta(x) + Heaviside(x)`` and
    ``(1 + sign(x))/2`` for a real ``x`` (value 1/2).

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    dict of str to sympy.Expr
        Keys ``"max"``, ``"piecewise"``, ``"heaviside"``, ``"abs"``.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> for name, form in relu_forms(x).items():
    ...     print(name, form)
    max Max(0, x)
    piecewise Piecewise((x, x > 0), (0, True))
    heaviside x*Heaviside(x)
    abs x/2 + Abs(x)/2
    """
    x = _expr(x, "x")
    return {
        "max": sympy.Max(0, x),
        "piecewise": sympy.Piecewise((x, x > 0), (0, True)),
        "heaviside": x * sympy.Heaviside(x),
        "abs": (x + sympy.Abs(x)) / 2,
    }


def leaky_relu(x, negative_slope=sympy.Rational(1, 100)):
    r"""Leaky ReLU as a ``Piecewise`` (Maas et al. 2013).

    .. math::

        \operatorname{leaky\_relu}(x) =
        \begin{cases} x & x > 0 \\ \alpha x & \text{otherwise} \end{cases}

    The condition ``x > 0`` is strict, as in the numeric code, so
    :func:`sympy.diff` gives :math:`\alpha` at ``x = 0``, the value PyTorch's
    autograd returns.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    negative_slope : number or sympy.Expr, default 1/100
        The slope :math:`\alpha` on the negative side; may be a symbol.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x, a = sympy.symbols("x alpha")
    >>> leaky_relu(x, negative_slope=a)
    Piecewise((x, x > 0), (alpha*x, True))
    >>> sympy.diff(leaky_relu(x, negative_slope=a), x).subs(x, 0)
    alpha
    """
    x = _expr(x, "x")
    a = _param(negative_slope, "negative_slope")
    return sympy.Piecewise((x, x > 0), (a * x, True))


def prelu(x, weight):
    r"""Parametric ReLU (He et al. 2015): a leaky ReLU whose slope is a parameter.

    .. math::

        \operatorname{prelu}(x; a) =
        \begin{cases} x & x > 0 \\ a x & \text{otherwise} \end{cases}

    With a symbolic ``weight`` both partial derivatives come from
    :func:`sympy.diff`: :math:`\partial f / \partial x` is :math:`a` at
    ``x = 0`` (PyTorch's value) and :math:`\partial f/\partial a = \min(0, x)`.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    weight : number or sympy.Expr
        The slope :math:`a`; a number or a symbol (one shared slope).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x, a = sympy.symbols("x a")
    >>> sympy.diff(prelu(x, a), a)
    Piecewise((0, x > 0), (x, True))
    """
    x = _expr(x, "x")
    w = _param(weight, "weight")
    return sympy.Piecewise((x, x > 0), (w * x, True))


def rrelu(x, lower=sympy.Rational(1, 8), upper=sympy.Rational(1, 3), training=False):
    r"""Randomised leaky ReLU (Xu et al. 2015) at evaluation: slope :math:`(l + u)/2`.

    .. math::

        \operatorname{rrelu}(x) =
        \begin{cases} x & x > 0 \\ \tfrac{l + u}{2}\, x & \text{otherwise} \end{cases}

    This is PyTorch's evaluation-mode rule (11/48 for the defaults). In
    training the slope is random, which has no symbolic counterpart, so
    ``training=True`` is refused; ``rng`` and ``return_slopes`` of the
    numeric function do not apply and are not accepted. At ``x = 0`` the
    derivative is the slope, as in PyTorch.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    lower, upper : number or sympy.Expr, default 1/8 and 1/3
        Bounds :math:`l \le u` of the slope distribution.
    training : bool, default False
        Must be False.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If ``training`` is True or ``lower > upper``.

    Examples
    --------
    >>> import sympy
    >>> rrelu(sympy.Symbol("x"))
    Piecewise((x, x > 0), (11*x/48, True))
    """
    x = _expr(x, "x")
    lo = _param(lower, "lower")
    hi = _param(upper, "upper")
    if (lo - hi).is_positive:
        raise ValueError(f"lower must be <= upper, got lower={lo}, upper={hi}")
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be a bool, got {type(training).__name__}")
    if training:
        raise ValueError("training must be False: random slopes have no symbolic form; use the evaluation slope")
    return sympy.Piecewise((x, x > 0), ((lo + hi) / 2 * x, True))


def relu6(x):
    r"""ReLU capped at 6 (Howard et al. 2017) as ``Min(Max(0, x), 6)``.

    .. math::

        \operatorname{relu6}(x) = \min(\max(0, x), 6)

    :func:`sympy.diff` gives ``Heaviside(x)*Heaviside(6 - Max(0, x))``,
    which is 1/2 at both kinks; PyTorch (and the numeric
    :func:`relu_book.activations.relu6_grad`) return 0 at both, which
    ``to_numeric(..., heaviside_at_zero=0)`` reproduces.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> relu6(x)
    Min(6, Max(0, x))
    >>> sympy.diff(relu6(x), x)
    Heaviside(x)*Heaviside(6 - Max(0, x))
    """
    return sympy.Min(sympy.Max(0, _expr(x, "x")), 6)


def generalized_relu(x, negative_slope=0, max_value=None, threshold=0):
    r"""The generalised ReLU of ``keras.activations.relu``, as Keras 3 computes it.

    .. math::

        f(x) = \begin{cases}
            \alpha (x - \theta) & x \le \theta \\
            m & x \ge m \\
            x & \text{otherwise}
        \end{cases}

    with :math:`m` = ``max_value`` (no such branch when ``None``),
    :math:`\theta` = ``threshold`` and :math:`\alpha` = ``negative_slope``.
    Keras keeps ``x`` only where :math:`x > \theta` strictly, so
    :math:`f(\theta) = 0` and a non-zero threshold makes the function jump
    just after :math:`\theta` (:func:`~relu_book.calculus.one_sided_derivatives` returns an
    infinite right derivative there). With :math:`\theta < 0` and a cap,
    Keras's clipping to :math:`[0, m]` adds the branch :math:`f = 0` on
    :math:`(\theta, 0]`. The branch conditions make :func:`sympy.diff`
    return :math:`\alpha` at :math:`\theta` and 0 at :math:`m`; Keras's own
    derivative at the kinks is in
    :func:`relu_book.activations.generalized_relu_grad`. With the defaults
    it equals :func:`relu`, written as a ``Piecewise``.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    negative_slope : number or sympy.Expr, default 0
        Slope :math:`\alpha` below the threshold.
    max_value : number or sympy.Expr or None, default None
        Cap :math:`m`; must be ``>= threshold`` and ``>= 0``.
    threshold : number or sympy.Expr, default 0
        The threshold :math:`\theta`.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> generalized_relu(x, negative_slope=sympy.Rational(1, 2), max_value=6, threshold=1)
    Piecewise((x/2 - 1/2, x <= 1), (6, x >= 6), (x, True))
    """
    x = _expr(x, "x")
    a = _param(negative_slope, "negative_slope")
    t = _param(threshold, "threshold")
    pieces = [(a * (x - t), x <= t)]
    if max_value is not None:
        m = _param(max_value, "max_value")
        if (t - m).is_positive:
            raise ValueError(f"max_value must be >= threshold ({t}), got {m}")
        if m.is_negative:
            raise ValueError(f"max_value must be >= 0 (Keras clips to [0, max_value]), got {m}")
        pieces.append((m, x >= m))
        if t.is_negative:
            pieces.append((x, x > 0))
            pieces.append((sympy.S.Zero, True))
            return sympy.Piecewise(*pieces)
    pieces.append((x, True))
    return sympy.Piecewise(*pieces)


def softplus(x, beta=1, threshold=20):
    r"""Softplus with PyTorch's linear cut-over, as a ``Piecewise``.

    .. math::

        \operatorname{softplus}(x) = \begin{cases}
            x & \beta x > t \\
            \frac{1}{\beta} \log\left(1 + e^{\beta x}\right) & \text{otherwise}
        \end{cases}

    The cut-over makes a (tiny) jump at :math:`\beta x = t`, so
    :func:`~relu_book.calculus.one_sided_derivatives` finds an infinite right-hand quotient
    there. Pass ``threshold=sympy.oo`` for the pure smooth formula.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    beta : number or sympy.Expr, default 1
        Sharpness :math:`\beta > 0`.
    threshold : number or sympy.Expr, default 20
        Cut-over :math:`t` for :math:`\beta x`; may be ``sympy.oo``.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> softplus(x, threshold=sympy.oo)
    log(exp(x) + 1)
    >>> sympy.diff(softplus(x, threshold=sympy.oo), x)
    exp(x)/(exp(x) + 1)
    """
    x = _expr(x, "x")
    b = _param(beta, "beta", positive=True)
    t = _param(threshold, "threshold", allow_inf=True)
    smooth = sympy.log(1 + sympy.exp(b * x)) / b
    if t == sympy.oo:  # the cut-over never applies (sympy cannot tell x > oo is False for a plain symbol)
        return smooth
    return sympy.Piecewise((x, b * x > t), (smooth, True))


def elu(x, alpha=1):
    r"""Exponential linear unit (Clevert et al. 2015) as a ``Piecewise``.

    .. math::

        \operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & \text{otherwise} \end{cases}

    At ``x = 0`` :func:`sympy.diff` gives :math:`\alpha`, as PyTorch does.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    alpha : number or sympy.Expr, default 1

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> elu(sympy.Symbol("x"), alpha=2)
    Piecewise((x, x > 0), (2*exp(x) - 2, True))
    """
    x = _expr(x, "x")
    a = _param(alpha, "alpha")
    return sympy.Piecewise((x, x > 0), (a * (sympy.exp(x) - 1), True))


def selu(x):
    r"""Scaled ELU (Klambauer et al. 2017) with the constants in closed form.

    .. math::

        \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & \text{otherwise} \end{cases}

    :data:`SELU_ALPHA` and :data:`SELU_SCALE` are the exact expressions of
    Klambauer et al. (2017), which agree with PyTorch's 32-digit constants to
    31 digits. At ``x = 0`` the derivative is :math:`\lambda\alpha`, as in
    PyTorch.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> print(sympy.N(selu(x).subs(x, 1), 20))
    1.0507009873554804934
    >>> print(sympy.N(SELU_ALPHA, 20))
    1.6732632423543772848
    """
    return SELU_SCALE * elu(x, alpha=SELU_ALPHA)


def gelu(x, approximate="none"):
    r"""Gaussian error linear unit (Hendrycks & Gimpel 2016), exact or tanh form.

    .. math::

        \operatorname{gelu}(x) &= \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)
        \quad\text{or} \\
        \operatorname{gelu}(x) &= \frac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right)

    Smooth, so there is no kink convention.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    approximate : {"none", "tanh"}
        Exact (error function) or tanh form, as in PyTorch.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> gelu(x)
    x*(erf(sqrt(2)*x/2) + 1)/2
    >>> sympy.diff(gelu(x), x).subs(x, 0)
    1/2
    """
    x = _expr(x, "x")
    if approximate == "none":
        return x / 2 * (1 + sympy.erf(x / sympy.sqrt(2)))
    if approximate == "tanh":
        return x / 2 * (1 + sympy.tanh(sympy.sqrt(2 / sympy.pi) * (x + GELU_CUBIC * x**3)))
    raise ValueError(f'approximate must be "none" or "tanh", got {approximate!r}')


def silu(x):
    r"""Sigmoid-weighted linear unit (SiLU, Swish with :math:`\beta = 1`).

    .. math::

        \operatorname{silu}(x) = \frac{x}{1 + e^{-x}}

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> silu(sympy.Symbol("x"))
    x/(1 + exp(-x))
    """
    x = _expr(x, "x")
    return x / (1 + sympy.exp(-x))


def sigmoid(x):
    r"""Logistic sigmoid.

    .. math::

        \sigma(x) = \frac{1}{1 + e^{-x}}

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> sympy.diff(sigmoid(x), x).subs(x, 0)
    1/4
    """
    x = _expr(x, "x")
    return 1 / (1 + sympy.exp(-x))


def tanh(x):
    r"""Hyperbolic tangent, ``sympy.tanh(x)``.

    .. math::

        \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> sympy.diff(tanh(x), x)
    1 - tanh(x)**2
    """
    return sympy.tanh(_expr(x, "x"))


#: Name -> symbolic function, with the keys of :data:`relu_book.activations.ACTIVATIONS`
#: (the fixed activations of :mod:`relu_book.registry`).
ACTIVATIONS = {spec.name: globals()[spec.name] for spec in REGISTRY if spec.layer == "Activation"}


# --------------------------------------------------------------------- numeric


def _elementwise_max(*args):
    """``Max`` of sympy, elementwise over arrays (any number of arguments)."""
    return functools.reduce(np.maximum, args)


def _elementwise_min(*args):
    """``Min`` of sympy, elementwise over arrays (any number of arguments)."""
    return functools.reduce(np.minimum, args)


_ELEMENTWISE_MAX_MIN = {"elementwise_max": _elementwise_max, "elementwise_min": _elementwise_min}
_MAX = sympy.Function("elementwise_max", real=True)
_MIN = sympy.Function("elementwise_min", real=True)


def to_numeric(expr, x, *, heaviside_at_zero=None):
    r"""A vectorised numpy function of ``x`` computing ``expr``, via :func:`sympy.lambdify`.

    The expression is compiled with the modules ``["scipy", "numpy"]``
    (``erf`` from :mod:`scipy.special`). ``Heaviside`` is printed as
    ``numpy.heaviside(arg, h0)`` with its value at 0 always passed explicitly:
    sympy's own :math:`H(0) = 1/2` unless ``heaviside_at_zero`` is given, in
    which case every ``Heaviside`` in ``expr`` takes that value at 0 (``0``
    reproduces PyTorch's convention for ``relu`` and ``relu6``).

    The returned function takes a number or array, returns an array of the
    same shape and floating dtype (0-d input gives a numpy scalar), and does
    not warn about overflow in the branches of a ``Piecewise`` that numpy
    evaluates everywhere but that are not selected.

    Parameters
    ----------
    expr : sympy.Expr
        An expression whose only free symbol is ``x``.
    x : sympy.Symbol
        The variable.
    heaviside_at_zero : number or None, default None
        The value of :math:`H(0)`; ``None`` keeps sympy's (1/2).

    Returns
    -------
    callable
        ``f(values) -> numpy.ndarray``.

    Raises
    ------
    ValueError
        If ``expr`` has free symbols other than ``x``.
    TypeError
        If ``expr`` is not a sympy expression, or (when called) takes complex
        values, which are refused rather than truncated to their real part.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> to_numeric(sympy.Max(0, x), x)([-1.0, 0.0, 2.0])
    array([0., 0., 2.])
    >>> to_numeric(sympy.diff(relu(x), x), x)([-1.0, 0.0, 2.0])
    array([0. , 0.5, 1. ])
    >>> to_numeric(sympy.diff(relu(x), x), x, heaviside_at_zero=0)([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    expr = _expr(expr, "expr")
    x = sympy_symbol(x, "x")
    others = expr.free_symbols - {x}
    if others:
        names = ", ".join(sorted(str(s) for s in others))
        raise ValueError(f"expr has free symbols other than x ({names}); substitute numbers for them first")
    if heaviside_at_zero is not None:
        h0 = _param(heaviside_at_zero, "heaviside_at_zero")
        if not h0.is_number:
            raise TypeError(f"heaviside_at_zero must be a real number, got {h0}")
        expr = expr.replace(lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Heaviside(e.args[0], h0))
    # Max and Min become numpy.maximum/minimum (elementwise): sympy < 1.14 prints
    # them as ``amax(asarray([...]), axis=0)``, which breaks on arrays. They are
    # renamed to functions that no printer knows, so that lambdify looks them up
    # in _ELEMENTWISE_MAX_MIN whatever the sympy version.
    printable = expr.replace(lambda e: isinstance(e, sympy.Max), lambda e: _MAX(*e.args))
    printable = printable.replace(lambda e: isinstance(e, sympy.Min), lambda e: _MIN(*e.args))
    compiled = sympy.lambdify(x, printable, modules=[_ELEMENTWISE_MAX_MIN, "scipy", "numpy"])

    def numeric(values):
        arr = as_float_array(values, "values")
        # numpy's own float dtypes are computed in; the others (bfloat16 and the
        # ml_dtypes floats, longdouble, which scipy's special functions lack) in
        # float64, and the result is cast back to the input's dtype.
        work = arr if arr.dtype in (np.float16, np.float32, np.float64) else arr.astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = np.asarray(compiled(work))
        if np.iscomplexobj(out):
            if np.any(out.imag != 0):
                raise TypeError(f"expr takes complex values ({expr}); to_numeric computes real functions only")
            out = out.real
        if out.dtype.kind not in "fiub":
            raise TypeError(f"expr does not evaluate to real numbers ({expr}), got values of dtype {out.dtype}")
        out = out.astype(np.float64)
        return result(np.broadcast_to(out, arr.shape).astype(arr.dtype))

    numeric.__doc__ = f"Numeric version of {expr} (variable {x})."
    return numeric
