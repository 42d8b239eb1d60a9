"""Grader benchmark: sandboxed `coursebook grade` against the nbclient floor, at the same parallelism.

The floor is executing the same notebooks with plain nbclient (no sandbox, no limits, no grading).
The grader adds a bubblewrap sandbox per submission, limits, answer extraction, grading, the result
store and the gradebooks. Also printed: the sandbox's own start-up cost per submission (starting
and stopping a kernel in bubblewrap against the same kernel started plainly). Prints; asserts nothing.
Target: sandboxed grading within 1.15 x the floor.
Run: .venv/bin/python benchmarks/grader_benchmark.py [N] [JOBS]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.exercise.assignment import Assignment  # noqa: E402
from coursebook.classroom.grader import Limits, require_sandbox  # noqa: E402
from coursebook.classroom.grader.classroom import grade_all  # noqa: E402
from coursebook.classroom.grader.collect import collect  # noqa: E402
from coursebook.classroom.grader.kernel import kernel_manager  # noqa: E402
from coursebook.classroom.grader.sandbox import Sandbox  # noqa: E402

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


def run_plain(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "answers")}}).execute()


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


def main(count: int = 40, jobs: int = 2) -> None:
    require_sandbox()
    assignment = Assignment.load(ROOT / "answers", EXERCISE)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        submissions = make_submissions(folder, count)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(run_plain, submissions))
        floor = time.perf_counter() - start
        start = time.perf_counter()
        rows = grade_all(collect(folder, Path(tmp) / "unpacked"), assignment, Path(tmp) / "out",
                         jobs=jobs, force=True, progress=False)
        graded = time.perf_counter() - start
    results = [row.result for row in rows]
    wrong = sum(r.total < r.max_total for r in results)
    plain = sorted(kernel_start_stop(False) for _ in range(5))[2]
    boxed = sorted(kernel_start_stop(True) for _ in range(5))[2]
    print(f"{count} submissions of {EXERCISE}, {jobs} parallel jobs on {os.cpu_count()} cores")
    print(f"  nbclient floor (execute only, no sandbox): {floor:7.1f} s   ({floor / count:.2f} s per submission)")
    print(f"  coursebook grade, sandboxed:               {graded:7.1f} s   ({graded / count:.2f} s per submission)")
    print(f"  ratio to the floor:                        {graded / floor:7.2f}   (target <= 1.15)")
    print(f"  sandbox start-up cost per submission:      {boxed - plain:+7.3f} s   (kernel start+stop, median of 5:"
          f" {boxed:.3f} s in bubblewrap, {plain:.3f} s plain)")
    print(f"  statuses: {sorted({r.status.value for r in results})}; sandboxed: {all(r.sandboxed for r in results)};"
          f" {wrong} submissions below full marks (expected {len(range(0, count, 3))})")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
