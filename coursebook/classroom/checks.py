"""Exercise tasks: the instructor's check file (answer specs) and the decision the grader makes.

The instructor's check file (`answers/checks/<name>.yml`) holds the answers. `matches(task, value)`
is the grader's decision; `judge` adds the type message the student sees. Both go through
`comparison.py`, the single comparison that the student's public check file also uses
(`fingerprints.py`), so `check()` and the grader accept exactly the same answers.
Pure functions: the grader compares here, outside the student's kernel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..quiz.model import QUESTION_ID
from ..errors import BankError, Problem
from .comparison import (Form, Verdict, accepted_buckets, accepted_canonicals, canonical, form_for, is_number,
                         numbers_in, type_problem)
from .fingerprints import COST, FORMAT, public_entry

Kind = Literal["number", "text", "choice", "list", "set", "mapping"]


class Task(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=QUESTION_ID)
    variable: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    kind: Kind
    answer: Any
    tolerance: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    relative_tolerance: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    points: float = Field(default=1, gt=0, allow_inf_nan=False)
    hint: str = ""
    hidden: bool = False

    @property
    def absolute_tolerance(self) -> float:
        """Half the width of the accepted interval around each number (0: exact)."""
        if self.relative_tolerance is not None and is_number(self.answer):
            return self.relative_tolerance * abs(self.answer)
        return self.tolerance if self.tolerance is not None else 1e-9

    @property
    def form(self) -> Form:
        return form_for(self.kind, self.answer, self.absolute_tolerance)

    @model_validator(mode="after")
    def _answer_fits_kind(self):
        alternatives = self.answer if self.kind == "text" and isinstance(self.answer, list) else [self.answer]
        for answer in alternatives:
            problem = type_problem(self.kind, answer)
            if problem:
                raise ValueError(f"task {self.id!r}: the `answer` does not fit kind {self.kind!r}: "
                                 + problem.replace("Your answer is", "it is").replace("this task wants", "the kind wants"))
        if self.kind == "set":
            self._set_items_distinct()
        return self

    def _set_items_distinct(self):
        # Set items are matched in sorted order, which is only unambiguous when no two numbers share
        # an accepted bucket (comparison.py) and no two texts fold alike.
        numbers = sorted(numbers_in("set", self.answer))
        tolerance, width = self.absolute_tolerance, self.form.width
        for low, high in zip(numbers, numbers[1:]):
            if width and max(accepted_buckets(low, tolerance, width)) >= min(accepted_buckets(high, tolerance, width)):
                raise ValueError(f"task {self.id!r}: set items {low:g} and {high:g} share an accepted bucket "
                                 f"(they are within about four times the tolerance, {tolerance:g}, of each "
                                 "other); lower the tolerance")
            if not width and high == low:
                raise ValueError(f"task {self.id!r}: set items {low:g} and {high:g} are equal")
        texts = [i for i in self.answer if type(i) is str]
        if len({canonical("text", t, Form()) for t in texts}) != len(texts):
            raise ValueError(f"task {self.id!r}: two set items read the same once case, accents and "
                             "punctuation are ignored")


class CheckFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    tasks: list[Task] = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)
    """What a course may draw for each parameter of the exercise (variants.py)."""

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    @property
    def total_points(self) -> float:
        return sum(task.points for task in self.tasks)


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
        raise CheckFileError([Problem(str(path), None, None, f"cannot read the check file: {exc}")]) from None
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
                if row.strip().lstrip("- ").startswith("id:") and row.split(":", 1)[1].strip().strip("'\"") == task_id:
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
    """Is `value` (plain data from the student's notebook) an accepted answer to `task`? The grader's call.

    `check()` decides on the student's own object, so the grader agrees with it exactly when it
    passes the value as that object would be: int, float, str, bool, None, list (a tuple may arrive
    as a list), dict with text keys, and a `set`/`frozenset` kept as a set (not turned into a list,
    which a list task would then accept). Anything else (NumPy scalars and arrays, pandas objects,
    a dict with other keys) must not be converted into plain data: `check()` refuses those with a
    message about the type, so the grader must give them no credit.
    """
    return judge(task, value).credit


def public_spec(check_file: CheckFile, cost: dict | None = None, course_salt: str = "stock") -> dict:
    """The student-safe form of a check file: no answers, only slow salted hashes (fingerprints.py).
    `course_salt`: the course's own (variants.course_salt), so no table serves two courses."""
    return {"exercise": check_file.exercise, "title": check_file.title, "format": FORMAT, "course_salt": course_salt,
            "tasks": {task.id: public_entry(check_file.exercise, task, cost, course_salt)
                      for task in check_file.tasks}}
