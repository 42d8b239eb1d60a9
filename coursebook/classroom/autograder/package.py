"""Build a wheel of the installed coursebook package, from its checkout, for an autograder to
install.

The wheel holds the package's code and package data only (the setuptools configuration in
pyproject.toml decides): never the instructor's answers, exercises or submissions.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from ...errors import AutograderBuildError

PROJECT_FILES = ("pyproject.toml", "README.md", "constraints.txt")


def project_root() -> Path:
    """The checkout the running package comes from (an editable install, as `make env` makes)."""
    root = Path(__file__).resolve().parents[3]  # autograder -> classroom -> coursebook -> checkout
    missing = [name for name in PROJECT_FILES if not (root / name).is_file()]
    if missing:
        raise AutograderBuildError(
            f"cannot build the package for the autograder: {', '.join(missing)} not found "
            f"in {root}; run the command from a checkout of the course book (make env)"
        )
    return root


def package_version() -> str:
    return metadata.version("coursebook")


def build_wheel(dest: Path) -> Path:
    """The package as a wheel in `dest`, built from a clean copy of its sources (the checkout is not
    touched)."""
    root = project_root()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coursebook-wheel-") as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, copy / name)
        shutil.copytree(
            root / "coursebook",
            copy / "coursebook",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--quiet",
                "--disable-pip-version-check",
                "--wheel-dir",
                str(Path(tmp) / "wheel"),
                str(copy),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            raise AutograderBuildError(f"building the coursebook wheel failed:\n{tail}")
        wheels = list((Path(tmp) / "wheel").glob("coursebook-*.whl"))
        if len(wheels) != 1:
            raise AutograderBuildError(
                f"building the coursebook wheel produced {len(wheels)} wheels, expected one"
            )
        version = package_version()
        if f"-{version}-" not in wheels[0].name:
            raise AutograderBuildError(
                f"the checkout builds {wheels[0].name} but the installed package is "
                f"{version}: reinstall it (make env)"
            )
        return Path(shutil.copy2(wheels[0], dest / wheels[0].name))
