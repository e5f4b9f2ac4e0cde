"""Argument checking shared by the public functions of :mod:`relu_book`.

Every public function converts its array arguments with :func:`as_float_array`
and its scalar parameters with :func:`real_scalar`, so that bad input always
fails early with a message that names the argument and says what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a floating-point array without copying or mutating it.

    Floating arrays keep their dtype (float16, float32, float64, ...). Python
    scalars, lists and integer or boolean arrays become float64.

    Raises
    ------
    TypeError
        If ``x`` is ``None``, a string, complex, or not numeric.
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
    if kind == "f":
        return arr
    if kind in "iub":
        return arr.astype(np.float64)
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
    v = float(value)
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
        If ``value < low``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
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
    """
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_))):
        return np.random.default_rng(0 if rng is None else int(rng))
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"{name} must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")
