"""The site's grader and quiz policy (`assets/coursebook.js`) against the shared vectors, in Node.

The unit tier's twin of `tests/browser/test_js_parity.py`: a JavaScript grading or policy mistake
fails here in about a second, with no browser. Every case and every step of every sequence must
give exactly what the Python grader and `quiz/policy.py` give.
"""

import json
import shutil
import subprocess

import pytest
from pydantic import TypeAdapter

from coursebook.quiz.model import Question
from coursebook.quiz.policy import POLICY, new_state, step
from coursebook.quiz.scoring import grade
from coursebook.views.static import ASSETS, client_spec
from tests.conftest import ROOT

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
QUESTIONS = {key: TypeAdapter(Question).validate_python(spec) for key, spec in VECTORS["questions"].items()}


@pytest.fixture(scope="module")
def node_results():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (it comes with npm, which `make` already needs)")
    specs = {key: client_spec(question) for key, question in QUESTIONS.items()}
    payload = {"specs": specs, "policy": POLICY, "cases": VECTORS["cases"], "sequences": VECTORS["sequences"]}
    run = subprocess.run([node, str(ROOT / "tests" / "views" / "run_vectors.js"), str(ASSETS / "coursebook.js")],
                         input=json.dumps(payload), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_every_case_matches_python(node_results):
    mismatches = []
    for case, got in zip(VECTORS["cases"], node_results["cases"], strict=True):
        python = grade(QUESTIONS[case["question"]], case["response"])
        want = (case["verdict"], case["feedback"], python.detail)
        if (got["verdict"], got["feedback"], got["detail"]) != want or abs(got["score"] - case["score"]) > 1e-9:
            mismatches.append((case["question"], str(case["response"])[:30], got))
    assert not mismatches, mismatches


def test_every_sequence_walks_like_python(node_results):
    mismatches = []
    for sequence, steps in zip(VECTORS["sequences"], node_results["sequences"], strict=True):
        question, state = QUESTIONS[sequence["question"]], new_state()
        for number, (entry, got) in enumerate(zip(sequence["steps"], steps, strict=True), 1):
            state, result = step(question, state, entry["event"])
            if got["state"] != json.loads(json.dumps(state)) or (got["result"] or {}).get("verdict") != entry["result"]:
                mismatches.append((sequence["name"], number, got, state))
    assert not mismatches, mismatches[:3]
