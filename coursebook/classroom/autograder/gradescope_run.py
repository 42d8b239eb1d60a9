"""What the autograder zip's `run_autograder` runs in Gradescope's container, once per submission.

    python -m coursebook.classroom.autograder.gradescope_run [--check] ROOT

ROOT is laid out as Gradescope lays out /autograder: `source/` (the unpacked zip), `submission/`
(the student's files), `results/` (where `results.json` goes) and `submission_metadata.json`.
It grades the one notebook in `submission/` with `grade_submission`, the function `coursebook grade`
runs for each file, under the limits stored in the zip, and always leaves a `results.json`: for a
submission with no notebook or several, for a crash or a timeout, and for a failure of its own.

Where the container forbids the namespaces bubblewrap needs (Docker's default seccomp profile does),
the kernel runs unsandboxed: the container, which holds this one submission only, is the isolation,
and the grading runs under a uid of its own (`own_user`) that cannot read `source/` (setup.sh made
it root's alone) or write `results/`. results.json says which way it ran.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from ..exercise.assignment import Assignment
from ..exercise.limits import Limits
from ..exercise.task import CheckFile
from ..grader.results import Status, SubmissionResult, TaskResult, Verdict
from ..grader.run import grade_submission
from ..grader.sandbox import sandbox_problem
from ..grader.writers import describe
from .gradescope import CONFIG
from .gradescope_results import gradescope_results
from .own_user import grade_as_own_user

IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints")


class SetupProblem(RuntimeError):
    """The autograder itself is broken (config, answer key, package version): the instructor's to fix."""


def load_setup(root: Path) -> tuple[dict, Assignment]:
    """The zip's configuration and the Assignment rebuilt from its check file, under the limits in
    force when the zip was built."""
    source = root / "source"
    try:
        config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
        assignment = replace(Assignment.load(source, config["exercise"]),
                             limits=Limits(**config["limits"]))
    except Exception as exc:  # any failure here is the autograder's, reported the same way
        raise SetupProblem(f"cannot read the autograder's configuration in {source}: {exc}") from None
    installed = metadata.version("coursebook")
    if installed != config["package"]["version"]:
        raise SetupProblem(f"coursebook {installed} is installed but the autograder was built with "
                           f"{config['package']['version']}")
    return config, assignment


def find_notebooks(folder: Path) -> tuple[list[Path], list[str]]:
    """(notebooks, every file received), ignoring editor leftovers and never following links."""
    notebooks, received = [], []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part in IGNORED_PARTS for part in relative.parts) or path.is_dir():
            continue
        received.append(relative.as_posix())
        if path.suffix.lower() == ".ipynb" and path.is_file() and not path.is_symlink():
            notebooks.append(path)
    return notebooks, received


def _students(root: Path) -> str:
    try:
        users = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8")).get("users") or []
        return ", ".join(str(user.get("name", "")) for user in users if isinstance(user, dict))
    except (OSError, ValueError, AttributeError):
        return ""


def _not_graded(checks: CheckFile, source: str, reason: str, **detail) -> SubmissionResult:
    return SubmissionResult(student="", source=source, status=Status.NOT_A_NOTEBOOK, sandboxed=False,
                            tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
                            detail={"reason": reason, **detail})


def _sandbox_note(problem: str) -> str:
    if not problem:
        return "Your notebook ran in the grader's sandbox (bubblewrap)."
    own_user = " under a user of its own that cannot read the answer key" if os.geteuid() == 0 else ""
    return ("Your notebook ran without the grader's sandbox (bubblewrap), which this container does not allow; "
            f"the container, which holds only your submission, isolated it, and it ran{own_user}.")


def grade(root: Path) -> tuple[dict, SubmissionResult | None]:
    """(results.json as a dict, the result) for the submission under `root`."""
    config, assignment = load_setup(root)
    checks, limits = assignment.checks, assignment.limits
    notebooks, received = find_notebooks(root / "submission")
    notes: tuple[str, ...] = ()
    problem = sandbox_problem()
    if len(notebooks) != 1:
        reason = "no-notebook" if not notebooks else "several-notebooks"
        result = _not_graded(checks, ", ".join(received), reason, received=received[:50])
        listed = ", ".join(received[:20]) or "nothing"
        notes = ((f"No notebook (.ipynb) was found in your submission (received: {listed}). Submit your "
                  "exercise notebook." if not notebooks else
                  f"Your submission holds {len(notebooks)} notebooks ({listed}); submit exactly one."),)
        return gradescope_results(result, checks, limits, notes=notes, version=config["package"]["version"]), result
    notebook = notebooks[0]
    if problem and os.geteuid() == 0:
        os.chmod(root / "source", 0o700)  # setup.sh did this; a rebuilt image must not depend on it
        result = grade_as_own_user(notebook, checks, limits)
    else:
        result = grade_submission(notebook, checks, limits, sandbox=not problem)
    result = replace(result, student=_students(root), source=notebook.relative_to(root / "submission").as_posix())
    results = gradescope_results(result, checks, limits, sandbox_note=_sandbox_note(problem),
                                 version=config["package"]["version"])
    if problem:
        results["extra_data"]["sandbox_problem"] = problem  # the instructor's to read; students see the note
    return results, result


def failure_results(message: str) -> dict:
    """results.json when the autograder itself fails: the student is told it is not their fault."""
    return {"score": 0, "output": "The autograder could not grade this submission because of a problem of its own, "
                                  "not of your notebook; your instructor can see the details.",
            "output_format": "text", "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"status": Status.GRADER_ERROR.value, "error": message[-2000:]}}


def write_results(root: Path, results: dict) -> Path:
    """Write-then-rename: Gradescope never reads half a file, and a file planted there is replaced."""
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".results.", suffix=".partial")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1, ensure_ascii=False)
    target = folder / "results.json"
    os.replace(partial, target)
    os.chmod(target, 0o644)
    return target


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check_only = "--check" in args
    args = [a for a in args if a != "--check"]
    root = Path(args[0] if args else "/autograder")
    if check_only:  # from setup.sh: fail the image build with a message if anything is wrong
        try:
            config, assignment = load_setup(root)
        except SetupProblem as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        problem = sandbox_problem()
        checks = assignment.checks
        print(f"autograder ready: {checks.exercise}, {len(checks.tasks)} tasks, {checks.total_points:g} points, "
              f"coursebook {config['package']['version']}; sandbox: {problem or 'usable'}")
        return 0
    try:
        results, result = grade(root)
    except Exception as exc:  # the autograder's own failure still leaves a results.json
        print(traceback.format_exc(), file=sys.stderr)
        write_results(root, failure_results(f"{type(exc).__name__}: {exc}"))
        return 1
    write_results(root, results)
    # stdout is the instructor's (Gradescope shows it to them only: stdout_visibility hidden)
    if result is not None:
        print(f"{result.student or 'submission'} ({result.source}): {result.status.value}, "
              f"{result.total:g} of {result.max_total:g}, {'sandboxed' if result.sandboxed else 'unsandboxed'}, "
              f"{result.seconds:.1f} s; {describe(result)}")
        if not result.sandboxed:
            print(f"unsandboxed because: {sandbox_problem()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
