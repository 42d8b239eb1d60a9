"""Our LMS files, read by ports of Canvas's and Moodle's own importers (tests/classroom/lms_importers.py):
what each LMS would change, and that nothing a student names can change another student's grade."""

import os
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader.collect import (
    Submission,
    collect,
    downloaded_at,
    identify,
    result_key,
)
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.writers import MOODLE_LANGUAGES, Row, write_canvas, write_moodle
from tests.classroom.lms_importers import (
    CanvasCourse,
    MoodleGrade,
    Refused,
    canvas_delimiter,
    canvas_import,
    moodle_import,
)
from tests.conftest import ROOT

CHECKS = load_check_file(
    ROOT / "tests" / "fixtures" / "grading" / "answers" / "checks" / "ex0-fixture.yml"
)
DOWNLOADED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def row(source: str, earned: float = 0.0, status=Status.OK) -> Row:
    tasks = {t.id: TaskResult(0.0, t.points, Verdict.INCORRECT) for t in CHECKS.tasks}
    first = CHECKS.tasks[0]
    tasks[first.id] = TaskResult(
        earned, first.points, Verdict.CORRECT if earned else Verdict.INCORRECT
    )
    sub = Submission(key=result_key(source), source=source, path=None, **identify(source))
    return Row(
        sub, SubmissionResult(student=sub.student, source=source, status=status, tasks=tasks)
    )


# ---- Canvas ----------------------------------------------------------------------------------------

CANVAS_CLASS = [
    row("smithjane_1234_5678_ex0.ipynb", 2),
    row("o_brienpat_40999_901000_ex0_final_2.ipynb", 2),  # Canvas keeps `_` in the name
    row("twice_3456_1_ex0.ipynb", 2),
    row("twice_3456_2_ex0-1.ipynb", 0),  # two notebooks: no grade picked
    row("late_lee_LATE_555_9_ex0.ipynb", 0),
]


def canvas_course() -> CanvasCourse:
    students = {
        1234: "smithjane",
        40999: "o_brienpat",
        3456: "twice",
        555: "late_lee",
        7777: "nothing",
    }
    scores = {3456: "9", 7777: "9", 555: "4"}  # a TA's grades, typed in Canvas before the import
    return CanvasCourse(
        {
            i: {"name": n, "sortable_name": n, "scores": {4242: scores[i]} if i in scores else {}}
            for i, n in students.items()
        },
        {4242: "Exercise 0"},
    )


def test_canvas_names_with_underscores_are_never_dropped():
    assert identify("o_brienpat_40999_901000_ex0_final_2.ipynb") == {
        "student": "o_brienpat",
        "lms": "canvas",
        "lms_id": "40999",
        "submission_id": "901000",
        "late": False,
    }
    assert identify("late_lee_LATE_555_9_ex0.ipynb")["lms_id"] == "555"


@pytest.mark.parametrize("column", ["Exercise 0 (4242)", "Exercise 0"])
def test_canvas_imports_every_grade_and_clears_none(tmp_path, column):
    write_canvas(CANVAS_CLASS, column, tmp_path / "canvas.csv")
    text = (tmp_path / "canvas.csv").read_text(encoding="utf-8")
    assert canvas_delimiter(text) == ","
    imported = canvas_import(text, canvas_course())
    assert imported.new_assignments == [] and imported.unknown_students == []
    assert imported.changes == {1234: {4242: "2"}, 40999: {4242: "2"}, 555: {4242: "0"}}
    # Nobody's grade is cleared: 3456 (two notebooks) and 7777 (handed in nothing) keep their 9.
    assert all(
        grade is not None for change in imported.changes.values() for grade in change.values()
    )


def test_the_canvas_port_refuses_what_canvas_refuses():
    with pytest.raises(Refused):
        canvas_import("Name,ID,Section,Exercise 0\nx,1,,2\n", canvas_course())
    blank = canvas_import(
        "Student,ID,SIS User ID,SIS Login ID,Section,Exercise 0 (4242)\nt,3456,,,,\n",
        canvas_course(),
    )
    assert blank.changes == {3456: {4242: None}}  # what an empty cell would have done: clear the 9


# ---- Moodle ----------------------------------------------------------------------------------------


def moodle_class():
    return [
        row("Amy Lee_101_assignsubmission_file_/ex0.ipynb", 2),
        row("Bob Ray_102_assignsubmission_file_/ex0.ipynb", 2),
        row("Cy Oh_103_assignsubmission_file_/ex0.ipynb", 0),
        row("Dee Ng_104_assignsubmission_file_/ex0.ipynb", 2),
    ]


@pytest.mark.parametrize("language", sorted(MOODLE_LANGUAGES))
def test_moodle_imports_in_the_courses_language_and_keeps_grades_typed_after_the_download(
    tmp_path, language
):
    path = tmp_path / "worksheet.csv"
    write_moodle(moodle_class(), 9, path, now=DOWNLOADED, language=language)
    downloaded = DOWNLOADED.timestamp()
    course = {
        "101": MoodleGrade(None, 0),
        "102": MoodleGrade(
            5, downloaded - 3600
        ),  # typed before the download: the grader's grade replaces it
        "103": MoodleGrade(7, downloaded + 600),  # typed in Moodle after the download: kept
        "104": MoodleGrade(None, 0, locked=True),
    }
    applied = moodle_import(path.read_text(encoding="utf-8"), language, course, max_grade=9)
    assert applied == {"101": 2, "102": 2}
    assert course["103"].grade == 7


def test_a_worksheet_in_one_language_is_refused_by_a_moodle_in_another(tmp_path):
    path = tmp_path / "worksheet.csv"
    write_moodle(moodle_class(), 9, path, now=DOWNLOADED, language="en")
    with pytest.raises(Refused):
        moodle_import(path.read_text(encoding="utf-8"), "de", {}, max_grade=9)


def spoof_zip(path):
    """The audit's A8: Mallory (113) names a folder and a file after Bob (102), Dan (130) and Carol (120)."""
    with zipfile.ZipFile(path, "w") as archive:
        inside = "Mallory Evil_113_assignsubmission_file_/"
        archive.writestr(inside + "Bob Ray_102_assignsubmission_file_/ex0.ipynb", "{}")
        archive.writestr(inside + "Dan Who_130_assignsubmission_file_/ex0.ipynb", "{}")
        archive.writestr(inside + "x_120_assignsubmission_file_ex0.ipynb", "{}")
        archive.writestr(
            "Mallory Evil_113_assignsubmission_file_x_120_assignsubmission_file_ex0.ipynb", "{}"
        )
        archive.writestr(
            "Mallory Evil_113_assignsubmission_file_sub/Carol Ng_120_assignsubmission_file_a.ipynb",
            "{}",
        )
        archive.writestr("Bob Ray_102_assignsubmission_file_/ex0.ipynb", "{}")
        archive.writestr("Carol Ng_120_assignsubmission_file_/ex0.ipynb", "{}")


def test_a8_no_student_can_move_a_notebook_to_another_participant(tmp_path):
    spoof_zip(tmp_path / "class.zip")
    found = collect(tmp_path / "class.zip", tmp_path / "unpacked")
    owners = {s.source: s.lms_id for s in found}
    assert {owner for source, owner in owners.items() if source.startswith("Mallory")} == {"113"}
    assert owners["Bob Ray_102_assignsubmission_file_/ex0.ipynb"] == "102"
    assert owners["Carol Ng_120_assignsubmission_file_/ex0.ipynb"] == "120"
    # In Moodle: Bob and Carol get their own notebooks' grades, Dan (who handed in nothing) gets none.
    rows = [Row(s, row(s.source, 2 if s.lms_id in ("102", "120") else 0).result) for s in found]
    write_moodle(rows, 9, tmp_path / "w.csv", now=DOWNLOADED)
    course = {p: MoodleGrade(None, 0) for p in ("102", "113", "120", "130")}
    applied = moodle_import(
        (tmp_path / "w.csv").read_text(encoding="utf-8"), "en", course, max_grade=9
    )
    assert applied == {"102": 2, "120": 2}  # Mallory has several notebooks: left for the instructor


def test_the_worksheet_time_is_the_download_less_moodles_minute(tmp_path):
    archive = tmp_path / "class.zip"
    spoof_zip(archive)
    downloaded = DOWNLOADED.timestamp()
    os.utime(archive, (downloaded, downloaded))
    found = collect(archive, tmp_path / "unpacked")
    assert downloaded_at(archive, found) == DOWNLOADED - timedelta(seconds=60)
    folder = tmp_path / "folder"
    folder.mkdir()
    for index, stamp in enumerate((downloaded - 7200, downloaded - 600)):
        (folder / f"s{index}.ipynb").write_text("{}")
        os.utime(folder / f"s{index}.ipynb", (stamp, stamp))
    found = collect(folder, tmp_path / "u2")
    assert downloaded_at(folder, found) == DOWNLOADED - timedelta(seconds=660)  # newest file, less a minute
    os.utime(archive, (downloaded + 10**9, downloaded + 10**9))  # a time in the future: never later than now
    assert downloaded_at(archive, found) <= datetime.now(timezone.utc) - timedelta(seconds=60)
