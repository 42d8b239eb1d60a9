"""The instructor edition's printed answer key: under each question of a built page, the answer and
its explanation, hidden on screen and shown by the print stylesheet (coursebook.css, "site: print").

Built from what the page already holds: each quiz block's payload (the correct keys, numbers, texts
and explanations) and the question's own markup (option labels, ordering items, matching rows).
The student edition never gets it.
"""

from __future__ import annotations

import html
import json
import re

PAYLOAD = re.compile(r'<script type="application/json" class="cb-payload">(.*?)</script>', re.S)
SECTION = re.compile(
    r'(<section class="cb-question" id="[^"]*" data-qid="([^"]*)" '
    r'data-type="([^"]*)".*?)(<div class="cb-explanation"></div>)(</section>)',
    re.S,
)
OPTION = re.compile(
    r'<label class="cb-option" for="[^"]*">'
    r'<input [^>]*value="([^"]*)"[^>]*> <span>(.*?)</span></label>',
    re.S,
)
ITEM = re.compile(
    r'<li class="cb-order-item" data-item="(\d+)">'
    r'<span class="cb-item-text">(.*?)</span>',
    re.S,
)
MATCH_ROW = re.compile(
    r'<div class="cb-match-row"><label [^>]*>(.*?)</label> '
    r"<select [^>]*>(.*?)</select>",
    re.S,
)
CHOICE = re.compile(r'<option value="(\d+)">(.*?)</option>')
UNITS = re.compile(r'<label class="cb-input-label"[^>]*>Your answer \(([^)]*)\)</label>')


def _specs(body: str) -> dict[str, dict]:
    specs: dict[str, dict] = {}
    for raw in PAYLOAD.findall(body):
        data = json.loads(raw.replace("<\\/", "</"))
        for spec in data.get("questions", []):
            specs[spec["id"]] = spec
    return specs


def answer_html(spec: dict, markup: str) -> str:
    """The right answer in words, from the payload and the question's own controls."""
    kind = spec["type"]
    if kind in ("single", "multiple"):
        texts = {key: text for key, text in OPTION.findall(markup)}
        return "; ".join(texts.get(key, html.escape(key)) for key in spec["correct"])
    if kind == "numeric":
        units = UNITS.search(markup)
        value = f"{spec['answer']:g}" + ("%" if spec.get("percent") else "")
        return value + (f" {units.group(1)}" if units and not spec.get("percent") else "")
    if kind == "text":  # the payload holds only normalised forms ("ttp"): the explanation names it
        return ""
    if kind == "ordering":
        items = sorted((int(index), text) for index, text in ITEM.findall(markup))
        return "<ol>" + "".join(f"<li>{text}</li>" for _, text in items) + "</ol>"
    if kind == "matching":
        rows = []
        for index, (left, options) in enumerate(MATCH_ROW.findall(markup)):
            choices = dict(CHOICE.findall(options))
            rows.append(f"<li>{left}: {choices.get(str(index), '?')}</li>")
        return "<ul>" + "".join(rows) + "</ul>"
    return ""


def add_print_answers(body: str) -> str:
    """Every question of the page followed by its answer key, for print only."""
    specs = _specs(body)

    def key(match: re.Match) -> str:
        spec = specs.get(match.group(2))
        if spec is None:
            return match.group(0)
        answer = answer_html(spec, match.group(1))
        label = "<strong>Answer:</strong>"
        said = (
            f"<p>{label}</p>{answer}"
            if answer.startswith(("<ol>", "<ul>"))
            else f"<p>{label} {answer}</p>"
            if answer
            else f"<p>{label}</p>"
        )
        return (
            f'{match.group(1)}{match.group(4)}<div class="cb-print-answer" hidden>'
            f"{said}{spec.get('explanation', '')}</div>{match.group(5)}"
        )

    return SECTION.sub(key, body)
