"""A class of ordinary, broken and odd files grades in one run: every file one row, no unearned credit."""

import csv
import hashlib
import os
import tempfile

import pytest

from dataclasses import replace

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.grader import classroom
from coursebook.classroom.grader.classroom import grade_all
from coursebook.classroom.grader.collect import collect
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.results import Status
from tests.classroom.fakes import misbehaving_grade, working_grade
from tests.conftest import ROOT
from tests.helpers.grading import CLASS_EXPECTED as EXPECTED, tree_digest

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CLASS = FIXTURE / "class"
ASSIGNMENT = Assignment.load(FIXTURE / "answers", "ex0-fixture", cell_timeout=5, total_timeout=20)
PERFECT = (FIXTURE / "submissions" / "perfect.ipynb").read_bytes()
PARTIAL = (FIXTURE / "submissions" / "partial.ipynb").read_bytes()


def answers_earned(path) -> float:
    """What a file's own answers are worth: only copies of the perfect or partial notebook earn points
    (the metadata and kernelspec variants carry the perfect answers too)."""
    data = path.read_bytes()
    if data == PERFECT or b'"share = 0.60 * 0.40"' in data and b'"order = [' in data:
        return 5
    return 3 if data == PARTIAL else 0


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    before = tree_digest(FIXTURE), tree_digest(ROOT / "answers")
    out = tmp_path_factory.mktemp("class") / "out"
    rows = grade_all(collect(CLASS, out / "unpacked"), ASSIGNMENT, out, jobs=2, progress=False)
    return out, rows, before


def test_corpus_matches_the_expected_rows():
    assert sorted(p.relative_to(CLASS).as_posix() for p in CLASS.rglob("*") if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_row(graded, source):
    _, rows, _ = graded
    row = next(r for r in rows if r.submission.source == source)
    assert (row.submission.student, row.result.status.value, row.result.total) == EXPECTED[source], row.result.detail
    assert row.result.sandboxed


def test_every_file_exactly_one_row_and_no_unearned_credit(graded):
    out, rows, _ = graded
    assert sorted(r.submission.source for r in rows) == sorted(EXPECTED)
    for row in rows:
        assert row.result.total <= answers_earned(CLASS / row.submission.source), row.submission.source
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        assert sorted(r["file"].removeprefix("'") for r in csv.DictReader(handle)) == sorted(EXPECTED)


def test_nothing_outside_the_output_folder_is_touched(graded):
    out, _, before = graded
    assert (tree_digest(FIXTURE), tree_digest(ROOT / "answers")) == before
    assert sorted(p.name for p in out.iterdir()) == [
        "canvas-grades.csv", "feedback", "gradebook.csv", "instructor.html", "moodle-grading-worksheet.csv", "results"]
    assert len(list((out / "results").iterdir())) == len(EXPECTED)
    assert len(list((out / "feedback").iterdir())) == len(EXPECTED)


def test_lms_files_carry_the_lms_students(graded):
    out, _, _ = graded
    with (out / "canvas-grades.csv").open(encoding="utf-8") as handle:
        assert [(r["ID"], r["Grader fixture exercise"]) for r in csv.DictReader(handle)] == [("1234", "5"), ("2345", "3")]
    with (out / "moodle-grading-worksheet.csv").open(encoding="utf-8") as handle:
        assert [(r["Identifier"], r["Grade"], r["Maximum grade"]) for r in csv.DictReader(handle)] == [
            ("Participant 101", "0", "9"), ("Participant 102", "5", "9")]


def test_rerun_reuses_every_result(graded):
    out, rows, _ = graded
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    again = grade_all(collect(CLASS, out / "unpacked"), ASSIGNMENT, out, jobs=2, progress=False,
                      grade=misbehaving_grade)  # would give every file 5 if anything were re-graded
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()} == stamps
    assert [r.result.total for r in again] == [r.result.total for r in rows]


def test_a_failing_grader_or_a_dying_worker_costs_one_row(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    names = ["a-fine.ipynb", "b-raises.ipynb", "c-sigkill.ipynb", "d-exits.ipynb", "f-fine.ipynb"]
    for name in names:
        (folder / name).write_bytes(PERFECT)
    out = tmp_path / "out"
    rows = grade_all(collect(folder, out / "unpacked"), ASSIGNMENT, out, jobs=2, progress=False,
                     grade=misbehaving_grade)
    got = {r.submission.source: r.result for r in rows}
    assert [got[n].status for n in names[:4]] == [Status.OK, Status.GRADER_ERROR, Status.CRASHED, Status.CRASHED]
    assert got["f-fine.ipynb"].status is Status.OK and got["f-fine.ipynb"].total == 5
    assert "RuntimeError" in got["b-raises.ipynb"].detail["exception"]
    assert got["c-sigkill.ipynb"].detail["worker_exit"] == "signal SIGKILL"
    assert got["d-exits.ipynb"].detail["worker_exit"] == "exit code 3"
    assert all(got[n].total == 0 for n in names[1:4])
    # The next run grades the failed ones again (the grader's failure is not the student's grade):
    # the same files, now graded by a grader that works.
    rows = grade_all(collect(folder, out / "unpacked"), ASSIGNMENT, out, jobs=2, progress=False,
                     grade=working_grade)
    assert [r.result.status for r in rows] == [Status.OK] * 5


def test_a_killed_forkserver_is_replaced(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ["a-kills-parent.ipynb", "b-fine.ipynb"]:
        (folder / name).write_bytes(PERFECT)
    rows = grade_all(collect(folder, tmp_path / "u"), ASSIGNMENT, tmp_path / "out", jobs=1,
                     progress=False, grade=misbehaving_grade)
    assert [r.result.status for r in rows] == [Status.CRASHED, Status.OK]


def test_a_hung_worker_is_stopped_by_the_backstop(tmp_path, monkeypatch):
    monkeypatch.setattr(classroom, "BACKSTOP_GRACE", 1)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "hangs.ipynb").write_bytes(PERFECT)
    (folder / "fine.ipynb").write_bytes(PERFECT)
    limits = Limits(cell_timeout=1, total_timeout=1, startup_grace=1)
    hurried = replace(ASSIGNMENT, limits=limits)
    rows = grade_all(collect(folder, tmp_path / "u"), hurried, tmp_path / "out", jobs=2,
                     progress=False, grade=misbehaving_grade)
    got = {r.submission.source: r.result for r in rows}
    assert got["hangs.ipynb"].status is Status.TIMEOUT and got["hangs.ipynb"].total == 0
    assert got["fine.ipynb"].status is Status.OK


def test_no_sandbox_folder_is_left_behind(tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the class loop makes its sandboxes' root
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "j.ipynb").write_bytes(PERFECT)
    out = tmp_path / "out"
    rows = grade_all(collect(folder, out / "unpacked"), ASSIGNMENT, out, progress=False)
    assert rows[0].result.total == 5
    # pymp-: multiprocessing's own; cb-runtime-: the caches kept for the next run on purpose (the
    # runtime trees, the font list; removed after a day unused)
    kept = ("pymp-", f"cb-runtime-{os.geteuid()}-")
    assert [p.name for p in temp.iterdir() if not p.name.startswith(kept)] == []
    assert sorted(p.name for p in out.iterdir()) == [
        "canvas-grades.csv", "feedback", "gradebook.csv", "instructor.html", "moodle-grading-worksheet.csv", "results"]


def test_force_regrades_everything(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "j.ipynb").write_bytes(PERFECT)
    out = tmp_path / "out"
    grade_all(collect(folder, out / "u"), ASSIGNMENT, out, progress=False, grade=working_grade)
    (stored,) = (out / "results").glob("*.json")
    before = stored.stat().st_mtime_ns
    grade_all(collect(folder, out / "u"), ASSIGNMENT, out, progress=False, grade=working_grade)
    assert stored.stat().st_mtime_ns == before
    grade_all(collect(folder, out / "u"), ASSIGNMENT, out, progress=False, grade=working_grade, force=True)
    assert stored.stat().st_mtime_ns != before
