"""Build a Gradescope autograder zip for one exercise.

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip with
`setup.sh` and `run_autograder` at its root; Gradescope unpacks it into /autograder/source, runs
`setup.sh` once as root to build the image, and runs `run_autograder` for every submission. As
otter-grader's `otter generate` does (otter/generate/__init__.py), the zip carries the scripts,
the grader's configuration and the tests; unlike otter, the package is installed from a wheel
built here, so the container grades with exactly this version's code, and pip's constraints pin
every dependency.

Layout of the zip:
    setup.sh, run_autograder          the two scripts Gradescope requires
    coursebook-autograder.json        exercise, limits, package version (read by gradescope_run)
    checks/<exercise>.yml             this exercise's check file (answer key and `limits:`), and no
                                      other file of the instructor's (gradescope_run rebuilds the
                                      Assignment from these two; the limits in the JSON are the
                                      ones in force, command-line options included)
    wheels/coursebook-<v>-*.whl       the package
    constraints.txt                   every dependency's pinned version
    students.json                     with a roster (per-student values) only: the class list, the
                                      course's public check file, and each student's values and
                                      computed answer key (never the secret or the solution)
"""

from __future__ import annotations

import json
import stat
import tempfile
import zipfile
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import yaml

from ..exercise.assignment import Assignment
from ..grader.per_student import StudentKeys
from ..roster import Roster, Student
from .package import build_wheel, package_version, project_root

CONFIG = "coursebook-autograder.json"
STUDENTS = "students.json"
SCRIPTS = ("setup.sh", "run_autograder")
EXECUTABLE = 0o755 << 16 | stat.S_IFREG << 16  # zip external attributes: a regular file, rwxr-xr-x
REGULAR = 0o644 << 16 | stat.S_IFREG << 16


def config_for(assignment: Assignment, per_student: bool = False) -> dict:
    return {
        "exercise": assignment.name,
        "title": assignment.title,
        "limits": asdict(assignment.limits),
        "package": {"name": "coursebook", "version": package_version()},
        "per_student": per_student,
    }


def students_data(keys: StudentKeys) -> dict:
    """What the runner needs to grade each student against their own key (`read_students`)."""
    return {
        "roster": {
            "source": Path(keys.roster.source).name,
            "column": keys.roster.column,
            "students": [asdict(student) for student in keys.roster.students],
        },
        "course_file": keys.course_file,
        "keys": {
            login: {"values": values, "checks": _without_parameters(data)}
            for login, (values, data) in keys.keys.items()
        },
    }


def read_students(data: dict, assignment: Assignment) -> StudentKeys:
    """`students_data` read back, for `assignment` (the zip's course key)."""
    roster = Roster(
        tuple(Student(**student) for student in data["roster"]["students"]),
        data["roster"]["source"],
        data["roster"]["column"],
    )
    keys = {login: (key["values"], key["checks"]) for login, key in data["keys"].items()}
    return StudentKeys(assignment, roster, data["course_file"], keys)


def _without_parameters(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "parameters"}


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = REGULAR) -> None:
    info = zipfile.ZipInfo(
        name, date_time=(2026, 1, 1, 0, 0, 0)
    )  # fixed: the same inputs give the same zip
    info.external_attr = mode
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _check_file(assignment: Assignment) -> bytes:
    """The check file as graded: the file itself, or a course's own computed answers
    (variants.py)."""
    from ..exercise.checks import load_check_file

    if assignment.checks == load_check_file(assignment.check_path):
        return assignment.check_path.read_bytes()
    data = assignment.checks.model_dump(mode="json", exclude_defaults=True)
    data.pop(
        "parameters", None
    )  # the answers are computed: the zip needs no secret and no solution
    return (
        "# This course's own answers, computed by coursebook from its secret.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    ).encode()


def build_autograder(assignment: Assignment, out: Path, keys: StudentKeys | None = None) -> Path:
    """Write the autograder zip for `assignment` to `out`; returns `out`. `keys`: every roster
    student's (per-student values), so each submission is graded against its submitter's."""
    templates = resources.files(__package__) / "templates"
    constraints = (project_root() / "constraints.txt").read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coursebook-autograder-") as tmp:
        wheel = build_wheel(Path(tmp))
        partial = out.with_name(f".{out.name}.partial")
        with zipfile.ZipFile(partial, "w") as archive:
            for script in SCRIPTS:
                _add(archive, script, (templates / script).read_bytes(), EXECUTABLE)
            config = config_for(assignment, per_student=keys is not None)
            _add(archive, CONFIG, json.dumps(config, indent=1).encode())
            _add(archive, f"checks/{assignment.name}.yml", _check_file(assignment))
            if keys is not None:
                _add(archive, STUDENTS, json.dumps(students_data(keys)).encode())
            _add(archive, f"wheels/{wheel.name}", wheel.read_bytes())
            _add(archive, "constraints.txt", constraints)
        partial.replace(out)
    return out
