"""Tests of the exercise-checking framework (chapter checkers have their own files).

Besides the framework itself, this file checks every registered exercise at
once (an unanswered or malformed answer gets "Not yet" feedback, never an
exception) and cross-checks the registry against the notebooks: every
``check(label, ...)`` call names an exercise of its notebook, and every
registered label is called from one.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

from relu_book import exercises
from relu_book.exercises import Feedback, MalformedAnswer, check, exercise_ids, grade, register
from relu_book.exercises._answers import as_array, as_number

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXERCISE_LABEL = re.compile(r"\{exercise-start\}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)")
# A call of check(...) in a code cell or in prose, but not the placeholder `check(...)`.
CHECK_CALL = re.compile(r"\bcheck\((?!\.\.\.\))\s*([^,)]*)")


@pytest.fixture
def scratch_exercise():
    """Register throw-away checkers under labels no chapter uses, and remove them afterwards."""
    added = []

    def add(exercise_id, func, expected="a number"):
        register(exercise_id, expected)(func)
        added.append(exercise_id)

    yield add
    for exercise_id in added:
        exercises._CHECKERS.pop(exercise_id)


def test_every_chapter_module_registers_checkers():
    ids = exercise_ids()
    assert ids, "no exercise checkers were found"
    assert all(exercises.LABEL.fullmatch(i) for i in ids)


def test_checking_an_exercise_imports_only_its_own_chapter():
    # In a fresh interpreter, as in a chapter's kernel: a chapter's checkers import
    # that chapter's modules only (chapter 4's pull in no sympy-heavy chapter 7 code).
    import subprocess
    import sys

    code = (
        "import sys; from relu_book.exercises import grade; grade('ex-ch4-1', None); "
        "print(sorted(m for m in sys.modules if m.startswith('relu_book.exercises.chapter')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['relu_book.exercises.chapter04']"


def test_exercise_ids_compare_numbers_as_numbers(scratch_exercise):
    for label in ("ex-ch99-10", "ex-ch99-9", "ex-ch100-1"):
        scratch_exercise(label, lambda a: Feedback(True, ""))
    ids = exercise_ids()
    assert ids.index("ex-ch99-9") < ids.index("ex-ch99-10") < ids.index("ex-ch100-1")


def test_check_prints_correct_feedback(scratch_exercise, capsys):
    scratch_exercise("ex-ch99-1", lambda a: Feedback(as_number(a) == 2, "2 it is.", "try 2"))
    check("ex-ch99-1", 2)
    assert capsys.readouterr().out == "Correct: 2 it is.\n"


def test_check_prints_hint_on_wrong_answer(scratch_exercise, capsys):
    scratch_exercise("ex-ch99-1", lambda a: Feedback(as_number(a) == 2, "not 2.", "try 2"))
    check("ex-ch99-1", 3)
    assert capsys.readouterr().out == "Not yet: not 2.\nHint: try 2\n"


def test_unanswered_exercise_is_answered_by_grade_with_the_registered_text(scratch_exercise):
    def checker(answer):
        raise AssertionError("a checker never sees None")

    scratch_exercise("ex-ch99-1", checker, expected="a number (the answer)")
    fb = grade("ex-ch99-1", None)
    assert not fb.correct
    assert fb.message == "no answer yet. Replace `None` by a number (the answer) and run the cell again."


def test_malformed_answer_gives_feedback_not_traceback(scratch_exercise):
    scratch_exercise("ex-ch99-1", lambda a: Feedback(as_number(a) == 2, "ok"), expected="a single number")
    fb = grade("ex-ch99-1", "two")
    assert not fb.correct
    assert "could not read your answer" in fb.message and "got str" in fb.message
    assert fb.hint == "expected a single number."


def test_checker_that_crashes_is_reported_not_raised(scratch_exercise):
    def broken(answer):
        return 1 / 0

    scratch_exercise("ex-ch99-2", broken)
    fb = grade("ex-ch99-2", 1)
    assert not fb.correct and "ZeroDivisionError" in fb.message


def test_warnings_inside_a_checker_do_not_reach_the_reader(scratch_exercise):
    def noisy(answer):
        warnings.warn("numpy would print this on stderr", RuntimeWarning, stacklevel=2)
        return Feedback(bool(np.float64(answer) * 1e308 > 0), "big")

    scratch_exercise("ex-ch99-3", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grade("ex-ch99-3", 1e308).correct


@pytest.mark.parametrize(
    "unknown",
    [
        "ex-ch0-0",
        "3.1",
        "",
        "x" * 500,
        1.1,
        3,
        pytest.param(10**5000, id="int-too-long-to-print"),
        None,
        ["ex-ch3-1"],
        {"id": 1},
    ],
)
def test_unknown_exercise_lists_the_known_ones(unknown, capsys):
    fb = grade(unknown, 1)
    assert not fb.correct
    for label in exercise_ids():
        assert label in fb.message
    if isinstance(unknown, str):
        assert f"there is no exercise {unknown[:50]!r}"[:-1] in fb.message
    else:
        assert "named by its label" in fb.message and type(unknown).__name__ in fb.message
    check(unknown, 1)
    assert capsys.readouterr().out.startswith("Not yet: ")


def test_registering_an_id_twice_is_refused(scratch_exercise):
    scratch_exercise("ex-ch99-3", lambda a: Feedback(True, ""))
    with pytest.raises(ValueError, match="registered twice"):
        register("ex-ch99-3", "x")(lambda a: Feedback(True, ""))


@pytest.mark.parametrize(
    ("exercise_id", "expected", "error", "match"),
    [
        (3.1, "a number", TypeError, "exercise_id must be a string"),
        ("3.1", "a number", ValueError, "exercise label such as 'ex-ch3-1'"),
        ("ex ch3 1", "a number", ValueError, "exercise label"),
        ("ex-ch99-1", None, TypeError, "expected must be a string"),
        ("ex-ch99-1", "  ", ValueError, "expected must describe"),
    ],
)
def test_register_refuses_bad_ids_and_descriptions(exercise_id, expected, error, match):
    with pytest.raises(error, match=match):
        register(exercise_id, expected)


# ------------------------------------------------------------------ reading answers


@pytest.mark.parametrize("bad", [None, "1", [1], True, np.array([1.0, 2.0]), 1j, {"x": 1}, object()])
def test_as_number_rejects_non_numbers(bad):
    with pytest.raises(MalformedAnswer):
        as_number(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -np.inf, np.float32("nan")])
def test_as_number_rejects_non_finite_numbers_unless_asked(bad):
    with pytest.raises(MalformedAnswer, match="give a finite number"):
        as_number(bad)
    assert not np.isfinite(as_number(bad, finite=False))


@pytest.mark.parametrize(
    ("huge", "digits"),
    [(10**400, "401"), (-(10**400), "401"), pytest.param(10**5000, "about 5001", id="too-long-to-print")],
)
def test_as_number_calls_a_huge_integer_malformed_not_an_overflow(huge, digits):
    with pytest.raises(MalformedAnswer, match=f"of {digits} digits, too large for a float"):
        as_number(huge)


def test_as_number_accepts_numpy_scalars_0d_arrays_and_sympy_numbers():
    sympy = pytest.importorskip("sympy")
    assert as_number(np.float32(0.5)) == 0.5
    assert as_number(np.array(3)) == 3.0
    assert as_number(sympy.sqrt(2) / 2) == pytest.approx(2**-0.5, rel=1e-15)
    with pytest.raises(MalformedAnswer, match="not a real number"):
        as_number(sympy.I)
    with pytest.raises(MalformedAnswer):
        as_number(sympy.Symbol("x"))


@pytest.mark.parametrize(
    "bad",
    [None, "abc", print, [[1], [1, 2]], ["a", "b"], {"a": 1}, [10**400, 1], [1.0, float("nan")], [np.inf]],
)
def test_as_array_rejects_non_arrays(bad):
    with pytest.raises(MalformedAnswer):
        as_array(bad)


def test_as_array_checks_shape_and_does_not_change_its_input():
    given = [1, 2]
    np.testing.assert_array_equal(as_array(given, shape=(2,)), [1.0, 2.0])
    assert given == [1, 2]
    with pytest.raises(MalformedAnswer, match=r"expected shape \(3,\)"):
        as_array([1, 2], shape=(3,))


# ------------------------------------------------------------------ every exercise


MALFORMED = {
    "a string": "0.5",
    "an empty string": "",
    "a dict": {"answer": 1},
    "a set": {1, 2},
    "a function": lambda *args: 0,
    "a class": int,
    "an object": object(),
    "Ellipsis": ...,
    "nan": float("nan"),
    "inf": float("inf"),
    "a huge int": 10**400,
    "a huge negative int": -(10**400),
    "an int too long to print": 10**5000,
    "a huge float": 1e308,
    "a complex number": 1 + 2j,
    "a bool": True,
    "an empty list": [],
    "a ragged nested list": [[1], [1, 2]],
    "a list with a huge int": [10**400] * 5,
    "a list of strings": ["a", "b", "c", "d", "e"],
    "an array of nan": np.full(5, np.nan),
    "a 3-d array": np.zeros((2, 2, 2)),
}


@pytest.mark.parametrize("exercise_id", exercise_ids())
def test_unanswered_exercise_gets_the_reminder_built_from_its_expected_text(exercise_id, capsys):
    expected = exercises._CHECKERS[exercise_id][1]
    fb = grade(exercise_id, None)
    assert not fb.correct
    assert fb.message == f"no answer yet. Replace `None` by {expected} and run the cell again."
    check(exercise_id, None)
    assert capsys.readouterr().out.startswith("Not yet: no answer yet. Replace `None` by ")


@pytest.mark.parametrize("exercise_id", exercise_ids())
@pytest.mark.parametrize("answer", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_answer_gets_not_yet_feedback_never_an_exception(exercise_id, answer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may reach the reader's stderr
        fb = grade(exercise_id, answer)
    assert isinstance(fb, Feedback) and not fb.correct
    assert str(fb).startswith("Not yet: ") and fb.message.strip()
    # A malformed answer is read and explained by the checker, never a checker crash.
    assert not fb.message.startswith("could not check your answer"), fb.message


# ------------------------------------------------------------------ registry and notebooks


def _notebook_text(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def _labels_and_checks(path: Path) -> tuple[set[str], list[str]]:
    text = _notebook_text(path)
    return set(EXERCISE_LABEL.findall(text)), [arg.strip() for arg in CHECK_CALL.findall(text)]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_check_call_names_an_exercise_label_of_its_notebook(path):
    labels, calls = _labels_and_checks(path)
    registered = set(exercise_ids())
    for arg in calls:
        literal = re.fullmatch(r"""(["'])([^"']*)\1""", arg)
        assert literal, f"{path.name}: check({arg}, ...) must name the exercise by its label, in quotes"
        label = literal[2]
        assert label in labels, f"{path.name}: check({arg}) names no exercise-start label of this notebook"
        assert label in registered, f"{path.name}: no checker is registered for {label!r}"


def test_every_registered_exercise_is_checked_in_a_notebook():
    called = {arg.strip("\"'") for path in CHAPTERS for arg in _labels_and_checks(path)[1]}
    missing = sorted(set(exercise_ids()) - called)
    assert not missing, f"registered but never called with check(...) in chapters/: {missing}"


SOURCES = sorted(
    [*(ROOT / "relu_book" / "exercises").glob("*.py"), *(ROOT / "tests").glob("test_exercises*.py"), *CHAPTERS]
    + [ROOT / "intro.md", ROOT / "README.md"]
)
HAND_NUMBERED = [
    re.compile(r"\*\*Exercise\b"),
    re.compile(r"\bExercises? \d+\.\d+", re.IGNORECASE),
    re.compile(r"""\b(check|grade|register)\(\s*["']\d+(\.\d+)+["']"""),
    re.compile(r"\b[A-Z]+_\d+_\d+\b|\bexercise_\d+_\d+"),
]


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_no_exercise_number_is_typed_by_hand(path):
    text = _notebook_text(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    if path == Path(__file__):
        text = text.split("HAND_NUMBERED = [", 1)[0]  # the patterns themselves
    for pattern in HAND_NUMBERED:
        match = pattern.search(text)
        assert not match, f"{path.name}: {match[0]!r} -- refer to exercises by label ({{numref}} in prose)"
