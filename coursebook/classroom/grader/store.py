"""Results on disk, one JSON file per submission, written atomically; what resume may reuse.

A stored result carries a fingerprint of what was graded: the submission's bytes, the assignment
(`Assignment.fingerprint`: the answer key, the limits, the package's version) and whether it ran
sandboxed. Resume reuses a result only when
all of these are unchanged, and never reuses a row that says the grading itself went wrong
(the grader's own error, or its worker process dying): those are graded again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..exercise.assignment import Assignment
from .results import SCHEMA, Status, SubmissionResult


def file_digest(path: Path | None) -> str:
    if path is None:
        return "none"
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:  # unreadable: graded as such, and re-graded once it can be read
        return f"unreadable-{exc.errno}"
    return digest.hexdigest()[:16]


def fingerprint(path: Path | None, assignment: Assignment, sandbox: bool) -> str:
    """What a result depends on; a change in any part means the result is stale."""
    return (f"file={file_digest(path)};assignment={assignment.fingerprint()};"
            f"sandbox={int(sandbox)};schema={SCHEMA}")


def reusable(result: SubmissionResult | None, expected: str) -> bool:
    """May resume keep this stored result instead of grading again?"""
    if result is None or result.fingerprint != expected:
        return False
    if result.status is Status.GRADER_ERROR or "worker_exit" in result.detail:
        return False  # the grading failed, not the submission: try again
    return True


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
        """The stored result, or None if there is none or it cannot be read (then it is re-graded)."""
        try:
            return SubmissionResult.from_json(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, key: str, result: SubmissionResult) -> None:
        """Write-then-rename in the same folder: a reader sees the old file or the new one, never half."""
        handle, partial = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".partial")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(result.to_json())
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self.path(key))
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
