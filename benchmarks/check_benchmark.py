"""How much a student's check() costs, and how long guessing an answer from the public file takes.

Prints, for this machine:
- the time of one `check(...)` call against the shipped public check file (target: under ~50 ms);
- the time of one guess for an attacker who calls the key-derivation function directly;
- for every numeric task: how many guesses a brute-force search needs, and how long it takes,
  (a) for an attacker who knows the bucket grid (it is public) and scans outward from 0, and
  (b) for the blind search of the review (a million candidate values), with the old sha256
  fingerprints for comparison.
One search is run for real (a small-range task) to show the estimate holds.

Run: .venv/bin/python benchmarks/check_benchmark.py
"""

from __future__ import annotations

import hashlib
import json
import math
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

BLIND_GUESSES = 1_000_000


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def human(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


def outward(offset: float, width: float):
    """Bucket centres in the order 0, +1, -1, +2, ... buckets away from zero: the attacker's scan."""
    start = math.floor((0.0 - offset) / width)
    yield start
    for step in range(1, 10 ** 9):
        yield start + step
        yield start - step


def brute_force(entry: dict, limit: int) -> tuple[int | None, float]:
    form = Form.from_json(entry["form"])
    start = time.perf_counter()
    for count, bucket in enumerate(outward(form.offsets[0], form.width), start=1):
        value = form.offsets[0] + (bucket + 0.5) * form.width
        if digest(canonical("number", value, form), entry["salt"], entry["scrypt"]) in entry["accept"]:
            return count, time.perf_counter() - start
        if count >= limit:
            return None, time.perf_counter() - start
    return None, time.perf_counter() - start


def main() -> None:
    exercises = ROOT / "exercises"
    check = Checker("ex1a-coercion-threshold", exercises / "checks")
    one_check = timed(lambda: check("credibility-needed", 41.0), 15)
    entry = json.loads((exercises / "checks" / "ex1a-coercion-threshold.json").read_text())["tasks"]["credibility-needed"]
    one_guess = timed(lambda: digest('["b",1]', entry["salt"], entry["scrypt"]), 15)
    old_guess = timed(lambda: hashlib.sha256(b'ex1a:credibility-needed|583').hexdigest(), 2000)
    print(f"one check() call:                 {one_check * 1000:6.1f} ms   (target: under about 50 ms)")
    print(f"one guess (scrypt N=2^14, r=8):    {one_guess * 1000:6.1f} ms   (old sha256 fingerprint: {old_guess * 1e6:.1f} us)")
    print(f"\nbrute force of each numeric task, one core (an attacker with k cores divides by k):")
    print(f"{'task':48} {'tolerance':>9} {'(a) guesses':>12} {'(a) time':>12} {'(b) blind, 10^6 guesses':>24} {'old sha256':>11}")
    smallest = None
    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        public = json.loads((exercises / "checks" / f"{path.stem}.json").read_text())["tasks"]
        for task in checks.tasks:
            if task.kind != "number" or task.hidden:
                continue
            width = public[task.id]["form"]["width"]
            # Position of the answer's bucket in the outward scan (computed from the answer: the
            # attacker finds it after this many guesses).
            start = math.floor((0.0 - public[task.id]["form"]["offsets"][0]) / width)
            target = math.floor((task.answer - public[task.id]["form"]["offsets"][0]) / width)
            distance = target - start
            guesses = 1 + (2 * distance - 1 if distance > 0 else -2 * distance)
            name = f"{path.stem[:4]}/{task.id}"
            print(f"{name:48} {task.absolute_tolerance:>9g} {guesses:>12,} {human(guesses * one_guess):>12} "
                  f"{human(BLIND_GUESSES * one_guess):>24} {human(BLIND_GUESSES * old_guess):>11}")
            if smallest is None or guesses < smallest[0]:
                smallest = (guesses, name, public[task.id])
    guesses, name, entry = smallest
    found, seconds = brute_force(entry, limit=guesses + 10)
    print(f"\nreal search on {name}: found after {found} guesses in {seconds:.2f} s "
          f"(estimate {guesses} guesses, {guesses * one_guess:.2f} s)")
    print("\n(a) is the honest worst case: the bucket grid is public, so an attacker who knows roughly where "
          "an answer lies needs one guess per bucket; only a search without that knowledge takes hours.")


if __name__ == "__main__":
    main()
