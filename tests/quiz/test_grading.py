"""The quiz runtime's grading and policy (the browser's JavaScript, run in Node) against the
expected results in `tests/vectors.json`. The vectors are data written by hand; no Python grader
exists to compare with (tests/test_one_runtime.py keeps it that way)."""

import json

import pytest
from pydantic import TypeAdapter

from coursebook.quiz.model import QUESTION_TYPES, Question
from coursebook.quiz.policy import POLICY
from coursebook.views.static import client_spec
from tests import js_runtime
from tests.conftest import ROOT

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
QUESTIONS = {key: TypeAdapter(Question).validate_python(spec) for key, spec in VECTORS["questions"].items()}
SPECS = {key: client_spec(question) for key, question in QUESTIONS.items()}


@pytest.fixture(scope="module")
def graded():
    return js_runtime.run([["grade", SPECS[case["question"]], case["response"]] for case in VECTORS["cases"]])


@pytest.fixture(scope="module")
def walked():
    return js_runtime.run([["walk", POLICY, SPECS[seq["question"]], [step["event"] for step in seq["steps"]]]
                           for seq in VECTORS["sequences"]])


def test_enough_vectors_of_every_type():
    assert len(VECTORS["cases"]) >= 80
    assert {QUESTIONS[case["question"]].type for case in VECTORS["cases"]} == set(QUESTION_TYPES)


def test_every_case(graded):
    wrong = []
    for case, got in zip(VECTORS["cases"], graded, strict=True):
        want = (case["verdict"], case["feedback"])
        if "error" in got or (got["verdict"], got["feedback"]) != want or abs(got["score"] - case["score"]) > 1e-9:
            wrong.append((case["question"], str(case["response"])[:30], got))
    assert not wrong, wrong


def test_invalid_input_never_counts(graded):
    invalid = [got for case, got in zip(VECTORS["cases"], graded) if case["verdict"] == "invalid"]
    assert len(invalid) >= 10 and all(got["score"] == 0 for got in invalid)


def test_sequences_cover_the_policy():
    events = {step["event"]["type"] for seq in VECTORS["sequences"] for step in seq["steps"]}
    assert events == {"check", "hint", "show-answer", "reset"}
    verdicts = {step["result"] for seq in VECTORS["sequences"] for step in seq["steps"]}
    assert verdicts == {"correct", "partial", "incorrect", "invalid", None}


def test_every_sequence_walks_as_written(walked):
    wrong = []
    for seq, steps in zip(VECTORS["sequences"], walked, strict=True):
        for number, (entry, got) in enumerate(zip(seq["steps"], steps, strict=True), 1):
            verdict = (got["result"] or {}).get("verdict")
            state = {key: got["state"][key] for key in entry.get("state", {})}
            if verdict != entry["result"] or state != entry.get("state", {}):
                wrong.append((seq["name"], number, got))
            if "feedback" in entry and got["result"]["feedback"] != entry["feedback"]:
                wrong.append((seq["name"], number, "feedback", got["result"]["feedback"]))
    assert not wrong, wrong[:3]


def test_an_unknown_type_is_refused_by_name():
    (got,) = js_runtime.run([["grade", {"id": "q", "type": "essay"}, "x"]])
    assert got == {"error": "coursebook.js grade has no entry for question type essay"}
