"""One exercise as the grader sees it: its checks, limits, rubric, title and LMS names, loaded once.

`Assignment.load(answers_dir, name)` reads `answers/checks/<name>.yml` (the tasks with their
answers, and an optional `limits:` section), the rubric from `answers/<name>.ipynb`, and applies
the limits given on the command line over the file's. `grade`, `gradebook merge`, the Gradescope
zip and its runner all start from this object, so they grade one exercise under the same terms.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ...errors import UnknownExerciseError
from .checks import load_check_file
from .limits import SETTINGS, Limits
from .rubric import rubric_text
from .task import CheckFile


def exercise_names(answers_dir: Path) -> list[str]:
    """The exercises that have a check file in `answers_dir/checks/`."""
    return sorted(path.stem for path in (answers_dir / "checks").glob("*.yml"))


@lru_cache(maxsize=1)
def package_version() -> str:
    try:
        return metadata.version("coursebook")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@dataclass(frozen=True)
class Assignment:
    name: str
    """The exercise's name: its check file is `checks/<name>.yml`."""
    title: str
    checks: CheckFile
    limits: Limits
    rubric: str
    """The marking rubric for feedback pages ("" when the answers notebook is not at hand)."""
    canvas_assignment: str
    """The column of canvas-grades.csv: the option, else the check file's, else the title."""
    answers_dir: Path
    check_path: Path
    solution_path: Path
    """The answers notebook (`answers/<name>.ipynb`), which holds the rubric."""

    @classmethod
    def load(
        cls,
        answers_dir: str | Path,
        name: str,
        *,
        canvas_assignment: str = "",
        **limit_overrides: Any,
    ) -> Assignment:
        """The exercise `name` from `answers_dir`; `limit_overrides` (the `limits:` keys, None for
        "not given") override the check file's limits.

        Raises UnknownExerciseError (no check file), CheckFileError (an invalid one) and ValueError
        (a limit out of range).
        """
        unknown = set(limit_overrides) - set(SETTINGS)
        if unknown:
            raise TypeError(
                f"unknown limit {sorted(unknown)[0]!r}; the limits are {', '.join(SETTINGS)}"
            )
        answers_dir = Path(answers_dir)
        check_path = answers_dir / "checks" / f"{name}.yml"
        if not check_path.is_file():
            raise UnknownExerciseError(_unknown_message(answers_dir, name, check_path))
        checks = load_check_file(check_path)
        limits = Limits.from_settings(checks.limits.model_dump(), limit_overrides)
        solution_path = answers_dir / f"{name}.ipynb"
        return cls(
            name=name,
            title=checks.title,
            checks=checks,
            limits=limits,
            rubric=rubric_text(solution_path),
            canvas_assignment=canvas_assignment or checks.canvas_assignment or checks.title,
            answers_dir=answers_dir,
            check_path=check_path,
            solution_path=solution_path,
        )

    def fingerprint(self) -> str:
        """What a grade depends on besides the submission: the answer key (tasks, answers, points,
        hints), the limits and the package's version. Stable across runs; changes with any of
        them."""
        key = self.checks.model_dump(mode="json", include={"exercise", "tasks"})
        terms = {"key": key, "limits": self.limits.fingerprint(), "version": package_version()}
        return hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()[:16]

    def with_checks(self, checks: CheckFile) -> Assignment:
        """The same assignment graded against other checks (e.g. a course variant's own answers);
        its limits, rubric and names stay as loaded."""
        return replace(self, checks=checks)


def _unknown_message(answers_dir: Path, name: str, check_path: Path) -> str:
    known = exercise_names(answers_dir)
    message = f"no check file {check_path}; exercises: {', '.join(known) or 'none'}"
    close = difflib.get_close_matches(name, known, n=1)
    return message + (f"; did you mean {close[0]}?" if close else "")
