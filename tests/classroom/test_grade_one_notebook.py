"""`coursebook grade` on a single notebook, as otter grades one file."""

import csv
import subprocess
import sys

from tests.conftest import ROOT


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "coursebook", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_grade_takes_a_single_notebook(tmp_path):
    """As otter does: one notebook is graded into a gradebook of one row; its score is printed."""
    fixture = ROOT / "tests" / "fixtures" / "grading"
    out = tmp_path / "out"
    completed = run(
        "grade",
        str(fixture / "submissions" / "partial.ipynb"),
        "--exercise",
        "ex0-fixture",
        "--answers",
        str(fixture / "answers"),
        "--out",
        str(out),
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(
        "partial.ipynb: 3 / 5 auto-graded points (ok); feedback: "
    )
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["student"], row["total"]) for row in rows] == [("partial", "3")]
