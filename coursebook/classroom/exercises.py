"""The student's `check(...)`: formative feedback on an exercise task, never the answer itself.

In `answers/` it reads the instructor's check file (`checks/<name>.yml`); in `exercises/` the
public file (`checks/<name>.json`) holding only slow salted hashes of the accepted answers. Either
way the decision is the grader's own (`comparison.py`): "Correct" here means the grader credits it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .exercise.checks import judge, load_check_file
from .exercise.fingerprints import FORMAT, public_credit

if TYPE_CHECKING:
    from .exercise.task import CheckFile

MISSING = object()


def student_key(course_file: dict, login: str) -> str:
    """The file name of a student's checks: a hash of the course's salt and their login."""
    salt = course_file.get("course_salt", "stock")
    return hashlib.sha256(f"{salt}|{login.strip().lower()}".encode()).hexdigest()[:20]


class Checker:
    """`check = Checker("ex3a-revenue-exposure")`, then `check("exposure")` after each task."""

    def __init__(self, exercise: str, folder: str | Path | None = None, login: str | None = None):
        self.exercise = exercise
        self._values: dict = {}
        self._needs_login = False
        folder = Path(folder) if folder else Path.cwd() / "checks"
        instructor, public = folder / f"{exercise}.yml", folder / f"{exercise}.json"
        self._full: CheckFile | None
        self._public: dict | None
        students = folder / exercise
        if login is not None and students.is_dir():
            # Per-student values (a course with a roster): this student's checks and values only.
            course = json.loads(public.read_text(encoding="utf-8"))
            self._values = course.get("values", {})
            if login.strip():
                public = students / f"{student_key(course, login)}.json"
                if not public.exists():
                    raise ValueError(
                        f"{login!r} is not on this course's class list: check `login` in "
                        "the first cell (spelt as on the learning platform)"
                    )
                self._values = json.loads(public.read_text(encoding="utf-8")).get("values", {})
            else:
                self._needs_login = True
        if instructor.exists():
            self._full = load_check_file(instructor)
            self._public = None
        elif public.exists():
            self._full = None
            self._public = json.loads(public.read_text(encoding="utf-8"))
            if self._public.get("format") != FORMAT:
                raise ValueError(
                    f"{public} is from an older version of coursebook: "
                    "download the exercise again (or run `make exercises`)"
                )
        else:
            raise FileNotFoundError(
                f"no checks for {exercise!r}: expected {public} (keep the notebook in its folder, "
                "beside checks/)"
            )

    def value(self, name: str):
        """This student's value of an exercise parameter (per-student courses)."""
        return self._values[name]

    def _entry(self, task_id: str) -> dict:
        if self._full is not None:
            task = self._full.task(task_id)
            return {"variable": task.variable, "hint": task.hint, "hidden": task.hidden}
        assert self._public is not None  # one of the two is loaded by __init__
        return self._public["tasks"][task_id]

    def __call__(self, task_id: str, value=MISSING) -> CheckResult:
        try:
            entry = self._entry(task_id)
        except KeyError:
            return CheckResult(
                task_id, "unknown", f"There is no task {task_id!r} in this exercise."
            )
        if value is MISSING:
            frame = inspect.currentframe()
            caller = frame.f_back if frame else None
            namespace = caller.f_globals if caller else {}
            value = namespace.get(entry["variable"], None)
        if self._needs_login:
            return CheckResult(
                task_id,
                "unanswered",
                "Set `login` in the first cell to your login on the "
                "course's learning platform, then run the notebook again from the top.",
            )
        if value is None or value is Ellipsis:
            return CheckResult(
                task_id,
                "unanswered",
                f"Not answered yet: set `{entry['variable']}` above and run the cell.",
            )
        if entry["hidden"]:
            return CheckResult(
                task_id, "submitted", "Answer recorded; this task is checked by your instructor."
            )
        if self._full is not None:
            verdict = judge(self._full.task(task_id), value)
            right, problem = verdict.credit, verdict.problem
        else:
            right, problem = public_credit(entry, value)
        if problem:
            return CheckResult(task_id, "wrong-type", problem)
        if right:
            return CheckResult(task_id, "correct", "Correct.")
        return CheckResult(
            task_id, "incorrect", f"Not yet. Hint: {entry['hint']}" if entry["hint"] else "Not yet."
        )


class CheckResult:
    """What check() returns: shown as one line, and testable (`.status`)."""

    def __init__(self, task_id: str, status: str, message: str):
        self.task_id, self.status, self.message = task_id, status, message

    def __repr__(self) -> str:
        return f"[{self.task_id}] {self.message}"

    def _repr_markdown_(self) -> str:
        mark = {"correct": "✓", "incorrect": "✗", "wrong-type": "✗"}.get(self.status, "•")
        return f"{mark} **{self.task_id}**: {self.message}"
