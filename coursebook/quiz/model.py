"""Question types as validated data: the schema every bank is checked against.

Pydantic does the checking; the validators below add the rules a schema cannot say on its own
(exactly one correct option, no item used twice, feedback that names a real option). Their
messages are written for authors: what is wrong, then how to fix it.
"""

from __future__ import annotations

import random
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

QUESTION_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QUESTION_TYPES = ("single", "multiple", "numeric", "ordering", "matching", "text")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Question(_Strict):
    id: str = Field(pattern=QUESTION_ID)
    prompt: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    hint: str | None = None
    points: float = Field(default=1, gt=0)


def _names_no_option(keys, options) -> list[str]:
    return [key for key in keys if key not in options]


class _Choice(_Question):
    options: dict[str, str] = Field(min_length=2)
    correct: str | list[str] = []
    feedback: dict[str, str] = {}
    shuffle: bool = False

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return (self.correct,) if isinstance(self.correct, str) else tuple(self.correct)

    def option_order(self, seed: int = 0) -> list[str]:
        """Option keys in display order; a shuffle depends only on the id and the seed."""
        keys = list(self.options)
        if self.shuffle:
            random.Random(f"{self.id}:{seed}").shuffle(keys)
        return keys

    @model_validator(mode="after")
    def _keys_exist(self):
        unknown = _names_no_option(self.correct_keys, self.options)
        if unknown:
            raise ValueError(
                f"`correct` names {', '.join(map(repr, unknown))}, which is not an option; "
                f"use one of the option keys: {', '.join(self.options)}"
            )
        stray = _names_no_option(self.feedback, self.options)
        if stray:
            raise ValueError(
                f"`feedback` names {', '.join(map(repr, stray))}, which is not an option; "
                f"feedback keys must be option keys: {', '.join(self.options)}"
            )
        return self


class SingleChoice(_Choice):
    type: Literal["single"]

    @model_validator(mode="after")
    def _exactly_one(self):
        found = self.correct_keys
        if len(found) != 1:
            detail = "none" if not found else ", ".join(found)
            raise ValueError(
                f"a single-choice question needs exactly one correct option, found {len(found)} "
                f"({detail}); write `correct: <key>`, or use `type: multiple` for several"
            )
        return self


class MultipleSelect(_Choice):
    type: Literal["multiple"]

    @model_validator(mode="after")
    def _at_least_one(self):
        if not self.correct_keys:
            raise ValueError(
                "a multiple-select question needs at least one correct option; "
                "write `correct: [<key>, ...]`"
            )
        if len(set(self.correct_keys)) != len(self.correct_keys):
            raise ValueError("`correct` lists the same option twice; list each key once")
        return self


class Mistake(_Strict):
    value: float
    feedback: str = Field(min_length=1)


class Numeric(_Question):
    type: Literal["numeric"]
    answer: float
    tolerance: float | None = None
    relative_tolerance: float | None = None
    percent: bool = False
    units: str | None = None
    mistakes: list[Mistake] = []

    @property
    def absolute_tolerance(self) -> float:
        """The accepted distance from the answer, whichever way the author gave it."""
        if self.relative_tolerance is not None:
            return self.relative_tolerance * abs(self.answer)
        return self.tolerance or 0.0

    @model_validator(mode="after")
    def _tolerance(self):
        for name in ("tolerance", "relative_tolerance"):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise ValueError(f"`{name}` is {value}; a tolerance must be zero or more")
        if self.tolerance is not None and self.relative_tolerance is not None:
            raise ValueError("give either `tolerance` or `relative_tolerance`, not both")
        return self


class Ordering(_Question):
    type: Literal["ordering"]
    items: list[str] = Field(min_length=2)

    def display_order(self, seed: int = 0) -> list[int]:
        """Positions shown to the student: shuffled, deterministic per id and seed, and with no item
        in its right place (so Check without moving anything earns nothing)."""
        rng = random.Random(f"{self.id}:{seed}")
        order = list(range(len(self.items)))
        while any(position == item for position, item in enumerate(order)):
            rng.shuffle(order)  # about e tries on average; a derangement exists for 2 items or more
        return order

    @model_validator(mode="after")
    def _unique(self):
        seen = set()
        for item in self.items:
            if item in seen:
                raise ValueError(f"the item {item!r} appears twice in `items`; list each event once")
            seen.add(item)
        return self


class Pair(_Strict):
    left: str | None = None
    right: str | None = None


class Matching(_Question):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[str] = []

    @property
    def choices(self) -> list[str]:
        """Right-hand choices in canonical order: the pairs' rights, then the distractors."""
        return [pair.right for pair in self.pairs] + list(self.distractors)

    def choice_order(self, seed: int = 0) -> list[int]:
        order = list(range(len(self.choices)))
        random.Random(f"{self.id}:{seed}").shuffle(order)
        return order

    @model_validator(mode="after")
    def _matched_once(self):
        for number, pair in enumerate(self.pairs, start=1):
            if not pair.left or not pair.right:
                present = pair.left or pair.right
                raise ValueError(
                    f"pair {number} ({present!r}) is unmatched; give every pair both "
                    "`left:` and `right:` (use `distractors:` for choices that match nothing)"
                )
        lefts = [pair.left for pair in self.pairs]
        for side, values in (("left", lefts), ("right", self.choices)):
            for value in values:
                if values.count(value) > 1:
                    raise ValueError(
                        f"the {side} item {value!r} is used twice; each item may match only once"
                    )
        return self


class ShortText(_Question):
    type: Literal["text"]
    answers: list[str] = Field(min_length=1)
    feedback: dict[str, str] = {}


Question = Annotated[
    Union[SingleChoice, MultipleSelect, Numeric, Ordering, Matching, ShortText],
    Field(discriminator="type"),
]


class Bank(_Strict):
    bank: str = Field(pattern=QUESTION_ID)
    title: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    def question(self, question_id: str):
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def total_points(self) -> float:
        return sum(question.points for question in self.questions)
