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
from tests.helpers.grading import CORPUS_EXPECTED as EXPECTED, NO_CREDIT_ANY_STATUS, tree_digest

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=20)


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
