"""A student's quiz progress in a live kernel, kept in a small JSON file beside the notebook.

The kernel runs in the notebook's folder, so `coursebook-progress.json` there holds every bank's
question states (the browser's runtime makes them; this module only keeps them). Several notebooks
(several kernels) may share the folder, so every change is a merge: under a lock on the file
(`filelock`), read what is on disk now, replace only the questions that changed, and write through
a temporary file and a rename, so no kernel writes over another's answers and a crash never leaves
half a file. A file that cannot be read, or that was edited into something that is not progress,
is kept aside under a new name (never overwritten) and reported to the student.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

FILE_NAME = "coursebook-progress.json"
VERSION = 1
LOCK_SECONDS = 10.0
STATE_FIELDS: dict[str, tuple[type, ...]] = {
    "best": (int, float),
    "attempts": (int,),
    "hint": (bool,),
    "explained": (bool,),
    "closed": (bool,),
    "revealed": (bool,),
}
"""A question's state as the page keeps it (`newState()` in assets/quiz/core.js), plus `response`
(the last answer, any JSON value). Only the shape is checked here; nothing is graded."""


def valid_state(state: Any) -> bool:
    if not isinstance(state, dict) or not set(state) <= {*STATE_FIELDS, "response"}:
        return False
    for name, kinds in STATE_FIELDS.items():
        value = state.get(name)
        wrong_bool = bool not in kinds and isinstance(value, bool)  # True is an int to Python
        if name in state and (not isinstance(value, kinds) or wrong_bool):
            return False
    return 0 <= float(state.get("best", 0)) <= 1 and int(state.get("attempts", 0)) >= 0


RECORDS = "_practice"
"""The reserved bank name under which `practice()` keeps its Leitner records, {bank/qid: record}
(no bank can take it: bank names are lower-case letters, digits and hyphens)."""
BOXES = 5
RECORD_FIELDS = {"box", "due", "missed", "last"}


def valid_record(record: Any) -> bool:
    """A Leitner record's shape, {box: 1-5, due: ms, missed: bool, last: ms}: the page's scheduler
    (assets/quiz/practice.js) makes them; only the shape is checked here."""
    if not isinstance(record, dict) or set(record) != RECORD_FIELDS:
        return False
    numbers = [record[name] for name in ("box", "due", "last")]
    if any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers):
        return False
    return record["box"] in range(1, BOXES + 1) and isinstance(record["missed"], bool)


def valid_entry(bank: str, value: Any) -> bool:
    """A question state, or under RECORDS a Leitner record."""
    return valid_record(value) if bank == RECORDS else valid_state(value)


class Progress:
    """Question states per bank for one folder, and the widgets showing them."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE_NAME
        lock = self.path.with_name(f".{FILE_NAME}.lock")  # hidden from the file browser
        self.lock = FileLock(str(lock), timeout=LOCK_SECONDS)
        self.banks: dict[str, dict[str, dict]] = {}
        """The last states read or written (all this kernel has if the folder is read-only)."""
        self.problems: list[str] = []
        """What went wrong with the file, in words for the student (shown in every quiz block)."""
        self._listeners: dict[str, weakref.WeakSet] = {}

    # -- reading ----------------------------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, dict]]:
        """The file's banks; a file that is not progress is kept aside (call under the lock)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            self._report(f"{FILE_NAME} could not be read ({error.strerror or error}).")
            return dict(self.banks)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self._keep_aside(f"it is not valid JSON (line {error.lineno})")
            return {}
        banks = data.get("banks") if isinstance(data, dict) else None
        if not isinstance(banks, dict):
            self._keep_aside('it has no "banks" object')
            return {}
        clean = {
            bank: {qid: state for qid, state in states.items() if valid_entry(bank, state)}
            for bank, states in banks.items()
            if isinstance(states, dict)
        }
        given = sum(len(states) if isinstance(states, dict) else 1 for states in banks.values())
        dropped = given - sum(map(len, clean.values()))
        if dropped:
            entries = "1 entry is" if dropped == 1 else f"{dropped} entries are"
            self._keep_aside(f"{entries} not question states", clean)
        return clean

    def _keep_aside(self, reason: str, keep: dict | None = None) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"coursebook-progress.unreadable-{stamp}.json")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"coursebook-progress.unreadable-{stamp}-{number}.json")
        try:
            os.replace(self.path, target)
        except OSError:
            self._report(
                f"{FILE_NAME} cannot be read: {reason}. It could not be moved aside "
                "either, so answers given now are kept only until the kernel stops."
            )
            return
        then = "the readable answers were carried over." if keep else "a new file was started."
        self._report(
            f"{FILE_NAME} could not be used: {reason}. It was kept as {target.name}; {then}"
        )
        if keep:
            self._write(keep)

    def _report(self, message: str) -> None:
        self.problems.append(message)
        for widgets in self._listeners.values():
            for widget in list(widgets):
                widget.notice = self.notice

    @property
    def notice(self) -> str:
        return " ".join(self.problems)

    def states(self, bank: str) -> dict[str, dict]:
        """The bank's states as the file holds them now (other notebooks' changes included). Writes
        are atomic renames, so no lock is needed to read; one is taken only when a file exists,
        in case it has to be set aside (so running a notebook leaves no lock file behind)."""
        if not self.path.exists():
            return dict(self.banks.get(bank, {}))
        try:
            with self.lock:
                self.banks = self._load()
        except (Timeout, OSError):
            pass  # a read-only folder, or a stuck lock: what this kernel knows
        return dict(self.banks.get(bank, {}))

    # -- writing ----------------------------------------------------------------------------------
    def update(self, bank: str, changes: dict[str, dict]) -> None:
        """Merge some questions' new states into the file, then show them in every block of the
        bank."""
        changes = {qid: state for qid, state in changes.items() if valid_entry(bank, state)}
        try:
            with self.lock:
                banks = self._load()
                banks.setdefault(bank, {}).update(changes)
                self._write(banks)
                self.banks = banks
        except (Timeout, OSError):
            self.banks.setdefault(bank, {}).update(changes)
            if not any("not saved" in problem for problem in self.problems):
                self._report(
                    f"Answers are not saved: {FILE_NAME} cannot be written here; "
                    "they are kept only until the kernel stops."
                )
        for widget in list(self._listeners.get(bank, ())):
            widget.refresh()

    def _write(self, banks: dict) -> None:
        text = json.dumps({"version": VERSION, "banks": banks}, indent=1, sort_keys=True)
        handle, temporary = tempfile.mkstemp(prefix=".coursebook-progress-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def listen(self, bank: str, widget) -> None:
        self._listeners.setdefault(bank, weakref.WeakSet()).add(widget)

    def current(self, bank: str) -> dict[str, dict]:
        return dict(self.banks.get(bank, {}))


_OPEN: dict[Path, Progress] = {}


def progress_here() -> Progress:
    """The progress of the notebook running in this kernel (its folder is the working directory)."""
    folder = Path.cwd().resolve()
    if folder not in _OPEN:
        _OPEN[folder] = Progress(folder)
    return _OPEN[folder]
