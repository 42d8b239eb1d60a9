"""How long the best search of a public check file takes: the figure `coursebook release` prints.

A student who wants an answer without working for it can call the public `check()` with guess after
guess; each guess costs one scrypt digest. The best searches (release-and-secrecy.md, section 3.5):

* **bucket walk** for a number: one guess per pair of buckets (a task accepts two neighbouring
  ones), outwards from zero, so about |answer| / (2 × bucket width) guesses;
* **words** for text and choices: every option word, letter and quoted string in the exercise's
  notebook, and the glossary's terms for free-text tasks;
* **subsets, mappings and orderings** built from those words.

A list multiplies its items' counts, since only the whole list has a digest. The estimate is the
expected number of guesses (half the space) times the measured cost of one digest on one core.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .exercise.checks import CheckFile, Task
from .exercise.comparison import bucket, is_number
from .exercise.fingerprints import COST, digest

THRESHOLD_SECONDS = 3600.0  # tasks found faster than this by the best search are flagged


@dataclass(frozen=True)
class Estimate:
    task: str
    search: str  # which search is best
    guesses: float  # expected guesses
    seconds: float  # expected time on one core

    @property
    def flagged(self) -> bool:
        return self.seconds < THRESHOLD_SECONDS


def seconds_per_guess(cost: dict | None = None, rounds: int = 3) -> float:
    """One digest at this cost, measured on this machine (the fastest of a few rounds)."""
    best = math.inf
    for round_ in range(rounds):
        start = time.perf_counter()
        digest(f"guess {round_}", "salt", cost or COST)
        best = min(best, time.perf_counter() - start)
    return best


def vocabulary(notebook_text: str) -> set[str]:
    """The words a guesser would try: quoted strings, option letters, code words."""
    words = set(re.findall(r"\"([^\"\n]{1,40})\"|'([^'\n]{1,40})'", notebook_text))
    found = {w for pair in words for w in pair if w}
    found |= set(re.findall(r"\*\*([A-Z])\.?\*\*", notebook_text))
    found |= set(re.findall(r"`([A-Za-z][\w -]{0,30})`", notebook_text))
    # option letters a cell prints from a quoted run (`zip("ABCD", options)`): each letter too
    found |= {letter for word in found if re.fullmatch(r"[A-Z]{2,26}", word) for letter in word}
    return found


def _number_guesses(value: float, width: float) -> float:
    """Guesses of a walk outwards from zero that tries every second bucket (a task accepts two)."""
    if width > 0:
        index = bucket(value, width)
        return max(1.0, abs(index if index is not None else 0) / 2 + 1)
    if float(value).is_integer():
        return abs(value) + 1
    return 10.0**6  # an exact decimal: at least a million candidates


def _guesses(task: Task, value, alphabet: int, width: float) -> tuple[float, str]:
    """Guesses to reach `value` by the best search (walks counted in full, words on average)."""
    if is_number(value):
        return _number_guesses(value, width), "bucket walk"
    if isinstance(value, str):
        return max(alphabet, 2) / 2, "words"
    if isinstance(value, dict):
        total = 1.0
        for item in value.values():
            total *= _guesses(task, item, alphabet, width)[0] * (2 if isinstance(item, str) else 1)
        return max(1.0, total / 2), "mappings of words and buckets"
    if isinstance(value, list):
        if task.kind == "set":
            space = sum(math.comb(max(alphabet, len(value)), k) for k in range(1, len(value) + 1))
            return max(1.0, space / 2), "subsets"
        if value and all(isinstance(v, str) for v in value) and len(set(value)) == len(value):
            return max(1.0, math.factorial(len(value)) / 2), "orderings"
        total = 1.0
        for item in value:
            total *= _guesses(task, item, alphabet, width)[0] * (2 if isinstance(item, str) else 1)
        return max(
            1.0, total / (2 if any(isinstance(v, str) for v in value) else 1)
        ), "bucket walk over every item"
    return 1.0, "words"


def _alphabet(task: Task, value, words: set[str]) -> int:
    """How many words the best guesser tries per slot: the option letters for a letter answer,
    else the notebook's words; for structured answers no more than the answer's own distinct
    words and one more (a lower bound, so the estimate errs towards the guesser)."""
    strings = {v for v in _strings(value)}
    letters = {w for w in words if re.fullmatch(r"[A-Z]", w)}
    if isinstance(value, str):
        return len(letters) if re.fullmatch(r"[A-Z]", value) and letters else len(words)
    return min(len(words), len(strings) + 1) if strings else len(words)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def estimate(checks: CheckFile, notebook_text: str, per_guess: float) -> list[Estimate]:
    """Per auto-checked task: the best search, its expected guesses and time on one core."""
    words = vocabulary(notebook_text)
    found = []
    for task in checks.tasks:
        if task.hidden:
            continue
        answers = (
            task.answer if task.kind == "text" and isinstance(task.answer, list) else [task.answer]
        )
        guesses, search = _guesses(
            task, answers[0], _alphabet(task, answers[0], words), task.form.width
        )
        if task.kind == "text":
            guesses, search = max(guesses, 250.0), "glossary words"
        found.append(Estimate(task.id, search, guesses, guesses * per_guess))
    return found


def readable(seconds: float) -> str:
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


def table(rows: list[tuple[str, Estimate]], per_guess: float) -> str:
    """The report `coursebook release` prints."""
    lines = [
        f"Time to find each auto-checked answer from the public check files by the best search, "
        f"on one core at {per_guess * 1000:.0f} ms per guess (expected; flagged: under "
        f"{readable(THRESHOLD_SECONDS)}):"
    ]
    for exercise, row in rows:
        mark = "  FAST" if row.flagged else ""
        lines.append(
            f"  {exercise}/{row.task}: {readable(row.seconds)} ({row.search}, "
            f"{row.guesses:.3g} guesses){mark}"
        )
    fast = sum(1 for _, row in rows if row.flagged)
    lines.append(
        f"{fast} of {len(rows)} tasks fall in under {readable(THRESHOLD_SECONDS)}: "
        "their check() is feedback, not a secret (mark a task `hidden: true` to keep it "
        "out of the public file)."
    )
    return "\n".join(lines)


def notebook_text(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells)
