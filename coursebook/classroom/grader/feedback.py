"""Feedback pages: one per student that can be sent as it is, and one for the instructor.

The student's page holds their points per task and the hint for each task not yet right; never
the rubric and never an answer (results hold no answers, and the rubric is not passed in). The
rubric and the class overview go to `instructor.html`, outside the `feedback/` folder, so the
whole folder can be handed out.
"""

from __future__ import annotations

import html
from pathlib import Path

from markdown_it import MarkdownIt

from .results import Status, Verdict
from .writers import STATUS_TEXT, VERDICT_TEXT, Row, describe, number

# The rubric is Markdown with a table; raw HTML in it is shown as text, never run.
_RUBRIC_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}"
    "td,th{border:1px solid #999;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "pre{white-space:pre-wrap;background:#f4f4f4;padding:.75rem}"
    ".scroll{overflow-x:auto}"
    # On a phone the student's table becomes one block per task, each cell labelled.
    "@media (max-width:600px){table.tasks thead{display:none}"
    "table.tasks,table.tasks tr,table.tasks td{display:block}"
    "table.tasks tr{border:1px solid #999;margin-bottom:.6rem}table.tasks td{border:0}"
    "table.tasks td:empty{display:none}"
    "table.tasks td::before{content:attr(data-label) ': ';font-weight:600}}"
    "@media (prefers-color-scheme:dark){body{background:#1e1e1e;color:#ddd}pre{background:#2a2a2a}"
    "a{color:#8ab4f8}}"
)

STUDENT_STATUS = {
    Status.OK: "Your notebook ran to the end.",
    Status.ERRORS: (
        "Your notebook ran to the end, but some cells raised errors; "
        "answers you had set still count."
    ),
    Status.TIMEOUT: "Your notebook was stopped at the time limit.",
    Status.MEMORY: "Your notebook was stopped when it used more memory than allowed.",
    Status.OUTPUT_LIMIT: "Your notebook printed more than allowed; the extra output was dropped.",
    Status.CRASHED: "Your notebook's kernel stopped before the end.",
    Status.ANSWERS_UNREADABLE: "Your notebook ran, but its answers could not be read back.",
    Status.INVALID_NOTEBOOK: "Your file could not be opened as a valid notebook.",
    Status.NOT_A_NOTEBOOK: "This file is not a Jupyter notebook.",
    Status.ARCHIVE_REFUSED: "This file could not be unpacked from the submissions archive.",
    Status.NOT_ON_ROSTER: (
        "This file was not graded: you are not on the class list your instructor graded with, "
        "so the grader does not know your values; your instructor will look at it."
    ),
    Status.GRADER_ERROR: "The grader could not grade this file; your instructor will look at it.",
}


def student_login_note(detail: dict) -> str:
    """'' or what the student is told about the `login` in their notebook (per-student values)."""
    if detail.get("released_per_student"):
        return (
            "Your notebook has values of your own, but it was graded without the class list, "
            "against the course's values: this score is not your grade. Your instructor has been "
            "told."
        )
    if detail.get("login_flag") == "mismatch":
        return (
            f"The login in your notebook's first cell is {detail.get('notebook_login', '')!r}, but "
            f"this file was handed in as {detail.get('owner_login', '?')!r}: it was graded against "
            "the values of the person who handed it in. Your instructor has been told."
        )
    if detail.get("login_flag") == "missing":
        return (
            "The login in your notebook's first cell was not set, so it ran with the course's "
            "values instead of yours; it was graded against your values. Your instructor has "
            "been told."
        )
    return ""


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def student_page(row: Row, checks) -> str:
    result, submission = row.result, row.submission
    lines = []
    for task in checks.tasks:
        outcome = result.tasks.get(task.id)
        verdict = outcome.verdict if outcome else Verdict.NOT_RUN
        said = VERDICT_TEXT[verdict]
        if verdict is Verdict.WRONG_TYPE and outcome and outcome.value_type:
            said += (
                f" (your value was a {outcome.value_type}; use plain numbers, text, lists or dicts)"
            )
        hint = "" if verdict in (Verdict.CORRECT, Verdict.WITHHELD) else task.hint
        points = outcome.points if outcome else 0.0
        lines.append(
            f'<tr><td data-label="Task">{html.escape(task.id)}</td>'
            f'<td data-label="Points">{number(points)} / {number(task.points)}</td>'
            f'<td data-label="Result">{html.escape(said)}</td>'
            f'<td data-label="Hint">{html.escape(hint)}</td></tr>'
        )
    written = html.escape(result.written_response) or "<em>No written response found.</em>"
    login = student_login_note(result.detail)
    flag = f'<p class="flag"><strong>{html.escape(login)}</strong></p>' if login else ""
    body = (
        f"<h1>{html.escape(checks.title)}</h1>"
        f"<p>Feedback for <strong>{html.escape(submission.student)}</strong> "
        f"(file {html.escape(submission.source)}).</p>"
        f"<p>{html.escape(STUDENT_STATUS[result.status])} Auto-graded score: "
        f"<strong>{number(result.total)} of {number(checks.total_points)}</strong>.</p>"
        f"{flag}"
        '<table class="tasks"><thead><tr>'
        "<th>Task</th><th>Points</th><th>Result</th><th>Hint</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
        f"<h2>Your written response (graded by your instructor)</h2><pre>{written}</pre>"
    )
    return _page(f"{checks.title}: feedback for {submission.student}", body)


def instructor_page(rows: list[Row], checks, rubric: str, manual: float) -> str:
    overview = "".join(
        f"<tr><td>{html.escape(r.submission.student)}</td>"
        f"<td>{html.escape(r.submission.source)}</td>"
        f"<td>{number(r.result.total)} / {number(checks.total_points)}</td>"
        f"<td>{html.escape(r.result.status.value)}</td>"
        f"<td>{html.escape(describe(r.result, r.submission))}</td>"
        f'<td><a href="feedback/{html.escape(r.submission.key)}.html">page</a></td></tr>'
        for r in sorted(rows, key=lambda r: (r.submission.student.casefold(), r.submission.source))
    )
    rubric_html = (
        f'<div class="scroll">{_RUBRIC_MARKDOWN.render(rubric)}</div>'
        if rubric
        else "<p><em>No rubric found.</em></p>"
    )
    statuses = "".join(
        f"<li><code>{s.value}</code>: {html.escape(text)}</li>" for s, text in STATUS_TEXT.items()
    )
    body = (
        f"<h1>{html.escape(checks.title)}: instructor's page</h1>"
        f"<p>Auto-graded points: {number(checks.total_points)}; written response graded by hand: "
        f"{number(manual)}.</p><h2>Rubric for the written response</h2>{rubric_html}"
        '<h2>Class</h2><div class="scroll"><table><thead><tr>'
        "<th>Student</th><th>File</th><th>Auto-graded</th>"
        "<th>Status</th><th>Message</th><th>Feedback</th></tr></thead>"
        f"<tbody>{overview}</tbody></table></div>"
        f"<h2>Statuses</h2><ul>{statuses}</ul>"
    )
    return _page(f"{checks.title}: instructor's page", body)


def write_pages(rows: list[Row], checks, rubric: str, manual: float, out_dir: Path) -> None:
    folder = out_dir / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:  # errors="replace": a lone surrogate in an essay or a name cannot stop a page
        (folder / f"{row.submission.key}.html").write_text(
            student_page(row, checks), encoding="utf-8", errors="replace"
        )
    (out_dir / "instructor.html").write_text(
        instructor_page(rows, checks, rubric, manual), encoding="utf-8", errors="replace"
    )
