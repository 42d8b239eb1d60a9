"""Grader benchmark: sandboxed `coursebook grade` against the nbclient floor, at the same
parallelism, and against nbgrader at -j 1.

The floor (nbclient_floor.py, whose docstring says it in full) runs the same notebooks with plain
nbclient, one kernel per notebook, one at a time at -j 1 and two at a time at -j 2, in the kernel
environment the grader's sandbox gives: the sandbox's environment (MPLBACKEND=Agg, a fresh empty
HOME, IPYTHONDIR and MPLCONFIGDIR on a tmpfs, with the sandbox's matplotlib font list), the grading
form of the check file (no digests) beside the notebook, IPC sockets, and the kernel stopped the
grader's way (SIGKILL to its group, reaped). So grade / floor is what the grader itself adds: the
bubblewrap sandbox and its launcher, a process per submission, the extraction cell and reading the
answers, limits and output accounting, grading, the result store and the gradebooks.
(Until 2026-12-07 the floor ran the notebooks beside answers/, where check() loaded the YAML
answer file, in the benchmark's own environment, with the inline backend drawing the figure, and
stopped each kernel gracefully: more kernel work than the grader's, so the ratio flattered it.)
Also printed: the sandbox's own start-up cost per submission (starting and stopping a kernel in
bubblewrap against the same kernel started plainly). Prints; asserts nothing.
Target: sandboxed grading within 1.15 x the floor at -j 1 and -j 2, and ahead of nbgrader at -j 1.
nbgrader 0.9.6 runs `nbgrader autograde` on the same submissions, in its own venv made once under
_build/benchmarks/ (nbgrader_baseline.py), with MPLBACKEND=Agg as our grader's kernels have (say
nbgrader_baseline.py and the printed line); without it (no network on first use) that line says why.
Where a submission's time goes outside its kernel, step by step: benchmarks/grader_steps.py.
Run: .venv/bin/python benchmarks/grader_benchmark.py [N] [ROUNDS]
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.exercise.assignment import Assignment  # noqa: E402
from coursebook.classroom.grader import Limits, require_sandbox  # noqa: E402
from coursebook.classroom.grader.classroom import grade_all  # noqa: E402
from coursebook.classroom.grader.collect import collect  # noqa: E402
from coursebook.classroom.grader.kernel import kernel_manager  # noqa: E402
from coursebook.classroom.grader.sandbox import Sandbox  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbclient_floor  # noqa: E402
import nbgrader_baseline  # noqa: E402

EXERCISE = "ex3a-revenue-exposure"


def make_submissions(folder: Path, count: int) -> list[Path]:
    """Copies of the solved exercise, every third one with a wrong first answer."""
    solved = nbformat.read(ROOT / "answers" / f"{EXERCISE}.ipynb", as_version=4)
    folder.mkdir(parents=True)
    paths = []
    for index in range(count):
        nb = nbformat.from_dict(solved)
        if index % 3 == 0:
            for cell in nb.cells:
                if cell.cell_type == "code" and "exposure = " in cell.source and "BEGIN SOLUTION" in cell.source:
                    cell.source = cell.source.replace("exposure = ", "exposure = 0.5 + 0 * ", 1)
                    break
        path = folder / f"student{index:03d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def kernel_start_stop(sandboxed: bool) -> float:
    """Seconds to start a grading kernel, see it answer, and stop it (with or without bubblewrap)."""
    box = Sandbox.create()
    try:
        km = kernel_manager(box, Limits(), sandboxed=sandboxed)

        async def cycle():
            await km.start_kernel(cwd=str(box.work), stdout=-3, stderr=-3)
            client = km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            client.stop_channels()
            await km.shutdown_kernel(now=True)

        started = time.perf_counter()
        asyncio.run(cycle())
        return time.perf_counter() - started
    finally:
        box.remove()


def floor_run(floor: nbclient_floor.Floor, submissions: list[Path], jobs: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(functools.partial(nbclient_floor.run, floor), submissions))
    return time.perf_counter() - start


def grade_run(folder: Path, out: Path, assignment, jobs: int):
    start = time.perf_counter()
    rows = grade_all(collect(folder, out / "unpacked"), assignment, out, jobs=jobs, force=True,
                     progress=False)
    return time.perf_counter() - start, rows


def nbgrader_course(tmp: Path, submissions: list[Path]):
    """nbgrader's course for the same submissions (nbgrader_baseline.py), or why there is none."""
    try:
        return nbgrader_baseline.build_course(tmp / "nbgrader", EXERCISE, submissions), ""
    except (nbgrader_baseline.Unavailable, OSError) as exc:
        return None, f"not measured: {exc}"


def nbgrader_agrees(course: Path, rows) -> str:
    """Whether nbgrader's autograded scores are ours, student by student."""
    theirs = nbgrader_baseline.scores(course)
    ours = {Path(row.result.source).stem: (row.result.total, row.result.max_total) for row in rows}
    differ = sorted(name for name in ours if theirs.get(name) != ours[name])
    if differ or set(theirs) != set(ours):
        return (f"scores DIFFER for {differ or sorted(set(theirs) ^ set(ours))}: ours "
                f"{[ours.get(n) for n in differ]}, nbgrader's {[theirs.get(n) for n in differ]}")
    return f"same scores as ours for all {len(ours)}"


def main(count: int = 20, rounds: int = 2) -> None:
    """`rounds` interleaved rounds of floor and grade, at -j 1 and -j 2, and nbgrader (one at a
    time, its only mode) beside -j 1; ratios pooled per parallelism (sum of grade times over sum
    of floor or nbgrader times), each round's ratio shown too."""
    require_sandbox()
    assignment = Assignment.load(ROOT / "answers", EXERCISE)
    times: dict[tuple[str, int], list[float]] = {}
    loads = [os.getloadavg()]  # the machine's load, before the rounds and after
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        submissions = make_submissions(folder, count)
        course, missing = nbgrader_course(Path(tmp), submissions)
        floor = nbclient_floor.prepare(Path(tmp) / "floor", assignment.checks)
        floor_run(floor, submissions[:2], 2)  # warm-up: imports, caches, the kernel spec
        # and the grader's caches, as after its first run (the runtime trees, matplotlib's font
        # list; grader_cpu.py prints that one-time cost)
        warm = Path(tmp) / "warm"
        warm.mkdir()
        for path in submissions[:2]:
            (warm / path.name).write_bytes(path.read_bytes())
        grade_run(warm, Path(tmp) / "out-warm", assignment, 2)
        if course:  # and nbgrader's, on a course of two
            warm_course, _ = nbgrader_course(Path(tmp) / "warm-nbgrader", submissions[:2])
            nbgrader_baseline.autograde_run(warm_course)
        for index in range(rounds):
            for jobs in (1, 2):
                kinds = ["floor", "grade"] + (["nbgrader"] if course and jobs == 1 else [])
                shift = index % len(kinds)
                for kind in kinds[shift:] + kinds[:shift]:
                    if kind == "floor":
                        took = floor_run(floor, submissions, jobs)
                    elif kind == "nbgrader":
                        took = nbgrader_baseline.autograde_run(course)
                    else:
                        out = Path(tmp) / f"out-{index}-{jobs}"
                        took, rows = grade_run(folder, out, assignment, jobs)
                    times.setdefault((kind, jobs), []).append(took)
        loads.append(os.getloadavg())
        agreement = nbgrader_agrees(course, rows) if course else ""
        start_up = nbgrader_baseline.startup() if course else 0.0
    results = [row.result for row in rows]
    wrong = sum(r.total < r.max_total for r in results)
    plain = sorted(kernel_start_stop(False) for _ in range(5))[2]
    boxed = sorted(kernel_start_stop(True) for _ in range(5))[2]
    print(f"{count} submissions of {EXERCISE}, {rounds} interleaved rounds on {os.cpu_count()} cores")
    before, after = (" ".join(f"{x:.2f}" for x in load) for load in loads)
    print(f"  load average (1, 5, 15 min): {before} before the rounds, {after} after")
    for jobs in (1, 2):
        floor, graded = times[("floor", jobs)], times[("grade", jobs)]
        per_round = ", ".join(f"{g / f:.2f}" for g, f in zip(graded, floor))
        print(f"  -j {jobs}: nbclient floor {sum(floor) / rounds:6.1f} s, sandboxed grade "
              f"{sum(graded) / rounds:6.1f} s per round; ratio {sum(graded) / sum(floor):.2f} "
              f"(rounds: {per_round}; target <= 1.15)")
    if course:
        theirs, graded = times[("nbgrader", 1)], times[("grade", 1)]
        ratio = sum(graded) / sum(theirs)
        net = sum(graded) / (sum(theirs) - rounds * start_up)
        per_round = ", ".join(f"{g / n:.2f}" for g, n in zip(graded, theirs, strict=True))
        faster = ("grade is faster" if net < 1 else "nbgrader is faster" if ratio > 1
                  else "grade is faster only with nbgrader's start-up counted")
        print(f"  -j 1: nbgrader {nbgrader_baseline.NBGRADER.split('==')[1]} autograde (one at a "
              f"time, MPLBACKEND={nbgrader_baseline.MPLBACKEND}) {sum(theirs) / rounds:6.1f} s "
              f"per round; grade -j 1 / nbgrader {ratio:.2f} "
              f"(rounds: {per_round}; target < 1); {net:.2f} without nbgrader's command start-up "
              f"({start_up:.1f} s; grade is timed in-process): {faster}; {agreement}")
    else:
        print(f"  nbgrader at -j 1: {missing}")
    print(f"  sandbox start-up cost per submission: {boxed - plain:+7.3f} s (kernel start+stop, median "
          f"of 5: {boxed:.3f} s in bubblewrap, {plain:.3f} s plain)")
    print(f"  statuses: {sorted({r.status.value for r in results})}; sandboxed: "
          f"{all(r.sandboxed for r in results)}; {wrong} submissions below full marks "
          f"(expected {len(range(0, count, 3))})")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
