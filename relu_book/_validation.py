"""Argument checking shared by the public functions of :mod:`relu_book`.

Every public function converts its array arguments with :func:`as_float_array`
and its scalar parameters with :func:`real_scalar`, so that bad input always
fails early with a message that names the argument and says what was expected.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np

try:  # the low-precision floats of ml_dtypes (bfloat16, float8_*, ...), when installed
    import ml_dtypes
except ImportError:  # pragma: no cover
    ML_FLOAT_DTYPES = frozenset()
else:
    #: The floating dtypes of ``ml_dtypes`` (bfloat16, the float8, float6 and
    #: float4 formats), which numpy reports as kind ``"V"`` (or ``"f"``).
    ML_FLOAT_DTYPES = frozenset(
        np.dtype(t)
        for n, t in vars(ml_dtypes).items()
        if n.startswith(("float", "bfloat")) and isinstance(t, type) and issubclass(t, np.generic)
    )


def as_float_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a floating-point array without copying or mutating it.

    Floating arrays keep their dtype (float16, float32, float64, ..., and the
    low-precision floats of ``ml_dtypes`` such as bfloat16 and float8_e4m3fn).
    Python scalars, lists and integer or boolean arrays become float64.

    Raises
    ------
    TypeError
        If ``x`` is ``None``, a string, complex, or not numeric.
    ValueError
        If ``x`` holds a Python int too large for a float.

    Examples
    --------
    >>> import ml_dtypes
    >>> as_float_array(np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16)).dtype
    dtype(bfloat16)
    >>> as_float_array([1, 2]).dtype
    dtype('float64')
    """
    if x is None:
        raise TypeError(f"{name} must be a real number or array of real numbers, got None")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real number or array of real numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise TypeError(f"{name} must be a real number or array of real numbers ({exc})") from None
    kind = arr.dtype.kind
    if kind == "f" or arr.dtype in ML_FLOAT_DTYPES:
        return arr
    if kind in "iub":
        return arr.astype(np.float64)
    if kind == "O" and any(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and abs(int(v)) >= 2**1024 for v in arr.flat
    ):
        raise ValueError(f"{name} has an integer too large for a float (|value| >= 2**1024)")
    raise TypeError(f"{name} must be a real number or array of real numbers, got an array of dtype {arr.dtype}")


def real_scalar(
    value,
    name: str,
    *,
    allow_inf: bool = False,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
) -> float:
    """Return ``value`` as a Python float after checking it is a real number in range.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (``bool`` is refused too).
    ValueError
        If ``value`` is NaN, infinite (unless ``allow_inf``) or outside ``[low, high]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        v = float(value)
    except OverflowError:  # an int >= 2**1024
        digits = len(str(abs(int(value))))
        raise ValueError(f"{name} is too large for a float, got an integer of {digits} digits") from None
    if np.isnan(v):
        raise ValueError(f"{name} must not be nan")
    if np.isinf(v) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {v}")
    if low is not None and (v < low or (v == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {v}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {v}")
    return v


def largest(dtype) -> float:
    """The largest finite value of a floating dtype (numpy's or ml_dtypes')."""
    try:
        return float(np.finfo(dtype).max)
    except ValueError:  # numpy's finfo does not know the ml_dtypes formats
        return float(ml_dtypes.finfo(dtype).max)


def in_dtype(value, name: str, dtype) -> np.ndarray:
    """Return a checked parameter (a float or an array) cast to ``dtype``, the working dtype of ``x``.

    Parameters are checked twice: as numbers first (:func:`real_scalar`), and
    here again after the cast, since a finite value that ``dtype`` cannot hold
    (``1e308`` in float32, ``7e4`` in float16) would become inf (nan in the
    float8 formats without inf) and then nan in a product such as ``0 * inf``.
    Values that are already inf or nan are passed through unchanged.

    Returns
    -------
    numpy.ndarray
        ``value`` as an array of ``dtype`` (0-d for a scalar), so that
        arithmetic with an array of ``dtype`` stays in ``dtype``.

    Raises
    ------
    ValueError
        If a finite entry of ``value`` overflows ``dtype``.

    Examples
    --------
    >>> in_dtype(0.25, "negative_slope", np.float16)
    array(0.25, dtype=float16)
    >>> in_dtype(1e308, "negative_slope", np.float32)
    Traceback (most recent call last):
    ...
    ValueError: negative_slope=1e+308 overflows float32, the dtype of x (largest value 3.40282e+38)
    """
    v = np.asarray(value)
    with np.errstate(over="ignore", invalid="ignore"):
        cast = v.astype(dtype)
        overflow = np.isfinite(v.astype(np.float64)) & ~np.isfinite(cast.astype(np.float64))
    if overflow.any():
        bad = float(v[overflow].flat[0]) if v.ndim else float(v)
        what = name if v.ndim == 0 else f"an entry of {name}"
        raise ValueError(
            f"{what}={bad:g} overflows {np.dtype(dtype).name}, the dtype of x (largest value {largest(dtype):g})"
        )
    return cast


def result(arr: np.ndarray):
    """Return a 0-d result as a numpy scalar and any other result unchanged."""
    return arr[()] if arr.ndim == 0 else arr


def integer(value, name: str, low: int | None = 1) -> int:
    """Return ``value`` as a Python int after checking it is an integer ``>= low``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` is refused too).
    ValueError
        If ``value < low``, or ``|value| >= 2**63`` (no count, size or seed of numpy's is that large).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if abs(value) >= 2**63:  # no count, size or seed of numpy's is that large (int64)
        raise ValueError(f"{name} must be < 2**63, got an integer of {len(str(abs(value)))} digits")
    return value


def seed_list(seeds, name: str = "seeds") -> list[int]:
    """Return ``seeds`` as a non-empty list of non-negative ints.

    Raises
    ------
    TypeError
        If ``seeds`` is not a sequence of integers.
    ValueError
        If it is empty or has a negative entry.
    """
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers, got {type(seeds).__name__}")
    seeds = [integer(s, f"each entry of {name}", low=0) for s in seeds]
    if not seeds:
        raise ValueError(f"{name} must not be empty")
    return seeds


def generator(rng, name: str = "rng") -> np.random.Generator:
    """Return a numpy Generator for ``rng``: a Generator, an int seed, or None (seed 0).

    Raises
    ------
    TypeError
        If ``rng`` is anything else.
    ValueError
        If ``rng`` is a negative int.
    """
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_))):
        if rng is not None and rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed, a numpy.random.Generator or None, got {rng}")
        return np.random.default_rng(0 if rng is None else int(rng))
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"{name} must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")


def random_seed(value, name: str = "seed") -> int:
    """Return a random seed as a Python int after checking it is an integer ``>= 0``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` is refused too).
    ValueError
        If ``value`` is negative.
    """
    return integer(value, name, low=0)


def choice(value, name: str, allowed):
    """Return ``value`` after checking it is one of the strings ``allowed``.

    Raises
    ------
    ValueError
        If ``value`` is not one of ``allowed`` (a non-string is never allowed).
    """
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def interval(value, name: str) -> tuple[float, float]:
    """Return a pair ``(low, high)`` of finite floats with ``low < high``.

    Raises
    ------
    ValueError
        If ``value`` is not a pair, or is not increasing.
    TypeError
        If an end is not a real number (named ``name[0]`` or ``name[1]``).
    """
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}") from None
    lo, hi = real_scalar(lo, f"{name}[0]"), real_scalar(hi, f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must be increasing, got ({lo}, {hi})")
    return lo, hi


def boolean(value, name: str) -> bool:
    """Return ``value`` as a Python bool after checking it is one (``numpy.bool_`` included).

    Raises
    ------
    TypeError
        If it is anything else (``0`` and ``1`` are refused too).
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def function(value, name: str, *, optional: bool = False):
    """Return ``value`` after checking it is callable (or None, if ``optional``).

    Raises
    ------
    TypeError
        If ``value`` is not callable.
    """
    if optional and value is None:
        return value
    if not callable(value):
        alternative = " or None" if optional else ""
        raise TypeError(f"{name} must be callable{alternative}, got {type(value).__name__}")
    return value


def instance(value, name: str, cls: type):
    """Return ``value`` after checking it is an instance of ``cls``.

    Raises
    ------
    TypeError
        If it is not; the message gives the class's full name.
    """
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__module__}.{cls.__qualname__}, got {type(value).__name__}")
    return value


def sequence(values, name: str, entry=None, *, allow_empty: bool = False) -> list:
    """Return ``values`` as a list, each entry checked by ``entry``.

    Any iterable is accepted, a generator included: it is read once, here,
    into the list that is returned, so that a function which loops over the
    list several times sees every entry every time (a generator passed on
    unread would be empty from its second loop on). A string, bytes or a
    mapping is not a sequence of entries and is refused.

    Parameters
    ----------
    values : iterable
        The argument.
    name : str
        Its name, for the messages.
    entry : callable, optional
        ``entry(value, label)`` checks and converts one entry (for example
        :func:`integer` or :func:`real_scalar`); ``label`` is
        ``"each entry of <name>"``, so its errors name the argument.
    allow_empty : bool, default False
        Accept an empty sequence.

    Raises
    ------
    TypeError
        If ``values`` is a string, bytes, a mapping or not iterable (a
        number, None); or ``entry`` refuses an entry.
    ValueError
        If it is empty (unless ``allow_empty``), or ``entry`` refuses an entry.

    Examples
    --------
    >>> sequence((n for n in [3, 4]), "hidden", integer)
    [3, 4]
    >>> sequence(5, "hidden")
    Traceback (most recent call last):
    ...
    TypeError: hidden must be a sequence, got int
    """
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence, got {type(values).__name__}")
    try:
        values = list(values)
    except OverflowError:  # range(10**400)
        raise ValueError(f"{name} is too long to be a sequence of entries") from None
    if not values and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    if entry is not None:
        values = [entry(v, f"each entry of {name}") for v in values]
    return values


# ------------------------------------------------------------------- sympy
# sympy is imported inside these functions so that importing relu_book does
# not import sympy (about half a second) until a symbolic function is called.


def sympy_expr(value, name: str):
    """Return ``value`` after checking it is a real-valued sympy expression.

    Raises
    ------
    TypeError
        If ``value`` is not a ``sympy.Expr`` (a relation such as ``Eq(x, 1)`` is not).
    ValueError
        If sympy knows it is not real.
    """
    import sympy

    if not isinstance(value, sympy.Expr):
        raise TypeError(
            f"{name} must be a sympy expression such as sympy.Symbol('x'), got {type(value).__name__}"
        )
    if value.is_extended_real is False:
        raise ValueError(f"{name} must be real, got {value}")
    return value


def sympy_symbol(value, name: str):
    """Return ``value`` after checking it is a ``sympy.Symbol`` (a variable).

    Raises
    ------
    TypeError
        If it is not.
    """
    import sympy

    if not isinstance(value, sympy.Symbol):
        raise TypeError(f"{name} must be a sympy Symbol such as sympy.Symbol('x'), got {type(value).__name__}")
    return value


def sympy_real(value, name: str, *, positive: bool = False, allow_inf: bool = False):
    """Return a real parameter as a sympy object, checking what can be checked.

    ``int`` becomes ``Integer``, ``fractions.Fraction`` becomes ``Rational``
    and ``float`` becomes ``Float`` (the same binary value); sympy
    expressions, symbols included, are kept. Numbers are checked completely;
    for symbolic parameters only what sympy can decide from the symbol's
    assumptions (a symbol declared ``negative=True`` is refused where a
    positive value is required).

    Raises
    ------
    TypeError
        If ``value`` is not a real number or sympy expression (``bool`` is refused).
    ValueError
        If it is nan, not real, infinite (unless ``allow_inf``) or, with
        ``positive``, known not to be positive.
    """
    from fractions import Fraction

    import sympy

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


def sympy_point(value, name: str = "point"):
    """Return a finite real number as an exact sympy number (a float becomes its exact binary rational).

    Raises
    ------
    TypeError
        If ``value`` is not a number (a symbolic expression is refused).
    ValueError
        If it is nan or infinite.
    """
    import sympy

    if isinstance(value, float):
        value = sympy.Rational(value) if np.isfinite(value) else sympy.Float(value)
    value = sympy_real(value, name)
    if not value.is_number:
        raise TypeError(f"{name} must be a real number, got the symbolic expression {value}")
    return value


def training_set(X, labels, *, n_classes: int | None = None, x_name: str = "X", labels_name: str = "labels"):
    """Return ``(X, labels)`` checked: ``X`` a finite real 2-D array, ``labels`` integer class labels, one per row.

    Raises
    ------
    TypeError
        If ``X`` is not real, or ``labels`` is not an array of integers (``None``,
        strings, floats and bools are refused rather than compared to the
        predictions, which would count every example as wrong).
    ValueError
        If ``X`` is not 2-D with at least one row or is not finite, ``labels`` has
        the wrong shape, or a label is negative or (with ``n_classes``) ``>= n_classes``.
    """
    X = as_float_array(X, x_name)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{x_name} must be a 2-D array with one example per row, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{x_name} must be finite (it has nan or inf entries)")
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(f"{labels_name} must be an array of integer class labels, got {type(labels).__name__}")
    try:
        labels = np.asarray(labels)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{labels_name} must be an array of integer class labels ({exc})") from None
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{labels_name} must be integer class labels 0, 1, ..., got dtype {labels.dtype}")
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"{labels_name} must have shape ({X.shape[0]},), one per row of {x_name}, got {labels.shape}"
        )
    if labels.min() < 0:
        raise ValueError(f"{labels_name} must be >= 0, got {labels.min()}")
    if n_classes is not None and labels.max() >= n_classes:
        raise ValueError(f"{labels_name} must be < {n_classes} (the number of outputs), got {labels.max()}")
    return X, labels
