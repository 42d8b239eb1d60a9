"""`coursebook grade` on a single notebook, as otter grades one file."""

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
    rows = (out / "gradebook.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 2 and rows[1].startswith("partial,")
