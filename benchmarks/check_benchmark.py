"""How much a student's check() costs, and how long the best search of the public files takes.

Prints, for this machine:
- the time of one `check(...)` call against the shipped public check file;
- the time of one guess for an attacker who calls the key-derivation function directly;
- the table `coursebook release` prints: per task, the best search (bucket walk on the fixed grid,
  option words, subsets, orderings), its expected guesses and its time on one core;
- one bucket walk run for real on the easiest numeric task, to show the estimate holds.

Run: .venv/bin/python benchmarks/check_benchmark.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.exercise.checks import load_check_file  # noqa: E402
from coursebook.classroom.exercise.comparison import Form, canonical  # noqa: E402
from coursebook.classroom.exercises import Checker  # noqa: E402
from coursebook.classroom.exercise.fingerprints import digest  # noqa: E402
from coursebook.classroom.search_time import estimate, notebook_text, table  # noqa: E402


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def walk(entry: dict, limit: int) -> tuple[int | None, float]:
    """The review's bucket walk: one value per second bucket, outwards from zero."""
    form = Form.from_json(entry["form"])
    start = time.perf_counter()
    for count in range(1, limit + 1):
        step = (count // 2) * (1 if count % 2 else -1) * 2
        value = (step + 0.5) * form.width
        if digest(canonical("number", value, form), entry["salt"], entry["scrypt"]) in entry["accept"]:
            return count, time.perf_counter() - start
    return None, time.perf_counter() - start


def main() -> None:
    exercises = ROOT / "exercises"
    check = Checker("ex1a-coercion-threshold", exercises / "checks")
    one_check = timed(lambda: check("credibility-needed", 41.0), 9)
    entry = json.loads((exercises / "checks" / "ex1a-coercion-threshold.json").read_text())["tasks"]["credibility-needed"]
    one_guess = timed(lambda: digest('["b",1]', entry["salt"], entry["scrypt"]), 9)
    print(f"one check() call: {one_check * 1000:6.1f} ms")
    print(f"one guess (scrypt N={entry['scrypt']['n']}, r={entry['scrypt']['r']}): {one_guess * 1000:6.1f} ms\n")
    rows, easiest = [], None
    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        public = json.loads((exercises / "checks" / f"{path.stem}.json").read_text())["tasks"]
        for row in estimate(checks, notebook_text(exercises / f"{path.stem}.ipynb"), one_guess):
            rows.append((path.stem, row))
            task = checks.task(row.task)
            if task.kind == "number" and public[row.task]["form"]["width"] and (easiest is None or row.guesses < easiest[0]):
                easiest = (row.guesses, f"{path.stem}/{row.task}", public[row.task])
    print(table(rows, one_guess))
    guesses, name, entry = easiest
    found, seconds = walk(entry, limit=int(guesses * 3) + 10)
    print(f"\nreal walk on {name}: found after {found} guesses in {seconds:.2f} s (estimate {guesses:.0f})")


if __name__ == "__main__":
    main()
