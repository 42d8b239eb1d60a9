"""`practice()` in a live kernel: the Practice page's session, from the kernel's own progress.

The kernel decides nothing here. It hands the page every candidate question (each as the block the
live quiz shows, `static.quiz_html`, holding the same spec the site's page gets), the stored states
of their banks and the Leitner records kept in the progress file beside the notebook under the
reserved name `_practice` (`progress.RECORDS`). The page builds the session with the site's one
scheduler (`assets/quiz/practice.js`) and runs each question on the quiz runtime and policy
(`assets/live.js`); it sends back the new records and, for a question answered for the first time,
its state, which the kernel stores (`progress.update`, under the file's lock) after checking their
shape.

The candidates are every question of the banks the student has progress in (or of `chapter`).
"""

from __future__ import annotations

import random
from typing import Any

import anywidget
import traitlets

from ..quiz.bank import get_bank
from . import static
from .progress import RECORDS, Progress, progress_here, valid_record, valid_state
from .widgets import _SCRIPT, _STYLE, _live_html

SESSION_SIZE = 10


def bank_names(progress: Progress, chapter: str | None = None) -> list[str]:
    """The banks the student has progress in, in the file's order (and `chapter`, if given)."""
    names = [name for name, states in progress.banks.items() if name != RECORDS and states]
    if chapter and chapter not in names:
        names.append(chapter)
    return names


class PracticeWidget(anywidget.AnyWidget):
    """One practice session: the page schedules and grades; the kernel stores what it sends."""

    _esm = traitlets.Unicode(_SCRIPT).tag(sync=True)
    _css = traitlets.Unicode(_STYLE).tag(sync=True)
    kind = traitlets.Unicode("practice").tag(sync=True)
    questions: traitlets.List[dict] = traitlets.List().tag(sync=True)
    """Every candidate: {key, bank, title, html}; `html` is a one-question live quiz block."""
    states = traitlets.Dict().tag(sync=True)
    """{bank: {qid: state}} as stored, for the candidates' banks."""
    records = traitlets.Dict().tag(sync=True)
    """{bank/qid: Leitner record} as stored."""
    chapter = traitlets.Unicode().tag(sync=True)
    size = traitlets.Int(SESSION_SIZE).tag(sync=True)
    notice = traitlets.Unicode().tag(sync=True)

    def __init__(
        self,
        chapter: str | None = None,
        *,
        size: int = SESSION_SIZE,
        progress: Progress | None = None,
        seed: int | None = None,
    ):
        progress = progress or progress_here()
        progress.states(RECORDS)  # read the file as it is now
        seed = seed if seed is not None else random.randrange(1, 2**31)  # a new option order
        questions, states, self.qids = [], {}, {}
        for name in bank_names(progress, chapter):
            bank = get_bank(name)
            states[name] = progress.states(name)
            self.qids[name] = {question.id for question in bank.questions}
            for index, question in enumerate(bank.questions):
                markup = static.quiz_html(bank, [question], seed + index, instance=100 + index)
                questions.append(
                    {
                        "key": f"{name}/{question.id}",
                        "bank": name,
                        "title": bank.title,
                        "html": _live_html(markup),
                    }
                )
        super().__init__(
            questions=questions,
            states=states,
            records=progress.states(RECORDS),
            chapter=chapter or "",
            size=size,
            notice=progress.notice,
        )
        self.progress = progress
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers=None) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "hello":
            self.send({"type": "ready"})
        elif content.get("type") == "practice":
            self.save(content.get("records"), content.get("states"))

    def save(self, records: Any, states: Any) -> None:
        """Keep well-formed records of candidate questions, and states of their banks' questions;
        anything else is ignored."""
        known = {f"{bank}/{qid}" for bank, qids in self.qids.items() for qid in qids}
        if isinstance(records, dict):
            kept = {
                key: record
                for key, record in records.items()
                if key in known and valid_record(record)
            }
            if kept:
                self.progress.update(RECORDS, kept)
        for bank, changes in (states if isinstance(states, dict) else {}).items():
            if bank not in self.qids or not isinstance(changes, dict):
                continue
            kept = {
                qid: state
                for qid, state in changes.items()
                if qid in self.qids[bank] and valid_state(state)
            }
            if kept:
                self.progress.update(bank, kept)
        self.notice = self.progress.notice


def practice(
    chapter: str | None = None, *, size: int = SESSION_SIZE, progress: Progress | None = None
) -> PracticeWidget:
    """A practice session in the notebook: `practice()` across the banks you have opened, or
    `practice("leverage-theory")` for one bank."""
    return PracticeWidget(chapter, size=size, progress=progress)
