"""Checkers for the book's exercises: feedback, never a traceback.

Each chapter has a module ``relu_book.exercises.chapterNN`` that registers its
checkers with :func:`register`; they are found automatically. In a notebook,
``check("1.2", answer)`` prints "Correct: ..." or "Not yet: ..." with a hint.

A checker receives the reader's answer (a value, never code to run), and
returns a :class:`Feedback`. :func:`check` prints it and never raises: a
malformed answer, or a checker that fails on it, produces a message that says
what kind of answer was expected.
"""

from __future__ import annotations

import importlib
import pkgutil
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Feedback", "check", "grade", "register", "exercise_ids"]


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

_CHECKERS: dict[str, tuple[Callable[[Any], Feedback], str]] = {}
_LOADED = False


def register(exercise_id: str, expected: str) -> Callable:
    """Register ``func(answer) -> Feedback`` as the checker of ``exercise_id``.

    Parameters
    ----------
    exercise_id : str
        The exercise's number as printed in the book, for example ``"2.3"``.
    expected : str
        A description of the expected form of the answer, shown when the
        answer cannot be read (for example ``"a number"``).
    """

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


def exercise_ids() -> list[str]:
    """Return the ids of every exercise that has a checker, in book order."""
    _load_chapters()
    return sorted(_CHECKERS, key=lambda k: [int(p) if p.isdigit() else p for p in k.split(".")])


def grade(exercise_id: str, answer: Any) -> Feedback:
    """Return the :class:`Feedback` for ``answer`` without printing; never raises."""
    _load_chapters()
    if not isinstance(exercise_id, str) or exercise_id not in _CHECKERS:
        known = ", ".join(exercise_ids())
        return Feedback(False, f"there is no exercise {exercise_id!r}; known exercises: {known}.")
    func, expected = _CHECKERS[exercise_id]
    try:
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
    """Print feedback on ``answer`` to exercise ``exercise_id``; never raises.

    Parameters
    ----------
    exercise_id : str
        The exercise's number as printed in the book, for example ``"1.2"``.
    answer : object
        Your answer: a number, an array, or a function, as the exercise asks.
    """
    print(grade(exercise_id, answer))
