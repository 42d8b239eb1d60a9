"""Results on disk, one JSON file per submission, written atomically; what resume may reuse.

A stored result carries a fingerprint of what was graded: the submission's bytes (as read once, see
notebook_file.take), the assignment (`Assignment.fingerprint`: the answer key, the limits, the
package's version, each also named on its own so that merge can say which differs) and whether it
ran sandboxed; with per-student values (per_student.py), also the file's own `student=` part,
naming its owner and the owner's answer key (for a file whose owner is not on the roster, the
roster), so a changed roster grades again only the files whose owner or key it changes. Resume
reuses a result only when
all of these are unchanged, and never reuses a row that says the grading itself went wrong
(the grader's own error, or its worker process dying): those are graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..exercise.assignment import Assignment, package_version
from .notebook_file import take
from .results import SCHEMA, Status, SubmissionResult


def file_digest(path: Path | None) -> str:
    """A hash of the file's bytes (as far as the grader would read them), read without following a
    link and without waiting on a FIFO or device; `unreadable-<why>` when it cannot be read."""
    if path is None:
        return "none"
    return take(path, None).digest


def key_digest(assignment: Assignment) -> str:
    """Names the answer key alone: the tasks with their answers, points and hints."""
    key = assignment.checks.model_dump(mode="json", include={"exercise", "tasks"})
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def terms(assignment: Assignment, sandbox: bool, per_student: bool = False) -> str:
    """What every result of one run is graded under: the assignment (answer key, limits, package
    version: one hash, and each part by name), the sandbox, and whether each student has values of
    their own (then the key named is the course's, and each result names its owner's too)."""
    return (
        f"assignment={assignment.fingerprint()};key={key_digest(assignment)};"
        f"limits={assignment.limits.fingerprint()};package={package_version()};"
        f"sandbox={int(sandbox)};schema={SCHEMA}" + (";per_student=1" if per_student else "")
    )


PER_FILE = ("file", "student")
"""The parts of a fingerprint that are each file's own: its bytes, and its owner and their key."""


def parse_terms(fingerprint: str) -> dict[str, str]:
    """A fingerprint's parts, without the file's own (its hash, its owner's key)."""
    parts = dict(part.split("=", 1) for part in fingerprint.split(";") if "=" in part)
    for name in PER_FILE:
        parts.pop(name, None)
    return parts


def fingerprint(
    path: Path | None,
    assignment: Assignment,
    sandbox: bool,
    *,
    digest: str | None = None,
    student: str = "",
) -> str:
    """What a result depends on; a change in any part means the result is stale. `digest`: the
    hash of the bytes actually graded, when the caller has read them already. `student`: with
    per-student values, the file owner's part (per_student.py)."""
    file = digest if digest is not None else file_digest(path)
    own = f";student={student}" if student else ""
    return f"file={file};{terms(assignment, sandbox, bool(student))}{own}"


def reusable(result: SubmissionResult | None, expected: str) -> bool:
    """May resume keep this stored result instead of grading again?"""
    if result is None or result.fingerprint != expected:
        return False
    # not when the grading failed (rather than the submission): then try again
    return not (result.status is Status.GRADER_ERROR or "worker_exit" in result.detail)


class ResultStore:
    """`<folder>/<key>.json` for each submission."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for partial in folder.glob(".*.partial"):  # left by a run killed mid-write
            partial.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> SubmissionResult | None:
        """The stored result, or None if there is none or it cannot be read (then it is
        re-graded)."""
        try:
            return SubmissionResult.from_json(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None

    def save(self, key: str, result: SubmissionResult) -> None:
        """Write-then-rename in the same folder: a reader sees the old file or the new one, never
        half."""
        handle, partial = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".partial")
        try:
            # to_json is ASCII (\uXXXX escapes), so any text a student wrote, lone surrogates
            # included, is written and reads back as it was
            with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
                out.write(result.to_json())
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self.path(key))
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
