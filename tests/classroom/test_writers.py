"""The three CSVs: what each LMS importer needs, and no live formula in any cell."""

import csv
import re
from datetime import datetime

import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader.collect import Submission, identify, result_key
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.writers import (
    FORMULA_STARTS, STATUS_TEXT, VERDICT_TEXT, Row, blank_lms_grades, describe, manual_points, safe_cell,
    write_canvas, write_gradebook, write_moodle)
from tests.conftest import ROOT

CHECKS = load_check_file(ROOT / "tests" / "fixtures" / "grading" / "answers" / "checks" / "ex0-fixture.yml")
HOSTILE_TEXT = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-1-1", "@SUM(A1:A9)", "\t=1", "\r=1",
                "=cmd|' /C calc'!A0"]


def submission(source: str) -> Submission:
    return Submission(key=result_key(source), source=source, path=None, **identify(source))


def result(source: str, status=Status.OK, correct=(), written="", **detail) -> SubmissionResult:
    tasks = {t.id: TaskResult(t.points if t.id in correct else 0.0, t.points,
                              Verdict.CORRECT if t.id in correct else Verdict.INCORRECT, t.hint) for t in CHECKS.tasks}
    return SubmissionResult(student="", source=source, status=status, tasks=tasks, written_response=written,
                            detail=detail)


def class_rows():
    everyone = [
        ("smithjane_1234_5678_ex0.ipynb", result("a", correct=("share", "group"))),
        ("=1+1_99_98_ex0.ipynb", result("b", correct=("share",), written=HOSTILE_TEXT[0])),
        ("doejohn_LATE_2345_6789_ex0.ipynb", result("c", status=Status.TIMEOUT, timeout_kind="hard-limit")),
        ("twice_3456_1_ex0.ipynb", result("d", correct=("share",))),
        ("twice_3456_2_ex0-1.ipynb", result("e")),
        ("Amy Lee_101_assignsubmission_file_/ex0.ipynb", result("f", correct=("share", "group", "order", "pairs"))),
        ("Amy Lee_101_assignsubmission_onlinetext_/onlinetext.html", result("g", status=Status.NOT_A_NOTEBOOK, reason="not-json", line=1)),
        ("@SUM(A1)_102_assignsubmission_file_/ex0.ipynb", result("h", written="-1-1")),
        ("Only Text_103_assignsubmission_file_/essay.docx", result("i", status=Status.NOT_A_NOTEBOOK, reason="not-utf8", byte=10)),
        ("-1-1.ipynb", result("j", written="+SUM(1)")),
    ]
    return [Row(submission(source), r) for source, r in everyone]


def read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def written(tmp_path):
    rows = class_rows()
    write_gradebook(rows, CHECKS, 4, tmp_path / "gradebook.csv")
    write_canvas(rows, "Exercise 0 (4242)", tmp_path / "canvas.csv")
    write_moodle(rows, 9, tmp_path / "moodle.csv", now=datetime(2026, 12, 1, 15, 0))
    return tmp_path


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_safe_cell_neutralises_formulas(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Jane Doe", "0.5", "", "'already quoted", "a=b", " =1"])
def test_safe_cell_leaves_plain_text(text):
    assert safe_cell(text) == text


def test_no_cell_in_any_file_is_a_formula(written):
    for name in ("gradebook.csv", "canvas.csv", "moodle.csv"):
        for row in read(written / name):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (name, cell)
    gradebook = read(written / "gradebook.csv")
    assert ["'=1+1", "'@SUM(A1)", "'-1-1"] <= [r[0] for r in gradebook]
    assert f"'{HOSTILE_TEXT[0]}" in [r[-1] for r in gradebook]


def test_gradebook_has_a_row_per_file_and_states_out_of(written):
    rows = read(written / "gradebook.csv")
    header, body = rows[0], rows[1:]
    assert header[:4] == ["student", "lms", "lms_id", "file"]
    assert header[4:8] == ["share (2)", "group (1)", "order (1)", "pairs (1)"]
    assert header[8:10] == ["total", "out_of (5 auto-graded + 4 graded by hand)"]
    assert header[10:] == ["status", "message", "written_response"]
    assert len(body) == len(class_rows())
    smith = next(r for r in body if r[0] == "smithjane")
    assert smith[4:12] == ["2", "1", "0", "0", "3", "9", "ok", "ran to the end without errors"]
    late = next(r for r in body if r[0] == "doejohn")
    assert "time limit" in late[11] and "late" in late[11]


def test_canvas_import_columns_and_values(written):
    """Canvas's Grades > Import: a header of Student, ID, SIS User ID, SIS Login ID, Section, then
    one column per assignment; students matched by the numeric Canvas ID; points as plain numbers."""
    rows = read(written / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 0 (4242)"]
    by_id = {r[1]: r for r in rows[1:]}
    assert set(by_id) == {"1234", "99", "2345", "3456"}  # Canvas files only, one row per student
    assert all(re.fullmatch(r"\d+", r[1]) for r in rows[1:])
    assert by_id["1234"][5] == "3" and by_id["2345"][5] == "0"
    assert by_id["99"][0] == "'=1+1"
    assert by_id["3456"][5] == ""  # two notebooks: left blank for the instructor, never picked
    assert all(r[5] == "" or re.fullmatch(r"\d+(\.\d+)?", r[5]) for r in rows[1:])


def test_moodle_worksheet_columns_and_values(written):
    """Moodle's Upload grading worksheet needs `Identifier` (Participant N), `Grade` and
    `Last modified (grade)` (read with strtotime); the rest is ignored on import."""
    rows = read(written / "moodle.csv")
    assert rows[0] == ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {"Participant 101", "Participant 102", "Participant 103"}
    assert by_id["Participant 101"][1:4] == ["Amy Lee", "5", "9"]  # the online text beside it changes nothing
    assert by_id["Participant 102"][1:3] == ["'@SUM(A1)", "0"]
    assert by_id["Participant 103"][2] == ""  # no notebook to grade: left for the instructor
    for row in rows[1:]:
        datetime.fromisoformat(row[4])


def test_blank_lms_grades_are_named():
    assert sorted(blank_lms_grades(class_rows())) == ["Only Text", "twice"]


def test_every_status_and_verdict_has_english():
    assert set(STATUS_TEXT) == set(Status)
    assert set(VERDICT_TEXT) == set(Verdict)


def test_messages_describe_the_details():
    assert describe(result("x", status=Status.NOT_A_NOTEBOOK, reason="not-utf8", byte=7)) == \
        "not a Jupyter notebook; the file is not UTF-8 text (byte 7)"
    assert describe(result("x", status=Status.CRASHED, exception="DeadKernelError")) == \
        "the notebook's kernel died (DeadKernelError)"
    crashed = describe(result("x", status=Status.CRASHED, worker_exit="signal SIGKILL"))
    assert "graded again" in crashed and "SIGKILL" in crashed
    unsandboxed = result("x")
    unsandboxed.sandboxed = False
    assert "without the sandbox" in describe(unsandboxed)


def test_manual_points_come_from_the_rubric_heading():
    assert manual_points("**Rubric (4 points)**\n\n| Points | Level |") == 4
    assert manual_points("Rubric (2.5 points): ...") == 2.5
    assert manual_points("No heading; 2 points for this") == 0
