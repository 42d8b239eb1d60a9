"""Who a submission belongs to comes from the LMS's file and folder names, never from the notebook."""

import json
import os

import pytest

from coursebook.classroom.grader.collect import collect, identify, result_key
from coursebook.errors import GradingInputError
from tests.conftest import ROOT

CLASS = ROOT / "tests" / "fixtures" / "grading" / "class"


@pytest.mark.parametrize("source, expected", [
    ("smithjane_1234_5678_ex0-fixture.ipynb",
     {"student": "smithjane", "lms": "canvas", "lms_id": "1234", "submission_id": "5678", "late": False}),
    ("doejohn_LATE_2345_6789_ex0-fixture-1.ipynb",
     {"student": "doejohn", "lms": "canvas", "lms_id": "2345", "submission_id": "6789", "late": True}),
    ("doejohn_late_2345_6789_ex0-fixture.ipynb",
     {"student": "doejohn", "lms": "canvas", "lms_id": "2345", "submission_id": "6789", "late": True}),
    ("Amy Lee_101_assignsubmission_file_/ex0-fixture.ipynb", {"student": "Amy Lee", "lms": "moodle", "lms_id": "101"}),
    ("Amy Lee_101_assignsubmission_file_/sub/dir/ex.ipynb", {"student": "Amy Lee", "lms": "moodle", "lms_id": "101"}),
    ("Amy Lee_101_assignsubmission_file_ex0-fixture.ipynb", {"student": "Amy Lee", "lms": "moodle", "lms_id": "101"}),
    ("Participant_4242_assignsubmission_file_/ex.ipynb", {"student": "Participant 4242", "lms": "moodle", "lms_id": "4242"}),
    ("Jane Doe.ipynb", {"student": "Jane Doe"}),
    ("alice/ex0.ipynb", {"student": "alice/ex0"}),
    ("no_numbers_here.ipynb", {"student": "no_numbers_here"}),
])
def test_identity_from_lms_names(source, expected):
    assert identify(source) == expected


def test_every_file_is_a_submission_with_its_own_key():
    found = collect(CLASS, CLASS / "never-used")
    files = sorted(p.relative_to(CLASS).as_posix() for p in CLASS.rglob("*") if p.is_file())
    assert sorted(s.source for s in found) == files
    assert len({s.key for s in found}) == len(found)
    assert not (CLASS / "never-used").exists()  # a folder is graded where it is, never copied


def test_look_alike_names_stay_apart():
    found = {s.source: s for s in collect(CLASS, CLASS / "never-used")}
    assert found["Jane Doe.ipynb"].key != found["Jane_Doe.ipynb"].key
    assert found["alice.ipynb"].key != found["alice.txt"].key
    assert found["Jane Doe.ipynb"].student != found["Jane_Doe.ipynb"].student


def test_metadata_never_names_the_student():
    notebook = json.loads((CLASS / "claims-another-student.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["coursebook"]["student"] == "Jane Doe"  # the claim is there...
    found = {s.source: s for s in collect(CLASS, CLASS / "never-used")}
    assert found["claims-another-student.ipynb"].student == "claims-another-student"  # ...and ignored


def test_keys_are_stable_and_file_system_safe():
    assert result_key("=1+1.ipynb") == result_key("=1+1.ipynb")
    for source in ["-1-1.ipynb", "../../etc/passwd", "a" * 400 + ".ipynb", "Ζωή/😀.ipynb", "bad\\xff.ipynb"]:
        key = result_key(source)
        assert len(key.encode()) < 100 and "/" not in key and not key.startswith(("-", "."))


def test_odd_file_names_in_a_folder(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ok.ipynb").write_text("{}")
    undecodable = os.fsdecode(b"caf\xe9.ipynb")  # Latin-1, not UTF-8
    (folder / undecodable).write_text("{}")
    longest = "x" * 249 + ".ipynb"  # 255 bytes, the file system's limit
    (folder / longest).write_text("{}")
    (folder / "link.ipynb").symlink_to(ROOT / "answers" / "checks" / "ex3a-revenue-exposure.yml")
    (folder / "linked-dir").symlink_to(ROOT / "answers")
    (folder / ".hidden.ipynb").write_text("{}")  # a student's notebook, hidden or not: a row
    (folder / "._ok.ipynb").write_text("{}")  # macOS's copy of a file's attributes: no row
    (folder / ".DS_Store").write_text("")
    (folder / ".notes.txt").write_text("")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "ok-checkpoint.ipynb").write_text("{}")
    (folder / "red\x1b[31m\nline.ipynb").write_text("{}")  # a terminal escape and a line break
    found = {s.source: s for s in collect(folder, tmp_path / "unpacked")}
    assert set(found) == {"ok.ipynb", "caf\\xe9.ipynb", longest, "link.ipynb", "linked-dir",
                          "red\\x1b[31m\\x0aline.ipynb", ".hidden.ipynb"}
    assert found[".hidden.ipynb"].path.exists()
    assert found["red\\x1b[31m\\x0aline.ipynb"].path.exists()
    assert found["caf\\xe9.ipynb"].path.exists()
    assert found[longest].path.exists() and len(found[longest].key) < 100
    for link in ("link.ipynb", "linked-dir"):  # links are refused, never followed
        assert found[link].path is None and found[link].refusal.reason == "link"


def test_a_folder_that_cannot_be_read_is_a_row(tmp_path, monkeypatch):
    folder = tmp_path / "class"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "hidden-from-us.ipynb").write_text("{}")
    (folder / "ok.ipynb").write_text("{}")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):  # what a folder without read permission does (root reads anyway)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    found = {s.source: s for s in collect(folder, tmp_path / "unpacked")}
    assert set(found) == {"locked/", "ok.ipynb"}
    assert found["locked/"].refusal.reason == "unlistable" and found["locked/"].path is None


def test_neither_folder_nor_zip(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(GradingInputError, match="neither a folder nor a zip"):
        collect(tmp_path / "notes.txt", tmp_path / "unpacked")
