"""What every LMS format shares: the texts a question shows, its numeric ranges, ordering as
matching.

Each format module turns a validated question into its own markup; the decisions that must be the
same in every format (which ranges a percent answer accepts, how an ordering question becomes a
matching one, what the student is told about it) are made once, here.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

from ..errors import ExportError, UnknownQuestionType
from ..quiz.markup import to_inline_html
from ..quiz.model import Matching, MultipleSelect, Numeric, Ordering, ShortText

# Moodle accepts only these answer grades (in percent, as Moodle writes them, and their negatives);
# one value off the list aborts the whole import.
MOODLE_GRADES = (
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
)


def element(parent, tag: str, text: str | None = None, **attrs):
    """A child element with text and attributes; `continue_` stands for `continue`, a Python
    keyword."""
    child = ET.SubElement(
        parent, tag, {key.rstrip("_"): str(value) for key, value in attrs.items()}
    )
    if text is not None:
        child.text = text
    return child


def moodle_literal(answer: str) -> str:
    """A short answer as Moodle must read it: `*` is its wildcard, so a literal one is escaped."""
    return answer.replace("*", "\\*")


def for_type(layer: str, table: dict, question):
    """A layer's entry for this question's type; an unknown type is an error, never another type's
    code."""
    try:
        return table[question.type]
    except KeyError:
        raise UnknownQuestionType(layer, question.type) from None


@dataclass(frozen=True)
class Mapping:
    """How one question lands in one LMS format."""

    lms_type: str
    """The native question type it becomes, as the LMS names it."""
    notes: tuple[str, ...] = ()
    """Everything lost or changed, each with its reason."""


@dataclass(frozen=True)
class Range:
    """An accepted (or known wrong) numeric answer: every value from low to high inclusive."""

    low: float
    high: float

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2

    @property
    def margin(self) -> float:
        return (self.high - self.low) / 2


def number(value: float) -> str:
    """A plain decimal (no exponent, no binary noise such as 0.22999999999999998)."""
    text = format(Decimal(f"{value:.12g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _ranges(value: float, question: Numeric) -> list[Range]:
    tolerance = question.absolute_tolerance
    ranges = [Range(value - tolerance, value + tolerance)]
    if question.percent:  # the book reads 0.24 as 24 percent too
        ranges.append(Range((value - tolerance) / 100, (value + tolerance) / 100))
    return ranges


def accepted_ranges(question: Numeric) -> list[Range]:
    return _ranges(question.answer, question)


def mistake_ranges(question: Numeric) -> list[tuple[Range, str]]:
    """Known wrong answers with their feedback, matched with the same tolerance as the answer."""
    return [
        (r, mistake.feedback)
        for mistake in question.mistakes
        for r in _ranges(mistake.value, question)
    ]


def prompt_markdown(question, ordering_as_matching: bool = True) -> str:
    """The prompt, plus what a student needs to know that the book says beside the input."""
    parts = [question.prompt]
    if isinstance(question, Numeric) and question.units:
        parts.append(f"Units: {question.units}.")
    if isinstance(question, Numeric) and question.percent:
        parts.append("Type the number without a % sign.")
    if isinstance(question, Ordering) and ordering_as_matching:
        parts.append("Give each item its place in the order: 1 for the first.")
    return "\n\n".join(parts)


def plain_text(markdown: str) -> str:
    """Right-hand matching choices are plain text in every LMS: render, then drop the tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", to_inline_html(markdown)))


def position_label(index: int, count: int) -> str:
    label = str(index + 1)
    if index == 0:
        return f"{label} (first)"
    return f"{label} (last)" if index == count - 1 else label


@dataclass(frozen=True)
class MatchSpec:
    """A matching question as every LMS holds it: lefts in display order, each with its answer."""

    lefts: list[str]
    """Left-hand items, Markdown, in the order shown."""
    answers: list[str]
    """The correct right-hand choice of each left, plain text."""
    choices: list[str]
    """Every right-hand choice (answers and distractors), plain text, in the order shown."""

    @property
    def distractors(self) -> list[str]:
        return [choice for choice in self.choices if choice not in self.answers]


def match_spec(question: Matching | Ordering) -> MatchSpec:
    """Matching as authored; ordering as matching each item to its position (the book's partial
    credit, the fraction of items in the right place, is what LMS matching gives)."""
    if isinstance(question, Ordering):
        count = len(question.items)
        shown = (
            question.display_order()
        )  # never the solved order, so the file does not give it away
        labels = [position_label(index, count) for index in range(count)]
        return MatchSpec([question.items[i] for i in shown], [labels[i] for i in shown], labels)
    choices = [plain_text(question.choices[i]) for i in question.choice_order()]
    return MatchSpec(
        [pair.left or "" for pair in question.pairs],
        [plain_text(pair.right or "") for pair in question.pairs],
        choices,
    )


def wrong_answer_digest(question) -> str:
    """Feedback on known wrong answers as Markdown, for formats that cannot attach it to the
    answer."""
    if isinstance(question, Numeric):
        items = [(number(m.value), m.feedback) for m in question.mistakes]
    elif isinstance(question, ShortText):
        items = list(question.feedback.items())
    else:
        items = []
    if not items:
        return ""
    lines = [f"- If you answered **{value}**: {feedback}" for value, feedback in items]
    return "Common wrong answers:\n\n" + "\n".join(lines)


def shared_notes(question) -> list[str]:
    """Changes every format makes, for the report."""
    notes = []
    if isinstance(question, Ordering):
        notes.append(
            "ordering became matching of each item to its position (1 = first): the same partial "
            "credit, the fraction of items placed right; the prompt says so"
        )
    if isinstance(question, Numeric):
        if question.percent:
            ranges = " and ".join(
                f"[{number(r.low)}, {number(r.high)}]" for r in accepted_ranges(question)
            )
            notes.append(
                f"percent answer: the book's forms became explicit ranges {ranges}; an LMS number "
                f"box "
                "refuses '%', so the prompt asks for the number without it"
            )
        if question.relative_tolerance is not None:
            notes.append(
                f"relative tolerance {number(question.relative_tolerance)} became the absolute "
                f"margin "
                f"{number(question.absolute_tolerance)}"
            )
        if question.units:
            notes.append(
                f"units ({question.units}) shown in the prompt: the LMS has no label beside the box"
            )
        notes.append(
            "words and separators (1.7 million, 1,700,000) are not read by LMS number boxes"
        )
    if isinstance(question, ShortText):
        notes.append(
            "the book ignores accents, punctuation and spacing; the LMS only ignores case, so "
            "an unlisted variant is marked wrong"
        )
    if isinstance(question, Matching):
        changed = [c for c in question.choices if plain_text(c) != c]
        if changed:
            notes.append(
                "right-hand choices are plain text in the LMS: Markdown and maths markup in "
                + ", ".join(repr(c) for c in changed)
                + " shown as text"
            )
    return notes


def moodle_grade_ok(percent: float) -> bool:
    """Whether Moodle's importer accepts this grade (it compares within 1e-5 of a fraction)."""
    return any(abs(abs(percent) - grade) < 1e-3 for grade in (*MOODLE_GRADES, 0))


@dataclass(frozen=True)
class MoodleShares:
    """A multiple-select question's grades in Moodle: each on Moodle's list, the correct ones adding
    to 100."""

    correct: dict[str, float]
    """Option key -> percent, for each correct option."""
    penalty: float
    """Percent taken away for each wrong option chosen (written negative)."""
    equal: bool
    """Whether every correct option earns the same share, as in the book."""


def moodle_shares(question: MultipleSelect) -> MoodleShares:
    """1/k of the marks per correct option when Moodle has that grade (k = 1 to 10, and 20).
    Otherwise
    (k = 11 to 19) the nearest split Moodle can hold: some options earn 10%, the rest 5%, adding to
    100%;
    the book's rule cannot be written exactly there, and the report says so."""
    keys = [key for key in question.option_order() if key in question.correct_keys]
    count = len(keys)
    share = 100 / count
    nearest = min(MOODLE_GRADES, key=lambda grade: abs(grade - share))
    if moodle_grade_ok(share):
        return MoodleShares({key: nearest for key in keys}, -nearest, True)
    if count > 20:
        raise ExportError(
            f"question {question.id!r} has {count} correct options; Moodle's smallest grade is 5%, "
            "so at most 20 correct options can share the marks: split the question"
        )
    high = 20 - count  # high * 10 + (count - high) * 5 == 100
    grades = {key: (10.0 if index < high else 5.0) for index, key in enumerate(keys)}
    return MoodleShares(grades, -nearest, False)


def moodle_fraction(percent: float) -> str:
    """A Moodle answer grade in percent, written the way Moodle's own list has it (33.33333)."""
    if not moodle_grade_ok(percent):
        raise ExportError(
            f"internal: {percent} is not one of Moodle's grades"
        )  # never written: Moodle would refuse the file
    return number(round(percent, 5))


def moodle_partial_credit_notes(question) -> list[str]:
    """What Moodle (GIFT or XML) does with a multiple-select question's partial credit."""
    if not isinstance(question, MultipleSelect):
        return []
    shares = moodle_shares(question)
    if shares.equal:
        return [
            "partial credit as in the book: +1/k per correct choice, -1/k per wrong one, "
            "never below 0 (k = number of correct options)"
        ]
    split = ", ".join(f"{key} {number(value)}%" for key, value in shares.correct.items())
    return [
        f"Moodle has no grade of 1/{len(shares.correct)}, and one grade off its list stops the "
        f"whole import: "
        f"the correct options earn {split} (adding to 100%) and each wrong choice takes "
        f"{number(-shares.penalty)}% away, the nearest Moodle can come to the book's equal shares"
    ]
