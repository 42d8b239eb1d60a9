"""Build a wheel of the installed coursebook package, from its checkout, for an autograder to
install.

The wheel holds the package's code and package data only (the setuptools configuration in
pyproject.toml decides): never the instructor's answers, exercises or submissions.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from ...errors import AutograderBuildError
from ..exercise.private_cache import private_folder

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


IGNORED = ("__pycache__", "*.pyc", "*.egg-info")


def _sources_key(root: Path) -> str:
    """A hash of everything the wheel is built from (and of the Python building it)."""
    digest = hashlib.sha256(sys.version.encode())
    files = [root / "pyproject.toml", root / "README.md"]
    files += sorted(
        path
        for path in (root / "coursebook").rglob("*")
        if path.is_file()
        and not any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in IGNORED)
    )
    for path in files:
        digest.update(f"{path.relative_to(root)}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def build_wheel(dest: Path) -> Path:
    """The package as a wheel in `dest`, built from a clean copy of its sources (the checkout is not
    touched). Kept in a private folder by the hash of those sources: the next autograder built from
    the same code reuses it (pip's build takes seconds)."""
    root = project_root()
    dest.mkdir(parents=True, exist_ok=True)
    kept = private_folder(Path(tempfile.gettempdir()), "wheels")
    home = kept / _sources_key(root) if kept is not None else None
    wheels = sorted(home.glob("coursebook-*.whl")) if home is not None and home.is_dir() else []
    if len(wheels) == 1:
        return _checked_copy(wheels[0], dest)
    with tempfile.TemporaryDirectory(prefix="coursebook-wheel-") as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, copy / name)
        shutil.copytree(
            root / "coursebook",
            copy / "coursebook",
            ignore=shutil.ignore_patterns(*IGNORED),
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
        built = _checked_copy(wheels[0], dest)
        if home is not None:
            with contextlib.suppress(OSError):  # another process may have kept it meanwhile
                os.rename(wheels[0].parent, home)
        return built


def _checked_copy(wheel: Path, dest: Path) -> Path:
    version = package_version()
    if f"-{version}-" not in wheel.name:
        raise AutograderBuildError(
            f"the checkout builds {wheel.name} but the installed package is "
            f"{version}: reinstall it (make env)"
        )
    return Path(shutil.copy2(wheel, dest / wheel.name))
