"""Reading answers: turn a reader's value into a number or array, or explain why not."""

from __future__ import annotations

import numbers

import numpy as np

from relu_book.exercises import MalformedAnswer


def as_number(answer) -> float:
    """Return ``answer`` as a float, or raise :class:`MalformedAnswer`."""
    if isinstance(answer, (bool, np.bool_)):
        raise MalformedAnswer(f"got a bool ({answer}); give a number")
    if isinstance(answer, numbers.Real):
        return float(answer)
    if isinstance(answer, np.ndarray) and answer.shape == () and answer.dtype.kind in "iuf":
        return float(answer)
    raise MalformedAnswer(f"got {type(answer).__name__}; give a number")


def as_array(answer, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``answer`` as a float64 array (of ``shape``, if given), or raise :class:`MalformedAnswer`."""
    if isinstance(answer, (str, bytes)) or answer is None or callable(answer):
        raise MalformedAnswer(f"got {type(answer).__name__}; give a list or numpy array of numbers")
    try:
        arr = np.asarray(answer)
    except (ValueError, TypeError):
        raise MalformedAnswer("could not turn it into an array; give a list or numpy array of numbers") from None
    if arr.dtype.kind not in "iuf":
        raise MalformedAnswer(f"got an array of {arr.dtype}; give numbers")
    arr = arr.astype(np.float64)
    if shape is not None and arr.shape != tuple(shape):
        raise MalformedAnswer(f"got shape {arr.shape}; expected shape {tuple(shape)}")
    return arr
