"""results.json from a result, without a kernel: every status and verdict gives a valid, honest file."""

import json
from pathlib import Path

import jsonschema
import pytest

from coursebook.classroom.autograder.gradescope_results import gradescope_results
from coursebook.classroom.exercise.task import CheckFile
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict

SCHEMA = json.loads((Path(__file__).with_name("gradescope-results.schema.json")).read_text())
CHECKS = CheckFile.model_validate({"exercise": "ex-t", "title": "T", "tasks": [
    {"id": "a", "variable": "a", "kind": "number", "answer": 0.24, "tolerance": 0.01, "points": 2, "hint": "Multiply."},
    {"id": "b", "variable": "b", "kind": "choice", "answer": "B", "points": 1, "hint": "Compare.", "hidden": True},
]})


def result(status, verdicts, **detail):
    tasks = {tid: TaskResult(points={"a": 2.0, "b": 1.0}[tid] if v is Verdict.CORRECT else 0.0,
                             max_points={"a": 2.0, "b": 1.0}[tid], verdict=v, value_type="set" if v is Verdict.WRONG_TYPE else "")
             for tid, v in verdicts.items()}
    return SubmissionResult(student="", source="s.ipynb", status=status, tasks=tasks, detail=detail,
                            written_response="My essay.")


@pytest.mark.parametrize("status", list(Status))
def test_every_status_gives_a_valid_file(status):
    out = gradescope_results(result(status, {"a": Verdict.NOT_RUN, "b": Verdict.NOT_RUN}), CHECKS, Limits())
    jsonschema.validate(out, SCHEMA)
    assert out["extra_data"]["status"] == status.value and out["score"] == 0
    assert out["output"].strip()


def test_tasks_hints_and_visibility():
    out = gradescope_results(result(Status.OK, {"a": Verdict.WRONG_TYPE, "b": Verdict.CORRECT}), CHECKS, Limits())
    a, b, written = out["tests"]
    assert (a["score"], a["max_score"], a["status"]) == (0.0, 2.0, "failed")
    assert "Hint: Multiply." in a["output"] and "a set" in a["output"]
    assert (b["score"], b["status"], b["output"]) == (1.0, "passed", "Correct.")
    assert a["visibility"] == "visible" and b["visibility"] == "after_published"  # hidden task
    assert written["output"] == "My essay." and "score" not in written and "manual-grading" in written["tags"]
    assert out["score"] == 1.0 and "0.24" not in json.dumps(out)


def test_timeout_policy_is_explained():
    zero = gradescope_results(result(Status.TIMEOUT, {"a": Verdict.WITHHELD, "b": Verdict.NOT_ANSWERED},
                                     timeout_kind="cell-or-notebook"), CHECKS, Limits(cell_timeout=7, total_timeout=60))
    assert "7 s" in zero["output"] and "60 s" in zero["output"] and "scores 0" in zero["output"]
    assert "Hint" not in zero["tests"][0]["output"]  # withheld: right, so no hint, as on the feedback page
    keep = gradescope_results(result(Status.TIMEOUT, {"a": Verdict.CORRECT, "b": Verdict.NOT_ANSWERED}),
                              CHECKS, Limits(on_timeout="keep"))
    assert "still count" in keep["output"] and keep["score"] == 2.0
