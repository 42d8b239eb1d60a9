"""Grade one submission as a user of its own, for a root grader in a container that forbids
namespaces.

On Gradescope, run_autograder runs as root and Docker's defaults forbid the namespaces bubblewrap
needs, so the notebook must run unsandboxed. Run as root, it could read the answer key in
/autograder/source and write /autograder/results. So, as Gradescope's best practices advise (run
students' code as a non-root user), a child process takes a fresh uid before grading: the key was
read by the parent, `source/` is root's alone (setup.sh) and `results/` root's, so neither is in
reach. Having changed uid, the child is not dumpable: the notebook's kernel (same uid) cannot read
its memory or open its descriptors. The kernel can still signal it; then the child dies without a
result and the row says `crashed`, which earns nothing. When the child is done, every process of
its uid is killed (`kill_uid`): a process the kernel detached from its group is not left running.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import tempfile
import time
import traceback
from pathlib import Path

from ..exercise.limits import Limits
from ..exercise.task import CheckFile
from ..grader.cleanup import remove_tree
from ..grader.kernel import kill_uid
from ..grader.per_student import StudentRun
from ..grader.results import Status, SubmissionResult, TaskResult, Verdict
from ..grader.run import grade_submission

UID_RANGE = (
    1_000_000_000,
    1_400_000_000,
)  # away from system accounts and from the grader's own kernel uids
EXTRA_SECONDS = 120  # beyond the notebook's hard limit, for start-up and reading the answers


def _blank(path: Path, checks: CheckFile, status: Status, **detail) -> SubmissionResult:
    return SubmissionResult(
        student="",
        source=path.name,
        status=status,
        sandboxed=False,
        detail=detail,
        tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
    )


def grade_as_own_user(
    path: Path, checks: CheckFile, limits: Limits, student: StudentRun | None = None
) -> SubmissionResult:
    """`grade_submission(path, ..., sandbox=False)` in a child running under a fresh uid (the caller
    is root). `student`: the submitter's per-student files (grade_submission's)."""
    uid = secrets.randbelow(UID_RANGE[1] - UID_RANGE[0]) + UID_RANGE[0]
    work = Path(tempfile.mkdtemp(prefix="coursebook-own-user-"))
    try:
        copy = work / "submission.ipynb"
        shutil.copyfile(path, copy)
        for made in (work, copy):
            os.chown(made, uid, uid)
        data = _run_child(uid, work, copy, checks, limits, student)
    finally:
        kill_uid(uid)  # a process the kernel detached (a session of its own) outlived its group
        # the kernel's uid owns `work` (its TMPDIR) and may nest folders thousands deep in it:
        # shutil.rmtree recursed into RecursionError; remove_tree never recurses
        remove_tree(work)
    if data is None:
        return _blank(
            path, checks, Status.CRASHED, worker_exit="the grading process stopped without a result"
        )
    try:
        return SubmissionResult.from_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _blank(path, checks, Status.GRADER_ERROR, exception=f"unreadable result: {exc}")


def _run_child(
    uid: int,
    work: Path,
    copy: Path,
    checks: CheckFile,
    limits: Limits,
    student: StudentRun | None = None,
) -> bytes | None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if (
        pid == 0
    ):  # the child: become the user, grade, send the result, leave without cleanup handlers
        code = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.environ.update(HOME=str(work), TMPDIR=str(work))
            tempfile.tempdir = str(work)
            payload = (
                grade_submission(copy, checks, limits, sandbox=False, student=student)
                .to_json()
                .encode("utf-8")
            )
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    stopped = False
    deadline = time.monotonic() + limits.hard_timeout + EXTRA_SECONDS
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(
                    pid, signal.SIGKILL
                )  # stopped or hung: the parent's limit, whatever the child does
                stopped = True
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if stopped or os.waitstatus_to_exitcode(status) != 0:
        return None
    return b"".join(chunks)
