"""Moodle XML: Moodle's richest import format, imported through the question bank.

It keeps what GIFT cannot: points (`defaultgrade`), hints, the question id (`idnumber`) and whether
options are shuffled. Texts are the book's HTML, so maths stays as \\( \\) for the MathJax filter.

Ordering questions become Moodle's own `ordering` type (in Moodle core since 4.4), graded like the
book: the share of items in the right place (`ABSOLUTE_POSITION`). Older sites lack that type and
refuse the whole file, so `ordering="matching"` (the command's `--moodle-ordering matching`) writes
them as matching each item to its position instead, which every Moodle imports with the same credit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..errors import UnknownFormatError
from ..quiz.markup import to_html, to_inline_html
from ..quiz.model import Bank, MultipleSelect, Numeric, Ordering, ShortText, SingleChoice
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
from .common import element as _sub

NAME = "moodle-xml"
LABEL = "Moodle XML"
SUFFIX = ".moodle.xml"
_LAYER = f"{LABEL} export (export/moodle_xml.py)"  # named when a question type has no entry here
ORDERING_FORMS = ("native", "matching")
_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
    "text": "shortanswer",
}


def _lms_type(question, ordering: str) -> str:
    if question.type == "ordering" and ordering == "matching":
        return "matching"
    return for_type(_LAYER, _TYPES, question)


def describe(question, ordering: str = "native") -> Mapping:
    notes = shared_notes(question)
    if question.type == "ordering" and ordering == "native":
        notes = [note for note in notes if not note.startswith("ordering became matching")]
        notes.append(
            "Moodle's own ordering type (Moodle 4.4 and later), graded as in the book: the share "
            "of items "
            "in the right place; for older Moodle, export with `--moodle-ordering matching`"
        )
    notes += moodle_partial_credit_notes(question)
    if question.hint:
        notes.append(
            "hint kept; Moodle shows it only in the 'Interactive with multiple tries' behaviour"
        )
    kind = _lms_type(question, ordering)
    if isinstance(question, (SingleChoice, MultipleSelect)):
        kind += " (one answer)" if isinstance(question, SingleChoice) else " (multiple answers)"
    return Mapping(kind, tuple(notes))


def _text(parent, tag, html_text: str, **attrs):
    """Moodle's text holder: <tag format="html"><text>...</text></tag>."""
    element = _sub(parent, tag, **attrs)
    _sub(element, "text", html_text)
    return element


def _answer(parent, fraction: str, html_text: str, feedback: str | None, fmt="html"):
    answer = _text(parent, "answer", html_text, fraction=fraction, format=fmt)
    _text(answer, "feedback", to_html(feedback), format="html")
    return answer


def _choice(element, question):
    single = isinstance(question, SingleChoice)
    _sub(element, "single", "true" if single else "false")
    _sub(element, "shuffleanswers", "true" if question.shuffle else "false")
    _sub(element, "answernumbering", "abc")
    shares = None if single else moodle_shares(question)
    for key in question.option_order():
        right = key in question.correct_keys
        fraction = (
            ("100" if right else "0")
            if single
            else moodle_fraction(shares.correct.get(key, shares.penalty))
        )
        _answer(
            element, fraction, to_inline_html(question.options[key]), question.feedback.get(key)
        )


def _numeric(element, question: Numeric):
    for accepted in accepted_ranges(question):  # Moodle holds a range as centre and tolerance
        answer = _answer(element, "100", number(accepted.centre), None, fmt="moodle_auto_format")
        _sub(answer, "tolerance", number(accepted.margin))
    for wrong, feedback in mistake_ranges(question):
        answer = _answer(element, "0", number(wrong.centre), feedback, fmt="moodle_auto_format")
        _sub(answer, "tolerance", number(wrong.margin))
    _sub(element, "unitgradingtype", "0")
    _sub(element, "showunits", "3")  # no unit input: units are stated in the prompt


def _matching(element, question):
    spec = match_spec(question)
    _sub(element, "shuffleanswers", "true")
    pairs = list(zip(spec.lefts, spec.answers, strict=True)) + [
        (None, choice) for choice in spec.distractors
    ]
    for left, answer in pairs:
        # a subquestion with empty text is Moodle's extra right-hand choice that matches nothing
        sub = _text(element, "subquestion", to_inline_html(left) if left else "", format="html")
        _sub(_sub(sub, "answer"), "text", answer)


def _ordering(element, question: Ordering):
    """Moodle's ordering type: the items in their right order, each answer's `fraction` its
    position."""
    _sub(element, "layouttype", "VERTICAL")
    _sub(element, "selecttype", "ALL")  # every item is shown and placed
    _sub(element, "selectcount", "0")
    _sub(
        element, "gradingtype", "ABSOLUTE_POSITION"
    )  # credit per item in its right place, as the book gives
    _sub(element, "showgrading", "SHOW")
    _sub(element, "numberingstyle", "none")
    for feedback in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(
            element, feedback, "", format="html"
        )  # as Moodle's own export writes them: empty, present
    _sub(element, "shownumcorrect")
    for position, item in enumerate(question.items, start=1):
        _text(element, "answer", to_inline_html(item), fraction=str(position), format="html")


def _short(element, question: ShortText):
    _sub(element, "usecase", "0")
    for answer in question.answers:
        _answer(element, "100", moodle_literal(answer), None, fmt="moodle_auto_format")
    for wrong, feedback in question.feedback.items():
        _answer(element, "0", moodle_literal(wrong), feedback, fmt="moodle_auto_format")


_BODIES = {
    "single": _choice,
    "multiple": _choice,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "text": _short,
}


def _question(quiz, question, ordering: str):
    element = _sub(quiz, "question", type=_lms_type(question, ordering))
    _sub(_sub(element, "name"), "text", question.id)
    as_matching = question.type != "ordering" or ordering == "matching"
    _text(element, "questiontext", to_html(prompt_markdown(question, as_matching)), format="html")
    _text(element, "generalfeedback", to_html(question.explanation), format="html")
    _sub(element, "defaultgrade", number(question.points))
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", question.id)
    body = (
        _matching
        if question.type == "ordering" and ordering == "matching"
        else for_type(_LAYER, _BODIES, question)
    )
    body(element, question)
    if question.hint:
        _text(element, "hint", to_html(question.hint), format="html")


def render(bank: Bank, ordering: str = "native") -> bytes:
    """The bank as Moodle XML; `ordering` is "native" (Moodle 4.4+) or "matching" (any Moodle)."""
    if ordering not in ORDERING_FORMS:
        raise UnknownFormatError(
            f"unknown Moodle ordering form {ordering!r}; use one of: {', '.join(ORDERING_FORMS)}"
        )
    quiz = ET.Element("quiz")
    category = _sub(quiz, "question", type="category")
    _sub(_sub(category, "category"), "text", "$course$/top/" + bank.title.replace("/", "//"))
    for question in bank.questions:
        _question(quiz, question, ordering)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True)
