"""Folders of this user's alone, at a neutral path in the temporary folder, for what is worth
keeping between runs: the public check files' scrypt digests here, the grader's runtime trees and
caches (grader/runtime_copy.py) above.

A folder is used only when this user owns it and nobody else may write in it (another user could
have made it first); otherwise nothing is kept and the caller computes afresh. Files are written
under a name of their own and renamed into place, so two processes never see half a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

PREFIX = "cb-runtime-"


def ours(path: Path) -> bool:
    """A folder of this user's that nobody else may change (another user could have made it)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022


def private_folder(place: Path, name: str) -> Path | None:
    """`<place>/cb-runtime-<uid>-<name>`, made if missing; None unless it is ours alone."""
    home = place / f"{PREFIX}{os.geteuid()}-{name}"
    with contextlib.suppress(OSError):
        home.mkdir(mode=0o700)
    if not ours(home):
        return None
    with contextlib.suppress(OSError):
        os.utime(home)  # in use: the grader's sweep keeps folders used within a day
    return home


def kept_text(name: str, key: str, make: Callable[[], str], valid: Callable[[str], bool]) -> str:
    """`make()`, or the text kept under `key` in the private folder `name` when it is `valid`.
    `key` must stand for everything the text is made from."""
    folder = private_folder(Path(tempfile.gettempdir()), name)
    if folder is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = (folder / f"{key}.json").read_text(encoding="utf-8")
            if valid(text):
                return text
    text = make()
    if folder is not None:
        made = folder / f".{key}.{os.getpid()}.{threading.get_ident()}"
        with contextlib.suppress(OSError):
            made.write_text(text, encoding="utf-8")
            os.replace(made, folder / f"{key}.json")
        with contextlib.suppress(OSError):
            made.unlink(missing_ok=True)
    return text
