"""The issue's "done when", as an instructor runs it: one `coursebook grade -j 2` over every ordinary,
broken, odd and hostile fixture together gives a complete gradebook, no unearned credit, nothing
outside the output folder touched and no process left behind."""

import csv
import hashlib
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.helpers.grading import CLASS_EXPECTED, CORPUS_EXPECTED, NO_CREDIT_ANY_STATUS, tree_digest
from tests.helpers.processes import alive, descendants
from tests.fixtures.grading.make_kernel_attacks import ATTACKS, INNOCENT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"


def most_credit() -> dict[str, float]:
    """The most each file's own answers can earn (full marks are 5)."""
    credit = {f"corpus/{name}": total for name, (_, total) in CORPUS_EXPECTED.items()}
    credit.update({f"corpus/{name}": 0 for name in NO_CREDIT_ANY_STATUS})
    credit.update({f"corpus/{name}.ipynb": 0 for name in ATTACKS})
    credit.update({f"corpus/{name}.ipynb": 5 for name in INNOCENT})
    credit.update({f"class/{name}": total for name, (_, _, total) in CLASS_EXPECTED.items()})
    return credit


@pytest.fixture(scope="module")
def whole_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    submissions = root / "submissions"
    shutil.copytree(FIXTURE / "submissions", submissions / "corpus")
    shutil.copytree(FIXTURE / "class", submissions / "class")
    shutil.copytree(FIXTURE / "answers", root / "answers")
    before = tree_digest(submissions), tree_digest(root / "answers"), tree_digest(ROOT / "answers")
    command = [sys.executable, "-m", "coursebook", "grade", str(submissions), "--exercise", "ex0-fixture",
               "--answers", str(root / "answers"), "--out", str(root / "out"), "-j", "2",
               "--cell-timeout", "4", "--total-timeout", "8"]
    # Output to files, not pipes: waiting on a pipe would also wait for any process left behind.
    with open(root / "stdout.txt", "w") as out, open(root / "stderr.txt", "w") as err:
        process = subprocess.Popen(command, cwd=root, stdout=out, stderr=err, text=True)
    family = set()
    while process.poll() is None:  # note every process the run starts, to check none outlives it
        family |= descendants(process.pid)
        try:
            process.wait(0.5)
        except subprocess.TimeoutExpired:
            pass
    ended = time.monotonic()
    while alive(family) and time.monotonic() < ended + 10:
        time.sleep(0.2)
    left = alive(family)
    (root / "stdout.txt").rename(root.parent / f"{root.name}-stdout.txt")
    (root / "stderr.txt").rename(root.parent / f"{root.name}-stderr.txt")
    out = (root.parent / f"{root.name}-stdout.txt").read_text()
    err = (root.parent / f"{root.name}-stderr.txt").read_text()
    return root, process.returncode, out, err, family, left, before


def test_the_run_ends_well(whole_class):
    _, code, out, err, _, _, _ = whole_class
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    assert f"graded {len(most_credit())} files" in out


def test_every_file_one_row_and_no_unearned_credit(whole_class):
    root = whole_class[0]
    with (root / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    credit = most_credit()
    files = sorted(p.relative_to(root / "submissions").as_posix() for p in (root / "submissions").rglob("*")
                   if p.is_file())
    assert sorted(credit) == files
    assert sorted(r["file"] for r in rows) == files
    for row in rows:
        assert float(row["total"]) <= credit[row["file"]], row


def test_nothing_outside_the_output_folder_touched_and_no_process_left(whole_class):
    root, _, _, _, family, left, before = whole_class
    assert (tree_digest(root / "submissions"), tree_digest(root / "answers"), tree_digest(ROOT / "answers")) == before
    assert sorted(p.name for p in root.iterdir()) == ["answers", "out", "submissions"]
    assert len(family) > 10  # workers, sandboxes and kernels were seen
    assert left == []
