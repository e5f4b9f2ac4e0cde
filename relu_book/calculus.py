r"""Calculus at a kink, with sympy: one-sided limits and derivatives, subdifferential, Clarke gradient, smoothness.

Every function here takes a sympy expression ``expr`` of a symbol ``x``
(for the activations, the expressions of :mod:`relu_book.symbolic`) and
answers exactly::

    >>> import sympy
    >>> from relu_book import calculus, symbolic
    >>> x = sympy.Symbol("x")
    >>> calculus.one_sided_derivatives(symbolic.relu(x), x, 0)
    (0, 1)
    >>> calculus.subdifferential(symbolic.relu(x), x, 0)
    Interval(0, 1)

* :func:`one_sided_limits` is the one primitive:
  :math:`\lim_{x \to p^\mp} g(x)`, taken with a positive symbol ``k`` as
  :math:`\lim_{k \to 0^+} g(p \mp k)` after rewriting ``Max``, ``Min``,
  ``Abs`` and ``Heaviside`` as ``Piecewise``. Everything else is built on it:
* :func:`one_sided_derivatives` are the one-sided limits of the difference
  quotient; :func:`subdifferential` and :func:`clarke_gradient` are
  intervals between them;
* :func:`breakpoints` finds where a piecewise expression switches pieces,
  and :func:`is_differentiable_at` and :func:`smoothness_class` compare the
  one-sided limits of :math:`f, f', f'', \dots` there;
* :func:`derivative` is :func:`sympy.diff`, with what it means at a kink
  spelled out.
"""

from __future__ import annotations

import functools

import sympy

from relu_book._validation import integer, sympy_expr, sympy_point, sympy_symbol

__all__ = [
    "one_sided_limits",
    "derivative",
    "one_sided_derivatives",
    "subdifferential",
    "clarke_gradient",
    "breakpoints",
    "is_differentiable_at",
    "smoothness_class",
]


# ------------------------------------------------------------ one-sided limits


def _limit_from(expr, x, point, side: int):
    """:math:`\\lim_{k \\to 0^+} \\mathrm{expr}(p + \\mathrm{side} \\cdot k)` for a ``Piecewise``-rewritten ``expr``."""
    k = sympy.Dummy("k", positive=True)
    shifted = sympy.piecewise_fold(expr.subs(x, point + side * k))
    return sympy.limit(shifted, k, 0, "+")


def _one_sided_limits_by_pieces(f, x, point):
    """:func:`one_sided_limits` of a ``Piecewise``-folded ``f`` (the same values), faster where the pieces are analytic.

    A piece that is analytic at the point (``is_meromorphic`` with a finite
    value) is continuous there: its limit is its value. The others go to
    :func:`sympy.limit` as in :func:`one_sided_limits`. The expressions may
    differ in form from sympy's limits; for comparisons (:func:`_same`).
    """
    k = sympy.Dummy("k", positive=True)
    limits = []
    for side in (-1, 1):
        piece, value = _side_piece(f, x, point, side, k)
        limits.append(value if value is not None else sympy.limit(piece, k, 0, "+"))
    return tuple(limits)


def _abstract_long_constants(expr):
    """``expr`` with each long numeric constant (SELU's) replaced by a real symbol, and the replacements.

    sympy integrates and simplifies far faster with a symbol ``c`` than with a
    constant such as :math:`\\lambda_{01}` written out in ``erfc`` and
    ``exp(1/2)`` (a minute against a second for SELU), and can tell that
    :math:`c\\,(e^{-k} - 1)` is analytic in :math:`k`; short constants
    (``sqrt(2)``, ``1/10``) are left in place. Used by
    :func:`relu_book.smooth.normal_mean_exact` and the one-sided shortcuts here.
    """
    constants = {}

    def visit(e):
        if isinstance(e, sympy.Expr) and e.is_number and not e.is_Rational and sympy.count_ops(e) > 4:
            symbol = sympy.Dummy("c", real=True)
            constants[symbol] = e
            return symbol
        return e.func(*[visit(a) for a in e.args]) if e.args else e

    return visit(expr), constants


def _side_piece(f, x, point, side: int, k):
    """The ``Piecewise``-folded :math:`f(p + \\mathrm{side} \\cdot k)`, and its value at :math:`k = 0`
    if it is one analytic piece there (``is_meromorphic`` with a finite value; its limit is then
    that value), else ``None``. The one test of "analytic at the point" for the shortcuts of
    :func:`_one_sided_limits_by_pieces` and :func:`_one_sided_derivatives_by_branches`.

    A ``Piecewise`` is replaced by its branch in force for all small :math:`k > 0`
    when :func:`_holds_just_above_zero` decides every condition up to it
    (relu6's ``(6, k >= 6), (k, True)`` is ``k``), so that sympy need not solve them."""
    piece = sympy.piecewise_fold(f.subs(x, point + side * k))
    if isinstance(piece, sympy.Piecewise):
        for branch, condition in piece.args:
            holds = _holds_just_above_zero(condition, k)
            if holds is None:
                return piece, None
            if holds:
                piece = branch
                break
    if piece.has(sympy.Piecewise):
        return piece, None
    # long constants (SELU's) as real symbols, once they are known to be finite real numbers:
    # is_meromorphic cannot decide expressions with them written out
    abstract, constants = _abstract_long_constants(piece)
    if not all(_finite_real(v) for v in constants.values()) or not abstract.is_meromorphic(k, 0):
        return piece, None
    value = piece.subs(k, 0)
    return piece, (value if _finite_real(value) else None)


def _finite_real(number) -> bool:
    """Whether a sympy expression is finite and real: by sympy's assumptions (a positive
    symbol is), else, for a number, by its 30-digit value."""
    if number.is_finite and number.is_extended_real:
        return True
    if not number.is_number or number.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return False
    value = sympy.N(number, 30)
    return value.is_Float and value.is_finite


def _holds_just_above_zero(condition, k):
    """Whether ``condition`` holds for every :math:`k` in some interval :math:`(0, \\varepsilon)`.

    Decided for ``true``/``false``, for ``And``, ``Or`` and ``Not`` of decided
    parts, and for a comparison of :math:`ak + b` with 0 (numbers :math:`a, b`):
    on :math:`(0, \\varepsilon)` its sign is that of :math:`b`, or of :math:`a` when
    :math:`b = 0`. ``None`` for anything else.
    """
    if condition in (sympy.true, sympy.false):
        return bool(condition)
    if isinstance(condition, (sympy.And, sympy.Or, sympy.Not)):
        parts = [_holds_just_above_zero(c, k) for c in condition.args]
        if None in parts:
            return None
        if isinstance(condition, sympy.Not):
            return not parts[0]
        return all(parts) if isinstance(condition, sympy.And) else any(parts)
    if not isinstance(condition, sympy.core.relational.Relational):
        return None
    difference = sympy.expand(condition.lhs - condition.rhs)
    if not difference.is_polynomial(k) or sympy.degree(difference, k) > 1:
        return None
    b = difference.subs(k, 0)
    a = difference.coeff(k, 1)
    if not (a.is_number and b.is_number and a.is_extended_real and b.is_extended_real):
        return None
    sign = int(sympy.sign(b)) if b != 0 else int(sympy.sign(a))
    return {"==": sign == 0, "!=": sign != 0, ">": sign > 0, ">=": sign >= 0,
            "<": sign < 0, "<=": sign <= 0}[condition.rel_op]


def one_sided_limits(expr, x, point):
    r"""The left and right limits of an expression at a point.

    .. math::

        g(p^-) = \lim_{x \to p^-} g(x) = \lim_{k \to 0^+} g(p - k),
        \qquad
        g(p^+) = \lim_{x \to p^+} g(x) = \lim_{k \to 0^+} g(p + k)

    ``Max``, ``Min``, ``Abs`` and ``Heaviside`` are first rewritten as
    ``Piecewise``; then ``x`` is replaced by :math:`p \mp k` for a *positive*
    symbol ``k`` and ``sympy.limit(..., k, 0, "+")`` is taken. The positive
    symbol lets sympy decide the branch conditions: in sympy 1.14
    ``sympy.limit(g, x, p, "-")`` and ``"+"`` return the same value (wrong
    on one side) for a ``Piecewise`` of a real ``x``. A limit may be
    ``sympy.oo`` or ``-sympy.oo``. The value of ``expr`` at ``point`` itself
    plays no part: a kink's convention does not change its limits.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x``.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        A finite real number; floats are converted exactly to rationals.

    Returns
    -------
    (left, right) : tuple of sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> one_sided_limits(sympy.Heaviside(x), x, 0)
    (0, 1)
    >>> one_sided_limits(sympy.Piecewise((1 / x, x > 0), (0, True)), x, 0)
    (0, oo)
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    p = sympy_point(point)
    f = expr.rewrite(sympy.Piecewise)
    return _limit_from(f, x, p, -1), _limit_from(f, x, p, 1)


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
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x")
    >>> derivative(symbolic.relu(x), x)
    Heaviside(x)
    >>> derivative(symbolic.relu_forms(x)["piecewise"], x)
    Piecewise((1, x > 0), (0, True))
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    return sympy.diff(expr, x)


def one_sided_derivatives(expr, x, point):
    r"""Left and right derivatives: limits of the difference quotient from each side.

    .. math::

        f'_-(p) = \lim_{h \to 0^-} \frac{f(p + h) - f(p)}{h},
        \qquad
        f'_+(p) = \lim_{h \to 0^+} \frac{f(p + h) - f(p)}{h}

    These are the :func:`one_sided_limits` at ``point`` of the difference
    quotient :math:`(f(x) - f(p))/(x - p)`, with ``Max``, ``Min``, ``Abs``
    and ``Heaviside`` rewritten as ``Piecewise`` first.

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
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x")
    >>> one_sided_derivatives(symbolic.relu(x), x, 0)
    (0, 1)
    >>> one_sided_derivatives(symbolic.relu6(x), x, 6)
    (1, 0)
    >>> one_sided_derivatives(symbolic.generalized_relu(x, threshold=1), x, 1)
    (0, oo)
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    p = sympy_point(point)
    f = expr.rewrite(sympy.Piecewise)
    quotient = (f - f.subs(x, p)) / (x - p)
    return _limit_from(quotient, x, p, -1), _limit_from(quotient, x, p, 1)


def _one_sided_derivatives_by_branches(expr, x, point):
    """:func:`one_sided_derivatives` (the same values), faster where the pieces are analytic.

    On each side, if the piece in force there, :math:`g(p \\pm k)` for a
    positive ``k``, is analytic at :math:`k = 0` (``is_meromorphic`` with a
    finite value) and equal to :math:`f(p)` there, the limit of the
    difference quotient is :math:`g'(p)`, computed by :func:`sympy.diff`;
    otherwise (a jump, a piece that is not analytic) it is the limit of
    :func:`one_sided_derivatives`. For printing numbers
    (:func:`relu_book.registry.kink_table`): the expressions may differ in
    form from the limits.
    """
    point = sympy_point(point)
    f = expr.rewrite(sympy.Piecewise)
    value = f.subs(x, point)
    quotient = (f - value) / (x - point)
    k = sympy.Dummy("k", positive=True)
    slopes = []
    for side in (-1, 1):
        piece, at = _side_piece(f, x, point, side, k)
        slope = None
        if at is not None and (at - value).is_zero:
            slope = side * sympy.diff(piece, k).subs(k, 0)
        slopes.append(slope if slope is not None else _limit_from(quotient, x, point, side))
    return tuple(slopes)


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
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x")
    >>> subdifferential(symbolic.relu(x), x, 0)
    Interval(0, 1)
    >>> subdifferential(symbolic.relu(x), x, 2)
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
    >>> from relu_book import symbolic
    >>> x = sympy.Symbol("x")
    >>> clarke_gradient(symbolic.relu6(x), x, 6)
    Interval(0, 1)
    """
    left, right = _finite_slopes(expr, x, point, "Clarke gradient")
    return sympy.Interval(sympy.Min(left, right), sympy.Max(left, right))


# ------------------------------------------------------------------ smoothness


def breakpoints(expr, x):
    r"""The real points where a piecewise expression switches pieces.

    .. math::

        \{ p \in \mathbb{R} : \text{a condition } g(x) \lessgtr h(x) \text{ of the pieces has } g(p) = h(p) \}

    ``Max``, ``Min``, ``Abs`` and ``Heaviside`` are first rewritten as
    ``Piecewise``. A smooth expression (no conditions) has none.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x``.
    x : sympy.Symbol
        The variable.

    Returns
    -------
    list of sympy.Expr
        Sorted real points.

    Examples
    --------
    >>> from relu_book import symbolic
    >>> z = sympy.Symbol("z", real=True)
    >>> breakpoints(symbolic.relu6(z), z)
    [0, 6]
    >>> breakpoints(symbolic.gelu(z), z)
    []
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    return list(_breakpoints(expr, x))


@functools.lru_cache(maxsize=256)
def _breakpoints(expr, x):
    """:func:`breakpoints` as a tuple, remembered (the comparison table asks for each activation's several times)."""
    f = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    points = set()
    for rel in f.atoms(sympy.Rel):
        if x in rel.free_symbols:
            points |= {p for p in sympy.solve(sympy.Eq(rel.lhs, rel.rhs), x) if p.is_real}
    return tuple(sorted(points, key=lambda p: float(p)))


def _same(a, b) -> bool:
    """Whether two exact limits are equal (infinite ones exactly, finite ones to 30 digits)."""
    if a.is_infinite or b.is_infinite:
        return a == b
    diff = sympy.N(a - b, 40)
    return bool(abs(diff) < sympy.Float("1e-30"))


def is_differentiable_at(expr, x, point) -> bool:
    r"""Whether a piecewise-analytic function is differentiable at a point.

    .. math::

        f(p^-) = f(p) = f(p^+) \quad\text{and}\quad f'(p^-) = f'(p^+) \in \mathbb{R}

    The function is continuous at ``point`` and the :func:`one_sided_limits`
    of :math:`f'` agree and are finite (exact limits, compared to 30
    digits). For a function whose pieces are analytic (all in this book)
    this is differentiability: by the mean value theorem the one-sided
    derivatives are then the one-sided limits of :math:`f'`.

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x`` with analytic pieces.
    x : sympy.Symbol
        The variable.
    point : number or sympy number
        A finite real number.

    Returns
    -------
    bool

    Examples
    --------
    >>> from relu_book import symbolic
    >>> z = sympy.Symbol("z", real=True)
    >>> is_differentiable_at(symbolic.relu(z), z, 0), \
    ...     is_differentiable_at(symbolic.elu(z), z, 0)
    (False, True)
    """
    expr = sympy_expr(expr, "expr")
    x = sympy_symbol(x, "x")
    p = sympy_point(point)
    f = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    left, right = _one_sided_limits_by_pieces(f, x, p)
    if not (_same(left, right) and _same(left, f.subs(x, p))):
        return False
    left, right = _one_sided_limits_by_pieces(sympy.diff(f, x), x, p)
    return bool(left.is_finite and right.is_finite) and _same(left, right)


def smoothness_class(expr, x, max_order=3):
    r"""The smoothness class of a piecewise-analytic function: ``"C^0"``, ``"C^1"``, ... or ``"C^inf"``.

    .. math::

        f \in C^k \iff f^{(j)}(p^-) = f^{(j)}(p^+) = f^{(j)}(p)
        \text{ for } j \le k \text{ at every breakpoint } p

    The pieces of the functions in this book are analytic, so only the
    :func:`breakpoints` matter: at each, the :func:`one_sided_limits` of
    :math:`f, f', f'', \dots` are compared (exact limits, compared to 30
    digits). A function without breakpoints is ``"C^inf"``; one that jumps
    is ``"discontinuous"``; if all derivatives up to ``max_order`` match, the
    answer is ``f"C^{max_order}+"`` (at least that smooth).

    Parameters
    ----------
    expr : sympy.Expr
        A function of ``x`` with analytic pieces.
    x : sympy.Symbol
        The variable.
    max_order : int, default 3
        Highest derivative compared.

    Returns
    -------
    str

    Examples
    --------
    >>> from relu_book import symbolic
    >>> z = sympy.Symbol("z", real=True)
    >>> smoothness_class(symbolic.relu(z), z), smoothness_class(symbolic.elu(z), z)
    ('C^0', 'C^1')
    >>> smoothness_class(symbolic.softplus(z, threshold=20), z)
    'discontinuous'
    """
    max_order = integer(max_order, "max_order", 0)
    points = breakpoints(expr, x)
    if not points:
        return "C^inf"
    f = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    for order in range(max_order + 1):
        d = sympy.diff(f, x, order) if order else f
        for p in points:
            left, right = _one_sided_limits_by_pieces(d, x, p)
            ok = _same(left, right)
            if order == 0:
                ok = ok and _same(left, f.subs(x, p))
            if not ok:
                return "discontinuous" if order == 0 else f"C^{order - 1}"
    return f"C^{max_order}+"
