"""The grader against a corpus of hostile submissions, each with the row it must produce."""

import csv
import hashlib
import zipfile

import pytest

from coursebook.classroom.checks import load_check_file
from coursebook.classroom.grader import Limits, grade_submission
from coursebook.classroom.gradebook import collect_submissions, grade_all
from coursebook.classroom.student_edition import rubric_text
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=20)

# student -> (status, total). Full marks are 5.
EXPECTED = {
    "perfect": ("ok", 5), "partial": ("ok", 3), "infinite-loop": ("timeout", 0), "memory-hog": ("errors", 5),
    "sys-exit": ("errors", 5), "os-exit": ("crashed", 0), "exception-every-cell": ("errors", 0),
    "deletes-files": ("ok", 5), "writes-outside": ("ok", 5), "redefines-helpers": ("crashed", 0),
    "eq-always-true": ("ok", 0), "lying-float": ("ok", 1), "huge-output": ("ok", 5),
    "reordered-and-deleted": ("errors", 5), "wrong-names": ("ok", 0), "shadows-builtins": ("ok", 5),
    "fake-marker": ("ok", 0), "corrupt-json": ("unreadable", 0), "empty": ("unreadable", 0),
    "not-a-notebook": ("unreadable", 0), "essay": ("unreadable", 0), "non-utf8": ("unreadable", 0),
}


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    before = tree_digest(FIXTURE)
    out = tmp_path_factory.mktemp("graded")
    submissions = collect_submissions(FIXTURE / "submissions", out / "unpacked")
    results = grade_all(submissions, CHECKS, out, jobs=2, limits=LIMITS,
                        rubric=rubric_text(FIXTURE / "answers" / "ex0-fixture.ipynb"), progress=False)
    return out, {r.student: r for r in results}, before


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 15
    assert {p.stem for p in (FIXTURE / "submissions").iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_row(graded, student):
    _, results, _ = graded
    status, total = EXPECTED[student]
    result = results[student]
    assert (result.status, result.total) == (status, total), result.message
    assert result.message  # every row says what happened


def test_instructor_files_untouched(graded):
    _, _, before = graded
    assert tree_digest(FIXTURE) == before


def test_gradebook_and_feedback(graded):
    out, results, _ = graded
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(EXPECTED)
    perfect = next(r for r in rows if r["student"] == "perfect")
    assert perfect["share (2)"] == "2" and perfect["total"] == "5" and perfect["out_of"] == "5"
    assert perfect["written_response"] == "My own answer about exposure."
    page = (out / "feedback" / "partial.html").read_text(encoding="utf-8")
    assert "Multiply the two shares." in page and "Rubric" in page and "2 points for distinguishing" in page
    assert "0.24" not in page  # feedback gives hints, not answers


def test_rerun_skips_finished_results(graded):
    out, _, _ = graded
    stamp = (out / "results" / "perfect.json").stat().st_mtime_ns
    submissions = collect_submissions(FIXTURE / "submissions", out / "unpacked")
    grade_all(submissions, CHECKS, out, jobs=1, limits=LIMITS, progress=False)
    assert (out / "results" / "perfect.json").stat().st_mtime_ns == stamp


def test_timeout_policy_keep_is_the_instructors_choice():
    result = grade_submission(FIXTURE / "submissions" / "infinite-loop.ipynb", CHECKS,
                              Limits(cell_timeout=3, total_timeout=20, on_timeout="keep"))
    assert (result.status, result.total) == ("timeout", 5)


def test_lms_zip(tmp_path):
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FIXTURE / "submissions" / "perfect.ipynb", "smithjane_1234_5678_ex0-fixture.ipynb")
        zipped.write(FIXTURE / "submissions" / "empty.ipynb", "../../evil/empty.ipynb")
        zipped.write(FIXTURE / "submissions" / "partial.ipynb", "late/smithjane_1234_5678_ex0-fixture.ipynb")
    found = collect_submissions(archive, tmp_path / "unpacked")
    assert sorted(p.name for p in found) == ["empty.ipynb", "smithjane_1234_5678_ex0-fixture-2.ipynb",
                                             "smithjane_1234_5678_ex0-fixture.ipynb"]
    assert all(p.parent == tmp_path / "unpacked" for p in found)
    results = grade_all(found, CHECKS, tmp_path / "out", limits=LIMITS, progress=False)
    assert {r.student: r.total for r in results} == {"smithjane_1234_5678_ex0-fixture": 5, "empty": 0,
                                                      "smithjane_1234_5678_ex0-fixture-2": 3}


def test_solved_exercise_gets_full_marks_and_student_edition_none(tmp_path):
    name = "ex3a-revenue-exposure"
    checks = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    solved = grade_submission(ROOT / "answers" / f"{name}.ipynb", checks, LIMITS)
    assert (solved.status, solved.total) == ("ok", checks.total_points), solved.task_notes
    blank = grade_submission(ROOT / "exercises" / f"{name}.ipynb", checks, LIMITS)
    assert blank.total == 0 and set(blank.task_notes.values()) == {"not answered"}
