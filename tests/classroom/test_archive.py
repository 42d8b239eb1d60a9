"""LMS zips are unpacked within bounds; a hostile entry costs its own row, never the class."""

import csv
import io
import random
import stat
import zipfile

import pytest

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.grader.archive import ArchiveLimits, unpack
from coursebook.classroom.grader.classroom import grade_all
from coursebook.classroom.grader.collect import collect
from coursebook.errors import GradingInputError
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
PERFECT = (FIXTURE / "submissions" / "perfect.ipynb").read_bytes()


def folder_bytes(folder):
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """About 1 MB on disk, 1 GiB unpacked, next to an ordinary notebook."""
    path = tmp_path_factory.mktemp("bomb") / "class.zip"
    zero = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("before_11_22_ex.ipynb", PERFECT)
        with archive.open("bomb_33_44_ex.ipynb", "w", force_zip64=True) as entry:
            for _ in range(1024):
                entry.write(zero)
        archive.writestr("after_55_66_ex.ipynb", PERFECT)
    assert path.stat().st_size < 2 << 20
    return path


def test_zip_bomb_is_refused_by_name_and_the_rest_unpacked(bomb, tmp_path):
    entries = unpack(bomb, tmp_path / "out")
    assert [(e.name, e.reason) for e in entries] == [
        ("before_11_22_ex.ipynb", ""), ("bomb_33_44_ex.ipynb", "entry-size"), ("after_55_66_ex.ipynb", "")]
    assert folder_bytes(tmp_path / "out") == 2 * len(PERFECT)


def test_a_bomb_that_lies_about_its_size_is_still_bounded(bomb, tmp_path):
    """Headers saying 1,000 bytes for the 1 GiB entry: the unpacked bytes are counted, not trusted."""
    data = bytearray(bomb.read_bytes())
    lying = tmp_path / "lying.zip"
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("bomb_33_44_ex.ipynb")
    # Rewrite the zip64 extra fields' uncompressed size (8 bytes, little-endian) in both headers.
    true_size = (1 << 30).to_bytes(8, "little")
    assert data.count(true_size) >= 1 and info.file_size == 1 << 30
    data = bytearray(bytes(data).replace(true_size, (1000).to_bytes(8, "little")))
    lying.write_bytes(bytes(data))
    entries = unpack(lying, tmp_path / "out", ArchiveLimits(max_ratio=5, ratio_floor_bytes=10_000))
    assert {e.name: e.reason for e in entries}["bomb_33_44_ex.ipynb"] in ("ratio", "entry-size", "unreadable")
    assert folder_bytes(tmp_path / "out") <= 2 * len(PERFECT) + 1000


def test_ratio_and_total_limits(tmp_path):
    archive_path = tmp_path / "a.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.ipynb", bytes(3_000_000))  # compresses about 1000:1
        for index in range(3):
            archive.writestr(f"random{index}.ipynb", random.Random(index).randbytes(1_000_000))
    limits = ArchiveLimits(max_ratio=50, ratio_floor_bytes=1_000_000, max_total_bytes=2_500_000)
    reasons = [e.reason for e in unpack(archive_path, tmp_path / "out", limits)]
    assert reasons == ["ratio", "", "", "total-size"]
    assert folder_bytes(tmp_path / "out") <= limits.max_total_bytes


def test_too_many_files_is_one_row_for_the_rest(tmp_path):
    archive_path = tmp_path / "many.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for index in range(25):
            archive.writestr(f"s{index:02d}.ipynb", PERFECT)
    entries = unpack(archive_path, tmp_path / "out", ArchiveLimits(max_files=10))
    assert [e.reason for e in entries] == [""] * 10 + ["too-many"]
    assert entries[-1].count == 15 and entries[-1].name == "s10.ipynb"
    assert len(list((tmp_path / "out").iterdir())) == 10


def test_links_and_paths_out_are_refused_and_nothing_lands_outside(tmp_path):
    archive_path = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name in ["../../escaped.ipynb", "/tmp/absolute-escape.ipynb", "..\\..\\windows-escape.ipynb",
                     "C:/drive-escape.ipynb"]:
            archive.writestr(zipfile.ZipInfo(name), PERFECT)
        link = zipfile.ZipInfo("link.ipynb")
        link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("fine_1_2_ex.ipynb", PERFECT)
    work = tmp_path / "deep" / "work"
    entries = unpack(archive_path, work / "out")
    assert [e.reason for e in entries] == ["outside"] * 4 + ["link", ""]
    everything = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert everything == ["deep/work/out/00005-fine_1_2_ex.ipynb", "evil.zip"]
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))


def test_long_and_undecodable_names(tmp_path):
    long_name = "Jane Doe_77_assignsubmission_file_/" + "n" * 300 + ".ipynb"  # a component over 255 bytes
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(long_name, PERFECT)
        archive.writestr("cafX_3_4_ex.ipynb", PERFECT)
    raw = buffer.getvalue().replace(b"cafX_3_4_ex", b"caf\xe9_3_4_ex")  # Latin-1 byte, no UTF-8 flag
    archive_path = tmp_path / "names.zip"
    archive_path.write_bytes(raw)
    found = collect(archive_path, tmp_path / "out")
    assert [s.refusal for s in found] == [None, None]
    assert found[0].source == long_name and found[0].student == "Jane Doe" and found[0].lms_id == "77"
    assert found[1].lms == "canvas" and found[1].lms_id == "3" and found[1].path.read_bytes() == PERFECT
    assert all(len(s.path.name.encode()) < 80 and len(s.key.encode()) < 100 for s in found)


def test_a_name_falsely_marked_utf8_is_a_clear_error(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Zoë.ipynb", PERFECT)  # stored with the UTF-8 flag
    raw = buffer.getvalue().replace("Zoë".encode(), b"Zo\xff\xfe")
    archive_path = tmp_path / "flagged.zip"
    archive_path.write_bytes(raw)
    with pytest.raises(GradingInputError, match="marked UTF-8"):
        collect(archive_path, tmp_path / "out")


def test_corrupt_entry_is_its_own_row(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # stored, so the payload is visible
        archive.writestr("broken_1_1_ex.ipynb", b"BROKEN-PAYLOAD" * 10)
        archive.writestr("fine_2_2_ex.ipynb", PERFECT)
    archive_path = tmp_path / "crc.zip"
    archive_path.write_bytes(buffer.getvalue().replace(b"BROKEN-PAYLOAD", b"broken-payload", 1))
    assert [e.reason for e in unpack(archive_path, tmp_path / "out")] == ["unreadable", ""]


def test_moodle_folders_and_repeated_names_keep_every_identity(tmp_path):
    archive_path = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("Amy Lee_101_assignsubmission_file_/ex.ipynb", PERFECT)
        archive.writestr("Bob Ray_102_assignsubmission_file_/ex.ipynb", PERFECT)
        archive.writestr("__MACOSX/Bob Ray_102_assignsubmission_file_/._ex.ipynb", b"junk")
        archive.writestr("same.ipynb", PERFECT)
        with pytest.warns(UserWarning, match="Duplicate name"):  # zip allows it, and so does an LMS bug
            archive.writestr("same.ipynb", PERFECT)
    found = collect(archive_path, tmp_path / "out")
    assert [(s.student, s.lms_id) for s in found] == [("Amy Lee", "101"), ("Bob Ray", "102"), ("same", ""), ("same", "")]
    assert len({s.key for s in found}) == 4 and len({s.path for s in found}) == 4


def test_refused_entries_are_rows_and_the_rest_is_graded(bomb, tmp_path):
    out = tmp_path / "graded"
    submissions = collect(bomb, out / "unpacked")
    assignment = Assignment.load(FIXTURE / "answers", "ex0-fixture", cell_timeout=5, total_timeout=20)
    rows = grade_all(submissions, assignment, out, progress=False)
    assert [(r.submission.source, r.result.status.value, r.result.total) for r in rows] == [
        ("before_11_22_ex.ipynb", "ok", 5), ("bomb_33_44_ex.ipynb", "archive-refused", 0), ("after_55_66_ex.ipynb", "ok", 5)]
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        refused = next(r for r in csv.DictReader(handle) if r["file"] == "bomb_33_44_ex.ipynb")
    assert "bomb_33_44_ex.ipynb" in refused["message"] and "bytes" in refused["message"]
