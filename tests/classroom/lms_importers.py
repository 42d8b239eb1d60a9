"""Ports of the LMS importers our files feed, written from the LMS's own source, not from our writers.

Canvas: instructure/canvas-lms `app/models/gradebook_importer.rb` (GradebookImporter): delimiter
chosen from the first three lines, header rules (`header?`, `update_column_count`), assignment
columns by `Name (id)` or exact title, students by ID then SIS ids then name, and a grade counted
as a change unless `no_change_to_value?` says otherwise (an empty cell beside a score is a change,
which the upload then posts as a cleared grade).

Moodle: moodle/moodle `mod/assign/feedback/offline/importgradeslib.php` (headers compared with
get_string() in the importing user's language; participant = Identifier minus strlen(hiddenuser))
and `locallib.php` process_import_grades (the skip rules: same grade, no value, modified in Moodle
more than 60 s after the row's time, out of range).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime


class Refused(ValueError):
    """The LMS would refuse the whole file."""


# ---- Canvas ----------------------------------------------------------------------------------------


def _ruby_field_count(line: str, separator: str) -> int | None:
    """CSV.parse_line(line, col_sep:)&.size, or None where Ruby raises MalformedCSVError (a quoted
    field followed by anything but the separator)."""
    fields, i, n = 0, 0, len(line.rstrip("\r\n"))
    text = line.rstrip("\r\n")
    while True:
        fields += 1
        if i < n and text[i] == '"':
            i += 1
            while True:
                j = text.find('"', i)
                if j < 0:
                    return None
                if j + 1 < n and text[j + 1] == '"':
                    i = j + 2
                    continue
                i = j + 1
                break
            if i < n and text[i] != separator:
                return None
        else:
            while i < n and text[i] != separator:
                if text[i] == '"':
                    return None  # Ruby: illegal quoting in an unquoted field
                i += 1
        if i >= n:
            return fields
        i += 1


def canvas_delimiter(text: str) -> str:
    lines = text.splitlines(keepends=True)[:3]
    counts = {}
    for separator in (";", ","):
        sizes = [_ruby_field_count(line, separator) for line in lines]
        counts[separator] = sizes[0] if None not in sizes and len(set(sizes)) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


@dataclass
class CanvasCourse:
    students: dict[int, dict]
    """user id -> {"name", "sortable_name", "scores": {assignment id: score string}}"""
    assignments: dict[int, str]
    """assignment id -> title"""


@dataclass
class CanvasImport:
    changes: dict[int, dict[int, str | None]] = field(default_factory=dict)
    """user id -> {assignment id: new grade, None meaning the grade is cleared}"""
    new_assignments: list[str] = field(default_factory=list)
    unknown_students: list[str] = field(default_factory=list)


def _decimal(field_value: str) -> str:
    if re.match(r"^-?[0-9.,]+%?$", field_value):
        parts = re.split(r"[,.]", field_value)
        last = parts.pop()
        return last if not parts else "".join(parts) + "." + last
    return field_value


def _title_and_id(header: str):
    match = re.match(r"\A(.*)\s\((\d+)\)\z".replace("\\z", "\\Z"), header, re.DOTALL)
    return (match[1], int(match[2])) if match else (None, None)


def _no_change(new: str | None, current: str | None) -> bool:
    def no_score(value):
        return value is None or value.strip() == "" or value == "-"

    if new == current or (no_score(current) and no_score(new)):
        return True
    if no_score(current) or no_score(new):
        return False
    try:
        return round(float(current), 2) == round(float(new), 2)
    except ValueError:
        return False


def canvas_import(text: str, course: CanvasCourse) -> CanvasImport:
    separator = canvas_delimiter(text)
    rows = [
        row
        for row in csv.reader(io.StringIO(text), delimiter=separator)
        if not re.fullmatch(r"[;, ]+", separator.join(row))
    ]
    rows = [[_decimal(cell) for cell in row] for row in rows]
    header = rows[0]
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        raise Refused("Invalid header row")
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2 + (
            1 if re.search(r"Integration\s+ID", header[4] if len(header) > 4 else "") else 0
        )
    if "Section" not in header[student_columns - 1]:
        raise Refused("Invalid header row")
    result = CanvasImport()
    columns = {}
    non_assignment = re.compile(
        "Current Score|Current Points|Current Grade|Final Score|Final Points|"
        "Final Grade|Override Score|Override Grade|Override Status"
    )
    for index, name in enumerate(header[student_columns:], start=student_columns):
        if non_assignment.search(name):
            continue
        _, assignment_id = _title_and_id(name)
        if assignment_id not in course.assignments:
            by_title = [i for i, title in course.assignments.items() if title == name]
            assignment_id = by_title[0] if by_title else None
        if assignment_id is None:
            result.new_assignments.append(name)
            continue
        columns[index] = assignment_id
    for row in rows[1:]:
        if "Points Possible" in row[0] or all(
            re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c, re.IGNORECASE) for c in row
        ):
            continue
        student_id = int(row[1]) if row[1].strip().isdigit() else None
        if student_id not in course.students:
            named = [
                i for i, s in course.students.items() if row[0] in (s["name"], s["sortable_name"])
            ]
            student_id = named[0] if named else None
        if student_id is None:
            result.unknown_students.append(row[0])
            continue
        for index, assignment_id in columns.items():
            new = row[index].strip() if index < len(row) else ""
            current = course.students[student_id]["scores"].get(assignment_id)
            if not _no_change(new, current):
                result.changes.setdefault(student_id, {})[assignment_id] = new or None
    return result


# ---- Moodle ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoodleLanguage:
    hiddenuser: str
    recordid: str
    gradenoun: str
    lastmodifiedgrade: str


# From Moodle's language packs (the strings the importer asks get_string() for).
MOODLE = {
    "en": MoodleLanguage("Participant ", "Identifier", "Grade", "Last modified (grade)"),
    "de": MoodleLanguage("Teilnehmer/in", "ID", "Bewertung", "Zuletzt geändert (Bewertung)"),
    "fr": MoodleLanguage("Participant", "Identifiant", "Note", "Dernière modification (note)"),
    "es": MoodleLanguage(
        "Participante", "Identificador", "Calificación", "Última modificación (calificación)"
    ),
}


@dataclass
class MoodleGrade:
    grade: float | None
    modified: float
    """When the grade was last changed in Moodle (Unix time)."""
    locked: bool = False


def moodle_import(
    text: str,
    language: str,
    participants: dict[str, MoodleGrade],
    max_grade: float,
    ignore_modified: bool = False,
) -> dict[str, float]:
    """{participant: new grade} that Moodle applies; `participants` is changed in place."""
    strings = MOODLE[language]
    text = text.lstrip("\ufeff")
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if len({len(row) for row in rows if row}) > 1:
        raise Refused("csvlib: rows of different lengths")
    header = rows[0]
    try:
        id_index, grade_index = header.index(strings.recordid), header.index(strings.gradenoun)
        modified_index = header.index(strings.lastmodifiedgrade)
    except ValueError:
        raise Refused("invalidgradeimport") from None
    applied = {}
    for row in rows[1:]:
        if not row:
            continue
        participant = (
            row[id_index]
            .encode()[len(strings.hiddenuser.encode()) :]
            .decode(errors="replace")
            .strip()
        )
        if participant not in participants:
            continue
        current = participants[participant]
        modified = datetime.fromisoformat(row[modified_index]).timestamp()
        raw = row[grade_index]
        value = float(raw) if raw != "" else None
        stale = current.grade is not None and current.modified > modified + 60
        if current.grade is not None and current.grade == value:
            continue
        if value is None or value < 0:
            continue
        if not ignore_modified and stale:
            continue
        if current.locked or value > max_grade:
            continue
        participants[participant] = MoodleGrade(value, modified)
        applied[participant] = value
    return applied
