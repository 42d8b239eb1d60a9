"""Exercise tasks: their answer specs, how an answer is compared, and the student-safe public form.

The instructor's check file (`answers/checks/<name>.yml`) holds the answers. Students get a public
file (`exercises/checks/<name>.json`) holding only salted hashes of the accepted answers, so a
check can say "right" or "not yet" without the answer being readable in the student's folder.
Pure functions: the grader compares here, outside the student's kernel.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..quiz.answers import normalise_text
from ..quiz.model import QUESTION_ID
from ..errors import BankError, Problem

Kind = Literal["number", "text", "choice", "list", "set", "mapping"]


class Task(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=QUESTION_ID)
    variable: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    kind: Kind
    answer: Any
    tolerance: float | None = Field(default=None, ge=0)
    relative_tolerance: float | None = Field(default=None, ge=0)
    points: float = Field(default=1, gt=0)
    hint: str = ""
    hidden: bool = False

    @property
    def absolute_tolerance(self) -> float:
        if self.relative_tolerance is not None and isinstance(self.answer, (int, float)):
            return self.relative_tolerance * abs(self.answer)
        return self.tolerance if self.tolerance is not None else 1e-9

    @model_validator(mode="after")
    def _answer_fits_kind(self):
        if self.kind == "number" and not _is_number(self.answer):
            raise ValueError(f"task {self.id!r}: a number task needs a numeric `answer`")
        if self.kind in ("list", "set") and not isinstance(self.answer, list):
            raise ValueError(f"task {self.id!r}: a {self.kind} task needs a list as `answer`")
        if self.kind == "mapping" and not isinstance(self.answer, dict):
            raise ValueError(f"task {self.id!r}: a mapping task needs a mapping as `answer`")
        return self


class CheckFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    tasks: list[Task] = Field(min_length=1)

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    @property
    def total_points(self) -> float:
        return sum(task.points for task in self.tasks)


def load_check_file(path: str | Path) -> CheckFile:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return CheckFile.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise BankError([Problem(str(path), None, None, f"cannot read the check file: {exc}")]) from None
    except ValidationError as exc:
        raise BankError([Problem(str(path), None, None, f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
                         for e in exc.errors()]) from None


def _is_number(value) -> bool:
    # Exact types only: a float subclass with a lying __eq__ or __sub__ is not a number here.
    return type(value) in (int, float) and math.isfinite(value)


def _canonical(value, decimals: int):
    """Plain data in a comparable form: text folded, numbers rounded, dict keys folded."""
    if type(value) is str:
        return normalise_text(value)
    if _is_number(value):
        return round(float(value), decimals) + 0.0
    if type(value) in (list, tuple):
        return [_canonical(item, decimals) for item in value]
    if type(value) is dict:
        return {normalise_text(str(k)): _canonical(v, decimals) for k, v in value.items()}
    return ("unsupported", type(value).__name__)


def _decimals(task: Task) -> int:
    tolerance = task.absolute_tolerance
    return max(0, min(9, -math.floor(math.log10(tolerance)))) if tolerance > 0 else 9


def matches(task: Task, value) -> bool:
    """Is `value` (plain data from the student's notebook) an accepted answer to `task`?"""
    if task.kind == "number":
        return _is_number(value) and abs(float(value) - float(task.answer)) <= task.absolute_tolerance + 1e-12
    if task.kind == "text":
        accepted = task.answer if isinstance(task.answer, list) else [task.answer]
        return type(value) is str and normalise_text(value) in {normalise_text(str(a)) for a in accepted}
    if task.kind == "choice":
        return type(value) is str and value.strip() == str(task.answer).strip()
    digits = _decimals(task)
    if task.kind == "list":
        return type(value) is list and _canonical(value, digits) == _canonical(task.answer, digits)
    if task.kind == "set":
        if type(value) not in (list, set, tuple):
            return False
        key = lambda items: sorted(json.dumps(_canonical(item, digits), sort_keys=True) for item in items)
        return key(list(value)) == key(task.answer)
    if task.kind == "mapping":
        return type(value) is dict and _canonical(value, digits) == _canonical(task.answer, digits)
    return False


def _digest(salt: str, canonical) -> str:
    return hashlib.sha256(f"{salt}|{json.dumps(canonical, sort_keys=True)}".encode()).hexdigest()[:24]


def _fingerprints(task: Task, value, salt: str) -> list[str]:
    """Hashes of an answer; numbers hash their bucket of width `tolerance` (and its neighbours)."""
    if task.kind == "number":
        step = task.absolute_tolerance
        bucket = math.floor(float(value) / step)
        return [_digest(salt, bucket + offset) for offset in (-1, 0, 1)]
    if task.kind == "text":
        return [_digest(salt, normalise_text(str(a))) for a in (value if isinstance(value, list) else [value])]
    if task.kind == "choice":
        return [_digest(salt, str(value).strip())]
    digits = _decimals(task)
    if task.kind == "set":
        return [_digest(salt, sorted(json.dumps(_canonical(item, digits), sort_keys=True) for item in value))]
    return [_digest(salt, _canonical(value, digits))]


def public_spec(check_file: CheckFile) -> dict:
    """The student-safe form of a check file: no answers, only salted fingerprints."""
    tasks = {}
    for task in check_file.tasks:
        salt = f"{check_file.exercise}:{task.id}"
        entry = {"variable": task.variable, "kind": task.kind, "points": task.points, "hint": task.hint, "hidden": task.hidden}
        if not task.hidden:
            entry["accept"] = sorted(set(_fingerprints(task, task.answer, salt)))
            if task.kind == "number":
                entry["step"] = task.absolute_tolerance
            else:
                entry["decimals"] = _decimals(task)
        tasks[task.id] = entry
    return {"exercise": check_file.exercise, "title": check_file.title, "tasks": tasks}


def matches_public(entry: dict, value, salt: str) -> bool:
    """The student-side check against a public spec (numbers accepted within about one step)."""
    kind = entry["kind"]
    if kind == "number":
        if not _is_number(value):
            return False
        return _digest(salt, math.floor(float(value) / entry["step"])) in entry["accept"]
    shape_ok = {"text": type(value) is str, "choice": type(value) is str, "list": type(value) is list,
                "set": type(value) in (list, set, tuple), "mapping": type(value) is dict}[kind]
    if not shape_ok:
        return False
    probe = Task(id="probe", variable="probe", kind=kind, answer=value if kind != "set" else list(value),
                 tolerance=10 ** -entry.get("decimals", 9))
    return any(f in entry["accept"] for f in _fingerprints(probe, probe.answer, salt))
