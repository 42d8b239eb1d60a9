"""Generated classes: whatever files a class holds, `grade` ends with a gradebook, one row per file.

Names are drawn from bytes (undecodable UTF-8, control characters, ';=' formulas, 255-byte names),
contents from hostile notebooks (lone surrogates, NUL and control characters in essays, JSON nested
deeper than the parser goes, thousands of cells), random bytes, zips and zips in zips; the folders
hold deep trees, FIFOs, sockets and links. The worker is `reading_grade` (the grader's real reading,
validation and bookkeeping, without a kernel) so each class takes a second or two.

Hidden folders and files (a name starting with '.') other than notebooks are not submissions by
design (`collect` skips them, such as Jupyter's .ipynb_checkpoints), so the generator never names a
file that way; test_collect.py checks that a hidden notebook gets its row.
"""

import csv
import io
import json
import os
import socket
import warnings
import zipfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.grader.cleanup import remove_tree
from coursebook.classroom.grader.classroom import grade_all
from coursebook.classroom.grader.collect import collect
from tests.classroom.fakes import reading_grade
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
ASSIGNMENT = Assignment.load(FIXTURE / "answers", "ex0-fixture", cell_timeout=5, total_timeout=10)
PERFECT = json.loads((FIXTURE / "submissions" / "perfect.ipynb").read_text(encoding="utf-8"))

HOSTILE_TEXT = st.lists(
    st.sampled_from(
        [
            "\ud800",
            "\udfff",
            "\x00",
            "\x1b[2J",
            "\r",
            "\t",
            ";",
            "=",
            "+",
            "-",
            "@",
            ",",
            '"',
            "'",
            "é",
            "\u202e",
            "a",
            " ",
            "\n",
            "<",
        ]
    ),
    max_size=40,
).map("".join)


def notebook(essay: str) -> bytes:
    nb = json.loads(json.dumps(PERFECT))
    nb["cells"][-1]["source"] = essay
    return json.dumps(nb, ensure_ascii=True).encode()


def zipped(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        # two entries of one name are hostile input too: each must still get its row
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENTS = st.one_of(
    HOSTILE_TEXT.map(notebook),
    st.binary(max_size=200),
    st.just(b"{" + b'"a":[' * 20_000 + b"]" * 20_000 + b"}"),
    st.just(
        b'{"cells": ['
        + b",".join([b'{"cell_type": "raw", "metadata": {}, "source": ""}'] * 30_000)
        + b"]}"
    ),
    st.just(zipped([("inner.zip", zipped([("deep.ipynb", notebook("zip in a zip"))]))])),
    st.just(b""),
)
NAME = (
    st.binary(min_size=1, max_size=255)
    .map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_"))
    .filter(lambda b: not b.startswith(b".") and b not in (b"__MACOSX",))
)
KIND = st.sampled_from(
    ["file", "file", "file", "fifo", "socket", "link-out", "link-dir", "dangling", "deep"]
)


def make(folder: bytes, kind: str, name: bytes, content: bytes, sockets: list) -> int:
    """Put one thing in the class folder; how many rows it should give."""
    path = os.path.join(folder, name)
    if kind == "file":
        with open(path, "wb") as handle:
            handle.write(content)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        listener = socket.socket(socket.AF_UNIX)
        try:
            listener.bind(path)
        except OSError:  # a path too long for a socket address: a FIFO instead
            listener.close()
            os.mkfifo(path)
        else:
            sockets.append(listener)
    elif kind == "link-out":
        os.symlink(b"/etc/passwd", path)
    elif kind == "link-dir":
        os.symlink(b"/etc", path)
    elif kind == "dangling":
        os.symlink(b"/nonexistent/x.ipynb", path)
    elif kind == "deep":
        os.mkdir(path)
        here = os.open(path, os.O_RDONLY)
        for _ in range(300):
            os.mkdir(b"d", dir_fd=here)
            inner = os.open(b"d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = inner
        with open(os.open(b"x.ipynb", os.O_WRONLY | os.O_CREAT, dir_fd=here), "wb") as handle:
            handle.write(content)
        os.close(here)
    return 1


def gradebook_rows(out) -> list[dict]:
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.tuples(KIND, NAME, CONTENTS), min_size=1, max_size=6, unique_by=lambda t: t[1]))
def test_any_folder_gets_one_row_per_file(tmp_path_factory, files):
    base = tmp_path_factory.mktemp("class")
    folder = os.fsencode(base / "class")
    os.mkdir(folder)
    sockets: list = []
    try:
        expected = sum(make(folder, kind, name, content, sockets) for kind, name, content in files)
        out = base / "out"
        rows = grade_all(
            collect(base / "class", out / "unpacked"),
            ASSIGNMENT,
            out,
            jobs=2,
            progress=False,
            grade=reading_grade,
        )
        assert len(rows) == expected
        assert len(gradebook_rows(out)) == expected
        assert len(list((out / "feedback").glob("*.html"))) == expected
    finally:
        for listener in sockets:
            listener.close()
        # pytest's own clean-up of old temporary folders recurses per level: leave no deep tree
        remove_tree(base)
    assert all(
        row.result.total == 0 for row in rows
    )  # reading_grade credits nothing: no row invents points


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.tuples(NAME, CONTENTS), min_size=1, max_size=6))
@example([(b"_", b"{}"), (b"_", b"{}")])  # one name twice (Hypothesis drew it once; zipfile warns)
def test_any_zip_gets_one_row_per_entry(tmp_path_factory, entries):
    base = tmp_path_factory.mktemp("zip")
    named = [
        (os.fsdecode(name).encode("utf-8", "surrogateescape").decode("cp437"), data)
        for name, data in entries
    ]
    (base / "class.zip").write_bytes(zipped(named))
    out = base / "out"
    rows = grade_all(
        collect(base / "class.zip", out / "unpacked"),
        ASSIGNMENT,
        out,
        jobs=2,
        progress=False,
        grade=reading_grade,
    )
    kept = [
        n for n, _ in named if "__MACOSX/" not in n and ".DS_Store" not in n and not n.endswith("/")
    ]
    assert len(rows) == len(kept) and len(gradebook_rows(out)) == len(kept)
