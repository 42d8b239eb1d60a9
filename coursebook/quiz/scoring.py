"""Grade one response to one question. Pure functions: no widgets, no HTML, no state.

Responses are plain data, the same shape the browser sends:
single -> option key; multiple -> list of option keys; numeric and text -> the typed string;
ordering -> canonical item indices in the student's order; matching -> for each pair, the index of
the chosen right-hand choice in `Matching.choices` (or None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnknownQuestionType
from .answers import Invalid, Number, normalise_text, parse_number
from .model import Matching, MultipleSelect, Numeric, Ordering, ShortText, SingleChoice

EPSILON = 1e-9  # absorbs binary rounding, e.g. 0.24 * 100 != 24 exactly


@dataclass(frozen=True)
class Result:
    """The verdict on one response."""

    verdict: str
    """'correct', 'partial', 'incorrect', or 'invalid' (unreadable: no score change)."""
    score: float
    """Fraction of the question's points earned, 0 to 1."""
    feedback: tuple[str, ...] = field(default_factory=tuple)
    """Keys of the feedback to show: option keys, 'mistake-N', a text answer, or the invalid reason."""
    detail: str = ""
    """A short factual note for the student, such as '2 of 4 in the right place'."""

    @property
    def counts(self) -> bool:
        return self.verdict != "invalid"


def _fraction(score: float) -> Result:
    verdict = "correct" if score >= 1 - EPSILON else "partial" if score > EPSILON else "incorrect"
    return Result(verdict, score)


def _invalid(reason: str) -> Result:
    return Result("invalid", 0.0, (reason,))


def grade_single(question: SingleChoice, response) -> Result:
    if not isinstance(response, str) or not response:
        return _invalid("no-choice")
    if response not in question.options:
        return _invalid("unknown-option")
    right = response == question.correct_keys[0]
    shown = (response,) if response in question.feedback else ()
    return Result("correct" if right else "incorrect", 1.0 if right else 0.0, shown)


def grade_multiple(question: MultipleSelect, response) -> Result:
    if not isinstance(response, list) or not all(isinstance(key, str) for key in response):
        return _invalid("no-choice")
    chosen = list(dict.fromkeys(response))
    if not chosen:
        return _invalid("no-choice")
    if any(key not in question.options for key in chosen):
        return _invalid("unknown-option")
    correct = set(question.correct_keys)
    hits = sum(key in correct for key in chosen)
    misses = len(chosen) - hits
    score = max(0.0, (hits - misses) / len(correct))
    result = _fraction(score)
    shown = tuple(key for key in question.options if key in chosen and key in question.feedback)
    return Result(result.verdict, score, shown, f"{hits} of {len(correct)} correct options chosen, {misses} wrong")


def _readings(question: Numeric, number: Number) -> list[float]:
    """Every value the student may have meant, in the question's units."""
    if not question.percent:
        return [number.value / 100 if number.percent_sign else number.value]
    if number.percent_sign:
        return [number.value]
    return [number.value, number.value * 100]  # 24 and 0.24 both mean 24 percent


def _intended(question: Numeric, number: Number) -> float:
    """The one reading a mistake is diagnosed from: a bare number below 1 in a percent question is a
    fraction (0.2 is 20%); any other number means what it says (1 is 1%, never 100%)."""
    readings = _readings(question, number)
    return readings[1] if len(readings) == 2 and abs(number.value) < 1 else readings[0]


def _near(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance + EPSILON * max(1.0, abs(target))


def grade_numeric(question: Numeric, response) -> Result:
    number = parse_number(response if isinstance(response, str) else "")
    if isinstance(number, Invalid):
        return _invalid(number.reason)
    tolerance = question.absolute_tolerance
    if any(_near(value, question.answer, tolerance) for value in _readings(question, number)):
        return Result("correct", 1.0)
    # Within the tolerance, the nearest anticipated mistake (the first on a tie) names the error.
    value = _intended(question, number)
    near = [(abs(value - mistake.value), index) for index, mistake in enumerate(question.mistakes)
            if _near(value, mistake.value, tolerance)]
    if near:
        return Result("incorrect", 0.0, (f"mistake-{min(near)[1]}",))
    return Result("incorrect", 0.0)


def grade_ordering(question: Ordering, response) -> Result:
    size = len(question.items)
    if (not isinstance(response, list) or not all(type(item) is int for item in response)
            or sorted(response) != list(range(size))):
        return _invalid("not-a-permutation")
    placed = sum(position == item for position, item in enumerate(response))
    result = _fraction(placed / size)
    return Result(result.verdict, result.score, (), f"{placed} of {size} in the right place")


def grade_matching(question: Matching, response) -> Result:
    size = len(question.pairs)
    if not isinstance(response, list) or len(response) != size or any(choice is None for choice in response):
        return _invalid("incomplete")
    if any(type(choice) is not int or not 0 <= choice < len(question.choices) for choice in response):
        return _invalid("unknown-option")
    matched = sum(choice == index for index, choice in enumerate(response))
    result = _fraction(matched / size)
    return Result(result.verdict, result.score, (), f"{matched} of {size} matched correctly")


def grade_text(question: ShortText, response) -> Result:
    raw = response if isinstance(response, str) else ""
    if len(raw) > 1000:
        return _invalid("too-long")
    typed = normalise_text(raw)
    if not typed:
        return _invalid("empty")
    if typed in {normalise_text(answer) for answer in question.answers}:
        return Result("correct", 1.0)
    for known, _ in question.feedback.items():
        if normalise_text(known) == typed:
            return Result("incorrect", 0.0, (known,))
    return Result("incorrect", 0.0)


_GRADERS: dict[str, Callable[[Any, Any], Result]] = {
    "single": grade_single, "multiple": grade_multiple, "numeric": grade_numeric,
    "ordering": grade_ordering, "matching": grade_matching, "text": grade_text,
}


def grade(question, response) -> Result:
    """Grade any question type; never raises on odd input, which comes back as 'invalid'. A type with no
    grader here raises UnknownQuestionType rather than being graded as another type."""
    if question.type not in _GRADERS:
        raise UnknownQuestionType("grading (quiz/scoring.py _GRADERS)", question.type)
    return _GRADERS[question.type](question, response)
