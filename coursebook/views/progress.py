"""A student's quiz progress in a live kernel, kept in a small JSON file beside the notebook.

The kernel runs in the notebook's folder, so `coursebook-progress.json` there holds every bank's
question states (see `quiz/policy.py`). A re-run cell, a reloaded page and a new kernel all read it
back. Writes go through a temporary file and a rename, so a crash never leaves half a file; a file
that cannot be read is set aside (renamed) rather than lost or fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import weakref
from pathlib import Path

FILE_NAME = "coursebook-progress.json"
VERSION = 1


class Progress:
    """Question states per bank for one folder, and the widgets showing them."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE_NAME
        self.banks: dict[str, dict[str, dict]] = self._read()
        self._listeners: dict[str, weakref.WeakSet] = {}

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self._set_aside()
            return {}
        banks = data.get("banks") if isinstance(data, dict) else None
        if not isinstance(banks, dict):
            self._set_aside()
            return {}
        return {bank: {qid: state for qid, state in states.items() if isinstance(state, dict)}
                for bank, states in banks.items() if isinstance(states, dict)}

    def _set_aside(self) -> None:
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_suffix(".unreadable.json"))

    def states(self, bank: str) -> dict[str, dict]:
        return self.banks.setdefault(bank, {})

    def update(self, bank: str, changes: dict[str, dict]) -> None:
        self.states(bank).update(changes)
        self._write()
        for widget in list(self._listeners.get(bank, ())):
            widget.refresh()

    def listen(self, bank: str, widget) -> None:
        self._listeners.setdefault(bank, weakref.WeakSet()).add(widget)

    def _write(self) -> None:
        text = json.dumps({"version": VERSION, "banks": self.banks}, indent=1, sort_keys=True)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".coursebook-progress-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only folder: progress lives on in this kernel only


_OPEN: dict[Path, Progress] = {}


def progress_here() -> Progress:
    """The progress of the notebook running in this kernel (its folder is the working directory)."""
    folder = Path.cwd().resolve()
    if folder not in _OPEN:
        _OPEN[folder] = Progress(folder)
    return _OPEN[folder]
