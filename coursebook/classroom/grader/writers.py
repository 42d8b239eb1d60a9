"""The class's grades as files: the instructor's gradebook, a Canvas import and a Moodle import.

This is where results (data) get English. Every text cell that a spreadsheet would read as a
formula is neutralised as OWASP advises for CSV injection: a cell starting with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading `'`, so `=HYPERLINK(...)` in a written response or a
file named `=1+1.ipynb` shows as text.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .collect import Submission
from .results import Status, SubmissionResult, Verdict

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

STATUS_TEXT = {
    Status.OK: "ran to the end without errors",
    Status.ERRORS: "ran to the end; some cells raised errors (answers that were set still count)",
    Status.TIMEOUT: "stopped at the time limit",
    Status.MEMORY: "stopped at the memory limit",
    Status.OUTPUT_LIMIT: "printed more than the output limit",
    Status.CRASHED: "the notebook's kernel died",
    Status.ANSWERS_UNREADABLE: "ran, but its answers could not be read back",
    Status.INVALID_NOTEBOOK: "not a valid notebook (broken structure or metadata)",
    Status.NOT_A_NOTEBOOK: "not a Jupyter notebook",
    Status.ARCHIVE_REFUSED: "refused before grading (an archive entry or a link)",
    Status.NOT_ON_ROSTER: (
        "not graded: its owner is not on the class list given with --roster, so there are no "
        "values of theirs to grade it against"
    ),
    Status.GRADER_ERROR: (
        "the grader failed on this file (a bug in the grader, not the student's fault)"
    ),
}

VERDICT_TEXT = {
    Verdict.CORRECT: "correct",
    Verdict.INCORRECT: "not correct",
    Verdict.NOT_ANSWERED: "not answered",
    Verdict.WRONG_TYPE: "not a value the grader can compare",
    Verdict.WITHHELD: "correct, but no points under the time-limit policy",
    Verdict.NOT_RUN: "not graded: the notebook did not run",
}

REFUSAL_TEXT = {
    "link": "it is a link, not a file",
    "outside": "its path leads outside the archive's folder",
    "encrypted": "it is encrypted",
    "entry-size": "it unpacks to more than {limit:,.0f} bytes",
    "ratio": "it unpacks to more than {limit:g} times its compressed size (a zip bomb?)",
    "total-size": "the archive would unpack to more than {limit:,.0f} bytes in all",
    "too-many": (
        "the archive holds more than {limit:,.0f} files; {count} further entries were not unpacked"
    ),
    "unreadable": "its data is corrupt",
    "unlistable": "the folder cannot be read (check its permissions)",
    "not-a-file": "it is not a regular file (a pipe, socket or device), so it was never opened",
}


SEPARATORS = ",;\t\r\n|"
"""Where a spreadsheet may cut a line into cells: ',' and ';' (Excel's list separator in most
European locales), tab and '|' (offered by LibreOffice's import), and line breaks."""
_PIECE = re.compile(r"(^|(?<=[,;\t\r\n|]))([ \u00a0]*)(?=[=+\-@])")
_UNWRITABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value) -> str:
    """Text any file can hold: lone surrogates (valid in a notebook's JSON, not encodable as UTF-8)
    and control characters other than tab and line breaks become U+FFFD."""
    text = "" if value is None else str(value)
    return _UNWRITABLE.sub("\ufffd", text)


def safe_cell(value) -> str:
    """A CSV cell that no spreadsheet runs as a formula, whatever separator it splits the line on.

    OWASP's rule (a leading `'` when the cell starts with `= + - @`, tab or carriage return) covers
    a file read with ','; read with ';' (or tab, or '|'), `essay;=1+1` is two cells, the second a
    formula. So every piece that could become a cell of its own and starts (after spaces) with a
    trigger gets the `'` too. (The writers also quote every cell.)"""
    text = clean_text(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return _PIECE.sub(lambda match: f"{match[1]}{match[2]}'", text)


def number(value: float) -> str:
    return f"{value:g}"


REASON_TEXT = {
    "unreadable-file": "the file cannot be read ({error})",
    "too-large": "the file is larger than {limit_bytes:,} bytes",
    "empty": "the file is empty",
    "not-utf8": "the file is not UTF-8 text (byte {byte})",
    "not-json": "the file is not JSON (line {line})",
    "no-cells": "the JSON holds no list of cells",
    "schema": "{error} (at {where})",
}

TIMEOUT_TEXT = {
    "hard-limit": "the whole run was stopped at the hard time limit",
    "cell-or-notebook": "a cell, or the notebook as a whole, ran past its time limit",
    "backstop": "the grading process was stopped long after the notebook's time limit",
}

SHOWN = {
    "reason",
    "error",
    "where",
    "error_cells",
    "output_truncated",
    "worker_exit",
    "exception",
    "timeout_kind",
    "limit_bytes",
    "byte",
    "line",
    "login_flag",
    "notebook_login",
    "owner_login",
    "identity",
    "released_per_student",
}

PER_STUDENT_TEXT = (
    "released per student: this notebook asks for its owner's login (the exercise was released "
    "with values of each student's own), but it was graded without the class list, against the "
    "course's values, so its answers read as wrong; grade the class again with `--roster` and the "
    "class list you released with"
)


def login_note(detail: dict) -> str:
    """'' or the per-student flag of a row, for the instructor (see grader/per_student.py)."""
    if detail.get("released_per_student"):
        return PER_STUDENT_TEXT
    owner, named = detail.get("owner_login", "?"), detail.get("notebook_login", "")
    if detail.get("login_flag") == "mismatch":
        return (
            f"login mismatch: the notebook's login is {named!r}, but the file belongs to {owner!r} "
            f"on the class list; graded against {owner}'s values"
        )
    if detail.get("login_flag") == "missing":
        return (
            f"login missing: the notebook's `login` is not set (it ran with the course's values); "
            f"graded against the values of the file's owner, {owner}"
        )
    return ""


def describe(result: SubmissionResult, submission: Submission | None = None) -> str:
    """One English message for a row: the status, then the facts in `detail`."""
    detail = result.detail
    parts = [STATUS_TEXT.get(result.status, result.status.value)]
    if result.status is Status.NOT_ON_ROSTER and detail.get("identity"):
        parts[0] = parts[0].replace("its owner", f"its owner ({detail['identity']})", 1)
    if submission is not None and submission.refusal is not None:
        refusal = submission.refusal
        parts = [
            f"{refusal.name!r} refused: "
            + REFUSAL_TEXT[refusal.reason].format(limit=refusal.limit, count=refusal.count)
        ]
    elif detail.get("reason") in REASON_TEXT:
        try:
            known = {key: "?" if value is None else value for key, value in detail.items()}
            parts.append(REASON_TEXT[detail["reason"]].format_map(known))
        except (KeyError, ValueError):
            parts.append(str(detail["reason"]))
    if detail.get("error_cells"):
        count = detail["error_cells"]
        parts.append(f"{count} cell{'s' if count != 1 else ''} raised errors")
    if detail.get("output_truncated"):
        parts.append("output over the limit was dropped")
    if result.status is Status.TIMEOUT and detail.get("timeout_kind") in TIMEOUT_TEXT:
        parts.append(TIMEOUT_TEXT[detail["timeout_kind"]])
    if "worker_exit" in detail:
        parts.append(
            f"the grading process ended unexpectedly ({detail['worker_exit']}); "
            "it is graded again on the next run"
        )
    elif result.status is Status.GRADER_ERROR:
        error = ": ".join(str(detail[k]) for k in ("exception", "error") if detail.get(k))
        parts.append(f"{error or 'unknown error'}; it is graded again on the next run")
        parts.append(bug_report(submission))
    elif detail.get("exception"):
        parts[0] += f" ({detail['exception']})"
    parts += [
        f"{key}: {value}"
        for key, value in sorted(detail.items())
        if key not in SHOWN and value not in (None, "", False, 0)
    ]
    if login_note(detail):  # first: the instructor must not miss it
        parts.insert(0, login_note(detail))
    if not result.sandboxed:
        parts.append("graded without the sandbox (--no-sandbox)")
    if submission is not None and submission.late:
        parts.append("Canvas marked it late")
    if submission is not None and submission.ambiguous:
        parts.append(
            f"its Canvas file name holds the user IDs of several students "
            f"({submission.ambiguous}), so whose it is is unknown: no Canvas grade is written for "
            "it; enter it by hand once you know"
        )
    return "; ".join(parts)


def bug_report(submission: Submission | None) -> str:
    """What to send when the grader itself failed on a file."""
    files = "the submitted file"
    if submission is not None:
        files = (
            f"the submitted file ({submission.source}) "
            f"and its result file results/{submission.key}.json"
        )
    return (
        f"to report this bug in the grader, send {files}, the command you ran and the output of "
        "`pip show coursebook` to the course book's maintainers"
    )


def manual_points(rubric: str) -> float:
    """Points graded by hand, from the rubric's heading `Rubric (N points)` (0 if none is
    stated)."""
    match = re.search(r"Rubric\W*\(\s*(\d+(?:\.\d+)?)\s*points?\s*\)", rubric, re.IGNORECASE)
    return float(match[1]) if match else 0.0


@dataclass(frozen=True)
class Row:
    submission: Submission
    result: SubmissionResult


def _write(path: Path, rows: list[list]) -> None:
    """Every cell quoted and neutralised; written to a temporary name and renamed, so a reader
    never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
    partial.replace(path)


def write_gradebook(rows: list[Row], checks, manual: float, path: Path) -> None:
    """`gradebook.csv`: one row per file handed in, for the instructor."""
    auto = checks.total_points
    header = [
        "student",
        "lms",
        "lms_id",
        "file",
        *(f"{task.id} ({number(task.points)})" for task in checks.tasks),
        "total",
        f"out_of ({number(auto)} auto-graded + {number(manual)} graded by hand)",
        "status",
        "message",
        "written_response",
    ]
    body = []
    for row in sorted(rows, key=lambda r: (r.submission.student.casefold(), r.submission.source)):
        result, points = row.result, row.result.points
        body.append(
            [
                row.submission.student,
                row.submission.lms,
                row.submission.lms_id,
                row.submission.source,
                *(number(points.get(task.id, 0.0)) for task in checks.tasks),
                number(result.total),
                number(auto + manual),
                result.status.value,
                describe(result, row.submission),
                result.written_response,
            ]
        )
    _write(path, [header, *body])


def lms_grades(rows: list[Row], lms: str) -> list[tuple[Submission, str]]:
    """One grade per student of that LMS: their notebook's total, or '' (left for you to decide)
    when they handed in several notebooks or none that could be graded, so no file is picked behind
    your back."""
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        if row.submission.lms == lms:
            by_student.setdefault(row.submission.lms_id, []).append(row)
    grades = []
    for lms_id in sorted(by_student, key=lambda i: (len(i), i)):
        group = by_student[lms_id]
        notebooks = [
            r
            for r in group
            if r.result.status
            not in (Status.NOT_A_NOTEBOOK, Status.ARCHIVE_REFUSED, Status.NOT_ON_ROSTER)
        ]
        grade = number(notebooks[0].result.total) if len(notebooks) == 1 else ""
        grades.append(((notebooks or group)[0].submission, grade))
    return grades


def blank_lms_grades(rows: list[Row]) -> list[str]:
    """Students whose LMS grade is left blank (several notebooks, or none that could be graded)."""
    return [
        sub.student
        for lms in ("canvas", "moodle")
        for sub, grade in lms_grades(rows, lms)
        if grade == ""
    ]


def write_canvas(rows: list[Row], assignment: str, path: Path) -> None:
    """Canvas's gradebook import (Grades > Import): Student, ID, SIS User ID, SIS Login ID, Section,
    then the assignment's points. Canvas matches students by ID, the user ID in its file names.

    A student whose grade is left blank (several notebooks, none gradable) has no row: Canvas's
    importer treats an empty cell beside an existing score as a change and clears that score,
    while a student missing from the file keeps whatever Canvas holds."""
    body = [
        [sub.student, sub.lms_id, "", "", "", grade]
        for sub, grade in lms_grades(rows, "canvas")
        if grade != ""
    ]
    _write(path, [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment], *body])


@dataclass(frozen=True)
class MoodleStrings:
    """The language strings Moodle's worksheet import matches (mod/assign/feedback/offline/
    importgradeslib.php compares the headers with get_string() in the importing user's language)."""

    participant: str
    """assign `hiddenuser`: the Identifier is this text followed by the participant number (the
    importer cuts off strlen(hiddenuser) bytes, so the text must be exactly Moodle's)."""
    identifier: str
    """assign `recordid`."""
    full_name: str
    """core `fullname` (not read on import)."""
    grade: str
    """core `gradenoun`."""
    maximum: str
    """grades `grademax` (not read on import)."""
    modified: str
    """assign `lastmodifiedgrade`."""


MOODLE_LANGUAGES = {
    # English: moodle/moodle mod/assign/lang/en/assign.php, lang/en/moodle.php, lang/en/grades.php.
    "en": MoodleStrings(
        "Participant ", "Identifier", "Full name", "Grade", "Maximum grade", "Last modified (grade)"
    ),
    # The others: Moodle's language packs (AMOS), de/fr/es assign.php, moodle.php and grades.php.
    "de": MoodleStrings(
        "Teilnehmer/in",
        "ID",
        "Vollständiger Name",
        "Bewertung",
        "Maximale Bewertung",
        "Zuletzt geändert (Bewertung)",
    ),
    "fr": MoodleStrings(
        "Participant",
        "Identifiant",
        "Nom complet",
        "Note",
        "Note maximale",
        "Dernière modification (note)",
    ),
    "es": MoodleStrings(
        "Participante",
        "Identificador",
        "Nombre completo",
        "Calificación",
        "Calif. máxima",
        "Última modificación (calificación)",
    ),
}


def write_moodle(
    rows: list[Row], out_of: float, path: Path, now: datetime | None = None, language: str = "en"
) -> None:
    """Moodle's offline grading worksheet (Assignment > Grading action > Upload grading worksheet),
    with the headers Moodle matches in the course's `language`: the Identifier is the participant
    number of Moodle's folder names; Moodle also requires the Grade and Last modified (grade).

    Moodle skips a row whose grade was changed in Moodle more than 60 s after that row's Last
    modified (grade). `now` should therefore be when the submissions were downloaded: a grade typed
    in Moodle after the download is then never overwritten (default: the current time).
    A blank Grade is skipped by Moodle's import ("grade has no value"), so it changes nothing."""
    strings = MOODLE_LANGUAGES[language]
    when = now or datetime.now(UTC)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    body = [
        [f"{strings.participant}{sub.lms_id}", sub.student, grade, number(out_of), stamp]
        for sub, grade in lms_grades(rows, "moodle")
    ]
    _write(
        path,
        [
            [
                strings.identifier,
                strings.full_name,
                strings.grade,
                strings.maximum,
                strings.modified,
            ],
            *body,
        ],
    )
