"""Grader benchmark: grade N generated submissions and compare with the nbclient floor.

The floor is executing the same notebooks with plain nbclient at the same parallelism; the grader
adds isolation (temporary copies, a limited kernel), answer extraction, grading and the gradebook.
Prints figures; asserts nothing. Target: within 1.15 x the floor.
Run: .venv/bin/python benchmarks/grader_benchmark.py [N] [JOBS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.checks import load_check_file  # noqa: E402
from coursebook.classroom.gradebook import grade_all  # noqa: E402

EXERCISE = "ex3a-revenue-exposure"


def make_submissions(folder: Path, count: int) -> list[Path]:
    """Copies of the solved exercise, every third one with a wrong first answer."""
    solved = nbformat.read(ROOT / "answers" / f"{EXERCISE}.ipynb", as_version=4)
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
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(ROOT / "answers")}}).execute()


def main(count: int = 100, jobs: int = 2) -> None:
    checks = load_check_file(ROOT / "answers" / "checks" / f"{EXERCISE}.yml")
    with tempfile.TemporaryDirectory() as tmp:
        submissions = make_submissions(Path(tmp), count)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(run_plain, submissions))
        floor = time.perf_counter() - start
        start = time.perf_counter()
        results = grade_all(submissions, checks, Path(tmp) / "out", jobs=jobs, force=True, progress=False)
        graded = time.perf_counter() - start
    wrong = sum(r.total < r.max_total for r in results)
    print(f"{count} submissions of {EXERCISE}, {jobs} parallel jobs on {__import__('os').cpu_count()} cores")
    print(f"  nbclient floor (execute only):  {floor:7.1f} s   ({floor / count:.2f} s per submission)")
    print(f"  coursebook grade:               {graded:7.1f} s   ({graded / count:.2f} s per submission)")
    print(f"  ratio to the floor:             {graded / floor:7.2f}   (target <= 1.15)")
    print(f"  statuses: {sorted({r.status for r in results})}; {wrong} submissions below full marks (expected {len(range(0, count, 3))})")
    print("  nbgrader reference (DESIGN.md, this machine, 20 small submissions): 1.24 x the sequential floor,")
    print("  1.66 x the two-process floor, and full marks for a submission that timed out.")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
