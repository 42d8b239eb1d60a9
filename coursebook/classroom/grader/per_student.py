"""Per-student grading: each file against its owner's own answers, and the notebook's login checked.

With a roster (an LMS export; roster.py says how a file's owner is found), every student of a
course with a secret has values of their own (variants.py), drawn from the secret and their login.
A file is graded against its owner's answer key, computed by running the solution notebook with the
owner's values (once per student, all in one kernel, cached), through `Assignment.with_checks`. The
notebook runs in its sandbox beside the checks the release gave its owner, in the form a sandbox
holds them (`grading_spec`: no digests): the course's file and the owner's own (their values), so
a notebook that names another login in its first cell cannot even load its values there, and one
whose numbers were copied computes the other student's answers, which earn nothing against the
owner's key.

Flags, kept in the result's `detail` (the writers put them into words):
- `login_flag: missing`: the notebook's `login` is not set (it ran with the course's values);
- `login_flag: mismatch`: it names someone else (`notebook_login`) than the file's owner;
- a file whose owner is not on the roster is not run: its row has status `not-on-roster`.

Without a roster, a notebook of a per-student release (its login cell, `released_per_student`)
is graded against the course's values, which are not its owner's: its row says so
(`released_per_student`), and `grade` stops before grading a class whose notebooks are mostly such.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from ..exercise.assignment import Assignment
from ..exercise.checks import grading_spec
from ..exercise.task import CheckFile
from ..exercises import student_key
from ..roster import Roster, Student, identity_text
from .collect import Submission
from .store import key_digest

LOGIN_VARIABLE = "login"
LOGIN_TAG = "login"
"""The tag of the first cell a per-student release writes (`variants.per_student_notebook`)."""
PER_STUDENT_CHECKER = re.compile(r"Checker\([^()]*login\s*=\s*login\s*\)")
"""The release's checker call, which reads the values of the login's own check file."""


def released_per_student(nb) -> bool:
    """Whether `nb` comes from a per-student release: a code cell tagged `login` (the login cell)
    or a checker told the login (a student who copied the cells into a new notebook)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags") or []
        if (isinstance(tags, list) and LOGIN_TAG in tags) or PER_STUDENT_CHECKER.search(
            str(cell.get("source", ""))
        ):
            return True
    return False


@dataclass(frozen=True)
class StudentRun:
    """What one per-student submission's sandbox holds besides the notebook, and whose it is."""

    login: str
    """The file's owner, as on the roster."""
    values: dict
    """The owner's values."""
    course_file: dict
    """`checks/<exercise>.json` as released (in its grading form): the course's values and salt."""

    def files(self, checks: CheckFile) -> dict[str, str]:
        """The check files as the owner's release has them (paths under `checks/`), for `checks`,
        the owner's key: the course's file and the owner's own (values), without digests."""
        own = dict(
            grading_spec(checks, course_salt=self.course_file.get("course_salt", "stock")),
            values=self.values,
        )
        return {
            f"{checks.exercise}.json": json.dumps(self.course_file),
            f"{checks.exercise}/{student_key(self.course_file, self.login)}.json": json.dumps(own),
        }


def login_flag(notebook_login: object, owner: str) -> dict:
    """{} when the notebook's `login` is its owner's (without case or spaces); else the facts."""
    if not isinstance(notebook_login, str) or not notebook_login.strip():
        return {"login_flag": "missing", "owner_login": owner}
    if notebook_login.strip().lower() != owner.strip().lower():
        return {
            "login_flag": "mismatch",
            "notebook_login": notebook_login.strip()[:200],
            "owner_login": owner,
        }
    return {}


@dataclass(frozen=True)
class StudentKey:
    """One file's terms: whose it is and the assignment it is graded against."""

    login: str
    assignment: Assignment
    run: StudentRun
    digest: str
    """Names the owner and their key: part of the result's fingerprint, so resume grades the file
    again when either changes."""


@dataclass(frozen=True)
class StudentKeys:
    """The course's per-student keys: the roster, and each (needed) student's values and key."""

    assignment: Assignment
    """The course's own (its checks are the course's answers)."""
    roster: Roster
    course_file: dict
    keys: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    """login (as on the roster) -> (values, check-file data)."""

    def owner(self, submission: Submission) -> Student | None:
        if submission.ambiguous:  # a Canvas name with several users' ids: nobody's for sure
            return None
        return self.roster.owner(submission.lms, submission.lms_id, submission.source)

    def key(self, student: Student) -> StudentKey:
        values, data = self.keys[student.login]
        data = {k: v for k, v in data.items() if k != "parameters"}
        checks = CheckFile.model_validate(data)
        assignment = self.assignment.with_checks(checks)
        digest = hashlib.sha256(
            f"{student.login.strip().lower()}|{key_digest(assignment)}".encode()
        ).hexdigest()[:16]
        run = StudentRun(login=student.login, values=values, course_file=self.course_file)
        return StudentKey(student.login, assignment, run, digest)

    def terms(self) -> str:
        return self.roster.digest()


def course_file(checks: CheckFile, salt: str, values: dict) -> dict:
    """The course's check file as the per-student release writes it, in the form the grader's
    sandboxes hold (`grading_spec`: no digests; its `course_salt` names each student's file)."""
    return dict(grading_spec(checks, course_salt=salt), values=values)


def student_keys(
    assignment: Assignment, roster: Roster, secret: str, students: list[Student], cache=None
) -> StudentKeys:
    """The keys of `students` (those who handed something in), computed from the secret: the
    solution notebook runs once for every student not computed before (variants.py caches them),
    all in one kernel."""
    from ..variants import cached_check_data_many, course_salt

    name = assignment.name
    logins = sorted({s.login for s in students}, key=str.lower)
    keys = cached_check_data_many(assignment.answers_dir, name, secret, ["", *logins], cache)
    course_values, course_data = keys.pop("")
    course = CheckFile.model_validate(course_data)
    return StudentKeys(
        assignment=assignment,
        roster=roster,
        course_file=course_file(course, course_salt(secret), course_values),
        keys=keys,
    )


def unknown_owner(submission: Submission) -> dict:
    """The detail of a row whose owner is not on the roster."""
    return {"identity": identity_text(submission.lms, submission.lms_id, submission.source)}
