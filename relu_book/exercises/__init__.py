"""Checkers for the book's exercises: feedback, never a traceback.

An exercise is known by its label, the ``:label:`` of its ``exercise-start``
directive (``ex-ch3-1``, ...); the number in the exercise's box header is
sphinx-exercise's, so inserting an exercise renumbers nothing by hand. Each
chapter has a module ``relu_book.exercises.chapterNN`` that registers its
checkers under those labels with :func:`register`; the modules are found
automatically. In a notebook, ``check("ex-ch1-3", answer)`` prints
"Correct: ..." or "Not yet: ..." with a hint.

A checker receives the reader's answer (a value, never code to run) and
returns a :class:`Feedback`. :func:`grade` handles what every checker would
otherwise repeat: an answer that is still ``None`` gets one reminder built from
the ``expected`` text the checker registered, a malformed answer (the checker
raises :class:`MalformedAnswer`) gets a message that says what was expected,
and an unknown exercise id gets the list of known ones. :func:`check` prints
that feedback and never raises.

Examples
--------
>>> from relu_book.exercises import check
>>> check("ex-ch1-3", None)
Not yet: no answer yet. Replace `None` by a number (the exact value of
  E[relu(Z)] for Z ~ N(0, 1)) and run the cell again.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Feedback", "MalformedAnswer", "check", "grade", "register", "exercise_ids"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    correct : bool
        Whether the answer is right.
    message : str
        What is right, or what is wrong with it.
    hint : str
        A nudge towards the solution (may be empty).
    """

    correct: bool
    message: str
    hint: str = ""

    def __str__(self) -> str:
        head = "Correct: " if self.correct else "Not yet: "
        lines = [head + self.message]
        if self.hint and not self.correct:
            lines.append(f"Hint: {self.hint}")
        # Wrap to the width of the book's text column; keep explicit line breaks.
        return "\n".join(
            textwrap.fill(part, width=WRAP_WIDTH, subsequent_indent="  ", break_on_hyphens=False)
            for line in lines
            for part in line.split("\n")
        )


class MalformedAnswer(ValueError):
    """Raised inside a checker when the answer has the wrong form.

    Its message says what form was expected; :func:`grade` turns it into
    feedback.
    """


#: Width at which feedback is wrapped (the code boxes of the book show ~80 columns).
WRAP_WIDTH = 78

#: What an exercise id looks like: the label of an ``exercise-start`` directive.
LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

_CHECKERS: dict[str, tuple[Callable[[Any], Feedback], str]] = {}
_LOADED = False


def register(exercise_id: str, expected: str) -> Callable:
    """Register ``func(answer) -> Feedback`` as the checker of ``exercise_id``.

    The checker never sees an unanswered exercise: :func:`grade` answers
    ``None`` itself, with a reminder built from ``expected``.

    Parameters
    ----------
    exercise_id : str
        The label of the exercise's ``exercise-start`` directive, for example
        ``"ex-ch2-3"``.
    expected : str
        What a well-formed answer is, as a noun phrase that completes "Replace
        `None` by ..." and "expected ...", for example ``"a number (the
        standard deviation of the weights)"``.

    Returns
    -------
    callable
        A decorator that registers the checker and returns it unchanged.

    Raises
    ------
    TypeError
        If ``exercise_id`` or ``expected`` is not a string.
    ValueError
        If ``exercise_id`` is not a label, is registered already, or
        ``expected`` is empty.
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string (the exercise's label), got {type(exercise_id).__name__}")
    if not LABEL.fullmatch(exercise_id):
        raise ValueError(f"exercise_id must be an exercise label such as 'ex-ch3-1', got {exercise_id!r}")
    if not isinstance(expected, str):
        raise TypeError(f"expected must be a string, got {type(expected).__name__}")
    if not expected.strip():
        raise ValueError("expected must describe the expected answer, got an empty string")

    def decorator(func: Callable[[Any], Feedback]) -> Callable[[Any], Feedback]:
        if exercise_id in _CHECKERS:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _CHECKERS[exercise_id] = (func, expected)
        return func

    return decorator


def _load_chapters() -> None:
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("chapter"):
            importlib.import_module(f"{__name__}.{info.name}")
    _LOADED = True


#: The labels of chapter N's exercises start with ``ex-chN-``; its checkers are in ``chapterNN``.
_CHAPTER_LABEL = re.compile(r"ex-ch(\d{1,2})-")


def _load_checker(exercise_id: str) -> None:
    """Import the module that registers ``exercise_id``: its chapter's only, when the label
    names a chapter that has a module (a notebook then imports only its own chapter's
    checkers), otherwise every chapter's."""
    if exercise_id in _CHECKERS:
        return
    match = _CHAPTER_LABEL.match(exercise_id)
    name = f"chapter{int(match.group(1)):02d}" if match else None
    if name and any(info.name == name for info in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{name}")
    if exercise_id not in _CHECKERS:
        _load_chapters()


def _natural_key(label: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", label) if part]


def exercise_ids() -> list[str]:
    """Return the labels of every exercise that has a checker.

    Returns
    -------
    list of str
        The labels, sorted with their numbers compared as numbers
        (``ex-ch2-10`` after ``ex-ch2-9``, ``ex-ch10-1`` after ``ex-ch9-1``).

    Examples
    --------
    >>> ids = exercise_ids()
    >>> ids[0], "ex-ch3-1" in ids
    ('ex-ch1-1', True)
    """
    _load_chapters()
    return sorted(_CHECKERS, key=_natural_key)


def _short_repr(value: Any, width: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # e.g. an int with more digits than Python will print
        return f"a {type(value).__name__}"
    return text if len(text) <= width else text[: width - 3] + "..."


def _unknown(exercise_id: Any) -> Feedback:
    known = ", ".join(exercise_ids())
    if isinstance(exercise_id, str):
        message = f"there is no exercise {_short_repr(exercise_id)}."
    else:
        message = (
            f"an exercise is named by its label, a string such as 'ex-ch3-1', "
            f"not {_short_repr(exercise_id)} ({type(exercise_id).__name__})."
        )
    return Feedback(
        False, f"{message} Known exercises: {known}.", "copy the label from the exercise's check(...) cell."
    )


def grade(exercise_id: str, answer: Any) -> Feedback:
    """Return the :class:`Feedback` for ``answer`` without printing; never raises.

    Parameters
    ----------
    exercise_id : str
        The exercise's label, for example ``"ex-ch1-3"``.
    answer : object
        The reader's answer. ``None`` means "not answered yet".

    Returns
    -------
    Feedback
        The checker's verdict; for an unanswered exercise, a malformed answer,
        an unknown ``exercise_id`` or a checker that fails, a "Not yet"
        verdict that says what to do. Warnings raised while checking are not
        shown.

    Examples
    --------
    >>> grade("ex-ch3-1", [0.2, 1]).correct
    True
    >>> print(grade("ex-ch3-2", "zero"))
    Not yet: could not read your answer: got str; give a number
    Hint: expected a number (the derivative reverse-mode autodiff returns at x =
      0).
    """
    if isinstance(exercise_id, str):
        _load_checker(exercise_id)
    if not isinstance(exercise_id, str) or exercise_id not in _CHECKERS:
        return _unknown(exercise_id)
    func, expected = _CHECKERS[exercise_id]
    if answer is None:
        return Feedback(False, f"no answer yet. Replace `None` by {expected} and run the cell again.")
    try:
        # A reader's answer may overflow or hold nan; the notebook must not show warnings.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            feedback = func(answer)
    except MalformedAnswer as exc:
        return Feedback(False, f"could not read your answer: {exc}", f"expected {expected}.")
    except Exception as exc:  # a checker must never show a traceback to a reader
        return Feedback(
            False,
            f"could not check your answer ({type(exc).__name__}: {exc}).",
            f"expected {expected}.",
        )
    if not isinstance(feedback, Feedback):  # pragma: no cover - a bug in a checker
        return Feedback(False, "the checker returned no verdict; please report this.")
    return feedback


def check(exercise_id: str, answer: Any) -> None:
    """Print feedback on ``answer`` to the exercise labelled ``exercise_id``; never raises.

    Parameters
    ----------
    exercise_id : str
        The exercise's label as written in its check cell, for example
        ``"ex-ch1-3"``.
    answer : object
        Your answer: a number, an array, or a function, as the exercise asks;
        ``None`` while you have not answered.

    Examples
    --------
    >>> check("ex-ch3-1", [0.2, 1])
    Correct: every slope g in [0.2, 1] gives a line g*x below leaky relu, touching
      it at 0.
    """
    print(grade(exercise_id, answer))
