"""`practice()` in a live kernel: the Practice page's session, from the kernel's own progress.

It reads the same progress the notebook's quizzes write (`progress.py`, the file beside the
notebook) and builds a session with the same scheduler as the site (`quiz/practice.py`): missed
questions first, then those due, then a few not yet answered from the banks the student has
opened, the banks taking turns, the options in a new order each session. Each question runs in the
chapters' own widget and policy, on a fresh attempt; the outcome of its first try moves its
Leitner box, kept in the same file under the reserved name `_practice` (no bank can take it: bank
names are lower-case letters, digits and hyphens).
"""

from __future__ import annotations

import html
import random
import time
from typing import Any

from ..quiz.bank import get_bank
from ..quiz.practice import SESSION_SIZE, after_attempt, build_session, right_first_time, status
from .progress import Progress, progress_here

RECORDS = "_practice"
GROUPS = {"missed": "missed last time", "due": "due again", "new": "new"}


def now_ms() -> int:
    return int(time.time() * 1000)


def items_from(progress: Progress, chapter: str | None = None) -> list[dict[str, Any]]:
    """The scheduler's items: every question of each bank with progress (or of `chapter`)."""
    records = progress.states(RECORDS)
    names = [name for name, states in progress.banks.items() if name != RECORDS and states]
    if chapter and chapter not in names:
        names.append(chapter)
    items = []
    for name in names:
        bank = get_bank(name)
        states = progress.states(name)
        for question in bank.questions:
            key = f"{name}/{question.id}"
            items.append({"key": key, "chapter": name, "state": states.get(question.id),
                          "record": records.get(key), "seen": None, "question": question,
                          "bank": bank})
    return items


class _Attempt:
    """The progress a practice widget sees: one fresh state per question; the first try's outcome
    goes to the Leitner records, and a first answer ever also to the chapter's own states."""

    def __init__(self, progress: Progress, item: dict[str, Any]):
        self.progress, self.item = progress, item
        self.banks: dict[str, dict[str, dict]] = {item["bank"].bank: {}}
        self.decided = False

    def states(self, bank: str) -> dict[str, dict]:
        return self.banks.setdefault(bank, {})

    def listen(self, bank: str, widget) -> None:
        self.widget = widget

    def update(self, bank: str, changes: dict[str, dict]) -> None:
        self.states(bank).update(changes)
        qid = self.item["question"].id
        state = changes.get(qid, {})
        if not self.decided and (state.get("attempts") or state.get("revealed")):
            self.decided = True
            right = right_first_time(state)
            record = after_attempt(self.item, right, now_ms())
            self.progress.update(RECORDS, {self.item["key"]: record})
        if self.item["group"] == "new" and state.get("attempts"):
            self.progress.update(bank, {qid: state})
        if getattr(self, "widget", None) is not None:
            self.widget.refresh()


def enroll(progress: Progress, items: list[dict[str, Any]], now: int) -> None:
    """Questions answered in a chapter but never seen by practice start in box 1 now (a kernel
    does not know when they were answered), so a right one comes back a day later."""
    fresh = {}
    for item in items:
        found = status(item, now) if item["record"] is None else None
        if found is not None:
            fresh[item["key"]] = item["record"] = {
                "box": 1, "due": found["due"], "missed": found["missed"], "last": found["last"]}
    if fresh:
        progress.update(RECORDS, fresh)


def session(chapter: str | None = None, *, size: int = SESSION_SIZE,
            progress: Progress | None = None, now: int | None = None) -> list[dict[str, Any]]:
    progress = progress or progress_here()
    now = now if now is not None else now_ms()
    items = items_from(progress, chapter)
    enroll(progress, items, now)
    return build_session(items, now, size, chapter)


def practice(chapter: str | None = None, *, size: int = SESSION_SIZE,
             progress: Progress | None = None) -> Any:
    """A practice session in the notebook: `practice()` across the banks you have opened, or
    `practice("leverage-theory")` for one bank."""
    import ipywidgets

    from .widgets import QuizWidget

    progress = progress or progress_here()
    picked = session(chapter, size=size, progress=progress)
    if not picked:
        note = ("Nothing to practise yet: answer a chapter's questions first (run its quiz cells)."
                if not any(n != RECORDS and s for n, s in progress.banks.items())
                else "Nothing to practise right now: every question you answered is up to date.")
        return ipywidgets.HTML(f"<p>{html.escape(note, quote=False)}</p>")
    seed = random.randrange(1, 2**31)  # a new order of the options each session
    counts = {group: sum(item["group"] == group for item in picked) for group in GROUPS}
    summary = ", ".join(f"{n} {GROUPS[g]}" for g, n in counts.items() if n)
    heading = f"<p><strong>Practice: {len(picked)} questions</strong> ({summary}).</p>"
    children: list[Any] = [ipywidgets.HTML(heading)]
    for number, item in enumerate(picked, start=1):
        title = html.escape(item["bank"].title)
        group = GROUPS[item["group"]]
        children.append(ipywidgets.HTML(f"<p>{number}. From <em>{title}</em>, {group}</p>"))
        children.append(QuizWidget(item["bank"], [item["question"]], seed=seed + number,
                                   progress=_Attempt(progress, item)))
    return ipywidgets.VBox(children)
