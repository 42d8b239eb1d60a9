"""One submission at a time: the original corpus of odd and hostile notebooks, each with its row.

The kernel-behaviour attacks (`k-*.ipynb`) are in test_sandbox.py; the class run (collecting,
gradebooks, feedback, resume) is tested by the class-side tests.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader import Limits, Status, SubmissionResult, Verdict, grade_submission
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=20)

# file -> (status, total). Full marks are 5.
EXPECTED = {
    "perfect.ipynb": (Status.OK, 5), "partial.ipynb": (Status.OK, 3),
    "infinite-loop.ipynb": (Status.TIMEOUT, 0), "memory-hog.ipynb": (Status.MEMORY, 5),
    "sys-exit.ipynb": (Status.ERRORS, 5), "os-exit.ipynb": (Status.CRASHED, 0),
    "exception-every-cell.ipynb": (Status.ERRORS, 0), "deletes-files.ipynb": (Status.OK, 5),
    "writes-outside.ipynb": (Status.ERRORS, 5),  # its write outside fails: read-only, or not there at all
    "eq-always-true.ipynb": (Status.OK, 0), "lying-float.ipynb": (Status.OK, 1),
    "huge-output.ipynb": (Status.OUTPUT_LIMIT, 5), "reordered-and-deleted.ipynb": (Status.ERRORS, 5),
    "wrong-names.ipynb": (Status.OK, 0), "shadows-builtins.ipynb": (Status.OK, 5),
    "fake-marker.ipynb": (Status.OK, 0), "corrupt-json.ipynb": (Status.NOT_A_NOTEBOOK, 0),
    "empty.ipynb": (Status.NOT_A_NOTEBOOK, 0), "not-a-notebook.ipynb": (Status.NOT_A_NOTEBOOK, 0),
    "essay.docx": (Status.NOT_A_NOTEBOOK, 0), "non-utf8.ipynb": (Status.NOT_A_NOTEBOOK, 0),
}
# Patching json.dumps breaks the kernel's own messaging; what matters is that it earns nothing.
NO_CREDIT_ANY_STATUS = {"redefines-helpers.ipynb"}


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def graded():
    before = tree_digest(FIXTURE / "answers")
    names = sorted([*EXPECTED, *NO_CREDIT_ANY_STATUS])
    with ThreadPoolExecutor(2) as pool:
        results = pool.map(lambda name: grade_submission(FIXTURE / "submissions" / name, CHECKS, LIMITS), names)
        return dict(zip(names, results)), before


def test_corpus_covers_every_fixture():
    originals = {p.name for p in (FIXTURE / "submissions").iterdir() if not p.name.startswith("k-")}
    assert originals == set(EXPECTED) | NO_CREDIT_ANY_STATUS


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_row(graded, name):
    results, _ = graded
    result = results[name]
    assert (result.status, result.total) == EXPECTED[name], (result.detail, result.tasks)
    assert result.source == name and result.sandboxed and result.max_total == 5


def test_no_credit_whatever_the_status(graded):
    results, _ = graded
    for name in NO_CREDIT_ANY_STATUS:
        assert results[name].total == 0


def test_rows_say_why(graded):
    results, _ = graded
    assert results["corrupt-json.ipynb"].detail["reason"] == "not-json"
    assert results["exception-every-cell.ipynb"].detail["error_cells"] == 3
    assert results["huge-output.ipynb"].detail["output_truncated"] is True
    assert results["infinite-loop.ipynb"].detail["timeout_kind"]
    assert results["partial.ipynb"].tasks["share"].verdict is Verdict.INCORRECT
    assert results["partial.ipynb"].tasks["share"].hint == "Multiply the two shares."
    assert results["wrong-names.ipynb"].tasks["share"].verdict is Verdict.NOT_ANSWERED


def test_instructor_files_untouched(graded):
    _, before = graded
    assert tree_digest(FIXTURE / "answers") == before


def test_result_round_trips_through_json(graded):
    results, _ = graded
    for result in results.values():
        assert SubmissionResult.from_json(result.to_json()) == result


def test_invalid_metadata_is_a_row_not_a_crash(tmp_path):
    import json

    base = json.loads((FIXTURE / "submissions" / "perfect.ipynb").read_text(encoding="utf-8"))
    odd = {
        "tags-number": lambda nb: nb["cells"][1]["metadata"].update(tags=5),
        "tags-null": lambda nb: nb["cells"][1]["metadata"].update(tags=None),
        "coursebook-string": lambda nb: nb["metadata"].update(coursebook="x"),
        "wrong-kernelspec": lambda nb: nb["metadata"].update(
            kernelspec={"name": "ir", "language": "R", "display_name": "R"}),
        "cells-not-list": lambda nb: nb.update(cells={"a": 1}),
        "source-number": lambda nb: nb["cells"][1].update(source=5),
    }
    for name, spoil in odd.items():
        nb = json.loads(json.dumps(base))
        spoil(nb)
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        result = grade_submission(path, CHECKS, LIMITS)
        assert result.status in (Status.INVALID_NOTEBOOK, Status.NOT_A_NOTEBOOK, Status.OK), (name, result)
        assert result.status is not Status.GRADER_ERROR
        if result.status is Status.OK:  # free-form metadata, or another kernel's notebook, runs in ours
            assert name in ("wrong-kernelspec", "coursebook-string") and result.total == 5


def test_solved_exercise_gets_full_marks_and_student_edition_none():
    name = "ex3a-revenue-exposure"
    checks = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    solved = grade_submission(ROOT / "answers" / f"{name}.ipynb", checks, LIMITS)
    assert (solved.status, solved.total) == (Status.OK, checks.total_points), solved.tasks
    blank = grade_submission(ROOT / "exercises" / f"{name}.ipynb", checks, LIMITS)
    assert blank.total == 0 and {t.verdict for t in blank.tasks.values()} == {Verdict.NOT_ANSWERED}


def test_unsandboxed_runs_are_marked():
    result = grade_submission(FIXTURE / "submissions" / "perfect.ipynb", CHECKS, LIMITS, sandbox=False)
    assert (result.status, result.total, result.sandboxed) == (Status.OK, 5, False)
