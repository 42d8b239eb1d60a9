"""The per-question report written beside the exports: what each question became in each LMS, and
everything lost or changed on the way, with the reason. Nothing is dropped without a line here."""

from __future__ import annotations

from ..quiz.model import Bank
from .common import for_type

_TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple select",
    "numeric": "numeric",
    "ordering": "ordering",
    "matching": "matching",
    "text": "short text",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(bank: Bank, formats) -> bytes:
    """`formats` are (format module, its options) pairs, as exported; one table row per question and
    format."""
    lines = [
        f"# LMS export report: {bank.bank}",
        "",
        f"Bank `{bank.bank}` ({bank.title}): {len(bank.questions)} questions, "
        f"{bank.total_points:g} points.",
        "Formats: " + ", ".join(module.LABEL for module, _ in formats) + ".",
        "",
        "Texts are the book's HTML (Markdown rendered, raw HTML shown as text) in UTF-8. Inline "
        "maths is "
        "written as `\\( ... \\)` and display maths as `\\[ ... \\]`: Canvas typesets these with "
        "MathJax, "
        "Moodle with its MathJax filter (on by default). Each question keeps its id as its name.",
        "",
        "| Question | Book type | Format | LMS type | Lost or changed, and why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for question in bank.questions:
        for module, options in formats:
            mapping = module.describe(question, **options)
            notes = "; ".join(mapping.notes) or "nothing"
            lines.append(
                f"| {question.id} | "
                f"{for_type('the export report (export/report.py)', _TYPE_NAMES, question)} | "
                f"{module.LABEL} | "
                f"{_cell(mapping.lms_type)} | {_cell(notes)} |"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")
