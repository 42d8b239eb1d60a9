"""Scale benchmark: what one submission costs on each path, and what 1,000 would take on many runners.

Measured here, on the same submissions (copies of the solved exercise, every third one wrong):
- `run_autograder` of the Gradescope zip, one submission per run, start-up included (a fresh
  Python, the package's imports, the sandbox, the kernel): Gradescope runs exactly this once per
  submission, each in its own container. Its image is built once (setup.sh, timed separately).
- `coursebook grade` on the whole folder, sequentially (-j 1) and on both cores (-j 2), as one
  runner of the CI matrix does for its shard; divided by the number of submissions.
Then prints the projected wall time for 1,000 submissions on 1, 2, 10 and 50 parallel runners:
Gradescope = ceil(1000 / runners) x per-run cost (its own container start and queueing are not
measured here and come on top); CI matrix = per-runner install + ceil(1000 / runners) x the -j 2
per-submission cost (a 2-core runner, as here) + the merge job. Prints; asserts nothing.
Run: .venv/bin/python benchmarks/scale_benchmark.py [N]
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.autograder import container  # noqa: E402

EXERCISE = "ex3a-revenue-exposure"
RUNNERS = (1, 2, 10, 50)
CLASS_SIZE = 1000
PYTHON = getattr(sys, "_base_executable", sys.executable)  # a Python 3.11 >= 3.11.5, as setup.sh requires
COURSEBOOK = [sys.executable, "-m", "coursebook"]


def make_submissions(folder: Path, count: int) -> list[Path]:
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


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def minutes(seconds: float) -> str:
    return f"{seconds / 60:7.1f} min"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    # Under /var/tmp: the sandbox mounts a private /tmp, which would hide an environment kept in /tmp.
    with tempfile.TemporaryDirectory(prefix="coursebook-scale-", dir="/var/tmp") as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)
        submissions = make_submissions(tmp / "class", count)
        zip_path = tmp / "autograder.zip"
        build = timed([*COURSEBOOK, "autograder", "gradescope", "--exercise", EXERCISE, "--out", str(zip_path)])
        started = time.perf_counter()
        done = container.install(zip_path, tmp / "autograder", PYTHON)
        install = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"setup.sh failed:\n{done.stderr[-2000:]}")

        per_run, sandboxed = [], set()
        for path in submissions:
            started = time.perf_counter()
            _, results = container.run(tmp / "autograder", {path.name: path.read_bytes()})
            per_run.append(time.perf_counter() - started)
            sandboxed.add(results["extra_data"]["sandboxed"])

        grade = {}
        for jobs in (1, 2):
            out = tmp / f"grade-j{jobs}"
            grade[jobs] = timed([*COURSEBOOK, "grade", str(tmp / "class"), "--exercise", EXERCISE, "--out", str(out),
                                 "-j", str(jobs)]) / count
        merge_dirs = []
        for k in (1, 2):
            out = tmp / f"shard-{k}"
            subprocess.run([*COURSEBOOK, "grade", str(tmp / "class"), "--exercise", EXERCISE, "--out", str(out),
                            "--shard", f"{k}/2", "-j", "2"], check=True, capture_output=True)
            merge_dirs.append(str(out))
        merge = timed([*COURSEBOOK, "gradebook", "merge", *merge_dirs, "--exercise", EXERCISE,
                       "--out", str(tmp / "merged")])

    autograder = statistics.mean(per_run)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the end (other work slows every figure)")
    print(f"{count} submissions of {EXERCISE}; sandbox in run_autograder: "
          f"{'yes' if sandboxed == {True} else 'no' if sandboxed == {False} else 'mixed'}")
    print(f"building the Gradescope zip:            {build:6.2f} s (once per exercise)")
    print(f"setup.sh (image build, warm pip cache): {install:6.1f} s (once per image on Gradescope; "
          "once per runner on the CI matrix)")
    print(f"run_autograder per submission:          {autograder:6.2f} s mean, {statistics.median(per_run):.2f} s median, "
          f"{max(per_run):.2f} s max (start-up included)")
    print(f"coursebook grade per submission, -j 1:  {grade[1]:6.2f} s")
    print(f"coursebook grade per submission, -j 2:  {grade[2]:6.2f} s (one 2-core runner)")
    print(f"run_autograder / grade -j 1:            {autograder / grade[1]:6.2f} x (the extra is a fresh "
          "interpreter and imports per submission)")
    print(f"gradebook merge of 2 shards:            {merge:6.2f} s")
    print()
    print(f"projected wall time for {CLASS_SIZE:,} submissions")
    print(f"{'runners':>8} | {'Gradescope (1 run each)':>24} | {'CI matrix (grade --shard, -j 2)':>32}")
    for runners in RUNNERS:
        per_runner = math.ceil(CLASS_SIZE / runners)
        gradescope = per_runner * autograder
        matrix = install + per_runner * grade[2] + merge
        print(f"{runners:>8} | {minutes(gradescope):>24} | {minutes(matrix):>32}")
    print("Gradescope's own container start-up and queueing, and GitHub's runner start-up and artifact "
          "transfer, are not included.")


if __name__ == "__main__":
    main()
