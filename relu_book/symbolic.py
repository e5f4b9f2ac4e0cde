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
    >>> symbolic.derivative(symbolic.relu(x), x)
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
the tests compare both views at many points.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy

from relu_book._validation import as_float_array, result

__all__ = [
    "relu",
    "relu_forms",
    "leaky_relu",
    "prelu",
    "rrelu",
    "relu6",
    "generalized_relu",
    "softplus",
    "elu",
    "selu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "SELU_ALPHA",
    "SELU_SCALE",
    "GELU_CUBIC",
    "ACTIVATIONS",
    "derivative",
    "one_sided_derivatives",
    "subdifferential",
    "clarke_gradient",
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


# ----------------------------------------------------------------- validation


def _expr(value, name: str) -> sympy.Expr:
    """Check that ``value`` is a real-valued sympy expression."""
    if not isinstance(value, sympy.Expr):
        raise TypeError(
            f"{name} must be a sympy expression such as sympy.Symbol('x'), got {type(value).__name__}"
        )
    if value.is_extended_real is False:
        raise ValueError(f"{name} must be real, got {value}")
    return value


def _symbol(value, name: str) -> sympy.Symbol:
    """Check that ``value`` is a sympy Symbol (the variable of differentiation)."""
    if not isinstance(value, sympy.Symbol):
        raise TypeError(f"{name} must be a sympy Symbol such as sympy.Symbol('x'), got {type(value).__name__}")
    return value


def _param(value, name: str, *, positive: bool = False, allow_inf: bool = False) -> sympy.Expr:
    """Return a real parameter as a sympy object, checking what can be checked.

    Numbers are checked completely; for symbolic parameters only what sympy
    can decide from the symbol's assumptions (a symbol declared
    ``negative=True`` is refused where a positive value is required).
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number or a sympy expression, got {type(value).__name__}")
    if isinstance(value, sympy.Basic):
        if not isinstance(value, sympy.Expr):
            raise TypeError(f"{name} must be a real number or a sympy expression, got {type(value).__name__}")
    elif isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    elif isinstance(value, numbers.Integral):
        value = sympy.Integer(int(value))
    elif isinstance(value, numbers.Real):
        value = sympy.Float(float(value))
    else:
        raise TypeError(f"{name} must be a real number or a sympy expression, got {type(value).__name__}")
    if value.has(sympy.nan):
        raise ValueError(f"{name} must not be nan")
    if value.is_extended_real is False:
        raise ValueError(f"{name} must be real, got {value}")
    if value.is_infinite and not allow_inf:
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value.is_positive is False:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def _point(value, name: str = "point") -> sympy.Expr:
    """A finite real number, kept exact (floats become the exact binary rational)."""
    if isinstance(value, float):
        value = sympy.Rational(value) if np.isfinite(value) else sympy.Float(value)
    value = _param(value, name)
    if not value.is_number:
        raise TypeError(f"{name} must be a real number, got the symbolic expression {value}")
    return value


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
    r"""The generalised ReLU of ``keras.activations.relu``, as documented for Keras 3.

    .. math::

        f(x) = \begin{cases}
            m & x \ge m \\
            x & \theta \le x < m \\
            \alpha (x - \theta) & x < \theta
        \end{cases}

    with :math:`m` = ``max_value`` (no first branch when ``None``),
    :math:`\theta` = ``threshold`` and :math:`\alpha` = ``negative_slope``.
    The non-strict conditions make :func:`sympy.diff` return 0 at
    :math:`x = m` (as the numeric code and PyTorch's ``relu6`` do) but 1 at
    :math:`x = \theta`, where the numeric code returns :math:`\alpha`; with
    :math:`\theta \ne 0` the function jumps at :math:`\theta` and has no
    derivative there at all (:func:`one_sided_derivatives` returns an
    infinite one). With the defaults it equals :func:`relu`, written as a
    ``Piecewise``.

    Parameters
    ----------
    x : sympy.Expr
        A symbol or real expression.
    negative_slope : number or sympy.Expr, default 0
        Slope :math:`\alpha` below the threshold.
    max_value : number or sympy.Expr or None, default None
        Saturation value :math:`m`; must be ``>= threshold``.
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
    Piecewise((6, x >= 6), (x, x >= 1), (x/2 - 1/2, True))
    """
    x = _expr(x, "x")
    a = _param(negative_slope, "negative_slope")
    t = _param(threshold, "threshold")
    pieces = [(x, x >= t), (a * (x - t), True)]
    if max_value is not None:
        m = _param(max_value, "max_value")
        if (t - m).is_positive:
            raise ValueError(f"max_value must be >= threshold ({t}), got {m}")
        pieces.insert(0, (m, x >= m))
    return sympy.Piecewise(*pieces)


def softplus(x, beta=1, threshold=20):
    r"""Softplus with PyTorch's linear cut-over, as a ``Piecewise``.

    .. math::

        \operatorname{softplus}(x) = \begin{cases}
            x & \beta x > t \\
            \frac{1}{\beta} \log\left(1 + e^{\beta x}\right) & \text{otherwise}
        \end{cases}

    The cut-over makes a (tiny) jump at :math:`\beta x = t`, so
    :func:`one_sided_derivatives` finds an infinite right-hand quotient
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


#: Name -> symbolic function, with the keys of :data:`relu_book.activations.ACTIVATIONS`.
ACTIVATIONS = {
    "relu": relu,
    "leaky_relu": leaky_relu,
    "relu6": relu6,
    "generalized_relu": generalized_relu,
    "softplus": softplus,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "sigmoid": sigmoid,
    "tanh": tanh,
}


# ------------------------------------------------------------- differentiation


def derivative(expr, x):
    r"""The derivative :math:`\mathrm{d}\,\mathrm{expr}/\mathrm{d}x`, by :func:`sympy.diff`.

    .. math::

        \frac{\mathrm{d}}{\mathrm{d}x} \max(0, x) = H(x)

    Nothing is added to sympy's answer; what it means at a kink depends on
    how the expression is written:

    * ``Max``, ``Min`` and ``Abs`` differentiate to ``Heaviside`` and
      ``sign``. sympy (>= 1.9) defines ``Heaviside(0) = 1/2``, so the
      derivative of ``Max(0, x)`` is 1/2 at 0, not PyTorch's 0.
    * A ``Piecewise`` differentiates branch by branch and keeps the
      conditions, so at a kink it takes the value of the branch whose
      condition holds there: ``x > 0`` (strict) puts 0 in the left branch
      and gives the left slope, ``x >= 0`` gives the right slope.

    Neither is a derivative at a kink (there is none); see
    :func:`one_sided_derivatives` and :func:`subdifferential`.

    Parameters
    ----------
    expr : sympy.Expr
        The function.
    x : sympy.Symbol
        The variable.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> derivative(relu(x), x)
    Heaviside(x)
    >>> derivative(relu_forms(x)["piecewise"], x)
    Piecewise((1, x > 0), (0, True))
    """
    expr = _expr(expr, "expr")
    x = _symbol(x, "x")
    return sympy.diff(expr, x)


def one_sided_derivatives(expr, x, point):
    r"""Left and right derivatives: limits of the difference quotient from each side.

    .. math::

        f'_-(p) = \lim_{h \to 0^-} \frac{f(p + h) - f(p)}{h},
        \qquad
        f'_+(p) = \lim_{h \to 0^+} \frac{f(p + h) - f(p)}{h}

    The quotient is computed with ``h = -k`` and ``h = +k`` for a positive
    symbol ``k`` and ``sympy.limit(..., k, 0, "+")``, after rewriting
    ``Max``, ``Min``, ``Abs`` and ``Heaviside`` as ``Piecewise``. This is
    the one-sided limit :math:`h \to 0^\mp`; the substitution lets sympy
    decide the branch conditions; ``sympy.limit(q, h, 0, "-")`` and
    ``"+"`` on a real ``h`` return the same (wrong on one side) value for a
    ``Piecewise`` quotient in sympy 1.14.

    If the function jumps at ``point`` the quotient diverges and the limit
    is ``sympy.oo`` or ``-sympy.oo`` (for example ``generalized_relu`` with
    a non-zero threshold, or softplus at PyTorch's cut-over).

    Parameters
    ----------
    expr : sympy.Expr
        The function of ``x``.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        A finite real number; floats are converted exactly to rationals.

    Returns
    -------
    (left, right) : tuple of sympy.Expr
        The left and right derivatives (possibly infinite).

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> one_sided_derivatives(relu(x), x, 0)
    (0, 1)
    >>> one_sided_derivatives(relu6(x), x, 6)
    (1, 0)
    >>> one_sided_derivatives(generalized_relu(x, threshold=1), x, 1)
    (oo, 1)
    """
    expr = _expr(expr, "expr")
    x = _symbol(x, "x")
    p = _point(point)
    k = sympy.Dummy("k", positive=True)
    f = expr.rewrite(sympy.Piecewise)
    f_p = f.subs(x, p)
    sides = []
    for h in (-k, k):
        quotient = sympy.piecewise_fold((f.subs(x, p + h) - f_p) / h)
        sides.append(sympy.limit(quotient, k, 0, "+"))
    return tuple(sides)


def _finite_slopes(expr, x, point, what):
    left, right = one_sided_derivatives(expr, x, point)
    for side, value in (("left", left), ("right", right)):
        if value.is_infinite or value.is_extended_real is False or value.has(sympy.nan):
            raise ValueError(
                f"the {side} derivative of expr at {point} is {value}: "
                f"expr is not Lipschitz near {point}, so it has no {what} there"
            )
    return left, right


def subdifferential(expr, x, point):
    r"""The subdifferential :math:`\partial f(p) = [f'_-(p), f'_+(p)]` of a convex function.

    .. math::

        \partial f(p) = \{ g : f(y) \ge f(p) + g\,(y - p) \text{ for all } y \}
        = [f'_-(p),\, f'_+(p)]

    The second equality holds for a convex function of one variable
    (Rockafellar 1970, Section 24). The function is assumed convex near
    ``point``; only the necessary condition :math:`f'_-(p) \le f'_+(p)` is
    checked. Where it fails, as for ``relu6`` at 6 (slopes 1 then 0), the
    function is concave there and has no subgradient; chapter 3 uses this
    case to introduce the Clarke generalised gradient
    (:func:`clarke_gradient`).

    Where the function is differentiable the result is a single point, and
    sympy returns ``Interval(1, 1)`` as the finite set ``{1}``
    (``sympy.FiniteSet(1)``), not a degenerate ``Interval``.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x``, convex near ``point``.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        A finite real number.

    Returns
    -------
    sympy.Interval or sympy.FiniteSet
        ``Interval(left, right)``; a ``FiniteSet`` when ``left == right``.

    Raises
    ------
    ValueError
        If a one-sided derivative is infinite, if ``left > right`` (not convex
        near ``point``), or if sympy cannot order symbolic slopes.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> subdifferential(relu(x), x, 0)
    Interval(0, 1)
    >>> subdifferential(relu(x), x, 2)
    {1}
    """
    left, right = _finite_slopes(expr, x, point, "subgradient")
    gap = left - right
    if gap.is_positive:
        raise ValueError(
            f"expr is not convex near {point}: left derivative {left} > right derivative {right}; "
            "use clarke_gradient for the Clarke generalised gradient"
        )
    if gap.is_nonpositive is not True:
        raise ValueError(f"cannot decide whether the left derivative {left} <= the right derivative {right}")
    return sympy.Interval(left, right)


def clarke_gradient(expr, x, point):
    r"""The Clarke generalised gradient of a piecewise-smooth function of one variable.

    .. math::

        \partial_C f(p) = \operatorname{conv}\{ \lim f'(y_k) : y_k \to p \}
        = [\min(f'_-, f'_+),\, \max(f'_-, f'_+)]

    The Clarke gradient (Clarke 1983) of a locally Lipschitz function is the
    convex hull of the limits of gradients at nearby points where the
    function is differentiable. For a function that is continuously
    differentiable on each side of ``point`` (piecewise linear, or a
    ``Piecewise`` of smooth pieces) those limits are the one-sided
    derivatives, so it is the interval between them. For a convex function
    it equals :func:`subdifferential`; it also exists at concave kinks, e.g.
    ``relu6`` at 6 gives :math:`[0, 1]`.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x``, smooth on each side of ``point``.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        A finite real number.

    Returns
    -------
    sympy.Interval or sympy.FiniteSet
        A ``FiniteSet`` when both one-sided derivatives agree.

    Raises
    ------
    ValueError
        If a one-sided derivative is infinite (the function jumps at ``point``).

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> clarke_gradient(relu6(x), x, 6)
    Interval(0, 1)
    """
    left, right = _finite_slopes(expr, x, point, "Clarke gradient")
    return sympy.Interval(sympy.Min(left, right), sympy.Max(left, right))


# --------------------------------------------------------------------- numeric


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

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> to_numeric(derivative(relu(x), x), x)([-1.0, 0.0, 2.0])
    array([0. , 0.5, 1. ])
    >>> to_numeric(derivative(relu(x), x), x, heaviside_at_zero=0)([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    expr = _expr(expr, "expr")
    x = _symbol(x, "x")
    others = expr.free_symbols - {x}
    if others:
        names = ", ".join(sorted(str(s) for s in others))
        raise ValueError(f"expr has free symbols other than x ({names}); substitute numbers for them first")
    if heaviside_at_zero is not None:
        h0 = _param(heaviside_at_zero, "heaviside_at_zero")
        if not h0.is_number:
            raise TypeError(f"heaviside_at_zero must be a real number, got {h0}")
        expr = expr.replace(lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Heaviside(e.args[0], h0))
    compiled = sympy.lambdify(x, expr, modules=["scipy", "numpy"])

    def numeric(values):
        arr = as_float_array(values, "values")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = np.asarray(compiled(arr), dtype=np.float64)
        return result(np.broadcast_to(out, arr.shape).astype(arr.dtype))

    numeric.__doc__ = f"Numeric version of {expr} (variable {x})."
    return numeric
