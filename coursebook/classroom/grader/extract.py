"""Reading a submission's answers: the extraction cell to append, and decoding what it wrote.

The extraction code is a real file shipped with the package (`extract_cell.py`), read as text and
appended as the notebook's last cell with one call line naming the variables and the answer file.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from importlib import resources
from pathlib import Path

MAX_ANSWER_BYTES = 8_000_000  # the extraction caps lists at 10 000 items; this bounds the rest


class Unsupported:
    """A value the grader cannot compare (an object, a function, a NaN), with its type's name."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self):
        return f"Unsupported({self.type_name!r})"


def answer_file_name() -> str:
    """A name the student's code cannot guess before the extraction cell runs."""
    return f".coursebook-answers-{secrets.token_hex(16)}.json"


def extraction_cell(variables: list[str], inside_path: str) -> str:
    code = resources.files(__package__).joinpath("extract_cell.py").read_text(encoding="utf-8")
    return f"{code}\n__coursebook_extract({sorted(variables)!r}, {inside_path!r})\n"


def read_answers(path: Path) -> dict | None:
    """The answers the extraction cell wrote, or None if it wrote nothing readable.

    The file is the student's to replace: it is opened without following a link and without
    blocking (a FIFO would otherwise wait forever), and read only if it is a regular file.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        chunks, size = [], 0
        while size <= MAX_ANSWER_BYTES:
            chunk = os.read(handle, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)
    if len(raw) > MAX_ANSWER_BYTES:
        return None
    try:
        pairs = json.loads(raw.decode("utf-8"))
        return {decode(name): decode(value) for name, value in pairs}
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


MAX_DEPTH = 100  # an answer nested deeper is not one (deeper still would exhaust Python's stack)


def decode(value, depth: int = 0):
    """Plain Python data back from the extraction format; anything else becomes Unsupported."""
    if depth > MAX_DEPTH:
        return Unsupported(f"value nested over {MAX_DEPTH} levels deep")
    if isinstance(value, list):
        return [decode(item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    if "h" in value:
        return bytes.fromhex(value["h"]).decode("utf-8", "replace")
    if "t" in value:
        return tuple(decode(item, depth + 1) for item in value["t"])
    if "s" in value:
        items = [decode(item, depth + 1) for item in value["s"]]
        try:
            return set(items)
        except TypeError:
            return Unsupported("set")
    if "d" in value:
        pairs = [(decode(k, depth + 1), decode(v, depth + 1)) for k, v in value["d"]]
        if all(isinstance(k, str) for k, _ in pairs):
            return dict(pairs)
        return Unsupported("dict with non-text keys")
    return Unsupported(bytes.fromhex(value.get("u", "")).decode("utf-8", "replace"))


def contains_unsupported(value) -> str:
    """The first unsupported type name inside a value, or ''."""
    if isinstance(value, Unsupported):
        return value.type_name
    if isinstance(value, (list, tuple, set)):
        return next((name for name in map(contains_unsupported, value) if name), "")
    if isinstance(value, dict):
        return next((name for name in map(contains_unsupported, value.values()) if name), "")
    return ""
