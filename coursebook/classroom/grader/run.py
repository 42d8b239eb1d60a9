"""Grade one submission: read it, run it in its sandbox under limits, read its answers, compare.

The comparison happens here, in the grader's process, with `checks.matches`, against the
instructor's check file, which never enters the sandbox. Every file yields one result, whatever it
holds or does; `grade_submission` never raises for anything a submission does.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import subprocess
import threading
import time
import traceback
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError

from ..exercise.checks import grading_spec, matches
from ..exercise.limits import Limits
from ..exercise.task import CheckFile
from ..student_edition import WRITTEN_TAG
from .extract import answer_file_name, contains_unsupported, extraction_cell, read_answers
from .kernel import (
    LimitedClient,
    Watchdog,
    final_kill,
    kernel_manager,
    kill_kernel_processes,
    kill_uid,
    reap_killed,
)
from .notebook_file import MAX_CELLS, MAX_NOTEBOOK_BYTES, read_submission  # noqa: F401
from .per_student import LOGIN_VARIABLE, StudentRun, login_flag, released_per_student
from .results import Status, SubmissionResult, TaskResult, Verdict
from .sandbox import INSIDE_IPC, Sandbox, SandboxUnavailable

KEEPS_POINTS = (Status.OK, Status.ERRORS, Status.MEMORY, Status.OUTPUT_LIMIT)


def written_response(nb) -> str:
    """The written-response cells' text; a lone surrogate (valid JSON, not UTF-8) becomes '?'."""
    texts = [
        cell.source
        for cell in nb.cells
        if WRITTEN_TAG in (cell.get("metadata", {}).get("tags") or [])
    ]
    return "\n\n".join(texts).strip().encode("utf-8", "replace").decode("utf-8")


DEFAULT_LIMITS = Limits()


def grade_submission(
    path,
    checks: CheckFile,
    limits: Limits = DEFAULT_LIMITS,
    *,
    sandbox: bool = True,
    work_root: Path | None = None,
    student: StudentRun | None = None,
) -> SubmissionResult:
    """Run and grade one submission. Identity (`student`) and `fingerprint` are the caller's to set.

    `student`: per-student values (grader/per_student.py): `checks` is then the owner's key, the
    sandbox holds the owner's check files, and the notebook's `login` is compared with the owner's.

    The sandbox's folder is made in `work_root` (default: the system's temporary folder) and
    removed. The sandbox holds the exercise's check file in its grading form (`grading_spec`: no
    digests, so the notebook's `check()` compares nothing; the grade is decided here).
    """
    started = time.monotonic()
    path = Path(path)
    result = SubmissionResult(
        student="",
        source=path.name,
        status=Status.GRADER_ERROR,
        sandboxed=sandbox,
        tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
    )
    try:
        _grade(path, checks, limits, sandbox, result, work_root, student)
    except Exception as exc:  # the grader's own failure on this file: a row, and the class goes on
        result.status = Status.GRADER_ERROR
        result.detail = {
            "exception": type(exc).__name__,
            "error": str(exc)[:300],
            "where": traceback.format_exc(limit=-3)[-1500:],
        }
        for task in result.tasks.values():
            task.points, task.verdict = 0.0, Verdict.NOT_RUN
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _grade(
    path: Path,
    checks: CheckFile,
    limits: Limits,
    sandboxed: bool,
    result: SubmissionResult,
    work_root,
    student: StudentRun | None = None,
) -> None:
    nb, problem = read_submission(path)
    if nb is None:
        result.status, result.detail = problem
        return
    result.written_response = written_response(nb)
    box = Sandbox.create(work_root)
    try:
        answers, status, detail = _run(nb, checks, limits, box, sandboxed, student)
    finally:
        if not sandboxed and box.uid is not None:
            # a root grader's kernel ran on the host as the box's uid: a process it detached from
            # its group (a session of its own) outlived the group's SIGKILL
            kill_uid(box.uid)
        box.remove()
    result.status, result.detail = status, {**detail, **box.notes}
    _score(result, checks, answers, limits)
    if student is not None and answers is not None:
        result.detail.update(login_flag(answers.get(LOGIN_VARIABLE), student.login))
    if student is None and released_per_student(nb):  # the course's values are not its owner's
        result.detail["released_per_student"] = True


def _run(
    nb,
    checks: CheckFile,
    limits: Limits,
    box: Sandbox,
    sandboxed: bool,
    student: StudentRun | None = None,
):
    """(answers or None, status, detail) of running `nb` in `box`."""
    folder = box.work / "checks"
    folder.mkdir()
    made = [folder]
    if student is not None:  # the owner's release: the course's file and the owner's own
        files = student.files(checks)
    else:
        files = {f"{checks.exercise}.json": json.dumps(grading_spec(checks))}
    for relative, text in files.items():  # what the student's check() reads (no digests)
        spec = folder / relative
        if not spec.parent.exists():
            spec.parent.mkdir()
            made.append(spec.parent)
        spec.write_text(text, encoding="utf-8")
        made.append(spec)
    notebook = box.work / "submission.ipynb"
    nbformat.write(
        nb, notebook
    )  # the student's own notebook, without the extraction cell and its nonce
    for path in (*made, notebook):
        box.give(path)
    answer_name = answer_file_name()
    # Sandboxed, /submission is a tmpfs the host cannot see: the answers go to the IPC folder,
    # which the grader reads through the descriptor it holds (`Sandbox.ipc_view`).
    inside = f"{INSIDE_IPC}/{answer_name}" if sandboxed else str(box.work / answer_name)
    variables = [t.variable for t in checks.tasks]
    if student is not None:
        variables.append(LOGIN_VARIABLE)
    nb.cells.append(nbformat.v4.new_code_cell(extraction_cell(variables, inside)))

    km = kernel_manager(box, limits, sandboxed=sandboxed)
    client = LimitedClient(
        nb,
        limits,
        km=km,
        resources={"metadata": {"path": str(box.work)}},
        startup_timeout=limits.startup_grace,
    )
    detail: dict = {}
    outcome: dict = {}
    # nbclient runs in a thread of its own: its event loop then installs no SIGINT/SIGTERM
    # handlers, so the instructor's Ctrl-C reaches this thread as KeyboardInterrupt instead of being
    # taken as the kernel's death (a submission interrupted by the instructor must not be recorded
    # as crashed).
    runner = threading.Thread(
        target=lambda: outcome.update(error=asyncio.run(_drive(client, km, limits, sandboxed))),
        name="coursebook-kernel",
        daemon=True,
    )
    with Watchdog(km, limits.hard_timeout) as watchdog:
        runner.start()
        try:
            while runner.is_alive():
                runner.join(0.25)
        except BaseException:
            kill_kernel_processes(km)
            runner.join(10)
            raise
        finally:
            # registered by nbclient; the kernel is gone already (left registered after a Ctrl-C,
            # it printed an AssertionError traceback when the interpreter exited)
            atexit.unregister(client._cleanup_kernel)
    error = outcome.get("error", RuntimeError("the kernel's thread ended without a word"))
    if error is not None and not isinstance(error, DeadKernelError):
        detail["exception"] = type(error).__name__
    answers_at = box.ipc_view() if sandboxed else box.work
    answers = read_answers(answers_at / answer_name) if answers_at is not None else None
    if error is not None and client.deadline is None and not watchdog.fired:
        # The kernel stopped before running any cell, so before any of the student's code: the
        # grader's set-up failed (an interpreter the sandbox cannot run, say), not the student.
        detail.update(reason="kernel-did-not-start", error=str(error)[:300])
        return None, Status.GRADER_ERROR, detail
    return answers, _status(nb, client, watchdog.fired, error is not None, answers, detail), detail


class KernelUnavailable(SandboxUnavailable):
    """Not even a trivial notebook runs here: the grader's set-up is broken, not any student's
    work."""


def preflight(
    checks: CheckFile, limits: Limits, *, sandbox: bool = True, work_root: Path | None = None
) -> str:
    """'' if a trivial notebook runs in the sandbox here; else one line: the grader's set-up is
    broken. Run before any student is graded, so that no student is told their kernel stopped."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    try:
        box = Sandbox.create(work_root)
        try:
            _, status, detail = _run(nb, checks, limits, box, sandbox)
        finally:
            box.remove()  # a grader that cannot clean up fails every student's row too
    except Exception as exc:  # the grader's own failure, whatever it is
        said = f"{type(exc).__name__}: {exc}"
        return f"the grader cannot start a kernel here ({said}); nothing was graded"
    if status in (Status.OK, Status.ERRORS):
        return ""
    said = detail.get("error") or detail.get("exception") or status.value
    return (
        f"the grader cannot run a kernel {'in its sandbox ' if sandbox else ''}here ({said}); "
        "nothing was graded"
    )


def _status(nb, client: LimitedClient, killed: bool, died: bool, answers, detail: dict) -> Status:
    """How the run ended; adds the facts behind it to `detail`."""
    errors = [
        out
        for cell in nb.cells[:-1]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    if errors:
        detail["error_cells"] = len(errors)
    if client.truncated:
        detail["output_truncated"] = True
    if killed:
        detail["timeout_kind"] = "hard-limit"
    elif client.timed_out:
        detail["timeout_kind"] = "cell-or-notebook"
    if killed or client.timed_out:
        return Status.TIMEOUT
    if any(out.get("ename") == "MemoryError" for out in errors):
        return Status.MEMORY
    if died:
        return Status.CRASHED
    if answers is None:
        return Status.ANSWERS_UNREADABLE
    if client.truncated:
        return Status.OUTPUT_LIMIT
    return Status.ERRORS if errors else Status.OK


KEPT_ENVIRONMENT = ("TMPDIR", "LD_LIBRARY_PATH")
"""What an unsandboxed kernel keeps of the grader's environment (besides the kernel spec's
allow-list): where to write temporary files and where the interpreter's libraries are."""


async def _drive(client: LimitedClient, km, limits: Limits, sandboxed: bool = True):
    """Run the notebook; then kill the sandbox and reap it. The exception that ended it, or None."""
    error = None
    # jupyter_client starts a kernel with the grader's whole environment plus the spec's; bwrap
    # clears it, but an unsandboxed kernel (Gradescope's containers) would see the course secret or
    # a token of the grader's: it gets the allow-list only.
    env = {} if sandboxed else {k: os.environ[k] for k in KEPT_ENVIRONMENT if k in os.environ}
    try:
        await asyncio.wait_for(
            client.async_execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env),
            limits.hard_timeout + 5,
        )
    except (
        Exception
    ) as exc:  # DeadKernelError, a timeout, a kernel that never started: a row, never a raise
        error = exc
    finally:
        if hasattr(km, "restore"):
            km.restore()  # root's rights back in this thread, to stop the sandbox
        # whatever happened, nothing of the submission outlives this; the last kill by pid
        # before the reap (a watchdog firing later must not kill whatever then holds the pid)
        final_kill(km)
        # already dead or never started: nothing left to stop
        with contextlib.suppress(Exception):
            await reap_killed(km)
        with contextlib.suppress(Exception):
            await km.shutdown_kernel(now=True)
        if client.kc is not None:
            client.kc.stop_channels()  # the grader's own sockets to the (gone) kernel
            client.kc = None
    return error


def _score(
    result: SubmissionResult, checks: CheckFile, answers: dict | None, limits: Limits
) -> None:
    keeps = result.status in KEEPS_POINTS or (
        result.status is Status.TIMEOUT and limits.on_timeout == "keep"
    )
    for task in checks.tasks:
        entry = result.tasks[task.id]
        if answers is None:
            entry.verdict = Verdict.NOT_RUN if not result.status.ran else Verdict.NOT_ANSWERED
            continue
        value = answers.get(task.variable)
        unsupported = contains_unsupported(value)
        if value is None:
            entry.verdict = Verdict.NOT_ANSWERED
        elif unsupported:
            entry.verdict, entry.value_type = Verdict.WRONG_TYPE, unsupported
        elif matches(task, value):
            entry.verdict, entry.points = (
                (Verdict.CORRECT, task.points) if keeps else (Verdict.WITHHELD, 0.0)
            )
        else:
            entry.verdict = Verdict.INCORRECT
