"""The published site's view: deterministic HTML plus one JSON payload per block.

`coursebook.js` (built by `bundle.py`, served once per site from `_static/`) finds these blocks
and makes them interactive; it is the one quiz runtime, here and in Jupyter. Python precomputes
what the browser compares (option keys, absolute tolerances, normalised text answers), so the
JavaScript grader needs no YAML and no Markdown.
Ids derive from question ids, so a re-run produces byte-identical output (nbval strict).
"""

from __future__ import annotations

import html
import json
import re

from ..errors import UnknownQuestionType
from ..models.explorers import Explorer, fill
from ..quiz.answers import MESSAGES
from ..quiz.markup import plain_text, to_html, to_inline_html
from ..quiz.policy import POLICY
from .bundle import ASSETS  # noqa: F401 - the browser assets' folder, for callers of this module

VERDICT_LABELS = {
    "correct": "Correct.",
    "partial": "Partly right.",
    "incorrect": "Not yet.",
    "invalid": "Can't check that.",
}
MULTIPLE_RULE = (
    "Select all that apply. Partial credit: "
    "each correct choice earns an equal share of the points, "
    "each wrong choice takes one share away, and the score never drops below zero."
)
ORDERING_RULE = (
    "Use the Up and Down buttons to put the items in order. "
    "Partial credit: the share of items in the right place."
)
MATCHING_RULE = (
    "Choose a match for every item. Partial credit: the share of items matched correctly."
)


def policy_statement(hints: bool, answer_boxes: bool) -> str:
    """The policy in words, for a block of questions: the hint and Enter sentences only where the
    block has a question with a hint, or one with an answer box."""
    words = POLICY["statement"]
    parts = [
        words["always"],
        words["show_answer"],
        words["hint"] if hints else "",
        words["score"],
        words["enter"] if answer_boxes else "",
    ]
    return " ".join(part for part in parts if part)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _json(data) -> str:
    # `</` is escaped so that a bank's text can never close the <script> element early.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace(
        "</", "<\\/"
    )


def client_spec(question) -> dict:
    """What the browser's grader needs for one question, precomputed here."""
    spec = {
        "id": question.id,
        "type": question.type,
        "points": question.points,
        "explanation": to_html(question.explanation),
    }
    if question.hint:
        spec["hint"] = to_html(question.hint)
    if question.type in ("single", "multiple"):
        spec["options"] = list(question.options)
        spec["correct"] = list(question.correct_keys)
        spec["feedback"] = {key: to_html(text) for key, text in question.feedback.items()}
    elif question.type == "numeric":
        spec.update(
            answer=question.answer,
            tolerance=question.absolute_tolerance,
            percent=question.percent,
            mistakes=[mistake.value for mistake in question.mistakes],
        )
        spec["feedback"] = {
            f"mistake-{i}": to_html(m.feedback) for i, m in enumerate(question.mistakes)
        }
        # what Show answer writes in the box, in a form the page reads back as right
        spec["shown"] = f"{question.answer:,.10g}" + ("%" if question.percent else "")
        if question.units:
            spec["units"] = question.units
    elif question.type == "ordering":
        spec["size"] = len(question.items)
    elif question.type == "matching":
        spec.update(size=len(question.pairs), choices=len(question.choices))
    elif question.type == "text":
        spec["answers"] = list(
            question.answers
        )  # folded by the page (types/text.js), as typed text
        spec["feedback"] = {key: to_html(text) for key, text in question.feedback.items()}
        spec["shown"] = question.answers[0]  # Show answer
    else:
        raise UnknownQuestionType("static HTML (views/static.py client_spec)", question.type)
    return spec


def _choices(question, kind: str, seed: int) -> str:
    rows = []
    for key in question.option_order(seed):
        control_id = f"cb-{question.id}-{key}"
        # each option in its own block, so it keeps its line even where no stylesheet reaches
        rows.append(
            f'<div class="cb-option-row"><label class="cb-option" for="{_e(control_id)}">'
            f'<input type="{kind}" id="{_e(control_id)}" name="cb-{_e(question.id)}" '
            f'value="{_e(key)}"> '
            f"<span>{to_inline_html(question.options[key])}</span></label></div>"
        )
    return (
        f'<div class="cb-options" role="group" aria-labelledby="cb-{_e(question.id)}-prompt">'
        f"{''.join(rows)}</div>"
    )


def _typed(question, label: str) -> str:
    control_id = f"cb-{question.id}-input"
    mode = ' inputmode="decimal"' if question.type == "numeric" else ""
    return (
        f'<div class="cb-typed">'
        f'<label class="cb-input-label" for="{_e(control_id)}">{_e(label)}</label> '
        f'<input type="text" class="cb-input" id="{_e(control_id)}" autocomplete="off" '
        f'spellcheck="false"{mode}></div>'
    )


def _ordering(question, seed: int) -> str:
    rows = []
    for item in question.display_order(seed):
        text = question.items[item]
        name = _e(plain_text(text))
        rows.append(
            f'<li class="cb-order-item" data-item="{item}">'
            f'<span class="cb-item-text">{to_inline_html(text)}</span> '
            '<span class="cb-order-buttons">'
            f'<button type="button" class="cb-up" disabled aria-label="Move up: {name}">Up</button>'
            f'<button type="button" class="cb-down" disabled aria-label="Move down: {name}">'
            "Down</button></span></li>"
        )
    return (
        f'<ol class="cb-order" aria-labelledby="cb-{_e(question.id)}-prompt">{"".join(rows)}</ol>'
        f'<p class="cb-sr-only" aria-live="polite" data-role="order-status"></p>'
    )


def _matching(question, seed: int) -> str:
    choices = question.choices
    options = "".join(
        f'<option value="{index}">{_e(plain_text(choices[index]))}</option>'
        for index in question.choice_order(seed)
    )
    rows = []
    for index, pair in enumerate(question.pairs):
        control_id = f"cb-{question.id}-m{index}"
        rows.append(
            f'<div class="cb-match-row">'
            f'<label for="{control_id}">{to_inline_html(pair.left)}</label> '
            f'<select id="{control_id}" data-pair="{index}">'
            f'<option value="">Choose a match</option>{options}</select></div>'
        )
    # Printed only (print stylesheet): a select shows one choice on paper, so the choices are
    # listed.
    listed = "".join(
        f"<li>{_e(plain_text(choices[index]))}</li>" for index in question.choice_order(seed)
    )
    group = f'<div class="cb-match" role="group" aria-labelledby="cb-{_e(question.id)}-prompt">'
    return (
        f"{group}{''.join(rows)}</div>"
        f'<div class="cb-print-choices" hidden><p>Choices:</p><ul>{listed}</ul></div>'
    )


def _controls(question, seed: int) -> tuple[str, str]:
    """(the rule stated to the student, the answer controls)."""
    if question.type == "single":
        return "", _choices(question, "radio", seed)
    if question.type == "multiple":
        return MULTIPLE_RULE, _choices(question, "checkbox", seed)
    if question.type == "numeric":
        units = f" ({question.units})" if question.units else ""
        rule = "Percentages may be written as 24, 24% or 0.24." if question.percent else ""
        return rule, _typed(question, f"Your answer{units}")
    if question.type == "text":
        return "", _typed(question, "Your answer")
    if question.type == "ordering":
        return ORDERING_RULE, _ordering(question, seed)
    if question.type == "matching":
        return MATCHING_RULE, _matching(question, seed)
    raise UnknownQuestionType("static HTML (views/static.py _controls)", question.type)


def question_html(question, number: int, seed: int = 0) -> str:
    """One question's stored markup: prompt and controls only. The buttons, the hint and the
    explanation are added by the script from the payload, so a viewer without it (GitHub, nbviewer,
    a notebook opened before its cells run) shows the questions and gives nothing away."""
    qid = _e(question.id)
    rule, controls = _controls(question, seed)
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    return (
        f'<section class="cb-question" id="cb-{qid}" data-qid="{qid}" '
        f'data-type="{question.type}" aria-labelledby="cb-{qid}-title">'
        f'<h4 class="cb-title" id="cb-{qid}-title">Question {number} '
        f'<span class="cb-points">({points})</span></h4>'
        f'<div class="cb-prompt" id="cb-{qid}-prompt">{to_html(question.prompt)}</div>'
        + (f'<p class="cb-rule">{_e(rule)}</p>' if rule else "")
        + controls
        + '<div class="cb-actions"></div>'
        '<div class="cb-feedback" role="status" aria-live="polite"></div>'
        '<div class="cb-explanation"></div></section>'
    )


RUN_THIS_CELL = (
    "Run this cell to answer these questions (on the book's website they work in the page)."
)


def quiz_html(bank, questions, seed: int = 0, instance: int = 1) -> str:
    """A block of questions from one bank, with the policy, the chapter's running score and a reset
    control. `instance` > 1 marks a repeat of the same questions on one page: its element ids get
    a suffix so that two blocks never share an id or a radio group."""
    numbers = {question.id: index for index, question in enumerate(bank.questions, start=1)}
    payload = {
        "bank": bank.bank,
        "title": bank.title,
        "total": bank.total_points,
        "messages": MESSAGES,
        "labels": VERDICT_LABELS,
        "policy": POLICY,
        "questions": [client_spec(question) for question in questions],
        # every question's points, so either view can total the bank's score from its states
        "points": {question.id: question.points for question in bank.questions},
    }
    block_id = f"cbq-{bank.bank}-{questions[0].id}"
    body = "".join(question_html(question, numbers[question.id], seed) for question in questions)
    if instance > 1:
        block_id += f"-{instance}"
        body = _suffix_ids(body, f"-{instance}")
    return (
        f'<div class="cb-quiz" id="{_e(block_id)}" data-bank="{_e(bank.bank)}">'
        f'<script type="application/json" class="cb-payload">{_json(payload)}</script>'
        f'<p class="cb-noscript">{_e(RUN_THIS_CELL)}</p>'
        f"{body}{policy_html(questions)}"
        f'<div class="cb-footer"><p class="cb-score" aria-live="polite">{_e(bank.title)}: '
        f'<span class="cb-score-value">0</span> of {bank.total_points:g} points</p></div>'
        "</div>"
    )


def policy_html(questions) -> str:
    """The policy once per block, short: one line, with the full text one click away. It speaks of
    hints and answer boxes only when the block has them."""
    boxes = any(question.type in ("numeric", "text") for question in questions)
    full = policy_statement(
        hints=any(getattr(question, "hint", None) for question in questions), answer_boxes=boxes
    )
    return (
        f'<details class="cb-policy"><summary>{_e(POLICY["statement"]["summary"])}</summary>'
        f"<p>{_e(full)}</p></details>"
    )


def _suffix_ids(markup: str, suffix: str) -> str:
    """Append `suffix` to every id and to every attribute that points at one (ids start `cb-`)."""
    return re.sub(
        r'\b(id|for|name|aria-labelledby|aria-controls)="(cb-[^"]*)"',
        lambda match: f'{match.group(1)}="{match.group(2)}{suffix}"',
        markup,
    )


def explorer_html(explorer: Explorer, preset: str | None = None) -> str:
    values, names = explorer.defaults(preset), explorer.labels(preset)
    block_id = f"cbx-{explorer.name}-{preset or 'default'}"
    payload = {
        "model": explorer.name,
        "values": values,
        "rows": [
            {"label": fill(r.label, names), "key": r.key, "unit": r.unit, "missing": r.missing}
            for r in explorer.rows
        ],
        "bars": [
            {"label": fill(r.label, names), "key": r.key, "unit": r.unit} for r in explorer.bars
        ],
        "verdicts": {k: fill(v, names) for k, v in explorer.verdicts.items()},
        "chart": explorer.chart,
    }
    sliders = []
    for slider in explorer.sliders:
        control_id = f"{block_id}-{slider.name}"
        value = values[slider.name]
        sliders.append(
            f'<div class="cb-slider">'
            f'<label for="{control_id}">{_e(fill(slider.label, names))}</label> '
            f'<input type="range" id="{control_id}" data-name="{slider.name}" '
            f'min="{slider.min:g}" max="{slider.max:g}" '
            f'step="{slider.step:g}" value="{value:g}"> '
            f'<output for="{control_id}" data-unit="{_e(slider.unit)}">'
            f"{value:g}{_e(slider.unit)}</output></div>"
        )
    note = (explorer.presets.get(preset) or {}).get("note", "") if preset else ""
    notes = "".join(f"<li>{_e(text)}</li>" for text in ((note,) if note else ()) + explorer.notes)
    return (
        f'<div class="cb-explorer" id="{block_id}" data-model="{explorer.name}">'
        f'<script type="application/json" class="cb-payload">{_json(payload)}</script>'
        f'<p class="cb-explorer-title"><strong>{_e(explorer.title)}</strong></p>'
        '<p class="cb-noscript">Run this cell to use the explorer '
        "(on the book's website it works in the page).</p>"
        f'<div class="cb-sliders">{"".join(sliders)}</div>'
        '<p class="cb-explorer-actions">'
        '<button type="button" class="cb-explorer-reset">Reset</button> '
        f'<span class="cb-rule">puts every slider back to its preset value.</span></p>'
        f'<div class="cb-results" aria-live="polite"></div>'
        f'<ul class="cb-notes">{notes}</ul>'
        "</div>"
    )
