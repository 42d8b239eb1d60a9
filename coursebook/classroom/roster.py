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
- Gradescope's `submission_metadata.json` lists the submitters. Its documentation names `email`,
  `id` and `name` for each; the `sid` (student ID) it also carries is what the roster says, and a
  student who joins with the course's entry code types it. So the email decides: a row matches when
  its email column or its login equals the submitter's email. Only a row that holds no email (no
  email column, no login with an `@`: Canvas's gradebook export has none) can be matched by the
  student ID (its `SIS User ID` or login), and the match says so (`how`). A row with an email is
  never taken by a student ID, so where every row has one, an email that is not on the list is
  nobody's, whatever student ID was typed. A submitter who matches two rows is nobody's.
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

    @property
    def has_email(self) -> bool:
        """Whether the list knows this student's email (then only it finds them on Gradescope)."""
        return bool(self.email.strip()) or "@" in self.login


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

    def gradescope_match(self, users: list) -> GradescopeMatch:
        """The first submitter (in Gradescope's order) on the roster, and how they were found.

        By email (`same` as the row's email or login); else by the student ID (the row's `SIS User
        ID` or login), among the rows that hold no email only. A submitter who matches two rows is
        nobody's. A student may type their own student ID (enrolling with a course's entry code):
        where it could pick any row, they took a classmate's login or ID and were graded against
        the classmate's key (a copy of the classmate's notebook earned full marks without a login
        flag)."""
        for user in users:
            if not isinstance(user, dict):
                continue
            email, sid = str(user.get("email") or ""), str(user.get("sid") or "")
            found = [s for s in self.students if same(s.email, email) or same(s.login, email)]
            how = "email"
            if not found:
                found = [
                    s
                    for s in self.students
                    if not s.has_email and (same(s.sis_id, sid) or same(s.login, sid))
                ]
                how = "student-id"
            if len(found) == 1:
                return GradescopeMatch(found[0], how)
            if found:
                return GradescopeMatch(None, "several")
        return GradescopeMatch(None, "")

    def gradescope_owner(self, users: list) -> Student | None:
        """The student of `gradescope_match`, or None."""
        return self.gradescope_match(users).student


@dataclass(frozen=True)
class GradescopeMatch:
    """Whose a Gradescope submission is, and how that was decided."""

    student: Student | None
    how: str
    """`email` (the submitter's email is on the list), `student-id` (the student ID the submitter
    gave, for a row without an email), `several` (they match several rows) or '' (nobody's)."""

    def note(self) -> str:
        """'' or what the instructor must know about this match (for the result's detail)."""
        if self.student is not None and self.how == "student-id":
            return (
                f"matched to {self.student.login} by the student ID Gradescope lists, since the "
                "class list has no email for them; a student who joins with the entry code types "
                "that ID (a list with an Email column matches by email)"
            )
        if self.student is None and self.how == "":
            return (
                "the submitter's email is not on the class list (a student ID counts only for "
                "students the list has no email for)"
            )
        if self.how == "several":
            return "the submitter matches several students on the class list"
        return ""


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
