"""Question types as validated data: the schema every bank is checked against.

Pydantic does the checking; the validators below add the rules a schema cannot say on its own
(exactly one correct option, no item used twice, feedback that names a real option). Their
messages are written for authors: what is wrong, then how to fix it.
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .answers import normalise_text

QUESTION_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_ID_LENGTH = (
    100  # Moodle's `idnumber` holds at most 100 characters, and every export keeps the id
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Question(_Strict):
    id: str = Field(pattern=QUESTION_ID, max_length=MAX_ID_LENGTH)
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
    def _finite(self):
        numbers = [
            ("answer", self.answer),
            ("tolerance", self.tolerance),
            ("relative_tolerance", self.relative_tolerance),
        ]
        numbers += [(f"mistake {n} `value`", m.value) for n, m in enumerate(self.mistakes, start=1)]
        for name, value in numbers:
            if value is not None and not math.isfinite(value):
                written = (
                    ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
                )  # as YAML spells it
                shown = (
                    f"{name} is {written}" if name.startswith("mistake") else f"`{name}: {written}`"
                )
                raise ValueError(
                    f"{shown} is not a number a student can type; write the number itself"
                )
        return self

    @model_validator(mode="after")
    def _tolerance(self):
        for name in ("tolerance", "relative_tolerance"):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise ValueError(f"`{name}` is {value}; a tolerance must be zero or more")
        if self.tolerance is not None and self.relative_tolerance is not None:
            raise ValueError("give either `tolerance` or `relative_tolerance`, not both")
        return self

    @model_validator(mode="after")
    def _percent_written_in_percent(self):
        if self.percent and 0 < abs(self.answer) < 1:
            raise ValueError(
                f"`answer: {self.answer:g}` looks like a fraction, but `percent: true` means the "
                f"answer is written "
                f"in percent; write `answer: {self.answer * 100:g}` for {self.answer * 100:g}%"
            )
        return self

    @model_validator(mode="after")
    def _mistakes_can_show(self):
        tolerance = self.absolute_tolerance
        for number, mistake in enumerate(self.mistakes, start=1):
            if abs(mistake.value - self.answer) <= tolerance + 1e-9 * max(1.0, abs(self.answer)):
                reach = f"{self.answer:g} ± {tolerance:g}" if tolerance else f"{self.answer:g}"
                raise ValueError(
                    f"`mistakes` entry {number} ({mistake.value:g}) counts as correct (the answer "
                    f"accepts {reach}), "
                    "so its feedback can never show; remove it or narrow the tolerance"
                )
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
                raise ValueError(
                    f"the item {item!r} appears twice in `items`; list each event once"
                )
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
        return [pair.right or "" for pair in self.pairs] + list(self.distractors)

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

    @model_validator(mode="after")
    def _feedback_can_show(self):
        # answers and feedback keys are compared as the grader reads them: case, accents,
        # punctuation folded
        accepted = {normalise_text(answer): answer for answer in self.answers}
        seen: dict[str, str] = {}
        for key in self.feedback:
            folded = normalise_text(key)
            if folded in accepted:
                raise ValueError(
                    f"`feedback` for {key!r} can never show: it reads the same as the accepted "
                    f"answer "
                    f"{accepted[folded]!r}; remove that feedback, or the answer if it is wrong"
                )
            if folded in seen:
                raise ValueError(
                    f"`feedback` has {seen[folded]!r} and {key!r}, which read the same to the "
                    f"grader; keep one"
                )
            seen[folded] = key
        return self


# Adding a type: its class here (step 1 of the README's recipe); everything else reads these two
# names.
Question = Annotated[
    SingleChoice | MultipleSelect | Numeric | Ordering | Matching | ShortText,
    Field(discriminator="type"),
]
QUESTION_CLASSES = get_args(get_args(Question)[0])
QUESTION_TYPES = tuple(get_args(cls.model_fields["type"].annotation)[0] for cls in QUESTION_CLASSES)


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
