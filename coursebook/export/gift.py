"""Moodle GIFT: one plain-text file, imported through Moodle's question bank.

Texts are written as HTML (`[html]`), the same HTML the book shows, so maths stays as \\( \\) for
Moodle's MathJax filter. Every GIFT control character (`~ = # { } :` and backslash) is escaped
and newlines become `\\n`, exactly as Moodle's own GIFT export writes them, so no text can end a
question early. GIFT has no points and no hints: the report says where that matters.
"""

from __future__ import annotations

from ..quiz.markup import to_html, to_inline_html
from ..quiz.model import Bank, MultipleSelect, Numeric, ShortText, SingleChoice
from .common import (
    Mapping,
    accepted_ranges,
    for_type,
    match_spec,
    mistake_ranges,
    moodle_fraction,
    moodle_literal,
    moodle_partial_credit_notes,
    moodle_shares,
    number,
    prompt_markdown,
    shared_notes,
)

NAME = "gift"
LABEL = "Moodle (GIFT)"
SUFFIX = ".gift.txt"
_LAYER = f"{LABEL} export (export/gift.py)"  # named when a question type has no entry here
_TYPES = {
    "single": "multichoice (one answer)",
    "multiple": "multichoice (multiple answers)",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "matching",
    "text": "shortanswer",
}
_ESCAPES = {
    "\\": "\\\\",
    "~": "\\~",
    "=": "\\=",
    "#": "\\#",
    "{": "\\{",
    "}": "\\}",
    ":": "\\:",
    "\n": "\\n",
    "\r": "",
}


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def describe(question) -> Mapping:
    notes = shared_notes(question)
    notes += moodle_partial_credit_notes(question)
    if isinstance(question, (SingleChoice, MultipleSelect)) and not question.shuffle:
        notes.append(
            "fixed option order cannot be said in GIFT: Moodle applies its default shuffle setting"
        )
    if question.points != 1:
        notes.append(
            f"points ({number(question.points)}) dropped: GIFT has no points; set the mark to "
            f"{number(question.points)} in the Moodle quiz"
        )
    if question.hint:
        notes.append("hint dropped: GIFT has no hints")
    return Mapping(for_type(_LAYER, _TYPES, question), tuple(notes))


def _feedback(markdown: str | None) -> str:
    return f"#{escape(to_html(markdown))}" if markdown else ""


def _choices(question) -> list[str]:
    shares = moodle_shares(question) if isinstance(question, MultipleSelect) else None
    lines = []
    for key in question.option_order():
        if shares is None:
            mark = "=" if key in question.correct_keys else "~"
        else:  # Moodle: multiple answers when no option is written with `=`
            mark = f"~%{moodle_fraction(shares.correct.get(key, shares.penalty))}%"
        lines.append(
            mark
            + escape(to_inline_html(question.options[key]))
            + _feedback(question.feedback.get(key))
        )
    return lines


def _range(accepted) -> str:
    if accepted.margin == 0:
        return number(accepted.centre)
    return f"{number(accepted.low)}..{number(accepted.high)}"


def _numeric(question: Numeric) -> list[str]:
    lines = [
        f"={_range(r)}" if question.percent else f"={number(question.answer)}:{number(r.margin)}"
        for r in accepted_ranges(question)
    ]
    lines += [f"=%0%{_range(r)}{_feedback(feedback)}" for r, feedback in mistake_ranges(question)]
    return lines


def _matching(question) -> list[str]:
    spec = match_spec(question)
    lines = [
        f"={escape(to_inline_html(left))} -> {escape(answer)}"
        for left, answer in zip(spec.lefts, spec.answers, strict=True)
    ]
    # an empty left is Moodle's way to add a right-hand choice that matches nothing
    return lines + [f"= -> {escape(choice)}" for choice in spec.distractors]


def _text(question: ShortText) -> list[str]:
    lines = [f"={escape(moodle_literal(answer))}" for answer in question.answers]
    return lines + [
        f"=%0%{escape(moodle_literal(wrong))}{_feedback(feedback)}"
        for wrong, feedback in question.feedback.items()
    ]


# Each type's answer block: (the opening brace, the answer lines). GIFT has no ordering type.
_BODIES = {
    "single": lambda q: ("{", _choices(q)),
    "multiple": lambda q: ("{", _choices(q)),
    "numeric": lambda q: ("{#", _numeric(q)),
    "matching": lambda q: ("{", _matching(q)),
    "ordering": lambda q: ("{", _matching(q)),
    "text": lambda q: ("{", _text(q)),
}


def question_text(question) -> str:
    opener, lines = for_type(_LAYER, _BODIES, question)(question)
    lines.append(f"####{escape(to_html(question.explanation))}")
    head = f"// [id:{question.id}] {question.type} -> {for_type(_LAYER, _TYPES, question)}\n"
    body = "".join(f"\n\t{line}" for line in lines)
    prompt = escape(to_html(prompt_markdown(question)))
    return f"{head}::{escape(question.id)}::[html]{prompt}{opener}{body}\n}}\n"


def render(bank: Bank) -> bytes:
    category = bank.title.replace("/", "//")  # a single slash would start a sub-category
    parts = [
        f"// {bank.bank}: exported by coursebook from the book's question bank\n$CATEGORY: "
        f"$course$/top/{category}\n"
    ]
    parts += [question_text(question) for question in bank.questions]
    return "\n".join(parts).encode("utf-8")
