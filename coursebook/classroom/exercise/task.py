"""The check file's data: a task (one answer spec), its kind, and the whole file with its limits.

Pure pydantic models, read by `checks.load_check_file`. A `Task` is also rebuilt from JSON by
`fingerprints.py`, which is why it lives apart from the loading and judging in `checks.py`.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ...quiz.model import QUESTION_ID
from .comparison import (
    Form,
    accepted_buckets,
    canonical,
    form_for,
    is_number,
    numbers_in,
    type_problem,
)

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
    same_in_every_course: bool = False
    """The answer does not depend on the exercise's parameters (an order of sourced events): the
    stock answer answers it in every course, by design (course variants do not redraw for it)."""

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
        alternatives = (
            self.answer if self.kind == "text" and isinstance(self.answer, list) else [self.answer]
        )
        for answer in alternatives:
            problem = type_problem(self.kind, answer)
            if problem:
                raise ValueError(
                    f"task {self.id!r}: the `answer` does not fit kind {self.kind!r}: "
                    + problem.replace("Your answer is", "it is").replace(
                        "this task wants", "the kind wants"
                    )
                )
        if self.kind == "set":
            self._set_items_distinct()
        return self

    def _set_items_distinct(self):
        # Set items are matched in sorted order, which is only unambiguous when no two numbers share
        # an accepted bucket (comparison.py) and no two texts fold alike.
        numbers = sorted(numbers_in("set", self.answer))
        tolerance, width = self.absolute_tolerance, self.form.width
        for low, high in itertools.pairwise(numbers):
            if width and max(accepted_buckets(low, tolerance, width)) >= min(
                accepted_buckets(high, tolerance, width)
            ):
                raise ValueError(
                    f"task {self.id!r}: set items {low:g} and {high:g} share an accepted "
                    f"bucket (they are within about four times the tolerance, {tolerance:g}, "
                    "of each other); lower the tolerance"
                )
            if not width and high == low:
                raise ValueError(f"task {self.id!r}: set items {low:g} and {high:g} are equal")
        texts = [i for i in self.answer if type(i) is str]
        if len({canonical("text", t, Form()) for t in texts}) != len(texts):
            raise ValueError(
                f"task {self.id!r}: two set items read the same once case, accents and "
                "punctuation are ignored"
            )


class LimitSettings(BaseModel):
    """The check file's optional `limits:` section: the same settings as `grade`'s options.

    A setting left out takes the default (`limits.Limits`); an option given on the command line
    overrides the file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    cell_timeout: int | None = Field(default=None, ge=1)
    total_timeout: int | None = Field(default=None, ge=1)
    memory_mb: int | None = Field(default=None, ge=256)
    max_output_mb: float | None = Field(default=None, ge=0.01, allow_inf_nan=False)
    on_timeout: Literal["zero", "keep"] | None = None


class CheckFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    exercise: str
    title: str
    tasks: list[Task] = Field(min_length=1)
    limits: LimitSettings = LimitSettings()
    canvas_assignment: str = ""
    """The column name in Canvas's gradebook (default: the title)."""
    parameters: dict[str, Any] = Field(default_factory=dict)
    """What a course may draw for each parameter of the exercise (classroom/variants.py)."""

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    @property
    def total_points(self) -> float:
        return sum(task.points for task in self.tasks)
