"""Where a submission's time goes outside its kernel: each step of the grader, timed where it runs.

`grade_all` grades N copies of the solved ex3a (as grader_benchmark.py makes them) with a `grade`
function that wraps the grader's steps in its worker: wall-clock and CPU seconds of the worker
process for each step (reading the notebook, setting up the sandbox, starting the kernel, running
the cells, stopping and removing the sandbox), and, in the class loop, starting a worker, taking
its result and saving it; plus the latencies between them (a worker's result waiting for the loop,
a worker waiting to start). The kernel's own CPU is not counted (it runs in its sandbox); the
worker's CPU while cells run is nbclient handling the kernel's messages, as in the floor.
Prints; asserts nothing. The machine's load is printed too: wall-clock figures follow it.
Run: .venv/bin/python benchmarks/grader_steps.py [N] [JOBS]
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coursebook.classroom.exercise.assignment import Assignment  # noqa: E402
from coursebook.classroom.grader import classroom, require_sandbox  # noqa: E402
from coursebook.classroom.grader.collect import collect  # noqa: E402

from grader_benchmark import EXERCISE, make_submissions  # noqa: E402

LOG: list[Path] = []  # where the steps are written: set in the class loop and in each worker
WORKER_STEPS = [  # (owner module or class path, attribute, label), in the order they run
    ("run", "read_submission", "read and validate the notebook"),
    ("run.Sandbox", "create", "make the sandbox's folders"),
    ("run", "kernel_manager", "seccomp, bwrap command, kernel spec"),
    ("kernel.LinkedKernelManager", "start_kernel", "launch until the sockets are bound"),
    ("nbclient.NotebookClient", "async_start_new_kernel_client", "connect until the kernel is ready"),
    ("kernel.LimitedClient", "async_execute_cell", "cells (sum)"),
    ("run", "reap_killed", "stop the sandbox: reap bwrap"),
    ("kernel.LinkedKernelManager", "shutdown_kernel", "stop the sandbox: jupyter_client"),
    ("run", "read_answers", "read the answers"),
    ("run.Sandbox", "remove", "remove the sandbox's folders"),
]
LOOP_STEPS = [
    ("_start", "loop: copy the file, start a worker"),
    ("_collect", "loop: take the result, join the worker"),
    ("remove_tree", "loop: remove the file's copy"),
    ("_finish", "loop: save the result"),
]


def _log(**entry) -> None:
    with LOG[0].open("a") as out:
        out.write(json.dumps(entry) + "\n")


def _wrap(owner, name: str, label: str) -> None:
    original = getattr(owner, name)
    if getattr(original, "_timed", False):
        return

    def note(t0: float, c0: float) -> None:
        _log(pid=os.getpid(), step=label, t0=t0, t1=time.time(), cpu=time.process_time() - c0)

    if inspect.iscoroutinefunction(original):

        async def timed(*args, **kwargs):
            t0, c0 = time.time(), time.process_time()
            try:
                return await original(*args, **kwargs)
            finally:
                note(t0, c0)
    else:

        def timed(*args, **kwargs):
            t0, c0 = time.time(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                note(t0, c0)

    functools.update_wrapper(timed, original)
    timed._timed = True  # type: ignore[attr-defined]
    setattr(owner, name, timed)


def _owner(path: str):
    import nbclient

    from coursebook.classroom.grader import kernel, run

    found = {"run": run, "kernel": kernel, "nbclient": nbclient}[path.split(".")[0]]
    for part in path.split(".")[1:]:
        found = getattr(found, part)
    return found


def timed_grade(path, checks, limits, *, log: str, **kwargs):
    """`grade_submission` with its steps timed, written to `log` (runs in the worker)."""
    from coursebook.classroom.grader.run import grade_submission

    LOG[:] = [Path(log)]

    entered, c0 = time.time(), time.process_time()
    for owner, name, label in WORKER_STEPS:
        _wrap(_owner(owner), name, label)
    result = grade_submission(path, checks, limits, **kwargs)
    _log(pid=os.getpid(), step="worker: the whole submission", t0=entered, t1=time.time(),
         cpu=time.process_time() - c0)
    return result


def main(count: int = 6, jobs: int = 1) -> None:
    require_sandbox()
    assignment = Assignment.load(ROOT / "answers", EXERCISE)
    for name, label in LOOP_STEPS:
        _wrap(classroom, name, label)
    with tempfile.TemporaryDirectory() as tmp:
        # the worker's thread that talks to the kernel runs as the kernel's uid: a log it can
        # append to, in a folder that is not sticky (/tmp refuses another user's file there)
        os.chmod(tmp, 0o755)
        LOG[:] = [Path(tmp) / "steps.jsonl"]
        grade = partial(timed_grade, log=str(LOG[0]))
        folder = Path(tmp) / "class"
        make_submissions(folder, count)
        warm = Path(tmp) / "warm"
        warm.mkdir()
        (warm / "a.ipynb").write_bytes((folder / "student000.ipynb").read_bytes())
        classroom.grade_all(collect(warm, Path(tmp) / "w" / "unpacked"), assignment,
                            Path(tmp) / "w", force=True, progress=False, grade=grade)
        LOG[0].write_text("")
        os.chmod(LOG[0], 0o666)
        loads = [os.getloadavg()[0]]
        started = time.perf_counter()
        rows = classroom.grade_all(collect(folder, Path(tmp) / "out" / "unpacked"), assignment,
                                   Path(tmp) / "out", jobs=jobs, force=True, progress=False,
                                   grade=grade)
        took = time.perf_counter() - started
        loads.append(os.getloadavg()[0])
        entries = [json.loads(line) for line in LOG[0].read_text().splitlines()]
    steps: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        steps[entry["step"]].append(entry)
    failed = [row.result.detail for row in rows if row.result.status.value == "grader-error"]
    if failed:
        print(f"grader errors: {failed[:1]}")
    print(f"{count} submissions of {EXERCISE} at -j {jobs}: {took:.1f} s; statuses "
          f"{sorted({row.result.status.value for row in rows})}; 1-min load "
          f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    print(f"  {'per submission (mean)':42s} {'wall s':>7s} {'CPU s':>7s}")
    labels = [label for *_, label in WORKER_STEPS] + ["worker: the whole submission"]
    for label in labels + [label for _, label in LOOP_STEPS]:
        found = steps.get(label, [])
        per = {}
        for entry in found:  # several calls per submission (cells): summed per worker
            wall, cpu = per.get(entry["pid"], (0.0, 0.0))
            per[entry["pid"]] = (wall + entry["t1"] - entry["t0"], cpu + entry["cpu"])
        if label.startswith("loop:"):  # the loop is one process: per call instead
            per = {i: (e["t1"] - e["t0"], e["cpu"]) for i, e in enumerate(found)}
        if per:
            walls, cpus = zip(*per.values())
            print(f"  {label:42s} {statistics.mean(walls):7.3f} {statistics.mean(cpus):7.3f}")
    whole = sorted(steps["worker: the whole submission"], key=lambda e: e["t1"])
    taken = sorted(steps["loop: take the result, join the worker"], key=lambda e: e["t0"])
    waits = [t["t0"] - w["t1"] for w, t in zip(whole, taken)]
    begun = sorted(steps["loop: copy the file, start a worker"], key=lambda e: e["t1"])
    entered = sorted(whole, key=lambda e: e["t0"])
    starts = [w["t0"] - b["t1"] for b, w in zip(begun, entered)]
    if waits and starts:
        print(f"  {'latency: result ready -> loop takes it':42s} {statistics.mean(waits):7.3f}")
        print(f"  {'latency: worker started -> it runs':42s} {statistics.mean(starts):7.3f}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
