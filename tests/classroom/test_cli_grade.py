"""`coursebook grade` as an instructor meets it: one-line errors, no tracebacks, odd names graded."""

import csv
import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
PERFECT = (FIXTURE / "submissions" / "perfect.ipynb").read_bytes()


def run(*args, cwd, env=None):
    command = [sys.executable, "-m", "coursebook", "grade", *map(str, args), "--exercise", "ex0-fixture",
               "--answers", str(FIXTURE / "answers"), "--cell-timeout", "10", "--total-timeout", "30"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def one_line_error(done) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.fixture
def class_folder(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "plain.ipynb").write_bytes(PERFECT)
    (folder / os.fsdecode(b"caf\xe9.ipynb")).write_bytes(PERFECT)  # not UTF-8
    (folder / ("x" * 249 + ".ipynb")).write_bytes(PERFECT)  # 255 bytes
    return folder


def test_odd_names_are_graded_end_to_end(class_folder, tmp_path):
    done = run(class_folder, "--out", tmp_path / "out", "-j", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    with (tmp_path / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        table = {r["file"]: (r["status"], r["total"]) for r in csv.DictReader(handle)}
    assert table == {"plain.ipynb": ("ok", "5"), "caf\\xe9.ipynb": ("ok", "5"), "x" * 249 + ".ipynb": ("ok", "5")}
    assert "graded 3 files (3 ok)" in done.stdout


def test_missing_bubblewrap_refuses_with_the_install_command(class_folder, tmp_path):
    line = one_line_error(run(class_folder, "--out", tmp_path / "out", cwd=tmp_path, env={"PATH": "/nonexistent"}))
    assert "bubblewrap" in line and "apt-get install" in line
    assert not (tmp_path / "out").exists()


def test_no_sandbox_warns_and_marks_every_row(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "plain.ipynb").write_bytes(PERFECT)
    done = run(folder, "--out", tmp_path / "out", "--no-sandbox", cwd=tmp_path, env={"PATH": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    assert "warning: --no-sandbox" in done.stderr
    with (tmp_path / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["total"] == "5" and "without the sandbox" in row["message"]


def test_a_bad_limit_is_a_usage_error(class_folder, tmp_path):
    done = run(class_folder, "--out", tmp_path / "out", "--max-output-mb", "0", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Invalid value for '--max-output-mb'" in done.stderr


@pytest.mark.parametrize("case", ["unknown-exercise", "out-inside-submissions", "not-a-zip", "bad-utf8-flag"])
def test_bad_input_is_one_clear_line(case, class_folder, tmp_path):
    args = [class_folder, "--out", tmp_path / "out"]
    if case == "unknown-exercise":
        done = subprocess.run([sys.executable, "-m", "coursebook", "grade", str(class_folder), "--exercise", "nope",
                               "--answers", str(FIXTURE / "answers")], capture_output=True, text=True, cwd=tmp_path)
        assert "ex0-fixture" in one_line_error(done)
        return
    if case == "out-inside-submissions":
        args = [class_folder, "--out", class_folder / "results"]
    if case == "not-a-zip":
        (tmp_path / "class.zip").write_bytes(b"PK\x03\x04 but not really a zip")
        args = [tmp_path / "class.zip", "--out", tmp_path / "out"]
    if case == "bad-utf8-flag":
        with zipfile.ZipFile(tmp_path / "flagged.zip", "w") as archive:
            archive.writestr("Zoë.ipynb", PERFECT)
        data = (tmp_path / "flagged.zip").read_bytes().replace("Zoë".encode(), b"Zo\xff\xfe")
        (tmp_path / "flagged.zip").write_bytes(data)
        args = [tmp_path / "flagged.zip", "--out", tmp_path / "out"]
    line = one_line_error(run(*args, cwd=tmp_path))
    expected = {"out-inside-submissions": "inside the submissions folder", "not-a-zip": "neither a folder nor a zip",
                "bad-utf8-flag": "marked UTF-8"}[case]
    assert expected in line
    assert not (class_folder / "results").exists()
