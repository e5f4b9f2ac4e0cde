"""Tests of the exercise-checking framework (chapter checkers have their own files)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_book import exercises
from relu_book.exercises import Feedback, MalformedAnswer, check, exercise_ids, grade, register
from relu_book.exercises._answers import as_array, as_number


@pytest.fixture
def scratch_exercise():
    """Register throw-away checkers under ids no chapter uses, and remove them afterwards."""
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
    assert ids == sorted(ids, key=lambda k: [int(p) for p in k.split(".")])


def test_check_prints_correct_feedback(scratch_exercise, capsys):
    scratch_exercise("99.1", lambda a: Feedback(as_number(a) == 2, "2 it is.", "try 2"))
    check("99.1", 2)
    assert capsys.readouterr().out == "Correct: 2 it is.\n"


def test_check_prints_hint_on_wrong_answer(scratch_exercise, capsys):
    scratch_exercise("99.1", lambda a: Feedback(as_number(a) == 2, "not 2.", "try 2"))
    check("99.1", 3)
    assert capsys.readouterr().out == "Not yet: not 2.\nHint: try 2\n"


def test_malformed_answer_gives_feedback_not_traceback(scratch_exercise):
    scratch_exercise("99.1", lambda a: Feedback(as_number(a) == 2, "ok"), expected="a single number")
    fb = grade("99.1", "two")
    assert not fb.correct
    assert "could not read your answer" in fb.message and "got str" in fb.message
    assert fb.hint == "expected a single number."


def test_checker_that_crashes_is_reported_not_raised(scratch_exercise):
    def broken(answer):
        return 1 / 0

    scratch_exercise("99.2", broken)
    fb = grade("99.2", 1)
    assert not fb.correct and "ZeroDivisionError" in fb.message


def test_unknown_exercise_lists_the_known_ones():
    fb = grade("0.0", 1)
    assert not fb.correct and "there is no exercise '0.0'" in fb.message
    assert grade(None, 1).correct is False


def test_registering_an_id_twice_is_refused(scratch_exercise):
    scratch_exercise("99.3", lambda a: Feedback(True, ""))
    with pytest.raises(ValueError, match="registered twice"):
        register("99.3", "x")(lambda a: Feedback(True, ""))


@pytest.mark.parametrize("bad", [None, "1", [1], True, np.array([1.0, 2.0])])
def test_as_number_rejects_non_numbers(bad):
    with pytest.raises(MalformedAnswer):
        as_number(bad)


def test_as_number_accepts_numpy_scalars_and_0d_arrays():
    assert as_number(np.float32(0.5)) == 0.5
    assert as_number(np.array(3)) == 3.0


@pytest.mark.parametrize("bad", [None, "abc", print, [[1], [1, 2]], ["a", "b"]])
def test_as_array_rejects_non_arrays(bad):
    with pytest.raises(MalformedAnswer):
        as_array(bad)


def test_as_array_checks_shape():
    np.testing.assert_array_equal(as_array([1, 2], shape=(2,)), [1.0, 2.0])
    with pytest.raises(MalformedAnswer, match=r"expected shape \(3,\)"):
        as_array([1, 2], shape=(3,))
