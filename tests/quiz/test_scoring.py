"""The Python grader against the shared vectors (the browser test runs the same file against JS)."""

import json

import pytest
from pydantic import TypeAdapter

from coursebook.quiz.scoring import grade
from coursebook.quiz.model import Question
from tests.conftest import ROOT

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
QUESTIONS = {key: TypeAdapter(Question).validate_python(spec) for key, spec in VECTORS["questions"].items()}


def test_enough_vectors_of_every_type():
    assert len(VECTORS["cases"]) >= 80
    kinds = {QUESTIONS[case["question"]].type for case in VECTORS["cases"]}
    assert kinds == {"single", "multiple", "numeric", "ordering", "matching", "text"}


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: f"{c['question']}:{str(c['response'])[:24]}")
def test_vector(case):
    result = grade(QUESTIONS[case["question"]], case["response"])
    assert result.verdict == case["verdict"]
    assert result.score == pytest.approx(case["score"], abs=1e-9)
    assert list(result.feedback) == case["feedback"]


def test_invalid_input_never_counts():
    result = grade(QUESTIONS["n1"], "NaN")
    assert not result.counts and result.score == 0


# ---- the quiz policy: sequences of attempts, the same file the browser's grader walks ----

from coursebook.quiz.policy import POLICY, new_state, statement, step  # noqa: E402


def walk(question, steps):
    """Each step's (verdict or None, feedback, full state), from a fresh question."""
    state, seen = new_state(), []
    for entry in steps:
        state, result = step(question, state, entry["event"])
        seen.append((result.verdict if result else None, list(result.feedback) if result else None, state))
    return seen


def test_sequences_cover_the_policy():
    events = {entry["event"]["type"] for seq in VECTORS["sequences"] for entry in seq["steps"]}
    assert events == {"check", "hint", "show-answer", "reset"}
    verdicts = {entry["result"] for seq in VECTORS["sequences"] for entry in seq["steps"]}
    assert verdicts == {"correct", "partial", "incorrect", "invalid", None}


@pytest.mark.parametrize("sequence", VECTORS["sequences"], ids=lambda s: s["name"])
def test_sequence(sequence):
    question = QUESTIONS[sequence["question"]]
    for number, (entry, (verdict, feedback, state)) in enumerate(zip(sequence["steps"], walk(question, sequence["steps"])), 1):
        where = f"step {number} ({entry['event']})"
        assert verdict == entry["result"], where
        if verdict is not None:
            assert feedback == entry["feedback"], where
        for key, value in entry["state"].items():
            assert state[key] == (pytest.approx(value) if isinstance(value, float) else value), f"{where}: {key}"


def test_policy_is_the_stated_one():
    # The rules the page states, read from the data both graders use.
    assert POLICY["score"] == "best" and POLICY["enter_checks"] is True
    assert not any(POLICY["on_check"][verdict]["explain"] for verdict in ("incorrect", "partial", "invalid"))
    assert not POLICY["on_check"]["invalid"]["record"]
    assert POLICY["on_check"]["correct"]["explain"] and POLICY["show_answer"]["close"]
    full = statement(hints=True, answer_boxes=True)
    for words in ("wrong answer", "hint", "Show answer", "best attempt", "cannot be read", "Enter"):
        assert words in full
    # said truly: no hint where no question has one, no Enter where there is no answer box
    assert "hint" not in statement(hints=False, answer_boxes=False) and "Enter" not in statement(False, False)


def test_step_never_modifies_the_old_state():
    question = QUESTIONS["s1"]
    before = new_state()
    after, _ = step(question, before, {"type": "check", "response": "b"})
    assert before == new_state() and after["closed"]
    assert step(question, after, {"type": "bogus"})[0] == after


def test_orderings_never_start_with_an_item_in_place():
    from coursebook.quiz.bank import load_banks

    orderings = [q for bank in load_banks(ROOT / "book" / "quizzes").values() for q in bank.questions if q.type == "ordering"]
    orderings += [QUESTIONS["o1"]]
    assert len(orderings) >= 5
    for question in orderings:
        for seed in range(25):
            order = question.display_order(seed)
            assert sorted(order) == list(range(len(question.items)))
            assert all(position != item for position, item in enumerate(order)), (question.id, seed, order)
            assert order == question.display_order(seed)  # deterministic per id and seed
            assert grade(question, order).score == 0  # Check without moving earns nothing
