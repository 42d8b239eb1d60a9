"""The result of grading one submission, as data.

Statuses and verdicts are enums; `detail` is machine-readable (counts, flags, exception names).
English sentences are added by the writers (gradebook, feedback), never stored here, so one
result can be rendered for the instructor, the student and the LMS differently.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA = 1
"""Bumped when a stored result can no longer be read by this code (resume then re-grades)."""


class Status(StrEnum):
    """How the run of one submission ended."""

    OK = "ok"  # ran to the end without errors
    ERRORS = "errors"  # ran to the end; some cells raised errors
    TIMEOUT = "timeout"  # a cell or the whole notebook ran past its time limit
    MEMORY = "memory"  # the kernel ran out of its memory limit
    OUTPUT_LIMIT = "output-limit"  # the notebook printed more than the output cap
    CRASHED = "crashed"  # the kernel died (os._exit, a signal, killed its own sandbox)
    ANSWERS_UNREADABLE = "answers-unreadable"  # ran, but the answers could not be read back
    INVALID_NOTEBOOK = "invalid-notebook"  # JSON, but not a valid notebook (bad metadata, cells)
    NOT_A_NOTEBOOK = "not-a-notebook"  # not JSON / not text / not a notebook at all
    ARCHIVE_REFUSED = "archive-refused"  # an archive entry refused (size, ratio, link, path)
    NOT_ON_ROSTER = "not-on-roster"  # per-student values: the file's owner is not on the roster
    GRADER_ERROR = "grader-error"  # the grader's own code failed on this file (a bug to report)

    @property
    def ran(self) -> bool:
        """Did the submission's code run (so task verdicts mean something)?"""
        return self in (
            Status.OK,
            Status.ERRORS,
            Status.TIMEOUT,
            Status.MEMORY,
            Status.OUTPUT_LIMIT,
        )


class Verdict(StrEnum):
    """What the grader decided for one task."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ANSWERED = "not-answered"  # the variable is missing or None
    WRONG_TYPE = "wrong-type"  # a value the grader cannot compare (an object, a function, ...)
    WITHHELD = "withheld"  # would be correct, but the status's policy gives no points
    NOT_RUN = "not-run"  # the notebook never ran (unreadable, refused, grader error)


@dataclass
class TaskResult:
    points: float
    max_points: float
    verdict: Verdict
    hint: str = ""  # the instructor's hint, shown to the student when the task is not correct
    value_type: str = ""  # for WRONG_TYPE: the type name the student's value had

    def __post_init__(self):
        self.verdict = Verdict(self.verdict)


@dataclass
class SubmissionResult:
    student: str
    """Identifier as the LMS wrote it (set by the collector; empty when graded alone)."""
    source: str
    """The submission's file name (or path inside its archive) as received."""
    status: Status
    tasks: dict[str, TaskResult] = field(default_factory=dict)
    written_response: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    """Machine-readable facts: e.g. error_cells, output_truncated, timeout_kind, exception,
    signal."""
    sandboxed: bool = True
    seconds: float = 0.0
    fingerprint: str = ""
    """What was graded (file hash, key hash, limits); set by whoever stores results, for resume."""

    def __post_init__(self):
        self.status = Status(self.status)
        self.tasks = {
            key: value if isinstance(value, TaskResult) else TaskResult(**value)
            for key, value in self.tasks.items()
        }

    @property
    def total(self) -> float:
        return sum(task.points for task in self.tasks.values())

    @property
    def max_total(self) -> float:
        return sum(task.max_points for task in self.tasks.values())

    @property
    def points(self) -> dict[str, float]:
        return {task_id: task.points for task_id, task in self.tasks.items()}

    def to_json(self) -> str:
        data = asdict(self)
        data["status"] = self.status.value
        for task in data["tasks"].values():
            task["verdict"] = Verdict(task["verdict"]).value
        # ASCII only: text holding a lone surrogate (valid in a notebook's JSON, not encodable as
        # UTF-8) is kept as a \uXXXX escape, so every result can be written and read back
        return json.dumps({"schema": SCHEMA, **data}, ensure_ascii=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        """Read a stored result; ValueError (with the reason) if it is not one this code wrote."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.pop("schema", None) != SCHEMA:
                raise ValueError("not a result of this version")
            return cls(**data)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a stored result: {exc}") from None
