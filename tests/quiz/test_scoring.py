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
