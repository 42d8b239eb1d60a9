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

A zip built with a roster (per-student values) grades the notebook against its submitter's own key:
the submitter is the first user of `submission_metadata.json` on the roster (matched by email, or
by student ID where the list has no email, and then the result's detail says so: roster.py); a
submission from nobody on the roster gets a `not-on-roster` result, and
a notebook whose `login` is not the submitter's is flagged (grader/per_student.py).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import tempfile
import threading
import traceback
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from ..exercise.assignment import Assignment
from ..exercise.limits import Limits
from ..exercise.task import CheckFile
from ..grader.feedback import student_login_note
from ..grader.per_student import StudentKey, StudentKeys
from ..grader.results import Status, SubmissionResult, TaskResult, Verdict
from ..grader.run import grade_submission, preflight
from ..grader.sandbox import sandbox_problem
from ..grader.writers import describe
from .gradescope import CONFIG, STUDENTS, read_students
from .gradescope_results import gradescope_results
from .own_user import grade_as_own_user

IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints")
DEADLINE_EXTRA = 180  # beyond the notebook's hard limit: start-up, the answers, the own-user child
GRADER_MB = 256  # what the grading process itself needs beside the kernel, roughly


class SetupProblem(RuntimeError):
    """The autograder itself is broken (config, answer key, package version): the instructor's to
    fix."""


def load_setup(root: Path) -> tuple[dict, Assignment]:
    """The zip's configuration and the Assignment rebuilt from its check file, under the limits in
    force when the zip was built."""
    source = root / "source"
    try:
        config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
        assignment = replace(
            Assignment.load(source, config["exercise"]), limits=Limits(**config["limits"])
        )
    except Exception as exc:  # any failure here is the autograder's, reported the same way
        raise SetupProblem(
            f"cannot read the autograder's configuration in {source}: {exc}"
        ) from None
    installed = metadata.version("coursebook")
    if installed != config["package"]["version"]:
        raise SetupProblem(
            f"coursebook {installed} is installed but the autograder was built with "
            f"{config['package']['version']}"
        )
    return config, assignment


def find_notebooks(folder: Path) -> tuple[list[Path], list[str]]:
    """(notebooks, every file received), ignoring editor leftovers and never following links.

    Walked without recursion (a folder may be nested thousands deep); only regular files count as
    notebooks (a FIFO or a device named `.ipynb` is never opened).
    """
    notebooks: list[Path] = []
    received: list[str] = []
    pending = [folder] if folder.is_dir() and not folder.is_symlink() else []
    while pending and len(received) < 100_000:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            relative = path.relative_to(folder)
            if any(part.startswith(".") or part in IGNORED_PARTS for part in relative.parts):
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
                continue
            received.append(relative.as_posix())
            if path.suffix.lower() == ".ipynb" and stat.S_ISREG(mode):
                notebooks.append(path)
    return sorted(notebooks), sorted(received)


def _users(root: Path) -> list:
    try:
        users = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        users = users.get("users") or []
        return users if isinstance(users, list) else []
    except (OSError, ValueError, AttributeError):
        return []


def _students(root: Path) -> str:
    return ", ".join(str(user.get("name", "")) for user in _users(root) if isinstance(user, dict))


def load_students(root: Path, config: dict, assignment: Assignment) -> StudentKeys | None:
    """The per-student keys of a zip built with a roster, else None."""
    if not config.get("per_student"):
        return None
    path = root / "source" / STUDENTS
    try:
        return read_students(json.loads(path.read_text(encoding="utf-8")), assignment)
    except Exception as exc:  # the autograder's own failure, reported as the configuration's
        raise SetupProblem(
            f"cannot read the class list of the autograder in {path}: {exc}"
        ) from None


def _submitter(users: list) -> str:
    said = [
        str(user.get("email") or user.get("sid") or user.get("name") or "")
        for user in users
        if isinstance(user, dict)
    ]
    return "gradescope submitter " + (", ".join(s for s in said if s) or "unknown")


def _not_graded(checks: CheckFile, source: str, reason: str, **detail) -> SubmissionResult:
    return SubmissionResult(
        student="",
        source=source,
        status=Status.NOT_A_NOTEBOOK,
        sandboxed=False,
        tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
        detail={"reason": reason, **detail},
    )


def _sandbox_note(problem: str) -> str:
    if not problem:
        return "Your notebook ran in the grader's sandbox (bubblewrap)."
    own_user = (
        " under a user of its own that cannot read the answer key" if os.geteuid() == 0 else ""
    )
    return (
        "Your notebook ran without the grader's sandbox (bubblewrap), which this container does "
        "not allow; the container, which holds only your submission, isolated it, and it "
        f"ran{own_user}."
    )


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
        note = (
            f"No notebook (.ipynb) was found in your submission (received: {listed}). Submit your "
            "exercise notebook."
            if not notebooks
            else (
                f"Your submission holds {len(notebooks)} notebooks ({listed}); submit exactly one."
            )
        )
        notes = (note,)
        return gradescope_results(
            result, checks, limits, notes=notes, version=config["package"]["version"]
        ), result
    notebook = notebooks[0]
    keys = load_students(root, config, assignment)
    key: StudentKey | None = None
    identity_note = ""
    if keys is not None:
        match = keys.roster.gradescope_match(_users(root))
        owner, identity_note = match.student, match.note()
        if owner is None:  # nobody's values to grade it with: a result saying so, not run
            result = SubmissionResult(
                student=_students(root),
                source=notebook.relative_to(root / "submission").as_posix(),
                status=Status.NOT_ON_ROSTER,
                sandboxed=False,
                tasks={
                    t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks
                },
                detail={"identity": _submitter(_users(root)), "identity_note": match.note()},
            )
            version = config["package"]["version"]
            return gradescope_results(result, checks, limits, version=version), result
        key = keys.key(owner)
        checks = key.assignment.checks
    run = key.run if key is not None else None
    if signal.getsignal(signal.SIGALRM) is _deadline:  # under main(): nothing may outlast this
        signal.alarm(limits.hard_timeout + DEADLINE_EXTRA)
    if problem and os.geteuid() == 0:
        os.chmod(root / "source", 0o700)  # setup.sh did this; a rebuilt image must not depend on it
        result = grade_as_own_user(notebook, checks, limits, student=run)
    else:
        result = grade_submission(notebook, checks, limits, sandbox=not problem, student=run)
        if (
            not problem
            and os.geteuid() == 0
            and result.status is Status.GRADER_ERROR
            and result.detail.get("reason") == "kernel-did-not-start"
        ):
            # bubblewrap runs here but a kernel cannot start in it: the grader's set-up, never the
            # student's fault; grade as in a container without namespaces, and say why.
            problem = f"a kernel could not start in the sandbox ({result.detail.get('error', '')})"
            os.chmod(root / "source", 0o700)
            result = grade_as_own_user(notebook, checks, limits, student=run)
    result = replace(
        result, student=_students(root), source=notebook.relative_to(root / "submission").as_posix()
    )
    if identity_note:  # the instructor's (extra_data), never the student's output
        result.detail["identity_note"] = identity_note
    login = student_login_note(result.detail)
    results = gradescope_results(
        result,
        checks,
        limits,
        sandbox_note=_sandbox_note(problem),
        notes=(login,) if login else (),
        version=config["package"]["version"],
    )
    if problem:
        results["extra_data"]["sandbox_problem"] = (
            problem  # the instructor's to read; students see the note
        )
    warning = memory_warning(limits)
    if warning:
        result.detail["container_memory"] = warning
        results["extra_data"]["container_memory"] = warning
        if result.status is Status.CRASHED:  # most likely Gradescope's own limit: say so
            results["output"] += (
                f"\nThis autograder's container has {container_memory_mb()} MB of memory, "
                f"less than the {limits.memory_mb} MB this exercise allows: if your notebook "
                "used more than the container holds, Gradescope stopped it. Tell your instructor."
            )
    return results, result


def failure_results(message: str) -> dict:
    """results.json when the autograder itself fails: the student is told it is not their fault."""
    return {
        "score": 0,
        "output": "The autograder could not grade this submission because of a problem of its own, "
        "not of your notebook; your instructor can see the details.",
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [],
        "extra_data": {"status": Status.GRADER_ERROR.value, "error": message[-2000:]},
    }


def readable(value, depth: int = 0):
    """`value` with every string made encodable (a lone surrogate becomes '?'), for JSON."""
    if depth > 50:
        return "..."
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {readable(str(k)): readable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable(v, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else 0.0
    return readable(str(value))


def write_results(root: Path, results: dict) -> Path:
    """Write-then-rename: Gradescope never reads half a file, and a file planted there is replaced.

    Whatever `results` holds (a lone surrogate in a name or an essay, a NaN), the file written is
    strict JSON in UTF-8 that reads back; if even that fails, the grader's own failure is written.
    """
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        text = json.dumps(readable(results), indent=1, ensure_ascii=False, allow_nan=False)
        json.loads(text)
    except (ValueError, TypeError, RecursionError) as exc:
        failed = failure_results(f"results could not be written: {exc}")
        text = json.dumps(readable(failed), indent=1)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".results.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        target = folder / "results.json"
        os.replace(partial, target)
    finally:
        if os.path.lexists(partial):
            os.unlink(partial)
    os.chmod(target, 0o644)
    return target


class GradingDeadline(Exception):
    """The whole run went past the notebook's hard limit plus the grader's allowance."""


def _deadline(_signum, _frame):
    raise GradingDeadline("grading did not finish within its time limit")


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a student's file name may not be valid UTF-8
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
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
        try:
            keys = load_students(root, config, assignment)
        except SetupProblem as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        problem = sandbox_problem()
        checks, limits = assignment.checks, assignment.limits
        if not problem:  # bubblewrap runs: does a kernel start in it? (each run falls back if not)
            started = preflight(checks, limits)
            problem = f"usable, but {started}" if started else ""
        print(
            f"autograder ready: {checks.exercise}, {len(checks.tasks)} tasks, "
            f"{checks.total_points:g} points, coursebook {config['package']['version']}; "
            f"sandbox: {problem or 'usable (a kernel started in it)'}"
        )
        if keys is not None:
            print(
                f"per-student values: {len(keys.keys)} students on the class list "
                f"{keys.roster.source}, each graded against their own answers"
            )
        warning = memory_warning(limits)
        if warning:
            print(f"warning: {warning}")
        return 0
    in_main = threading.current_thread() is threading.main_thread()  # signals work there only
    previous = signal.signal(signal.SIGALRM, _deadline) if in_main else None
    try:
        try:
            results, result = grade(root)
        finally:
            if in_main:
                signal.alarm(0)
        write_results(root, results)
    except Exception as exc:  # the autograder's own failure still leaves a results.json
        print(traceback.format_exc(), file=sys.stderr)
        write_results(root, failure_results(f"{type(exc).__name__}: {exc}"))
        return 1
    finally:
        if in_main:
            signal.signal(signal.SIGALRM, previous)
    # stdout is the instructor's (Gradescope shows it to them only: stdout_visibility hidden)
    if result is not None:
        sandboxed = "sandboxed" if result.sandboxed else "unsandboxed"
        print(
            f"{result.student or 'submission'} ({result.source}): {result.status.value}, "
            f"{result.total:g} of {result.max_total:g}, {sandboxed}, "
            f"{result.seconds:.1f} s; {describe(result)}"
        )
        if not result.sandboxed:
            why = results["extra_data"].get("sandbox_problem") or sandbox_problem()
            print(f"unsandboxed because: {why}")
        if result.detail.get("container_memory"):
            print(f"warning: {result.detail['container_memory']}")
    return 0


def container_memory_mb() -> int | None:
    """The memory limit of this container's cgroup in MB (v2 or v1), or None when there is none."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            return int(text) // 2**20
    return None


def memory_warning(limits: Limits) -> str:
    """'' or one line: the container holds less memory than the course's --memory-mb allows."""
    container = container_memory_mb()
    if container is None or container >= limits.memory_mb + GRADER_MB:
        return ""
    return (
        f"Gradescope's container has {container} MB of memory but the course allows "
        f"{limits.memory_mb} MB per process (--memory-mb): a notebook that uses more than the "
        "container holds is killed by Gradescope and scores 0. Raise the container's memory in "
        "the assignment's autograder settings, or build the zip with a lower --memory-mb."
    )


if __name__ == "__main__":
    sys.exit(main())
