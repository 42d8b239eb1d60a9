"""The student's page can be sent as is; the rubric goes to the instructor's page, as a table."""

import re

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader.feedback import instructor_page, student_page, write_pages
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.writers import Row
from coursebook.classroom.exercise.rubric import rubric_text
from tests.classroom.test_writers import submission
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "answers"
CHECKS = load_check_file(FIXTURE / "checks" / "ex0-fixture.yml")
REAL_CHECKS = load_check_file(ROOT / "answers" / "checks" / "ex3a-revenue-exposure.yml")
REAL_RUBRIC = rubric_text(ROOT / "answers" / "ex3a-revenue-exposure.ipynb")


def answers_of(checks) -> list[str]:
    """Every accepted answer as text, as it could leak into a page."""
    found = []
    for task in checks.tasks:
        values = task.answer if isinstance(task.answer, list) else [task.answer]
        if isinstance(task.answer, dict):
            values = [*task.answer.keys(), *task.answer.values()]
        found += [str(v) for v in values]
    return found


def row_for(checks, verdicts, written="<script>alert(1)</script> my answer") -> Row:
    tasks = {t.id: TaskResult(t.points if verdicts[t.id] is Verdict.CORRECT else 0.0, t.points, verdicts[t.id], t.hint,
                              "set" if verdicts[t.id] is Verdict.WRONG_TYPE else "")
             for t in checks.tasks}
    result = SubmissionResult(student="", source="x", status=Status.ERRORS, tasks=tasks, written_response=written,
                              detail={"error_cells": 2})
    return Row(submission("smithjane_1234_5678_ex.ipynb"), result)


def test_student_page_has_points_and_hints_but_no_rubric_or_answers():
    verdicts = {t.id: Verdict.INCORRECT for t in REAL_CHECKS.tasks}
    first, second = REAL_CHECKS.tasks[0], REAL_CHECKS.tasks[1]
    verdicts[first.id], verdicts[second.id] = Verdict.CORRECT, Verdict.WRONG_TYPE
    page = student_page(row_for(REAL_CHECKS, verdicts), REAL_CHECKS)
    text = re.sub(r"<[^>]+>", " ", page)
    assert f"{first.points:g} / {first.points:g}" in text
    assert first.hint not in text  # right: no hint needed
    for task in REAL_CHECKS.tasks[1:]:
        assert task.hint.replace("'", "&#x27;") in page  # every task not yet right gets its hint
    assert "your value was a set" in text
    for answer in answers_of(REAL_CHECKS):
        if len(answer) > 3:
            assert answer not in text.replace(first.hint, ""), answer
    assert "Rubric" not in page and "Excellent" not in page and "4 points" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_instructor_page_renders_the_rubric_as_a_table():
    page = instructor_page([row_for(REAL_CHECKS, {t.id: Verdict.CORRECT for t in REAL_CHECKS.tasks})],
                           REAL_CHECKS, REAL_RUBRIC, 4)
    assert "<table>" in page and "<th>Points</th>" in page and "<td>Excellent</td>" in page
    assert "| Points |" not in page and "|---|" not in page
    assert "feedback/smithjane_1234_5678_ex.ipynb-" in page


def test_pages_are_written_per_submission_and_rubric_stays_out_of_feedback(tmp_path):
    rows = [row_for(CHECKS, {t.id: Verdict.INCORRECT for t in CHECKS.tasks})]
    write_pages(rows, CHECKS, rubric_text(FIXTURE / "ex0-fixture.ipynb"), 4, tmp_path)
    pages = list((tmp_path / "feedback").iterdir())
    assert [p.name for p in pages] == [f"{rows[0].submission.key}.html"]
    assert all("Rubric" not in p.read_text(encoding="utf-8") for p in pages)
    assert "2 points for distinguishing" in (tmp_path / "instructor.html").read_text(encoding="utf-8")
