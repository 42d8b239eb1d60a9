"""The quiz policy: what one event does to one question's state, in both views.

The rules are data (`policy.json`): the static view ships them to `assets/coursebook.js`, whose
`CourseBook.step` applies the same table, and `tests/vectors.json` holds sequences of attempts that
both must walk identically. A question's state is plain JSON, stored by the site in localStorage
and by the live view in a file beside the notebook:

    response   the last readable answer (restores the controls), or None
    best       the best fraction of the points earned so far, 0 to 1 (the score that counts)
    attempts   how many readable answers were checked
    hint       whether the hint was opened
    explained  whether the explanation is shown
    closed     whether the question takes no more answers (right, or answer shown)
    revealed   whether the student chose Show answer
"""

from __future__ import annotations

import json
from pathlib import Path

from .scoring import Result, grade

POLICY = json.loads((Path(__file__).with_name("policy.json")).read_text(encoding="utf-8"))
EVENTS = ("check", "hint", "show-answer", "reset")


def new_state() -> dict:
    return {"response": None, "best": 0.0, "attempts": 0, "hint": False, "explained": False,
            "closed": False, "revealed": False}


def has_hint(question) -> bool:
    return bool(getattr(question, "hint", None))


def can_show_answer(question, state: dict) -> bool:
    rule = POLICY["show_answer"]
    return (not state["closed"] and state["attempts"] >= rule["after_attempts"]
            and (not rule["after_hint"] or not has_hint(question) or state["hint"]))


def step(question, state: dict | None, event: dict) -> tuple[dict, Result | None]:
    """Apply one event ({"type": "check", "response": ...}, "hint", "show-answer" or "reset").

    Returns the new state and, for a check, the grader's result (None when nothing was graded,
    for instance a check on a closed question). The old state is never modified.
    """
    state = {**new_state(), **(state or {})}
    kind = event.get("type")
    if kind == "reset":
        return new_state(), None
    if kind == "hint":
        return ({**state, "hint": True} if has_hint(question) else state), None
    if kind == "show-answer":
        if not can_show_answer(question, state):
            return state, None
        rule = POLICY["show_answer"]
        return {**state, "revealed": True, "explained": state["explained"] or rule["explain"],
                "closed": state["closed"] or rule["close"]}, None
    if kind != "check" or state["closed"]:
        return state, None
    result = grade(question, event.get("response"))
    rule = POLICY["on_check"][result.verdict]
    if rule["record"]:
        state.update(response=event.get("response"), attempts=state["attempts"] + 1,
                     best=max(state["best"], result.score))
    state.update(explained=state["explained"] or rule["explain"], closed=state["closed"] or rule["close"])
    return state, result
