"""Spaced practice across the book: a Leitner box system (Leitner 1972, *So lernt man lernen*).

The rule, in both views (`views/assets/practice.js` mirrors this module line for line and
`tests/quiz/practice_vectors.json` holds the two to the same sessions):

- Every question a student has answered sits in one of five boxes. Box n comes back after
  INTERVAL_DAYS[n - 1] days (1, 2, 4, 8, 16) counted from its last answer.
- A question first answered in a chapter enters box 1, from the moment it was answered (the site
  stamps it when the page is left; without a stamp, when practice first sees it).
- In practice, right at the first try moves a question up one box (at most box 5); a wrong or
  partly right first try, or Show answer before a right one, sends it back to box 1 and marks it
  missed.
- A session holds about ten questions: first the missed ones (a wrong answer in a chapter counts),
  then those due, then a few not yet answered from the chapters the student opened; inside each
  group the chapters take turns (interleaving).

Times are milliseconds since 1970 (JavaScript's Date.now()), so records pass between the site and
a kernel unchanged. A record is {"box": 1-5, "due": ms, "missed": bool, "last": ms}.
"""

from __future__ import annotations

from typing import Any

DAY_MS = 86_400_000
INTERVAL_DAYS = (1, 2, 4, 8, 16)
SESSION_SIZE = 10
NEW_SLOTS = 2  # places kept for questions not yet answered, when there are any
EPS = 1e-9


def answered(state: dict | None) -> bool:
    return bool(state) and bool(state.get("attempts") or state.get("revealed"))


def right_first_time(state: dict | None) -> bool:
    """One readable answer, and it was right (the policy closes a question on its first right)."""
    return (answered(state) and state.get("attempts") == 1 and not state.get("revealed")
            and float(state.get("best") or 0) >= 1 - EPS)


def status(item: dict, now: int) -> dict | None:
    """{"missed", "due", "box", "last"} for an answered question, None for one never answered."""
    record = item.get("record")
    if isinstance(record, dict) and isinstance(record.get("due"), (int, float)):
        box = record.get("box")
        box = int(box) if isinstance(box, (int, float)) and 1 <= box <= len(INTERVAL_DAYS) else 1
        last = record.get("last")
        return {"missed": bool(record.get("missed")), "due": record["due"], "box": box,
                "last": last if isinstance(last, (int, float)) else 0}
    state = item.get("state")
    if not answered(state):
        return None
    at = item["seen"] if item.get("seen") is not None else now
    missed = bool(state.get("revealed")) or float(state.get("best") or 0) < 1 - EPS
    return {"missed": missed, "due": at + DAY_MS, "box": 1, "last": at}


def after_attempt(item: dict, right: bool, now: int) -> dict:
    """The record after one practice attempt: right at the first try, or not."""
    current = status(item, now)
    box = min((current["box"] if current else 1) + 1, len(INTERVAL_DAYS)) if right else 1
    due = now + INTERVAL_DAYS[box - 1] * DAY_MS
    return {"box": box, "due": due, "missed": not right, "last": now}


def interleave(items: list[dict]) -> list[dict]:
    """Chapters take turns, in the order each first appears; each keeps its own order."""
    queues: dict[str, list[dict]] = {}
    for item in items:
        queues.setdefault(item["chapter"], []).append(item)
    out: list[dict] = []
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                out.append(queue.pop(0))
    return out


def build_session(items: list[dict], now: int, size: int = SESSION_SIZE,
                  chapter: str | None = None) -> list[dict[str, Any]]:
    """The questions of one session, in order, each with its group: missed, due or new.

    `items` are the questions of the chapters the student opened, in book order, each
    {"key", "chapter", "state", "record", "seen"}; `chapter` keeps one chapter only.
    """
    pool = [item for item in items if chapter is None or item["chapter"] == chapter]
    missed, due, new = [], [], []
    for order, item in enumerate(pool):
        found = status(item, now)
        if found is None:
            new.append(item)
        elif found["missed"]:
            missed.append((found["last"], order, item))
        elif found["due"] <= now:
            due.append((found["due"], order, item))
    missed_items = interleave([item for *_, item in sorted(missed, key=lambda x: x[:2])])
    due_items = interleave([item for *_, item in sorted(due, key=lambda x: x[:2])])
    new_items = interleave(new)
    review = size - min(NEW_SLOTS, len(new_items))
    picked_missed = missed_items[:review]
    picked_due = due_items[:review - len(picked_missed)]
    picked_new = new_items[:size - len(picked_missed) - len(picked_due)]
    return ([{**item, "group": "missed"} for item in picked_missed]
            + [{**item, "group": "due"} for item in picked_due]
            + [{**item, "group": "new"} for item in picked_new])


def chapter_summary(items: list[dict], now: int) -> list[dict[str, Any]]:
    """Per chapter, in book order: questions, answered, right first time, due (missed included)."""
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        row = rows.setdefault(item["chapter"], {"chapter": item["chapter"], "questions": 0,
                                                "answered": 0, "right_first_time": 0, "due": 0})
        row["questions"] += 1
        found = status(item, now)
        if found is None:
            continue
        row["answered"] += 1
        row["right_first_time"] += right_first_time(item.get("state"))
        row["due"] += found["missed"] or found["due"] <= now
    return list(rows.values())
