"""Grade a whole class: every file a row, in parallel, resumable, whatever a file or a run does.

Each submission is graded in its own short-lived worker process (forked from a forkserver that has
the grader imported, so a worker starts in milliseconds). The worker ignores Ctrl-C and dies with
the grader. So:
- a file that crashes the grader's code, or kills its worker, costs one row, not the class;
- Ctrl-C or SIGTERM stops the run at once: running workers are killed (their sandboxes with them)
  and nothing is recorded for them, so the next run grades them again; SIGKILL of the grader does
  the same by itself (results already saved are complete files, written atomically);
- results are saved one by one as they finish, and resume keeps only results whose fingerprint
  (file, answer key, limits, sandbox) still matches.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from dataclasses import replace
from datetime import datetime
from multiprocessing.connection import wait
from pathlib import Path

from .collect import Submission
from .feedback import write_pages
from ..exercise.assignment import Assignment
from .results import Status, SubmissionResult, TaskResult, Verdict
from .run import grade_submission
from .store import ResultStore, fingerprint, reusable
from .writers import Row, manual_points, write_canvas, write_gradebook, write_moodle

PR_SET_PDEATHSIG = 1
BACKSTOP_GRACE = 60
"""Seconds past the run's own hard limit before the class loop kills a worker itself."""


class GradingInterrupted(Exception):
    """The run was stopped by a signal; finished results are saved, the rest is graded next time."""

    def __init__(self, signum: int, done: int, total: int):
        self.signum, self.done, self.total = signum, done, total
        super().__init__(f"interrupted ({signal.Signals(signum).name}) with {done} of {total} submissions graded; "
                         "run the same command again to grade the rest")


def _die_with_the_grader() -> None:
    """End this worker the moment the grader ends, even by SIGKILL, so no worker and no sandbox
    (bubblewrap dies with its parent) is left behind. The worker's parent is the forkserver, which
    outlives the grader while any worker holds its pipe, so the worker watches the grader itself:
    multiprocessing's parent sentinel becomes readable when the grader's end of it closes."""
    try:  # Linux: and if the forkserver goes first, the kernel kills this process too
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):
        pass
    grader = multiprocessing.parent_process()
    if grader is not None and grader.sentinel is not None:
        def watch():
            wait([grader.sentinel])
            os.kill(os.getpid(), signal.SIGKILL)
        threading.Thread(target=watch, name="coursebook-follow-grader", daemon=True).start()


def _worker(conn, path, checks, limits, sandbox, grade, work_root) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle, not each worker's
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_the_grader()
    try:
        message = ("result", grade(path, checks, limits, sandbox=sandbox, work_root=work_root).to_json())
    except BaseException as exc:  # the grader's own code failed on this file
        message = ("error", f"{type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(message)
    except OSError:
        pass  # the grader is gone (killed): nobody to tell, and nothing to record
    finally:
        conn.close()


def _blank(submission: Submission, checks, status: Status, sandbox: bool, **detail) -> SubmissionResult:
    return SubmissionResult(student=submission.student, source=submission.source, status=status, sandboxed=sandbox,
                            tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
                            detail=detail)


class _Stop:
    """Turns SIGINT/SIGTERM into a flag the loop checks, while grade_all runs (main thread only)."""

    def __init__(self):
        self.signum = 0
        self.previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._set)
        return self

    def _set(self, signum, frame):
        self.signum = signum

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["coursebook.classroom.grader.run"])
    return context


def grade_all(submissions: list[Submission], assignment: Assignment, out_dir: Path, *,
              jobs: int = 1, force: bool = False, sandbox: bool = True, progress: bool = True,
              grade=grade_submission) -> list[Row]:
    """Grade every submission not already graded with the same file, key and limits; write the
    gradebook, the LMS files and the feedback pages into `out_dir`; return one row per submission.

    Raises GradingInterrupted on SIGINT/SIGTERM (after saving what finished).
    """
    checks, limits = assignment.checks, assignment.limits
    store = ResultStore(out_dir / "results")
    results: dict[str, SubmissionResult] = {}
    todo: deque[tuple[Submission, str]] = deque()
    for submission in submissions:
        expected = fingerprint(submission.path, assignment, sandbox)
        if submission.refusal is not None:
            results[submission.key] = _finish(store, submission, expected, _blank(
                submission, checks, Status.ARCHIVE_REFUSED, sandbox, reason=submission.refusal.reason))
            continue
        stored = None if force else store.load(submission.key)
        if reusable(stored, expected):
            results[submission.key] = stored
        else:
            todo.append((submission, expected))

    # The sandboxes' folders: never around the results, and short, since the kernel's IPC socket paths
    # inside them must fit in 107 bytes. Removed at the end, whatever happens short of SIGKILL.
    work_root = Path(tempfile.mkdtemp(prefix="cb-class-"))
    running: dict = {}
    try:
        _run_all(todo, running, results, store, checks, limits, sandbox, grade, work_root, jobs,
                 total=len(submissions), progress=progress)
    finally:
        _kill_all(running)  # only on the way out of an error or an interrupt: otherwise none is left
        _remove(work_root)
    missing = [s.source for s in submissions if s.key not in results]
    if missing:  # cannot happen unless the loop above has a bug: refuse to write a gradebook with holes
        raise RuntimeError(f"no result for {', '.join(missing)}")
    rows = [Row(s, results[s.key]) for s in submissions]
    write_outputs(rows, assignment, out_dir)
    return rows


def _run_all(todo, running, results, store, checks, limits, sandbox, grade, work_root, jobs, *, total, progress):
    """Keep `jobs` workers busy until `todo` is empty; save each result as it arrives."""
    from tqdm import tqdm

    context = _context()
    backstop = limits.hard_timeout + BACKSTOP_GRACE
    with _Stop() as stop, tqdm(total=total, initial=total - len(todo), desc="grading", unit="submission",
                               disable=not progress) as bar:
        while todo or running:
            if stop.signum:
                raise GradingInterrupted(stop.signum, len(results), total)
            while todo and len(running) < max(1, jobs):
                submission, expected = todo.popleft()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker, daemon=True,
                                          args=(send, submission.path, checks, limits, sandbox, grade, work_root))
                process.start()
                send.close()
                running[receive] = (process, submission, expected, time.monotonic())
            for conn in wait(list(running), timeout=0.5):
                process, submission, expected, _ = running.pop(conn)
                result = _collect(conn, process, submission, checks, sandbox)
                if stop.signum:  # finished as the stop came: not trusted, graded next time
                    break
                results[submission.key] = _finish(store, submission, expected, result)
                bar.update()
            if stop.signum:
                raise GradingInterrupted(stop.signum, len(results), total)
            for conn, (process, submission, expected, started) in list(running.items()):
                if time.monotonic() - started > backstop:
                    running.pop(conn)
                    process.kill()
                    process.join()
                    conn.close()
                    results[submission.key] = _finish(store, submission, expected, _blank(
                        submission, checks, Status.TIMEOUT, sandbox, timeout_kind="backstop"))
                    bar.update()


def _collect(conn, process, submission: Submission, checks, sandbox: bool) -> SubmissionResult:
    """The worker's result, or a row saying how the worker failed."""
    try:
        kind, payload = conn.recv()
    except (EOFError, OSError):
        process.join()
        code = process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        return _blank(submission, checks, Status.CRASHED, sandbox, worker_exit=how)
    finally:
        conn.close()
    process.join()
    if kind == "result":
        try:
            return SubmissionResult.from_json(payload)
        except ValueError as exc:
            payload = f"unreadable result: {exc}"
    return _blank(submission, checks, Status.GRADER_ERROR, sandbox, exception=payload)


def _finish(store: ResultStore, submission: Submission, expected: str, result: SubmissionResult) -> SubmissionResult:
    result = replace(result, student=submission.student, source=submission.source, fingerprint=expected)
    store.save(submission.key, result)
    return result


def _remove(folder: Path) -> None:
    """Delete a folder even if a submission made parts of it read-only."""
    def unlock(function, path, _):
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
        function(path)
    if folder.exists():
        try:
            shutil.rmtree(folder, onerror=unlock)
        except OSError:
            pass  # a stubborn leftover is removed by the next run


def _kill_all(running: dict) -> None:
    for conn, (process, *_rest) in running.items():
        process.kill()
    for conn, (process, *_rest) in running.items():
        process.join()
        conn.close()
    running.clear()


def write_outputs(rows: list[Row], assignment: Assignment, out_dir: Path, *,
                  now: datetime | None = None) -> None:
    """`gradebook.csv`, `canvas-grades.csv`, `moodle-grading-worksheet.csv`, `feedback/`, `instructor.html`.
    `now` stamps Moodle's `Last modified (grade)` (default: the current time)."""
    checks, rubric = assignment.checks, assignment.rubric
    manual = manual_points(rubric)
    write_gradebook(rows, checks, manual, out_dir / "gradebook.csv")
    write_canvas(rows, assignment.canvas_assignment, out_dir / "canvas-grades.csv")
    write_moodle(rows, checks.total_points + manual, out_dir / "moodle-grading-worksheet.csv", now=now)
    write_pages(rows, checks, rubric, manual, out_dir)
