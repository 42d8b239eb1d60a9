"""Tables of what each grading fixture must earn, and small builders of gradebook rows, shared by
the grader's tests (one submission, the class loop, the whole class, feedback pages)."""

import hashlib

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.exercise.rubric import rubric_text
from coursebook.classroom.grader.collect import Submission, identify, result_key
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.writers import Row
from tests.conftest import ROOT

# The corpus (tests/fixtures/grading/submissions), one at a time: file -> (status, total).
# Full marks are 5.
CORPUS_EXPECTED = {
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

# The class (tests/fixtures/grading/class): file -> (student, status, total). Full marks are 5.
CLASS_EXPECTED = {
    "smithjane_1234_5678_ex0-fixture.ipynb": ("smithjane", "ok", 5),
    "doejohn_LATE_2345_6789_ex0-fixture.ipynb": ("doejohn", "ok", 3),
    "Jane Doe.ipynb": ("Jane Doe", "ok", 5),
    "Jane_Doe.ipynb": ("Jane_Doe", "ok", 0),
    "alice.ipynb": ("alice", "ok", 5),
    "alice.txt": ("alice", "not-a-notebook", 0),
    "claims-another-student.ipynb": ("claims-another-student", "ok", 0),
    "tags-five.ipynb": ("tags-five", "invalid-notebook", 0),
    "metadata-coursebook-string.ipynb": ("metadata-coursebook-string", "ok", 5),
    "wrong-kernelspec.ipynb": ("wrong-kernelspec", "ok", 5),
    "invalid-json.ipynb": ("invalid-json", "not-a-notebook", 0),
    "=1+1.ipynb": ("=1+1", "ok", 5),
    "@SUM(A1).ipynb": ("@SUM(A1)", "ok", 0),
    "-1-1.ipynb": ("-1-1", "ok", 0),
    "hyperlink-response.ipynb": ("hyperlink-response", "ok", 5),
    "Amy Lee_101_assignsubmission_file_/ex0-fixture.ipynb": ("Amy Lee", "ok", 0),
    "Bob Ray_102_assignsubmission_file_/ex0-fixture.ipynb": ("Bob Ray", "ok", 5),
    "Bob Ray_102_assignsubmission_onlinetext_/onlinetext.html": ("Bob Ray", "not-a-notebook", 0),
}
# A real exercise's checks and rubric (feedback pages).
REAL_CHECKS = load_check_file(ROOT / "answers" / "checks" / "ex3a-revenue-exposure.yml")
REAL_RUBRIC = rubric_text(ROOT / "answers" / "ex3a-revenue-exposure.ipynb")


def tree_digest(folder) -> str:
    """One hash of every path and file below `folder` (caches left out), to show nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def submission(source: str) -> Submission:
    return Submission(key=result_key(source), source=source, path=None, **identify(source))


def row_for(checks, verdicts, written="<script>alert(1)</script> my answer") -> Row:
    tasks = {t.id: TaskResult(t.points if verdicts[t.id] is Verdict.CORRECT else 0.0, t.points, verdicts[t.id], t.hint,
                              "set" if verdicts[t.id] is Verdict.WRONG_TYPE else "")
             for t in checks.tasks}
    result = SubmissionResult(student="", source="x", status=Status.ERRORS, tasks=tasks, written_response=written,
                              detail={"error_cells": 2})
    return Row(submission("smithjane_1234_5678_ex.ipynb"), result)
