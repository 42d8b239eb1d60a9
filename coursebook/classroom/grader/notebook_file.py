"""Read a submitted file safely, and turn its bytes into a notebook or a reason why not.

Whatever a student hands in, reading it is bounded before any parser sees it:
- the file is opened without following links and without blocking (a FIFO, socket or device
  answers at once), then checked to be a regular file;
- at most `MAX_NOTEBOOK_BYTES + 1` bytes are read;
- the cell count and the number of JSON objects and lists are bounded before nbformat validates
  (validation costs tens of microseconds per cell: 720,000 tiny cells took 87 s and 2.5 GB);
- JSON nested deeper than the parser can go is a refusal, not the grader's error;
- a lone surrogate (a valid JSON escape that no UTF-8 file or kernel message can carry) becomes
  '?', so the notebook can be written into its sandbox and run.

`read_submission` never raises.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
from traitlets.log import get_logger

from .results import Status

MAX_NOTEBOOK_BYTES = 50_000_000
MAX_CELLS = 25_000
"""Far above any real notebook (a long lecture has a few hundred cells); 20,000 empty cells pass."""
MAX_CONTAINERS = 2_000_000
"""`{` and `[` in the file (an upper bound on JSON objects and lists, since strings count too)."""
CHUNK = 1 << 20
TOO_DEEP = {"reason": "schema", "where": "", "error": "JSON nested too deeply"}

Problem = tuple[Status, dict]


class NotAFile(OSError):
    """The path is a FIFO, a socket, a device, a folder or a link: never read as a submission."""

    def __init__(self, kind: str):
        super().__init__(f"not a regular file ({kind})")
        self.kind = kind


def file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "pipe"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "device"),
        (stat.S_ISBLK, "device"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISLNK, "link"),
    ):
        if test(mode):
            return name
    return "regular" if stat.S_ISREG(mode) else "special"


def open_regular(path: Path) -> int:
    """A descriptor for `path` if it is a regular file; NotAFile otherwise (a link is never
    followed, and opening a FIFO or a device never waits for its other end)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if os.path.islink(path):
            raise NotAFile("link") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotAFile(file_kind(mode))
    return fd


@dataclass(frozen=True)
class Snapshot:
    """The bytes of a submission as read once: where the copy is, and their hash."""

    copy: Path | None
    """A private copy of exactly the bytes hashed (None when the file could not be read)."""
    digest: str
    problem: Problem | None = None
    """Why it could not be read (then `copy` is None)."""


def unreadable(exc: OSError) -> Problem:
    if isinstance(exc, NotAFile):  # the same row as the grader-run branch's read_submission gives
        return Status.NOT_A_NOTEBOOK, {"reason": "unreadable-file", "error": "not a regular file"}
    return Status.NOT_A_NOTEBOOK, {"reason": "unreadable-file", "error": exc.strerror or str(exc)}


def take(path: Path, copy: Path | None, limit: int = MAX_NOTEBOOK_BYTES) -> Snapshot:
    """Read `path` once (at most `limit + 1` bytes), hash what was read and, when `copy` is given,
    write the same bytes there: the copy is what gets graded, so a file replaced during a run is
    never graded under the fingerprint of the bytes it replaced."""
    digest = hashlib.sha256()
    try:
        fd = open_regular(path)
    except OSError as exc:
        problem = unreadable(exc)
        return Snapshot(None, f"unreadable-{problem[1].get('kind') or exc.errno}", problem)
    sink = None
    try:
        with os.fdopen(fd, "rb") as source:
            if copy is not None:
                copy.parent.mkdir(parents=True, exist_ok=True)
                sink = copy.open("xb")
            left = limit + 1
            while left > 0 and (chunk := source.read(min(CHUNK, left))):
                digest.update(chunk)
                left -= len(chunk)
                if sink is not None:
                    sink.write(chunk)
    except OSError as exc:
        if sink is not None:
            sink.close()
            if copy is not None:  # always, when there is a sink
                copy.unlink(missing_ok=True)
        return Snapshot(None, f"unreadable-{exc.errno}", unreadable(exc))
    if sink is not None:
        sink.close()
    return Snapshot(copy, digest.hexdigest()[:16])


def read_bytes(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """At most `limit + 1` bytes of a regular file (OSError, or NotAFile, otherwise)."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as source:
        return source.read(limit + 1)


def read_submission(path: Path):
    """(notebook, None) or (None, (status, detail)); never raises."""
    try:
        raw = read_bytes(Path(path))
    except OSError as exc:
        return None, unreadable(exc)
    return parse_submission(raw)


def parse_submission(raw: bytes):
    """(notebook, None) or (None, (status, detail)) from a file's bytes; never raises."""
    if len(raw) > MAX_NOTEBOOK_BYTES:
        return None, (
            Status.NOT_A_NOTEBOOK,
            {"reason": "too-large", "limit_bytes": MAX_NOTEBOOK_BYTES},
        )
    if not raw.strip():
        return None, (Status.NOT_A_NOTEBOOK, {"reason": "empty"})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, (Status.NOT_A_NOTEBOOK, {"reason": "not-utf8", "byte": exc.start})
    if raw.count(b"{") + raw.count(b"[") > MAX_CONTAINERS:
        said = f"more than {MAX_CONTAINERS:,} JSON objects and lists, over what a notebook may hold"
        return None, (Status.INVALID_NOTEBOOK, {"reason": "schema", "where": "", "error": said})
    try:
        data = json.loads(text)
    except RecursionError:  # nested deeper than any notebook is
        return None, (Status.INVALID_NOTEBOOK, dict(TOO_DEEP))
    except ValueError as exc:
        return None, (
            Status.NOT_A_NOTEBOOK,
            {"reason": "not-json", "line": getattr(exc, "lineno", None)},
        )
    if "\\ud" in text or "\\uD" in text:  # an escaped surrogate: maybe a lone one
        data = _without_lone_surrogates(data)
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, (Status.NOT_A_NOTEBOOK, {"reason": "no-cells"})
    if len(data["cells"]) > MAX_CELLS:
        said = f"{len(data['cells']):,} cells, over the {MAX_CELLS:,} a notebook may hold"
        return None, (
            Status.INVALID_NOTEBOOK,
            {"reason": "schema", "where": "cells", "error": said},
        )
    try:
        with _quiet(get_logger()):  # nbformat logs each schema error; the row says it once
            # nbformat.reads would parse the text again and validate twice: its own steps, once
            major, minor = nbformat.reader.get_version(data)
            if major not in nbformat.versions:
                raise nbformat.NBFormatError(f"unsupported nbformat version {major}")
            nb = nbformat.convert(nbformat.versions[major].to_notebook_json(data, minor=minor), 4)
            nbformat.validate(nb)
    except RecursionError:
        return None, (Status.INVALID_NOTEBOOK, dict(TOO_DEEP))
    except Exception as exc:  # nbformat raises several unrelated types for schema problems
        where = "/".join(str(p) for p in getattr(exc, "absolute_path", []) or [])
        return None, (
            Status.INVALID_NOTEBOOK,
            {"reason": "schema", "where": where, "error": (str(exc).splitlines() or [""])[0][:200]},
        )
    return nb, None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(data):
    """The same JSON data with every lone surrogate (valid as a JSON escape, but no file, kernel
    message or page can encode it) replaced by '?'; pairs were joined by the parser already."""
    text = json.dumps(data, ensure_ascii=False)
    if not _LONE_SURROGATE.search(text):
        return data
    return json.loads(_LONE_SURROGATE.sub("?", text))


@contextmanager
def _quiet(logger):
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
