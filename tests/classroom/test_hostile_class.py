"""No file stops the class: whatever a submission holds, `grade` ends with a gradebook, a row per file.

Each test is an attack of the grader audit (A1, A3, A12, A14, A15, A16) on the class loop. The
worker runs `reading_grade`, the real reading and validation of a notebook without its kernel, so
these run in seconds; test_hostile_real.py runs the same files through the real grader.
"""

import csv
import json
import os
import socket
import tempfile
import threading
import time

import nbformat
import pytest

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.grader.classroom import grade_all
from coursebook.classroom.grader.collect import collect
from coursebook.classroom.grader.results import Status
from coursebook.classroom.grader.store import ResultStore
from tests.classroom.fakes import reading_grade, slow_grade
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
ASSIGNMENT = Assignment.load(FIXTURE / "answers", "ex0-fixture", cell_timeout=5, total_timeout=20)
PERFECT = (FIXTURE / "submissions" / "perfect.ipynb").read_bytes()
SURROGATE_ESSAY = "My essay \ud800 ends here."
READ_AS = "My essay ? ends here."  # what a notebook, a kernel and a file can carry


def with_essay(text: str) -> bytes:
    nb = json.loads(PERFECT)
    for cell in nb["cells"]:
        if "written-response" in cell["metadata"].get("tags", []):
            cell["source"] = text
    return json.dumps(
        nb, ensure_ascii=True
    ).encode()  # valid UTF-8 JSON: the surrogate is an escape


def deep_json(depth: int) -> bytes:
    nb = json.loads(PERFECT)
    text = json.dumps(nb)
    return text.replace(
        '"metadata": {}', '"metadata": {"x": ' + "[" * depth + "]" * depth + "}", 1
    ).encode()


def many_cells(count: int) -> bytes:
    cell = '{"cell_type": "markdown", "metadata": {}, "source": "x"}'
    return (
        '{"cells": ['
        + ",".join([cell] * count)
        + '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    ).encode()


@pytest.fixture
def isolated_temp(tmp_path, monkeypatch):
    """The class loop's work folder goes here, so the test can see what is left behind."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def grade(folder, out, **options):
    return grade_all(collect(folder, out / "unpacked"), ASSIGNMENT, out,
        progress=False,
        **{"jobs": 2, "grade": reading_grade, **options},
    )


def gradebook(out):
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def leftovers(temp):
    return [p.name for p in temp.iterdir() if not p.name.startswith("pymp-")]


def test_a1_a_lone_surrogate_in_an_essay_never_stops_a_write(tmp_path, isolated_temp):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a-perfect.ipynb").write_bytes(PERFECT)
    (folder / "b-surrogate.ipynb").write_bytes(with_essay(SURROGATE_ESSAY))
    out = tmp_path / "out"
    for _ in range(2):  # and again, resuming from what the first run stored
        rows = grade(folder, out)
        assert len(rows) == 2 and len(gradebook(out)) == 2
        essay = next(r.result for r in rows if r.submission.source == "b-surrogate.ipynb")
        assert essay.status is Status.OK and essay.written_response == READ_AS
        stored = ResultStore(out / "results").load(rows[1].submission.key)
        assert (
            stored is not None and stored.written_response == READ_AS
        )  # reads back as it was
        for name in ("canvas-grades.csv", "moodle-grading-worksheet.csv", "instructor.html"):
            (out / name).read_text(encoding="utf-8")
        assert len(list((out / "feedback").glob("*.html"))) == 2


def test_a3_a_deep_tree_left_in_the_work_folder_never_stops_the_class(tmp_path, isolated_temp):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a-fine.ipynb", "b-leaves-deep-tree.ipynb", "c-recursion.ipynb", "d-fine.ipynb"):
        (folder / name).write_bytes(PERFECT)
    out = tmp_path / "out"
    for _ in range(2):  # the grader-error row is graded again, and the class still ends
        rows = grade(folder, out)
        statuses = {r.submission.source: r.result.status for r in rows}
        assert statuses == {
            "a-fine.ipynb": Status.OK,
            "b-leaves-deep-tree.ipynb": Status.OK,
            "c-recursion.ipynb": Status.GRADER_ERROR,
            "d-fine.ipynb": Status.OK,
        }
        assert len(gradebook(out)) == 4
        assert leftovers(isolated_temp) == []  # the 1,500-level tree went with the work folder
    error = next(r for r in gradebook(out) if r["file"] == "c-recursion.ipynb")
    assert "RecursionError" in error["message"] and "to report this bug" in error["message"]
    assert "results/" in error["message"]  # says which files to send


def test_a15_fifos_sockets_and_links_in_the_folder_are_rows_never_opened(tmp_path, isolated_temp):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a-fine.ipynb").write_bytes(PERFECT)
    os.mkfifo(folder / "pipe.ipynb")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "sock.ipynb"))
    (folder / "null.ipynb").symlink_to("/dev/null")
    out = tmp_path / "out"
    done = []
    worker = threading.Thread(target=lambda: done.append(grade(folder, out)), daemon=True)
    worker.start()
    worker.join(120)
    listener.close()
    assert done, "the class loop blocked on a FIFO or a socket"
    rows = {r.submission.source: r.result for r in done[0]}
    assert set(rows) == {"a-fine.ipynb", "pipe.ipynb", "sock.ipynb", "null.ipynb"}
    assert rows["a-fine.ipynb"].status is Status.OK
    for name in ("pipe.ipynb", "sock.ipynb", "null.ipynb"):
        assert rows[name].status is Status.ARCHIVE_REFUSED and rows[name].total == 0
    messages = {r["file"]: r["message"] for r in gradebook(out)}
    assert "not a regular file" in messages["pipe.ipynb"] and "link" in messages["null.ipynb"]


def test_a15_a_fifo_put_in_place_of_a_file_after_collection_is_never_opened(
    tmp_path, isolated_temp
):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "swapped.ipynb").write_bytes(PERFECT)
    found = collect(folder, tmp_path / "u")
    (folder / "swapped.ipynb").unlink()
    os.mkfifo(folder / "swapped.ipynb")
    done = []
    worker = threading.Thread(
        target=lambda: done.append(
            grade_all(
                found, ASSIGNMENT, tmp_path / "out", progress=False, grade=reading_grade
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(120)
    assert done, "the class loop blocked on a FIFO"
    (row,) = done[0]
    assert row.result.status is Status.NOT_A_NOTEBOOK and row.result.detail["error"] == "not a regular file"


def test_a16_json_nested_too_deep_is_the_students_row_not_a_grader_error(tmp_path, isolated_temp):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "deep-100000.ipynb").write_bytes(deep_json(100_000))
    (folder / "deep-500.ipynb").write_bytes(deep_json(500))
    rows = grade(folder, tmp_path / "out")
    for row in rows:
        assert row.result.status in (Status.NOT_A_NOTEBOOK, Status.INVALID_NOTEBOOK), (
            row.submission.source
        )
        assert row.result.status is Status.INVALID_NOTEBOOK
        assert row.result.detail["error"] == "JSON nested too deeply"


def test_a14_cells_are_counted_before_nbformat_validates(monkeypatch):
    from coursebook.classroom.grader import notebook_file

    validated = []
    monkeypatch.setattr(nbformat, "validate", lambda nb, *a, **k: validated.append(nb))
    nb, problem = notebook_file.parse_submission(many_cells(720_000))
    assert nb is None and problem[0] is Status.INVALID_NOTEBOOK
    assert "720,000 cells" in problem[1]["error"] and validated == []
    nb, problem = notebook_file.parse_submission(
        many_cells(20_000)
    )  # the earlier audit's A28: still a notebook
    assert problem is None and len(nb.cells) == 20_000


def test_a14_objects_are_counted_before_anything_parses(monkeypatch):
    from coursebook.classroom.grader import notebook_file

    parsed = []
    monkeypatch.setattr(notebook_file.json, "loads", lambda text: parsed.append(text))
    wide = b'{"cells": [], "metadata": {"x": [' + b",".join([b"{}"] * 2_100_000) + b"]}}"
    nb, problem = notebook_file.parse_submission(wide)
    assert nb is None and "JSON objects and lists" in problem[1]["error"] and parsed == []


def test_a12_a_file_replaced_during_the_run_is_never_graded_as_the_file_it_replaced(
    tmp_path, isolated_temp
):
    marks = tmp_path / "marks"
    marks.mkdir()
    folder = tmp_path / "class"
    folder.mkdir()
    wrong = with_essay(f"MARK{marks}MARK").replace(b"share = 0.60 * 0.40", b"share = 0.5")
    target = folder / "c-wrong.ipynb"
    target.write_bytes(wrong)
    out = tmp_path / "out"
    done = []
    worker = threading.Thread(
        target=lambda: done.append(grade(folder, out, grade=slow_grade)), daemon=True
    )
    worker.start()
    deadline = time.monotonic() + 60
    while not any(marks.iterdir()) and time.monotonic() < deadline:  # the worker has begun grading
        time.sleep(0.05)
    assert any(marks.iterdir())
    target.write_bytes(PERFECT)  # swapped for a perfect notebook while it is graded ...
    worker.join(120)
    target.write_bytes(wrong)  # ... and put back afterwards
    assert done and done[0][0].result.total == 0  # graded what was read: the wrong notebook
    rows = grade(folder, out, grade=slow_grade)
    assert rows[0].result.total == 0  # the wrong notebook never keeps the perfect one's points


def test_an_unsaveable_result_still_gets_its_row_and_a_warning(
    tmp_path, isolated_temp, monkeypatch
):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a.ipynb").write_bytes(PERFECT)

    def refuse(self, key, result):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ResultStore, "save", refuse)
    warnings = []
    out = tmp_path / "out"
    rows = grade(folder, out, warn=warnings.append)
    assert [r.result.status for r in rows] == [Status.OK] and len(gradebook(out)) == 1
    assert len(warnings) == 1 and "a.ipynb" in warnings[0]
