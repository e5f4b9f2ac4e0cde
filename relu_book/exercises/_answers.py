"""Reading answers: turn a reader's value into a number or array, or explain why not.

Both readers raise :class:`~relu_book.exercises.MalformedAnswer`, whose message
says what was wrong with the form of the answer; :func:`~relu_book.exercises.grade`
turns it into feedback. Neither sees ``None``: ``grade`` answers an unanswered
exercise itself.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from relu_book.exercises import MalformedAnswer


def as_number(answer, *, finite: bool = True) -> float:
    """Return ``answer`` as a float, or raise :class:`MalformedAnswer`.

    Parameters
    ----------
    answer : object
        A real number: a Python or numpy number, a 0-d numeric array, or a
        sympy expression with a real value such as ``sqrt(2)/2``.
    finite : bool, default True
        Refuse ``nan`` and infinities.

    Returns
    -------
    float

    Examples
    --------
    >>> as_number(3), as_number(0.25)
    (3.0, 0.25)
    >>> as_number(10**400)
    Traceback (most recent call last):
    ...
    relu_book.exercises.MalformedAnswer: got an integer of 401 digits, too large for a float
    """
    if isinstance(answer, (bool, np.bool_)):
        raise MalformedAnswer(f"got a bool ({answer}); give a number")
    if isinstance(answer, np.ndarray):
        if answer.shape != () or answer.dtype.kind not in "iuf":
            raise MalformedAnswer(f"got an array of shape {answer.shape} and dtype {answer.dtype}; give one number")
    elif not (isinstance(answer, numbers.Real) or getattr(answer, "is_number", False) is True):
        # ``is_number`` accepts a sympy expression without free symbols.
        raise MalformedAnswer(f"got {type(answer).__name__}; give a number")
    try:
        value = float(answer)
    except OverflowError:
        if isinstance(answer, numbers.Integral):
            magnitude = abs(int(answer))
            try:
                digits = str(len(str(magnitude)))
            except ValueError:  # more digits than Python converts to a string
                digits = f"about {int(magnitude.bit_length() * math.log10(2)) + 1}"
            raise MalformedAnswer(f"got an integer of {digits} digits, too large for a float") from None
        raise MalformedAnswer("got a number too large for a float; give a number of a sensible size") from None
    except (TypeError, ValueError):  # e.g. a complex sympy number
        raise MalformedAnswer(f"got {answer}, which is not a real number; give a real number") from None
    if finite and not math.isfinite(value):
        raise MalformedAnswer(f"got {value}; give a finite number")
    return value


def as_array(answer, shape: tuple[int, ...] | None = None, *, finite: bool = True) -> np.ndarray:
    """Return ``answer`` as a float64 array, or raise :class:`MalformedAnswer`.

    Parameters
    ----------
    answer : object
        A list (possibly nested) or a numpy array of real numbers.
    shape : tuple of int, optional
        The shape the array must have.
    finite : bool, default True
        Refuse ``nan`` and infinities.

    Returns
    -------
    numpy.ndarray
        A new float64 array; ``answer`` is not changed.

    Examples
    --------
    >>> as_array([1, 2.5])
    array([1. , 2.5])
    >>> as_array([[1], [1, 2]])
    Traceback (most recent call last):
    ...
    relu_book.exercises.MalformedAnswer: could not make an array of it (rows of unequal length?); give numbers
    """
    if isinstance(answer, (str, bytes, dict, set)) or answer is None or callable(answer):
        raise MalformedAnswer(f"got {type(answer).__name__}; give a list or numpy array of numbers")
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(answer)
    except (ValueError, TypeError, OverflowError):
        raise MalformedAnswer("could not make an array of it (rows of unequal length?); give numbers") from None
    if arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O":
            raise MalformedAnswer(
                f"could not read numbers from the {type(answer).__name__} "
                "(is every entry a number of a sensible size?); "
                "give a list or numpy array of numbers"
            )
        raise MalformedAnswer(f"got an array of {arr.dtype}; give numbers")
    arr = arr.astype(np.float64)
    if shape is not None and arr.shape != tuple(shape):
        raise MalformedAnswer(f"got shape {arr.shape}; expected shape {tuple(shape)}")
    if finite and not np.all(np.isfinite(arr)):
        raise MalformedAnswer("got nan or an infinite value; give finite numbers")
    return arr
