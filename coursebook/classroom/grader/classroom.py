"""Grade a whole class: every file a row, in parallel, resumable, whatever a file or a run does.

Each submission is graded in its own short-lived worker process (forked from a forkserver that has
the grader imported, so a worker starts in milliseconds). The worker ignores Ctrl-C and dies with
the grader. So:
- a file that crashes the grader's code, or kills its worker, costs one row, not the class;
- Ctrl-C or SIGTERM stops the run at once: running workers are killed (their sandboxes with them)
  and nothing is recorded for them, so the next run grades them again; SIGKILL of the grader does
  the same by itself (results already saved are complete files, written atomically);
- results are saved one by one as they finish, and resume keeps only results whose fingerprint
  (file, answer key, limits, sandbox; with per-student values, the file's owner and their key)
  still matches.

With per-student values (`keys`, grader/per_student.py) each file is graded against its owner's
key, in a sandbox holding its owner's check files; a file whose owner is not on the roster gets a
`not-on-roster` row without being run.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from multiprocessing import forkserver
from multiprocessing.connection import wait
from pathlib import Path

from ..exercise.assignment import Assignment
from .cleanup import remove_tree
from .collect import Submission
from .feedback import write_pages
from .notebook_file import take
from .per_student import StudentKey, StudentKeys, unknown_owner
from .results import Status, SubmissionResult, TaskResult, Verdict
from .run import KernelUnavailable, grade_submission
from .sandbox import layout, use_layout
from .store import ResultStore, fingerprint, reusable
from .writers import Row, manual_points, write_canvas, write_gradebook, write_moodle

PR_SET_PDEATHSIG = 1
BACKSTOP_GRACE = 60
"""Seconds past the run's own hard limit before the class loop kills a worker itself."""


class GradingInterrupted(Exception):
    """The run was stopped by a signal; finished results are saved, the rest is graded next time."""

    def __init__(self, signum: int, done: int, total: int):
        self.signum, self.done, self.total = signum, done, total
        name = signal.Signals(signum).name
        super().__init__(
            f"interrupted ({name}) with {done} of {total} submissions graded; "
            "run the same command again to grade the rest"
        )


def _die_with_the_grader() -> None:
    """End this worker the moment the grader ends, even by SIGKILL, so no worker and no sandbox
    (bubblewrap dies with its parent) is left behind. The worker's parent is the forkserver, which
    outlives the grader while any worker holds its pipe, so the worker watches the grader itself:
    multiprocessing's parent sentinel becomes readable when the grader's end of it closes."""
    # Linux: and if the forkserver goes first, the kernel kills this process too
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    grader = multiprocessing.parent_process()
    if grader is not None and grader.sentinel is not None:

        def watch():
            wait([grader.sentinel])
            os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=watch, name="coursebook-follow-grader", daemon=True).start()


def _worker(conn, path, checks, limits, sandbox, grade, work_root, view=None) -> None:
    # Ctrl-C is the grader's to handle, not each worker's
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_the_grader()
    if view is not None:
        use_layout(view)  # the grader's, worked out once for the run
    try:
        message = (
            "result",
            grade(path, checks, limits, sandbox=sandbox, work_root=work_root).to_json(),
        )
    except BaseException as exc:  # the grader's own code failed on this file
        message = ("error", f"{type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(message)
    except OSError:
        pass  # the grader is gone (killed): nobody to tell, and nothing to record
    finally:
        conn.close()


def _blank(
    submission: Submission, checks, status: Status, sandbox: bool, **detail
) -> SubmissionResult:
    return SubmissionResult(
        student=submission.student,
        source=submission.source,
        status=status,
        sandboxed=sandbox,
        tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks},
        detail=detail,
    )


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
    # the worker's own module (it unpickles `_worker` from it) and the first-use set-up of what it
    # calls, done once in the forkserver instead of in every worker (worker_preload.py)
    context.set_forkserver_preload(["coursebook.classroom.grader.worker_preload"])
    return context


Warn = Callable[[str], None]


def no_warning(message: str) -> None:
    pass


def grade_all(
    submissions: list[Submission],
    assignment: Assignment,
    out_dir: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    sandbox: bool = True,
    progress: bool = True,
    grade=grade_submission,
    warn: Warn = no_warning,
    moodle_time: datetime | None = None,
    language: str = "en",
    preflight: Callable[[], str] | None = None,
    keys: StudentKeys | None = None,
) -> list[Row]:
    """Grade every submission not already graded with the same file, key and limits; write the
    gradebook, the LMS files and the feedback pages into `out_dir`; return one row per submission.

    Whatever a file holds or does, it gets its row: a failure of the grader's own code on one file
    (here or in its worker) is a `grader-error` row for that file, a result that cannot be saved is
    kept for this run's gradebook and reported through `warn`, naming the file.
    `moodle_time` is the worksheet's `Last modified (grade)` (see `write_moodle`).
    `keys`: per-student values (every owner's key computed already, see `student_keys`).

    `preflight`: the grader's own set-up check ('' or why no kernel runs here), run beside the
    first workers (its kernel would otherwise keep a core idle); no kernel's result is recorded
    before it passes, and if it fails the run stops with KernelUnavailable, nothing graded.

    Raises GradingInterrupted on SIGINT/SIGTERM (after saving what finished).
    """
    checks = assignment.checks
    store = ResultStore(out_dir / "results")
    results: dict[str, SubmissionResult] = {}
    todo: deque[tuple[Submission, StudentKey | None]] = deque()
    nobody = f"none-{keys.terms()}" if keys is not None else ""  # an owner not on the roster
    for submission in submissions:
        try:
            if submission.refusal is not None:
                expected = fingerprint(None, assignment, sandbox, student=nobody)
                refused = _blank(
                    submission,
                    checks,
                    Status.ARCHIVE_REFUSED,
                    sandbox,
                    reason=submission.refusal.reason,
                )
                results[submission.key] = _finish(store, submission, expected, refused, warn)
                continue
            key = None
            if keys is not None:
                owner = keys.owner(submission)
                if owner is None:  # nobody's values to grade it with: a row saying so, not run
                    expected = fingerprint(submission.path, assignment, sandbox, student=nobody)
                    unknown = _blank(
                        submission,
                        checks,
                        Status.NOT_ON_ROSTER,
                        sandbox,
                        **unknown_owner(submission),
                    )
                    results[submission.key] = _finish(store, submission, expected, unknown, warn)
                    continue
                key = keys.key(owner)
            stored = None if force else store.load(submission.key)
            own = key.digest if key is not None else ""
            if stored is not None and reusable(
                stored,
                fingerprint(submission.path, assignment, sandbox, student=own),
            ):
                results[submission.key] = stored
            else:
                todo.append((submission, key))
        except Exception as exc:
            # the grader's bug on this file: its row says so, the class goes on
            results[submission.key] = _grader_error(store, submission, checks, sandbox, exc, warn)

    if todo:  # the workers' forkserver starts now, importing the grader beside what follows
        _context()
        with contextlib.suppress(OSError, ValueError):
            forkserver.ensure_running()
    if grade is grade_submission and todo:  # with per-student values, `_start` adds the owner's
        grade = partial(grade_submission)
    # The sandboxes' folders: never around the results, and short, since the kernel's IPC socket
    # paths inside them must fit in 107 bytes. Removed at the end, whatever happens short of
    # SIGKILL.
    work_root = Path(tempfile.mkdtemp(prefix="cb-class-"))
    running: dict = {}
    if sandbox and todo:
        layout()  # worked out once here (trees, font list), before the set-up check runs beside
    gate = _Gate(preflight)
    try:
        _run_all(
            todo,
            running,
            results,
            store,
            assignment,
            sandbox,
            grade,
            work_root,
            jobs,
            total=len(submissions),
            progress=progress,
            warn=warn,
            gate=gate,
        )
        gate.wait()
    finally:
        # only on the way out of an error or an interrupt: otherwise none is left
        _kill_all(running)
        if not remove_tree(work_root):
            warn(f"could not remove the grader's work folder {work_root}; delete it by hand")
    for submission in submissions:
        # cannot happen unless the loop above has a bug: still a row each
        if submission.key not in results:
            results[submission.key] = _grader_error(
                store,
                submission,
                checks,
                sandbox,
                RuntimeError("the class loop recorded no result"),
                warn,
            )
    rows = [Row(s, results[s.key]) for s in submissions]
    write_outputs(rows, assignment, out_dir, now=moodle_time, language=language)
    return rows


def _grader_error(
    store: ResultStore,
    submission: Submission,
    checks,
    sandbox: bool,
    exc: BaseException,
    warn: Warn,
) -> SubmissionResult:
    warn(
        f"{submission.source}: the grader failed on this file "
        f"({type(exc).__name__}: {str(exc)[:200]}); "
        "it has a grader-error row and is graded again on the next run"
    )
    return _finish(
        store,
        submission,
        "",
        _blank(
            submission,
            checks,
            Status.GRADER_ERROR,
            sandbox,
            exception=f"{type(exc).__name__}: {str(exc)[:300]}",
        ),
        warn,
    )


def _run_all(
    todo,
    running,
    results,
    store,
    assignment,
    sandbox,
    grade,
    work_root,
    jobs,
    *,
    total,
    progress,
    warn,
    gate: _Gate | None = None,
):
    """Keep `jobs` workers busy until `todo` is empty; save each result as it arrives (once
    `gate` has passed)."""
    gate = gate or _Gate(None)
    from tqdm import tqdm

    checks, limits = assignment.checks, assignment.limits
    context = _context()
    backstop = limits.hard_timeout + BACKSTOP_GRACE
    inputs = work_root / "in"
    numbers = itertools.count()
    bar = _LaterBar(
        tqdm,
        total=total,
        initial=total - len(todo),
        desc="grading",
        unit="submission",
        disable=not progress,
    )
    with _Stop() as stop, contextlib.closing(bar):
        while todo or running:
            if stop.signum:
                raise GradingInterrupted(stop.signum, len(results), total)
            while todo and len(running) < max(1, jobs):
                submission, key = todo.popleft()
                try:
                    started = _start(
                        context,
                        submission,
                        inputs / str(next(numbers)),
                        assignment,
                        sandbox,
                        grade,
                        work_root,
                        key=key,
                    )
                except Exception as exc:  # the grader's own failure to start this file: one row
                    gate.wait()
                    results[submission.key] = _grader_error(
                        store, submission, checks, sandbox, exc, warn
                    )
                    bar.update()
                    continue
                if isinstance(started, SubmissionResult):  # not even readable: graded here and now
                    gate.wait()
                    expected = started.fingerprint
                    results[submission.key] = _finish(store, submission, expected, started, warn)
                    bar.update()
                    continue
                running[started[0]] = started[1:]
            for conn in wait(list(running), timeout=0.5):
                gate.wait()
                process, submission, expected, _, copy = running.pop(conn)
                try:
                    result = _collect(conn, process, submission, checks, sandbox)
                except Exception as exc:
                    result = _blank(
                        submission,
                        checks,
                        Status.GRADER_ERROR,
                        sandbox,
                        exception=f"{type(exc).__name__}: {str(exc)[:300]}",
                    )
                remove_tree(copy.parent)
                if stop.signum:  # finished as the stop came: not trusted, graded next time
                    break
                results[submission.key] = _finish(store, submission, expected, result, warn)
                bar.update()
            if stop.signum:
                raise GradingInterrupted(stop.signum, len(results), total)
            for conn, (process, submission, expected, started, copy) in list(running.items()):
                if time.monotonic() - started > backstop:
                    gate.wait()
                    running.pop(conn)
                    process.kill()
                    process.join()
                    conn.close()
                    remove_tree(copy.parent)
                    results[submission.key] = _finish(
                        store,
                        submission,
                        expected,
                        _blank(
                            submission, checks, Status.TIMEOUT, sandbox, timeout_kind="backstop"
                        ),
                        warn,
                    )
                    bar.update()


class _LaterBar:
    """A progress bar shown from the first result on (a run whose set-up check fails shows none)."""

    def __init__(self, make, **options):
        self.make, self.options, self.bar = make, options, None

    def update(self) -> None:
        if self.bar is None:
            self.bar = self.make(**self.options)
        self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Gate:
    """The grader's set-up check, run in a thread of its own beside the first workers."""

    def __init__(self, check: Callable[[], str] | None):
        self.problem = ""
        self.thread: threading.Thread | None = None
        if check is not None:

            def run() -> None:
                self.problem = check()

            self.thread = threading.Thread(target=run, name="coursebook-preflight", daemon=True)
            self.thread.start()

    def wait(self) -> None:
        """Return once the check has passed (a few seconds at most: one trivial kernel, under the
        run's limits); raise KernelUnavailable if it failed."""
        while self.thread is not None and self.thread.is_alive():
            self.thread.join(0.25)
        self.thread = None
        if self.problem:
            raise KernelUnavailable(self.problem)


def _start(
    context,
    submission: Submission,
    folder: Path,
    assignment: Assignment,
    sandbox,
    grade,
    work_root,
    *,
    key: StudentKey | None = None,
):
    """Read the file once into a private copy, fingerprint exactly those bytes, and start a worker
    on the copy: (connection, process, submission, fingerprint, start time, copy). A file that
    cannot be read (gone, a FIFO put in its place) gets its row at once instead. `key`: the
    owner's (per-student values): the file is graded against it, in the owner's sandbox."""
    checks, limits = assignment.checks, assignment.limits
    if key is not None:
        checks = key.assignment.checks
        if isinstance(grade, partial) and grade.func is grade_submission:
            grade = partial(grade_submission, student=key.run)
    path = submission.path
    if path is None:  # a refused entry: grade_all gives it its row and never starts it
        raise ValueError(f"{submission.source}: no file to grade")
    snap = take(path, folder / path.name)
    expected = fingerprint(
        path,
        assignment,
        sandbox,
        digest=snap.digest,
        student=key.digest if key is not None else "",
    )
    if snap.problem is not None:  # then snap.copy is None: nothing to grade
        status, detail = snap.problem
        result = _blank(submission, checks, status, sandbox, **detail)
        result.fingerprint = expected
        return result
    receive, send = context.Pipe(duplex=False)
    view = layout() if sandbox else None
    process = context.Process(
        target=_worker,
        daemon=True,
        args=(send, snap.copy, checks, limits, sandbox, grade, work_root, view),
    )
    process.start()
    send.close()
    return receive, process, submission, expected, time.monotonic(), snap.copy


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


def _finish(
    store: ResultStore,
    submission: Submission,
    expected: str,
    result: SubmissionResult,
    warn: Warn = no_warning,
) -> SubmissionResult:
    """The result with its identity, saved; a result that cannot be saved still makes its row."""
    result = replace(
        result, student=submission.student, source=submission.source, fingerprint=expected
    )
    try:
        store.save(submission.key, result)
    except Exception as exc:
        warn(
            f"{submission.source}: its result could not be saved "
            f"({type(exc).__name__}: {str(exc)[:200]}); "
            "it is in this gradebook and graded again on the next run"
        )
    return result


def _kill_all(running: dict) -> None:
    for process, *_rest in running.values():
        process.kill()
    for conn, (process, *_rest) in running.items():
        process.join()
        conn.close()
    running.clear()


def write_outputs(
    rows: list[Row],
    assignment: Assignment,
    out_dir: Path,
    *,
    now: datetime | None = None,
    language: str = "en",
) -> None:
    """`gradebook.csv`, `canvas-grades.csv`, `moodle-grading-worksheet.csv`, `feedback/`,
    `instructor.html`. `now` stamps Moodle's `Last modified (grade)` (default: the current time);
    `language` is the Moodle course's (its worksheet's headers)."""
    checks, rubric = assignment.checks, assignment.rubric
    manual = manual_points(rubric)
    write_gradebook(rows, checks, manual, out_dir / "gradebook.csv")
    write_canvas(rows, assignment.canvas_assignment, out_dir / "canvas-grades.csv")
    write_moodle(
        rows,
        checks.total_points + manual,
        out_dir / "moodle-grading-worksheet.csv",
        now=now,
        language=language,
    )
    write_pages(rows, checks, rubric, manual, out_dir)
