"""Sharded grading: `grade --shard K/N` slices a class by student, `gradebook merge` joins the slices.

The slicing is checked as properties (disjoint, covering, stable when files are added, one
student's files together); merge is checked against every way shards can fail to fit; and one
class graded whole and in 3 merged shards must give the same gradebooks.
"""

import csv
import io
import shutil
from dataclasses import replace

import pytest
from click.testing import CliRunner

from coursebook.classroom.grader.collect import collect
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.shard import ShardSpec, select, shard_of, write_manifest
from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.store import ResultStore, terms
from coursebook.cli import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "scale"
ANSWERS = ROOT / "tests" / "fixtures" / "grading" / "answers"
LIMITS = ["--cell-timeout", "5", "--total-timeout", "20"]

# An LMS-shaped class: Canvas files (one late resubmission), Moodle folders, plain names, a stray file.
CLASS = {
    "doejane_1001_5001_ex0.ipynb": "perfect",
    "smithbob_1002_5002_ex0.ipynb": "partial",
    "smithbob_LATE_1002_5099_ex0-v2.ipynb": "perfect",
    "leeann_1003_5003_ex0.ipynb": "empty",
    "Omar Khan_201_assignsubmission_file_/ex0.ipynb": "perfect",
    "Mei Chen_202_assignsubmission_file_/ex0.ipynb": "partial",
    "alice.ipynb": "partial",
    "alice.txt": None,
    "Jane Doe.ipynb": "empty",
    "Jane_Doe.ipynb": "perfect",
}


def make_class(folder, files=CLASS):
    for name, fixture in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((FIXTURES / f"{fixture}.ipynb").read_bytes() if fixture else b"notes, not a notebook")
    return folder


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "3", "", "2/3/4", "-1/3", "1/1001"])
def test_bad_shard_is_refused_with_a_message(text):
    with pytest.raises(ValueError, match="--shard"):
        ShardSpec.parse(text)


def test_bad_shard_on_the_command_line_is_a_usage_error(tmp_path):
    done = CliRunner().invoke(main, ["grade", str(make_class(tmp_path / "c")), "--exercise", "ex0-fixture",
                                     "--answers", str(ANSWERS), "--out", str(tmp_path / "o"), "--shard", "4/3"])
    assert done.exit_code == 2 and "K must be between 1 and N" in done.output and "Traceback" not in done.output


def synthetic_class(tmp_path, count=300):
    folder = tmp_path / "synthetic"
    folder.mkdir()
    for i in range(count):
        (folder / f"student{i:03d}_{7000 + i}_{9000 + i}_ex.ipynb").write_text("{}")
    return collect(folder, tmp_path / "unpacked")


@pytest.mark.parametrize("count", [1, 2, 3, 7, 50])
def test_shards_are_disjoint_and_cover_the_class(tmp_path, count):
    everyone = synthetic_class(tmp_path)
    slices = [select(everyone, ShardSpec(k, count)) for k in range(1, count + 1)]
    keys = [s.key for piece in slices for s in piece]
    assert sorted(keys) == sorted(s.key for s in everyone) and len(keys) == len(set(keys))
    if count <= 3:  # a hash spreads students evenly enough
        assert all(abs(len(piece) - 300 / count) < 0.2 * 300 / count for piece in slices)


def test_shards_are_stable_when_files_arrive_and_on_reruns(tmp_path):
    folder = make_class(tmp_path / "class")
    before = {s.key: shard_of(s, 3) for s in collect(folder, tmp_path / "u1")}
    assert before == {s.key: shard_of(s, 3) for s in collect(folder, tmp_path / "u2")}  # a re-run
    make_class(folder, {"doejane_LATE_1001_5100_ex0-late.ipynb": "perfect", "newkid_1010_5101_ex0.ipynb": "empty",
                        "Zed Zee_299_assignsubmission_file_/ex0.ipynb": "partial"})
    after = {s.key: s for s in collect(folder, tmp_path / "u3")}
    for key, shard in before.items():  # nobody moved
        assert shard_of(after[key], 3) == shard
    # a late file goes where its student already is
    jane = [s for s in after.values() if s.lms == "canvas" and s.lms_id == "1001"]
    assert len(jane) == 2 and len({shard_of(s, 3) for s in jane}) == 1


def test_one_students_files_share_a_shard(tmp_path):
    everyone = collect(make_class(tmp_path / "class"), tmp_path / "u")
    for n in (2, 3, 5):
        by_student = {}
        for s in everyone:
            by_student.setdefault((s.lms, s.lms_id or s.student), set()).add(shard_of(s, n))
        assert all(len(shards) == 1 for shards in by_student.values())
        bob = [s for s in everyone if s.lms_id == "1002"]
        alice = [s for s in everyone if s.student == "alice"]
        assert len(bob) == 2 and len(alice) == 2


# ---- merge refuses shards that do not fit together (no grading: results written directly) ----

def real_terms():
    """The terms merge expects: the fixture's answer key and this package's version."""
    return terms(Assignment.load(ANSWERS, "ex0-fixture"), True)


def fake_result(submission, run_terms):
    return SubmissionResult(student=submission.student, source=submission.source, status=Status.OK,
                            tasks={"share": TaskResult(2.0, 2.0, Verdict.CORRECT)},
                            fingerprint=f"file=abc;{run_terms}")


def fake_shards(tmp_path, count=3, exercise="ex0-fixture", skip=(), shard_terms=lambda k: real_terms()):
    everyone = collect(make_class(tmp_path / "class"), tmp_path / "unpacked")
    folders = []
    for k in range(1, count + 1):
        folder = tmp_path / f"shard-{k}"
        folder.mkdir()
        mine = select(everyone, ShardSpec(k, count))
        store = ResultStore(folder / "results")
        for submission in mine:
            if submission.key not in skip:
                store.save(submission.key, fake_result(submission, shard_terms(k)))
        write_manifest(folder, ShardSpec(k, count), exercise, everyone, mine, terms=shard_terms(k))
        folders.append(folder)
    return everyone, folders


def merge(folders, out, *options):
    return CliRunner().invoke(main, ["gradebook", "merge", *map(str, folders), "--exercise", "ex0-fixture",
                                     "--answers", str(ANSWERS), "--out", str(out), *options])


def test_merge_of_fitting_shards_writes_every_file(tmp_path):
    everyone, folders = fake_shards(tmp_path)
    done = merge(folders, tmp_path / "merged")
    assert done.exit_code == 0, done.output
    with (tmp_path / "merged" / "gradebook.csv").open(newline="") as handle:
        assert sorted(row["file"] for row in csv.DictReader(handle)) == sorted(s.source for s in everyone)
    for name in ("canvas-grades.csv", "moodle-grading-worksheet.csv", "instructor.html"):
        assert (tmp_path / "merged" / name).is_file()


@pytest.mark.parametrize("case, message", [
    ("missing", "missing shard 2/3"),
    ("twice", "shard 1/3 is given twice"),
    ("overlap", "the shards overlap"),
    ("other-n", "was graded cut into 2"),
    ("other-class", "from the class"),
    ("other-exercise", "for exercise"),
    ("wrong-exercise", "the shards graded exercise 'ex9-other', not 'ex0-fixture'"),
    ("no-manifest", "no shard.json"),
    ("result-missing", "has no readable result"),
    ("other-key", "different answer keys"),
    ("key-edited", "was graded with another answer key"),
    ("other-package", "another version of coursebook (package 0.0.1"),
    ("other-limits", "different answer keys, limits"),
    ("out-is-a-shard", "is one of the shard folders"),
])
def test_merge_refuses_shards_that_do_not_fit(tmp_path, case, message):
    everyone, folders = fake_shards(tmp_path / "a")
    out = tmp_path / "merged"
    if case == "missing":
        folders = [folders[0], folders[2]]
    elif case == "twice":
        shutil.copytree(folders[0], tmp_path / "copy")
        folders = [folders[0], tmp_path / "copy", folders[1], folders[2]]
    elif case == "overlap":  # shard 2 claims one of shard 1's students too
        stolen = select(everyone, ShardSpec(1, 3))[0]
        write_manifest(folders[1], ShardSpec(2, 3), "ex0-fixture", everyone, [*select(everyone, ShardSpec(2, 3)), stolen])
    elif case == "other-n":
        _, other = fake_shards(tmp_path / "b", count=2)
        folders = [*folders, other[1]]
    elif case == "other-class":
        (tmp_path / "b").mkdir()
        extra = collect(make_class(tmp_path / "b" / "class", {**CLASS, "late_1099_5999_x.ipynb": "empty"}), tmp_path / "b" / "u")
        write_manifest(folders[2], ShardSpec(3, 3), "ex0-fixture", extra, select(extra, ShardSpec(3, 3)))
    elif case == "other-exercise":
        _, other = fake_shards(tmp_path / "b", exercise="ex9-other")
        folders = [folders[0], folders[1], other[2]]
    elif case == "wrong-exercise":
        _, folders = fake_shards(tmp_path / "b", exercise="ex9-other")
    elif case == "no-manifest":
        (folders[1] / "shard.json").unlink()
    elif case == "result-missing":
        victim = select(everyone, ShardSpec(2, 3))[0]
        (folders[1] / "results" / f"{victim.key}.json").unlink()
    elif case == "other-key":
        _, folders = fake_shards(tmp_path / "b", shard_terms=lambda k: real_terms().replace(
            "key=", "key=0" if k == 3 else "key="))
    elif case == "key-edited":  # every shard graded with the key as it was; merge is given the edited key
        _, folders = fake_shards(tmp_path / "b", shard_terms=lambda k: real_terms().replace("key=", "key=0"))
    elif case == "other-package":
        _, folders = fake_shards(tmp_path / "b", shard_terms=lambda k: real_terms().replace(
            "package=", "package=0.0.1;old="))
    elif case == "other-limits":
        base = Assignment.load(ANSWERS, "ex0-fixture")
        _, folders = fake_shards(tmp_path / "b", shard_terms=lambda k: terms(
            replace(base, limits=Limits(cell_timeout=20)) if k == 2 else base, True))
    elif case == "out-is-a-shard":
        out = folders[0]
    done = merge(folders, out)
    assert done.exit_code == 1 and message in done.output, done.output
    assert "Traceback" not in done.output
    if case != "out-is-a-shard":
        assert not (out / "gradebook.csv").exists()


# ---- the equivalence the issue asks for: one class, whole and in 3 merged shards ----

def read(path):
    return path.read_bytes()


def moodle_without_stamp(path):
    """The Moodle worksheet with its `Last modified (grade)` column (the time it was written) blanked."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    stamp = rows[0].index("Last modified (grade)")
    return [[cell if i != stamp else "" for i, cell in enumerate(row)] for row in rows]


def test_three_merged_shards_give_the_unsharded_gradebooks(tmp_path):
    folder = make_class(tmp_path / "class")
    runner = CliRunner()
    common = ["--exercise", "ex0-fixture", "--answers", str(ANSWERS), "-j", "2", *LIMITS]
    whole = runner.invoke(main, ["grade", str(folder), "--out", str(tmp_path / "whole"), *common])
    assert whole.exit_code == 0, whole.output
    shards = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard-{k}"
        done = runner.invoke(main, ["grade", str(folder), "--out", str(out), "--shard", f"{k}/3", *common])
        assert done.exit_code == 0, done.output
        assert f"shard {k}/3:" in done.output
        shards.append(out)
    sizes = [len(list((out / "results").glob("*.json"))) for out in shards]
    assert sum(sizes) == len(CLASS) and all(sizes), sizes  # every shard graded someone, nobody twice
    done = merge(reversed(shards), tmp_path / "merged")  # without the shards' limits: refused
    assert done.exit_code == 1 and "other limits" in done.output, done.output
    done = merge(reversed(shards), tmp_path / "merged", *LIMITS)  # order of the folders does not matter
    assert done.exit_code == 0, done.output
    whole_dir, merged = tmp_path / "whole", tmp_path / "merged"
    assert read(merged / "gradebook.csv") == read(whole_dir / "gradebook.csv")
    assert read(merged / "canvas-grades.csv") == read(whole_dir / "canvas-grades.csv")
    assert moodle_without_stamp(merged / "moodle-grading-worksheet.csv") == moodle_without_stamp(
        whole_dir / "moodle-grading-worksheet.csv")
    assert read(merged / "instructor.html") == read(whole_dir / "instructor.html")
    pages = sorted(p.name for p in (whole_dir / "feedback").iterdir())
    assert pages and pages == sorted(p.name for p in (merged / "feedback").iterdir())
    assert all(read(merged / "feedback" / p) == read(whole_dir / "feedback" / p) for p in pages)
    with (whole_dir / "gradebook.csv").open(newline="") as handle:  # and the grades are real ones
        totals = sorted(float(row["total"]) for row in csv.DictReader(handle))
    assert totals == sorted([5, 2, 5, 0, 5, 2, 2, 0, 0, 5])
