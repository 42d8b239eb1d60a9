"""CPU cost of grading against the nbclient floor, for a busy machine where wall-clock ratios are
noise: every process each command starts (kernels inside bubblewrap included, which rusage misses)
is counted through a cgroup v1 cpuacct group made for the measurement (root only).

Measured, for N copies of the solved ex3a (as grader_benchmark.py makes them):
- floor (answers/): plain nbclient, one notebook after another in one process, kernel cwd answers/
  (check() reads the instructor's check file: no scrypt);
- floor (exercises/): the same with kernel cwd exercises/ (check() hashes with scrypt, as it does
  for a student and in the sandbox);
- grade -j 1: `coursebook grade --force -j 1`, sandboxed, end to end (interpreter start-up too).
Prints CPU seconds per submission and the load average. Asserts nothing.
Run (root): .venv/bin/python benchmarks/grader_cpu.py [N] [ROUNDS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from grader_benchmark import EXERCISE, make_submissions  # noqa: E402

CPUACCT = Path("/sys/fs/cgroup/cpuacct")
FLOOR = """
import sys, nbformat
from nbclient import NotebookClient
for path in sys.argv[2:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": sys.argv[1]}}).execute()
"""


def cpu_of(command: list[str]) -> tuple[float, float]:
    """(CPU seconds of `command` and all it starts, wall seconds)."""
    group = CPUACCT / f"cb-bench-{os.getpid()}"
    group.mkdir()
    try:

        def join() -> None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

        started = time.perf_counter()
        subprocess.run(command, check=True, preexec_fn=join, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        deadline = time.monotonic() + 30
        while (group / "cgroup.procs").read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.1)  # the forkserver and the last sandbox end a moment later
        return int((group / "cpuacct.usage").read_text()) / 1e9, wall
    finally:
        group.rmdir()


def main(count: int = 10, rounds: int = 2) -> None:
    if os.geteuid() != 0 or not (CPUACCT / "cgroup.procs").exists():
        print("needs root and a cgroup v1 cpuacct hierarchy at /sys/fs/cgroup/cpuacct")
        return
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        subs = [str(p) for p in make_submissions(folder, count)]
        commands = {
            "floor (answers/)": [python, "-c", FLOOR, str(ROOT / "answers"), *subs],
            "floor (exercises/)": [python, "-c", FLOOR, str(ROOT / "exercises"), *subs],
            "grade -j 1": [python, "-m", "coursebook", "grade", str(folder), "--exercise", EXERCISE,
                           "--answers", str(ROOT / "answers"), "--out", str(Path(tmp) / "out"),
                           "-j", "1", "--force"],
        }
        cpu_of(commands["floor (answers/)"][:4] + subs[:1])  # warm-up
        # and the grader's caches, as after its first run (runtime trees, font list): that first
        # run's one-time cost is printed apart
        alone = Path(tmp) / "one"
        alone.mkdir()
        (alone / "a.ipynb").write_bytes(Path(subs[0]).read_bytes())
        first = cpu_of([*commands["grade -j 1"][:4], str(alone), *commands["grade -j 1"][5:]])
        found: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        loads = [os.getloadavg()[0]]
        for _ in range(rounds):
            for name, command in commands.items():
                found[name].append(cpu_of(command))
                loads.append(os.getloadavg()[0])
    print(f"{count} submissions of {EXERCISE}, {rounds} rounds; 1-min load during: "
          f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    print(f"  one grade run of 1 submission with the caches as found: CPU {first[0]:.1f} s "
          f"(includes any one-time cache building)")
    floor = min(cpu for cpu, _ in found["floor (answers/)"])
    for name, runs in found.items():
        cpu = min(c for c, _ in runs)
        walls = ", ".join(f"{w:.1f}" for _, w in runs)
        print(f"  {name:20s} CPU {cpu / count:5.2f} s per submission (best of {rounds}; "
              f"{cpu / floor:.2f}x the answers/ floor); wall s: {walls}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
