"""Exercise tasks: the instructor's check file (answer specs) and the decision the grader makes.

The instructor's check file (`answers/checks/<name>.yml`) holds the answers. `matches(task, value)`
is the grader's decision; `judge` adds the type message the student sees. Both go through
`comparison.py`, the single comparison that the student's public check file also uses
(`fingerprints.py`), so `check()` and the grader accept exactly the same answers.
Pure functions: the grader compares here, outside the student's kernel.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ...errors import BankError, Problem
from .comparison import Verdict, accepted_canonicals, canonical, type_problem
from .fingerprints import FORMAT, public_entry
from .task import CheckFile, Task


class CheckFileError(BankError):
    """A check file failed validation (every problem, each with its file and line)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in exercise check files:"
        self.args = ("\n".join([heading, *(f"  {problem}" for problem in self.problems)]),)


def load_check_file(path: str | Path) -> CheckFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        return CheckFile.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise CheckFileError(
            [Problem(str(path), None, None, f"cannot read the check file: {exc}")]
        ) from None
    except ValidationError as exc:
        raise CheckFileError([_located(path, text, data, e) for e in exc.errors()]) from None


def _located(path: Path, text: str, data, error) -> Problem:
    """A validation error with the line of the task it belongs to, when that can be found."""
    loc = error["loc"]
    task_id, line = None, None
    if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
        try:
            task_id = data["tasks"][loc[1]].get("id")
        except (TypeError, IndexError, KeyError, AttributeError):
            task_id = None
        if task_id:
            for number, row in enumerate(text.splitlines(), start=1):
                if (
                    row.strip().lstrip("- ").startswith("id:")
                    and row.split(":", 1)[1].strip().strip("'\"") == task_id
                ):
                    line = number
                    break
    message = error["msg"].removeprefix("Value error, ")
    return Problem(str(path), line, task_id, f"{'.'.join(map(str, loc))}: {message}")


def judge(task: Task, value) -> Verdict:
    """The decision on a student's value: credit exactly when the grader gives it, and why not."""
    problem = type_problem(task.kind, value)
    if problem:
        return Verdict(False, problem)
    accepted = accepted_canonicals(task.kind, task.answer, task.form, task.absolute_tolerance)
    return Verdict(canonical(task.kind, value, task.form) in accepted)


def matches(task: Task, value) -> bool:
    """Is `value` (plain data from the student's notebook) an accepted answer to `task`? The
    grader's call.

    `check()` decides on the student's own object, so the grader agrees with it exactly when it
    passes the value as that object would be: int, float, str, bool, None, list (a tuple may arrive
    as a list), dict with text keys, and a `set`/`frozenset` kept as a set (not turned into a list,
    which a list task would then accept). Anything else (NumPy scalars and arrays, pandas objects,
    a dict with other keys) must not be converted into plain data: `check()` refuses those with a
    message about the type, so the grader must give them no credit.
    """
    return judge(task, value).credit


def public_spec(
    check_file: CheckFile, cost: dict | None = None, course_salt: str = "stock"
) -> dict:
    """The student-safe form of a check file: no answers, only slow salted hashes (fingerprints.py).
    `course_salt`: the course's own (variants.course_salt), so no table serves two courses."""
    return _spec(
        check_file,
        course_salt,
        {
            task.id: public_entry(check_file.exercise, task, cost, course_salt)
            for task in check_file.tasks
        },
    )


def _spec(check_file: CheckFile, course_salt: str, tasks: dict) -> dict:
    """A check file in the form the notebook's `Checker(...)` loads, with these task entries."""
    return {
        "exercise": check_file.exercise,
        "title": check_file.title,
        "format": FORMAT,
        "course_salt": course_salt,
        "tasks": tasks,
    }


def grading_spec(check_file: CheckFile, course_salt: str = "stock") -> dict:
    """The check file a submission's sandbox holds while it is graded: the public file's form (so
    the notebook's `Checker(...)` loads it as it loads a student's copy), with every task in it as
    a hidden task, whose `check()` says the instructor checks it and compares nothing.

    The grade comes from the answers read out of the sandbox and compared here (`matches`), never
    from `check()`, whose output nobody reads. The public file's digests would only cost time (each
    `check()` hashes with scrypt, a deliberate tenth of a second: 0.6 s of CPU in every ex3a
    notebook, and building the digests costs seconds per answer key) and would hand the student's
    code a way to test guesses against the key while it is being graded."""
    return _spec(
        check_file,
        course_salt,
        {
            task.id: {
                "variable": task.variable,
                "kind": task.kind,
                "points": task.points,
                "hint": task.hint,
                "hidden": True,
            }
            for task in check_file.tasks
        },
    )
