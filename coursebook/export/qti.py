"""Canvas: a QTI 1.2 package (imsmanifest.xml plus one assessment), as Canvas itself exports it.

Identifiers are chosen for the importers, not for people: the manifest's are `xs:ID` (a letter
first,
so a bank named `2024-week3` is still valid), and each matching choice is a plain number unique in
the file, because Canvas takes the first run of digits in a choice's identifier as its match id (a
question id with a digit in it would give every choice the same one). The manifest uses the IMS
Content Packaging 1.1 namespace, the one its published schema (imscp_v1p1.xsd) declares.

Canvas Classic imports it as a quiz and a question bank of the same questions; New Quizzes imports
the same package. Item metadata (`question_type`, `points_possible`) tells Canvas the native type;
feedback follows Canvas's conventions: `general_fb` for the explanation, `<answer ident>_fb` per
option. Maths stays as MathJax's \\( \\) inside the HTML, which Canvas typesets.
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
import zipfile

from ..quiz.markup import to_html, to_inline_html
from ..quiz.model import Bank, MultipleSelect, Numeric, ShortText, SingleChoice
from .common import (
    Mapping,
    accepted_ranges,
    for_type,
    match_spec,
    number,
    prompt_markdown,
    shared_notes,
    wrong_answer_digest,
)
from .common import element as _sub

NAME = "qti"
LABEL = "Canvas (QTI 1.2)"
SUFFIX = ".qti.zip"
_LAYER = f"{LABEL} export (export/qti.py)"  # named when a question type has no entry here
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "text": "short_answer_question",
}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same bank gives the same bytes


def describe(question) -> Mapping:
    notes = shared_notes(question)
    if isinstance(question, MultipleSelect):
        notes.append(
            "Canvas Classic scores it as the book does: points/k per correct choice, minus "
            "points/k "
            "per wrong choice, never below 0 (k = number of correct options); in New Quizzes "
            "choose 'Partial credit with penalty' for the same rule ('Exact match' gives none)"
        )
    if isinstance(question, Numeric) and question.mistakes:
        notes.append(
            "feedback on known wrong answers moved into the general feedback: Canvas numerical "
            "questions have no feedback for a particular wrong value"
        )
    if isinstance(question, ShortText) and question.feedback:
        notes.append(
            "feedback on known wrong answers moved into the general feedback: Canvas short answers "
            "accept only correct answers"
        )
    if isinstance(question, (SingleChoice, MultipleSelect)) and question.shuffle:
        notes.append("shuffle is a quiz setting in Canvas: turn on 'Shuffle answers' there")
    if question.hint:
        notes.append("hint dropped: Canvas questions have no hints")
    return Mapping(for_type(_LAYER, _TYPES, question), tuple(notes))


def _mattext(parent, html_text: str, texttype="text/html"):
    material = _sub(parent, "material")
    return _sub(material, "mattext", html_text, texttype=texttype)


def _metadata(item, question):
    fields = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", for_type(_LAYER, _TYPES, question)),
        ("points_possible", number(question.points)),
    ):
        field = _sub(fields, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _feedback(item, ident: str, html_text: str):
    flow = _sub(_sub(item, "itemfeedback", ident=ident), "flow_mat")
    _mattext(flow, html_text)


def _condition(resprocessing, **continue_):
    """A respcondition and its conditionvar; `continue_="Yes"` lets later conditions run too."""
    condition = _sub(resprocessing, "respcondition", **continue_)
    return condition, _sub(condition, "conditionvar")


def _score(condition, value: str, action="Set"):
    _sub(condition, "setvar", value, action=action, varname="SCORE")


def _choice(item, presentation, resprocessing, question):
    cardinality = "Multiple" if isinstance(question, MultipleSelect) else "Single"
    render = _sub(
        _sub(presentation, "response_lid", ident="response1", rcardinality=cardinality),
        "render_choice",
    )
    idents = {key: f"{question.id}-{key}" for key in question.options}
    for key in question.option_order():
        label = _sub(render, "response_label", ident=idents[key])
        _mattext(label, to_inline_html(question.options[key]))
    for key in question.options:
        if key in question.feedback:
            condition, var = _condition(resprocessing, continue_="Yes")
            _sub(var, "varequal", idents[key], respident="response1")
            _sub(
                condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{idents[key]}_fb"
            )
            _feedback(item, f"{idents[key]}_fb", to_html(question.feedback[key]))
    condition, var = _condition(resprocessing, continue_="No")
    if isinstance(question, MultipleSelect):
        both = _sub(var, "and")
        for key in question.options:
            if key in question.correct_keys:
                _sub(both, "varequal", idents[key], respident="response1")
            else:
                _sub(_sub(both, "not"), "varequal", idents[key], respident="response1")
    else:
        _sub(var, "varequal", idents[question.correct_keys[0]], respident="response1")
    _score(condition, "100")


def _numeric(presentation, resprocessing, question):
    response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    for accepted in accepted_ranges(question):
        condition, var = _condition(resprocessing, continue_="No")
        if question.percent:  # an explicit range, as the issue asks for the percent forms
            _sub(var, "vargte", number(accepted.low), respident="response1")
            _sub(var, "varlte", number(accepted.high), respident="response1")
        else:  # Canvas's "exact answer with margin"
            either = _sub(var, "or")
            _sub(either, "varequal", number(accepted.centre), respident="response1")
            if accepted.margin:
                both = _sub(either, "and")
                _sub(both, "vargte", number(accepted.low), respident="response1")
                _sub(both, "varlte", number(accepted.high), respident="response1")
        _score(condition, "100")


def _matching(presentation, resprocessing, question, numbers):
    spec = match_spec(question)
    # plain numbers, unique in the file: Canvas reads a choice's match id from its first digits
    choice_ids = {choice: str(next(numbers)) for choice in spec.choices}
    share = f"{100 / len(spec.lefts):.2f}"
    for index, (left, answer) in enumerate(zip(spec.lefts, spec.answers, strict=True), start=1):
        response_id = f"response_{question.id}-{index}"
        lid = _sub(presentation, "response_lid", ident=response_id)
        _mattext(lid, to_inline_html(left))
        render = _sub(lid, "render_choice")
        for choice in spec.choices:
            label = _sub(render, "response_label", ident=choice_ids[choice])
            _sub(_sub(label, "material"), "mattext", choice)  # Canvas holds matches as plain text
        condition, var = _condition(resprocessing)  # no `continue`: every pair is scored
        _sub(var, "varequal", choice_ids[answer], respident=response_id)
        _score(condition, share, action="Add")


def _text(presentation, resprocessing, question):
    response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    condition, var = _condition(resprocessing, continue_="No")
    for answer in question.answers:
        _sub(var, "varequal", answer, respident="response1")
    _score(condition, "100")


# Each type's presentation and scoring; matching and ordering also draw choice numbers.
_BODIES = {
    "single": lambda item, presentation, scoring, question, numbers: _choice(
        item, presentation, scoring, question
    ),
    "multiple": lambda item, presentation, scoring, question, numbers: _choice(
        item, presentation, scoring, question
    ),
    "numeric": lambda item, presentation, scoring, question, numbers: _numeric(
        presentation, scoring, question
    ),
    "matching": lambda item, presentation, scoring, question, numbers: _matching(
        presentation, scoring, question, numbers
    ),
    "ordering": lambda item, presentation, scoring, question, numbers: _matching(
        presentation, scoring, question, numbers
    ),
    "text": lambda item, presentation, scoring, question, numbers: _text(
        presentation, scoring, question
    ),
}


def _item(section, question, numbers):
    item = _sub(section, "item", ident=question.id, title=question.id)
    _metadata(item, question)
    presentation = _sub(item, "presentation")
    _mattext(presentation, to_html(prompt_markdown(question)))
    resprocessing = _sub(item, "resprocessing")
    _sub(
        _sub(resprocessing, "outcomes"),
        "decvar",
        maxvalue="100",
        minvalue="0",
        varname="SCORE",
        vartype="Decimal",
    )
    condition, var = _condition(resprocessing, continue_="Yes")
    _sub(var, "other")
    _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    for_type(_LAYER, _BODIES, question)(item, presentation, resprocessing, question, numbers)
    general = "\n\n".join(
        part for part in (question.explanation, wrong_answer_digest(question)) if part
    )
    _feedback(item, "general_fb", to_html(general))


def assessment_xml(bank: Bank) -> bytes:
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    section = _sub(
        _sub(root, "assessment", ident=bank.bank, title=bank.title), "section", ident="root_section"
    )
    numbers = itertools.count(1001)
    for question in bank.questions:
        _item(section, question, numbers)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def manifest_xml(bank: Bank, href: str) -> bytes:
    root = ET.Element(
        "manifest", identifier=f"manifest-{bank.bank}", xmlns=MANIFEST_NS
    )  # xs:ID: a letter first
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resource = _sub(
        _sub(root, "resources"),
        "resource",
        identifier=f"resource-{bank.bank}",
        type="imsqti_xmlv1p2",
        href=href,
    )
    _sub(resource, "file", href=href)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def render(bank: Bank) -> bytes:
    href = f"{bank.bank}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("imsmanifest.xml", manifest_xml(bank, href)),
            (href, assessment_xml(bank)),
        ):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.external_attr = 0o644 << 16  # readable once unpacked
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
