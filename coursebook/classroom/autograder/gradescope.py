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
from .package import build_wheel, package_version, project_root

CONFIG = "coursebook-autograder.json"
SCRIPTS = ("setup.sh", "run_autograder")
EXECUTABLE = 0o755 << 16 | stat.S_IFREG << 16  # zip external attributes: a regular file, rwxr-xr-x
REGULAR = 0o644 << 16 | stat.S_IFREG << 16


def config_for(assignment: Assignment) -> dict:
    return {
        "exercise": assignment.name,
        "title": assignment.title,
        "limits": asdict(assignment.limits),
        "package": {"name": "coursebook", "version": package_version()},
    }


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


def build_autograder(assignment: Assignment, out: Path) -> Path:
    """Write the autograder zip for `assignment` to `out`; returns `out`."""
    templates = resources.files(__package__) / "templates"
    constraints = (project_root() / "constraints.txt").read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coursebook-autograder-") as tmp:
        wheel = build_wheel(Path(tmp))
        partial = out.with_name(f".{out.name}.partial")
        with zipfile.ZipFile(partial, "w") as archive:
            for script in SCRIPTS:
                _add(archive, script, (templates / script).read_bytes(), EXECUTABLE)
            _add(archive, CONFIG, json.dumps(config_for(assignment), indent=1).encode())
            _add(archive, f"checks/{assignment.name}.yml", _check_file(assignment))
            _add(archive, f"wheels/{wheel.name}", wheel.read_bytes())
            _add(archive, "constraints.txt", constraints)
        partial.replace(out)
    return out
