"""The class list (an LMS export, CSV): each student's login, and whose each handed-in file is.

Per-student values are drawn from the course secret and the student's login (variants.py), so the
grader must know which login a file belongs to. It never asks the notebook (whose `login` a student
types, and is what gets checked): the owner comes from where the LMS put the file, matched to the
roster's row by the LMS's own numbers.

- Canvas file names carry the Canvas user ID (`name_userid_submissionid_file`), which is the `ID`
  column of Canvas's gradebook export; the login is that row's `SIS Login ID`.
- Moodle folder names carry the participant number (`Full Name_12345_assignsubmission_file_`), which
  is the `Identifier` column (`Participant 12345`) of Moodle's grading worksheet, in any of the
  worksheet's languages; the login is the column named with `--login-column` (say `Email address`).
- Gradescope's `submission_metadata.json` lists the submitters with `email` and `sid` (student ID):
  a roster row matches when its login, its email column or its `SIS User ID` equals one of them
  (a submitter who matches two rows, say by email and by a student ID they typed, is nobody's).
- Any other file (a plain folder): its first path component (`amy.lee.ipynb`, `amy.lee/ex1a.ipynb`)
  is the login.

Logins compare without case and surrounding spaces, as the draw does.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

LOGIN_COLUMNS = (
    "SIS Login ID",
    "Login ID",
    "login",
    "Username",
    "username",
    "Email address",
    "email",
)
"""Where the login is when no column is named: Canvas's gradebook export, then the usual names
(Moodle's user exports, Moodle's grading worksheet)."""
CANVAS_ID = "ID"
MOODLE_IDENTIFIERS = ("Identifier", "ID", "Identifiant", "Identificador")
"""Moodle's grading worksheet's `Identifier` column in English, German, French and Spanish (its
cells read `Participant 12345` in the course's language)."""
EMAIL_COLUMNS = ("Email address", "Email", "email")
SIS_ID = "SIS User ID"


class RosterError(ValueError):
    """A roster that cannot be used (the message names the file)."""


def same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().lower() == b.strip().lower()


@dataclass(frozen=True)
class Student:
    login: str
    canvas_id: str = ""
    moodle_participant: str = ""
    email: str = ""
    sis_id: str = ""


@dataclass(frozen=True)
class Roster:
    students: tuple[Student, ...]
    source: str
    """The file it was read from (for messages)."""
    column: str
    """The login column."""

    @classmethod
    def read(cls, path: Path, column: str = "") -> Roster:
        """The roster in `path`; RosterError naming the file when it has no login column or no
        login."""
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                rows, fields = list(reader), reader.fieldnames or []
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise RosterError(f"{path}: cannot read the class list ({exc})") from None
        names = [column] if column else list(LOGIN_COLUMNS)
        found = next((name for name in names if name in fields), None)
        if not found:
            raise RosterError(f"{path}: no login column (looked for {', '.join(names)})")
        students: dict[str, Student] = {}
        for row in rows:
            login = (row.get(found) or "").strip()
            if login and login.lower() not in students:
                students[login.lower()] = Student(
                    login=login,
                    canvas_id=(row.get(CANVAS_ID) or "").strip()
                    if _digits(row.get(CANVAS_ID))
                    else "",
                    moodle_participant=_participant(row),
                    email=next((row[c].strip() for c in EMAIL_COLUMNS if row.get(c)), ""),
                    sis_id=(row.get(SIS_ID) or "").strip(),
                )
        if not students:
            raise RosterError(f"{path}: the column {found!r} holds no login")
        ordered = tuple(sorted(students.values(), key=lambda s: s.login.lower()))
        return cls(ordered, str(path), found)

    @property
    def logins(self) -> list[str]:
        return [student.login for student in self.students]

    def digest(self) -> str:
        """Names who is on the list and how files map to them (part of every result's terms)."""
        rows = sorted(
            (s.login.lower(), s.canvas_id, s.moodle_participant, s.email.lower(), s.sis_id)
            for s in self.students
        )
        return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]

    def owner(self, lms: str, lms_id: str, source: str) -> Student | None:
        """The student a collected file belongs to (see the module's docstring), or None."""
        if lms == "canvas":
            return next((s for s in self.students if lms_id and s.canvas_id == lms_id), None)
        if lms == "moodle":
            return next(
                (s for s in self.students if lms_id and s.moodle_participant == lms_id), None
            )
        first = PurePosixPath(source).parts[0] if source else ""
        login = first[: -len(".ipynb")] if first.lower().endswith(".ipynb") else first
        return next((s for s in self.students if same(s.login, login)), None)

    def gradescope_owner(self, users: list) -> Student | None:
        """The first submitter (in Gradescope's order) on the roster, or None.

        A submitter whose email and student ID name two different students is nobody's: a student
        who may type their own student ID (enrolling with a course's entry code) could otherwise
        take a classmate's login or ID, and be graded against the classmate's key (a copy of the
        classmate's notebook would then earn full marks without a login flag)."""
        for user in users:
            if not isinstance(user, dict):
                continue
            email, sid = str(user.get("email") or ""), str(user.get("sid") or "")
            found = [
                student
                for student in self.students
                if same(student.login, email)
                or same(student.login, sid)
                or same(student.email, email)
                or same(student.sis_id, sid)
            ]
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None


def _digits(text: str | None) -> bool:
    return bool(text and text.strip().isdigit())


def _canvas_id(row: dict) -> str:
    """The Canvas user ID of a gradebook export's row (bare digits), or ''."""
    text = (row.get(CANVAS_ID) or "").strip()
    return text if _digits(text) else ""


def _participant(row: dict) -> str:
    """The participant number of a Moodle worksheet row (`Participant 12345`), or ''."""
    for column in MOODLE_IDENTIFIERS:
        match = re.search(r"\D(\d+)\s*$", " " + (row.get(column) or ""))
        if match and not _digits(row.get(column)):  # Canvas's ID is bare digits
            return match[1]
    return ""


def identity_text(lms: str, lms_id: str, source: str) -> str:
    """Who a file belongs to, as the LMS says it, for a message: `canvas user 123`."""
    if lms == "canvas":
        return f"canvas user {lms_id}"
    if lms == "moodle":
        return f"moodle participant {lms_id}"
    return f"file {source}"
