r"""The registry of activations: one entry per activation, the single source of truth.

Every activation of the book has one :class:`ActivationSpec` in :data:`REGISTRY`.
An entry names the activation and records what is *not* in its code: where
its kinks are and which value of the derivative ``relu_book`` returns at each,
the parameter values used by tests and tables, its colour and line style in
figures, and its rows of the comparison table of chapter 7. Everything else
is read from the functions themselves:

* the numeric function ``relu_book.activations.<name>`` and its derivative
  ``relu_book.activations.<name>_grad`` (looked up by name, on use);
* the sympy view ``relu_book.symbolic.<name>`` (imported only when asked for);
* the parameters and their defaults, from the two signatures.

The lists derived from the registry are: ``relu_book.activations.__all__``
and :data:`relu_book.activations.ACTIVATIONS`, :data:`relu_book.symbolic.ACTIVATIONS`,
:data:`relu_book.smooth.TABLE_ENTRIES`, :data:`relu_book.nn.ACTIVATION_LAYERS`,
:func:`relu_book.plotting.style`, :func:`kink_table` and the parametrised
tests. Adding an activation therefore takes its two numeric functions, its
sympy view and one entry here::

    >>> spec = get("leaky_relu")
    >>> spec.parameters
    {'negative_slope': 0.01}
    >>> spec.kinks_at()
    {0.0: 0.01}
    >>> f, df = spec.numeric(negative_slope=0.2)
    >>> df([-1.0, 0.0, 1.0])
    array([0.2, 0.2, 1. ])
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["TableRow", "ActivationSpec", "REGISTRY", "get", "names", "kink_table"]


def _numeric():
    """The module of the numeric functions (imported on use, since it imports this registry)."""
    from relu_book import activations

    return activations


def _as_float(value):
    """A parameter value for the numeric code: exact fractions become floats, the rest is kept."""
    return float(value) if isinstance(value, Fraction) else value


@dataclass(frozen=True)
class TableRow:
    """One row of the comparison table of chapter 7 (:func:`relu_book.smooth.activation_table`).

    Attributes
    ----------
    label : str or None
        Display name; ``None`` uses the activation's name.
    params : mapping
        Parameter values of this row (exact numbers such as
        ``Fraction(1, 10)`` where the sympy view should be exact).
    exact_mean : bool
        Ask sympy for :math:`E[f(Z)]` (else quadrature only).
    """

    label: str | None = None
    params: Mapping = field(default_factory=dict)
    exact_mean: bool = True


def _no_kinks():
    return {}


def _slope_kink(slope):
    """The kink at 0 of a function with slope 1 on the right and ``slope`` on the left (none if equal)."""
    return {} if slope == 1 else {0.0: slope}


@dataclass(frozen=True)
class ActivationSpec:
    r"""One activation of the book: its name and the facts its code does not state.

    Attributes
    ----------
    name : str
        The name of the numeric function in :mod:`relu_book.activations`
        (its derivative is ``name + "_grad"``) and of the sympy view in
        :mod:`relu_book.symbolic`.
    color : str
        A key of :data:`relu_book.plotting.OKABE_ITO`: the activation's colour
        in every figure.
    linestyle : str
        Its matplotlib line style in every figure; the pair (colour, line
        style) is different for every entry.
    kinks : callable
        ``kinks(**params) -> {point: value}``: the points where the function
        is not differentiable (kinks, and jumps such as softplus's cut-over),
        each with the value of the derivative that ``<name>_grad`` returns
        there. It names the parameters it needs as its arguments and is
        called with their values (defaults filled in).
    required : mapping
        Values for the parameters without a default (the slope of
        ``prelu``), used wherever the registry calls the function.
    examples : tuple of mapping
        Further parameter values that the tests sweep (the defaults are
        always swept). Write exact values as ``Fraction`` or ``int``.
    table : tuple of TableRow
        The rows of the comparison table of chapter 7; by default one row
        with the default parameters.
    layer : str
        The class of :mod:`relu_book.nn` that wraps the activation in a
        network: ``"Activation"`` for a fixed function of ``x``, or a class
        with learned or random slopes (``"PReLU"``, ``"RReLU"``).
    """

    name: str
    color: str
    linestyle: str
    kinks: Callable[..., dict] = _no_kinks
    required: Mapping = field(default_factory=dict)
    examples: tuple = ()
    table: tuple = (TableRow(),)
    layer: str = "Activation"
    # Further facts about an activation (for example what each framework
    # returns at its kinks) are added as fields with defaults, so that the
    # existing entries stay valid.

    # ------------------------------------------------------------ the code

    @property
    def function(self) -> Callable:
        """The numeric function ``relu_book.activations.<name>``."""
        return getattr(_numeric(), self.name)

    @property
    def grad(self) -> Callable:
        """The numeric derivative ``relu_book.activations.<name>_grad``."""
        return getattr(_numeric(), self.name + "_grad")

    @property
    def sympy(self) -> Callable:
        """The sympy view ``relu_book.symbolic.<name>`` (imports sympy on first use)."""
        from relu_book import symbolic

        return getattr(symbolic, self.name)

    @property
    def parameters(self) -> dict:
        """Parameter name -> default, read from the signatures of the function and its derivative.

        The parameters are the keyword arguments that both functions accept
        (``return_slopes`` of ``rrelu`` and ``at_zero`` of ``relu_grad`` are
        options of one of them only); those without a default take their
        value from :attr:`required`.
        """
        f = inspect.signature(self.function).parameters
        g = inspect.signature(self.grad).parameters
        out = {}
        for p in list(f)[1:]:
            if p in g:
                default = f[p].default
                out[p] = self.required[p] if default is inspect.Parameter.empty else default
        return out

    def _params(self, overrides) -> dict:
        unknown = sorted(set(overrides) - set(self.parameters))
        if unknown:
            raise TypeError(f"{self.name} has no parameters {unknown}; it has {list(self.parameters)}")
        return {**self.required, **overrides}

    def numeric(self, **params):
        """The pair ``(f, df)`` of numeric callables of ``x`` at the given parameter values.

        ``df`` is the derivative in ``x`` (the first output of a derivative
        that also returns partials in the parameters, such as ``prelu_grad``).
        """
        kw = {k: _as_float(v) for k, v in self._params(params).items()}
        f, grad = self.function, self.grad

        def function(x):
            return f(x, **kw)

        def derivative(x):
            out = grad(x, **kw)
            return out[0] if isinstance(out, tuple) else out

        function.__name__, derivative.__name__ = self.name, self.name + "_grad"
        return function, derivative

    def expr(self, x, **params):
        """The sympy expression of the activation of ``x`` at the given parameter values.

        Parameters not given keep the sympy view's own defaults, which are the
        numeric defaults written exactly (``1/100`` for ``0.01``).
        """
        return self.sympy(x, **self._params(params))

    def kinks_at(self, **params) -> dict:
        """``{point: value of the derivative there}`` at the given parameter values (floats)."""
        values = {k: _as_float(v) for k, v in {**self.parameters, **self._params(params)}.items()}
        wanted = inspect.signature(self.kinks).parameters
        return {float(p): float(v) for p, v in self.kinks(**{k: values[k] for k in wanted}).items()}

    def cases(self) -> list[dict]:
        """The parameter values the tests sweep: the defaults (``{}``), then each of :attr:`examples`."""
        return [{}, *(dict(e) for e in self.examples)]


def _selu_kinks():
    act = _numeric()
    return {0.0: act.SELU_SCALE * act.SELU_ALPHA}


def _generalized_relu_kinks(negative_slope, max_value, threshold):
    # What jax.grad returns through keras.activations.relu (Keras 3 on JAX).
    if negative_slope != 0 and max_value is None and threshold == 0:
        return {0.0: 1.0}  # Keras calls jax.nn.leaky_relu: where(x >= 0, x, a x)
    if threshold == 0 and max_value == 6:
        return {0.0: 0.0, 6.0: 0.0}  # Keras calls jax.nn.relu6
    kinks = {threshold: 0.0}  # x is kept only where x > threshold
    if max_value is not None:
        kinks[max_value] = 0.5  # jnp.clip's minimum splits a tie evenly
        if threshold < 0:
            kinks[0.0] = 0.5  # ... and so does its maximum, at 0
    return kinks


def _softplus_kinks(beta, threshold):
    if math.isinf(threshold):
        return {}
    return {threshold / beta: 1.0 / (1.0 + math.exp(-threshold))}


#: Every activation of the book, in the order of the chapters' tables.
#: Piecewise linear activations are drawn with solid lines, curved ones
#: (exponential and smooth) with dashed or dash-dotted lines.
REGISTRY: tuple[ActivationSpec, ...] = (
    ActivationSpec("relu", "blue", "-", kinks=lambda: {0.0: 0.0}),
    ActivationSpec(
        "leaky_relu", "vermillion", "-",
        kinks=lambda negative_slope: _slope_kink(negative_slope),
        examples=({"negative_slope": Fraction(1, 10)}, {"negative_slope": 2}),
        table=(TableRow("leaky_relu (0.01)"),),
    ),
    ActivationSpec(
        "prelu", "bluish_green", "-",
        kinks=lambda weight: _slope_kink(weight),
        required={"weight": Fraction(1, 4)},
        examples=({"weight": Fraction(3, 10)},),
        table=(TableRow("prelu (a = 0.25)"),),
        layer="PReLU",
    ),
    ActivationSpec(
        "rrelu", "orange", "-",
        kinks=lambda lower, upper: _slope_kink((lower + upper) / 2),
        examples=({"lower": Fraction(1, 10), "upper": Fraction(3, 10)},),
        table=(TableRow("rrelu (eval, 11/48)"),),
        layer="RReLU",
    ),
    ActivationSpec("relu6", "sky_blue", "-", kinks=lambda: {0.0: 0.0, 6.0: 0.0}),
    ActivationSpec(
        "generalized_relu", "reddish_purple", "-",
        kinks=_generalized_relu_kinks,
        examples=(
            {"negative_slope": Fraction(1, 10)},
            {"negative_slope": Fraction(1, 5), "max_value": 4},
            {"negative_slope": Fraction(1, 2), "max_value": 5, "threshold": 1},
            {"negative_slope": Fraction(1, 5), "threshold": -2},
        ),
        table=(TableRow("generalized_relu (0.1, max 6)", {"negative_slope": Fraction(1, 10), "max_value": 6}),),
    ),
    ActivationSpec(
        "softplus", "orange", "--",
        kinks=_softplus_kinks,
        examples=({"beta": 2}, {"beta": 2, "threshold": 5}, {"threshold": math.inf}),
        table=(TableRow("softplus (no cut-over)", {"threshold": math.inf}, exact_mean=False),),
    ),
    ActivationSpec(
        "elu", "black", "-.",
        kinks=lambda alpha: _slope_kink(alpha),  # differentiable at 0 when alpha = 1
        examples=({"alpha": 2},),
        table=(TableRow("elu (1)"),),
    ),
    # sympy cannot simplify E[selu(Z)] with the closed-form constants in reasonable time
    ActivationSpec("selu", "vermillion", "-.", kinks=_selu_kinks, table=(TableRow(exact_mean=False),)),
    ActivationSpec(
        "gelu", "vermillion", "--",
        examples=({"approximate": "tanh"},),
        table=(TableRow(), TableRow("gelu (tanh)", {"approximate": "tanh"}, exact_mean=False)),
    ),
    ActivationSpec("silu", "bluish_green", "--", table=(TableRow(exact_mean=False),)),
    ActivationSpec("sigmoid", "sky_blue", "--"),
    ActivationSpec("tanh", "reddish_purple", "--"),
)

_BY_NAME = {spec.name: spec for spec in REGISTRY}


def get(name: str) -> ActivationSpec:
    """The registry entry of the activation ``name``.

    Parameters
    ----------
    name : str
        An activation's name, e.g. ``"relu"``.

    Returns
    -------
    ActivationSpec

    Raises
    ------
    ValueError
        If no activation has that name (the message lists the names).

    Examples
    --------
    >>> get("relu6").kinks_at()
    {0.0: 0.0, 6.0: 0.0}
    """
    if not isinstance(name, str) or name not in _BY_NAME:
        raise ValueError(f"name must be one of {', '.join(repr(n) for n in _BY_NAME)}, got {name!r}")
    return _BY_NAME[name]


def names(layer: str | None = None) -> tuple[str, ...]:
    """The names of the registered activations, in registry order; only those of one ``layer`` if given.

    Parameters
    ----------
    layer : str or None, default None
        A :mod:`relu_book.nn` class name such as ``"Activation"`` (the fixed
        functions of ``x``).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> names(layer="PReLU")
    ('prelu',)
    """
    return tuple(spec.name for spec in REGISTRY if layer is None or spec.layer == layer)


def _parameter_text(spec: ActivationSpec) -> str:
    shown = {k: v for k, v in spec.parameters.items() if k not in ("training", "rng")}
    return ", ".join(f"{k}={_as_float(v):g}" if isinstance(v, (int, float, Fraction)) else f"{k}={v}"
                     for k, v in shown.items())


def kink_table(digits: int = 4) -> list[dict]:
    r"""``relu_book``'s value of the derivative at every kink of every activation, with the one-sided derivatives.

    .. math::

        p \mapsto \bigl(f'_-(p),\ f'_+(p),\ \texttt{<name>\_grad}(p)\bigr)

    One row per kink of each registry entry at its default parameters. The
    one-sided derivatives are those of
    :func:`relu_book.calculus.one_sided_derivatives` (limits of the
    difference quotient of the sympy view), taken as the derivative of the
    piece on that side where it is analytic and continuous at the kink (the
    test suite checks that both agree); an infinite one marks a jump. The last column is what the numeric
    derivative returns at the kink, computed, and the test suite checks it
    against the value recorded in the registry.

    Parameters
    ----------
    digits : int, default 4
        Significant digits of the printed numbers.

    Returns
    -------
    list of dict
        Keys ``"activation"``, ``"parameters"``, ``"x"``,
        ``"left derivative"``, ``"right derivative"``, ``"relu_book"``
        (all strings, ready for :func:`relu_book.tables.markdown_table`).

    Examples
    --------
    >>> row = kink_table()[0]
    >>> row["activation"], row["x"], row["relu_book"]
    ('relu', '0', '0')
    >>> row["left derivative"], row["right derivative"]
    ('0', '1')
    """
    import sympy

    from relu_book import calculus
    from relu_book._validation import integer

    digits = integer(digits, "digits")
    x = sympy.Symbol("x", real=True)

    def text(value) -> str:
        if isinstance(value, sympy.Basic) and value.is_infinite:  # the function jumps
            return ("-inf" if value.is_extended_negative else "inf") + " (jump)"
        return f"{float(value):.{digits}g}"

    rows = []
    for spec in REGISTRY:
        expr = spec.expr(x)
        _, derivative = spec.numeric()
        for point in spec.kinks_at():
            left, right = calculus._one_sided_derivatives_by_branches(expr, x, point)
            rows.append({
                "activation": spec.name,
                "parameters": _parameter_text(spec),
                "x": f"{point:g}",
                "left derivative": text(left),
                "right derivative": text(right),
                "relu_book": text(float(derivative(point))),
            })
    return rows
