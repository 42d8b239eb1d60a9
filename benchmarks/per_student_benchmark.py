"""Per-student answer keys: what computing them costs a class, batched against one kernel each.

`grade --roster` (and `release --roster`, `autograder gradescope --roster`) needs each student's
answers: the solution notebook run with that student's values. They are computed for every student
not computed before in one kernel (variants.solve_many: namespace reset between students, figures
not drawn), and cached under `_build/variants/`, so a second run costs nothing. This prints the
batched cost for N students (redraws included: a draw the solution's own checks reject is made
again), a fresh kernel per student for comparison (`solve`, what each student cost before), and the
cached lookup. Prints; asserts nothing. Target: a class of 30 in well under the time its grading
takes (about 1 to 2 s per notebook per core).
Run: .venv/bin/python benchmarks/per_student_benchmark.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.classroom.variants import (  # noqa: E402
    cached_check_data_many,
    draw,
    solve,
    with_values,
)

EXERCISE = "ex1a-coercion-threshold"
SECRET = "benchmark-" + "7" * 24


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    answers = ROOT / "answers"
    logins = [f"student{k:03d}" for k in range(count)]
    with tempfile.TemporaryDirectory(prefix="cb-per-student-") as tmp:
        cache = Path(tmp)
        started = time.monotonic()
        cached_check_data_many(answers, EXERCISE, SECRET, logins, cache)
        batched = time.monotonic() - started
        started = time.monotonic()
        cached_check_data_many(answers, EXERCISE, SECRET, logins, cache)
        cached = time.monotonic() - started
    data = yaml.safe_load((answers / "checks" / f"{EXERCISE}.yml").read_text(encoding="utf-8"))
    nb = nbformat.read(answers / f"{EXERCISE}.ipynb", as_version=4)
    variables = [task["variable"] for task in data["tasks"]]
    sample = logins[:3]
    started = time.monotonic()
    for login in sample:
        values = draw(SECRET, EXERCISE, data["parameters"], 0, login)
        try:
            solve(with_values(nb, values, EXERCISE), variables, answers)
        except AssertionError:
            pass  # a rejected draw costs its run all the same
    single = (time.monotonic() - started) / len(sample)
    print(f"{EXERCISE}, {count} students")
    print(f"  batched, one kernel: {batched:6.1f} s  ({batched / count:.2f} s per student, with redraws)")
    print(f"  one kernel each:     {single * count:6.1f} s  (estimated: {single:.2f} s per run, no redraws)")
    print(f"  cached, second run:  {cached:6.3f} s")


if __name__ == "__main__":
    main()
