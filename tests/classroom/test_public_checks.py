"""The public check files students get: no answers in them, and check() answers every kind of value.

This file runs in the instructor's repository and in the student release (it needs only exercises/).
"""

import json

import numpy as np
import pytest

from coursebook.classroom.exercises import Checker
from coursebook.classroom.exercise.fingerprints import COST
from tests.conftest import ROOT

CHECKS = sorted((ROOT / "exercises" / "checks").glob("*.json"))


def test_every_exercise_has_a_public_check_file():
    notebooks = sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))
    assert notebooks and notebooks == [p.stem for p in CHECKS]


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_public_file_holds_digests_not_answers(path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["format"] == 3 and all("offsets" not in t.get("form", {}) for t in spec["tasks"].values())
    for task_id, entry in spec["tasks"].items():
        assert not {"answer", "tolerance", "solution", "rubric"} & set(entry), task_id
        if entry["hidden"]:
            assert "accept" not in entry and "form" not in entry
        else:
            assert entry["scrypt"] == COST and entry["accept"]
            assert all(len(d) == 32 and int(d, 16) >= 0 for d in entry["accept"])


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_answers_every_kind_of_value(path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    check = Checker(spec["exercise"], path.parent)
    for task_id, entry in spec["tasks"].items():
        assert check(task_id, None).status == "unanswered"
        if entry["hidden"]:
            assert check(task_id, "something").status == "submitted"
            continue
        wrong_type = {"number": np.float64(1.0), "text": 3, "choice": 3, "list": {"a"}, "set": 3, "mapping": [1]}[entry["kind"]]
        result = check(task_id, wrong_type)
        assert result.status == "wrong-type" and "this task wants" in result.message
        plausible = {"number": 123456.75, "text": "no such answer", "choice": "no such option",
                     "list": ["no", "such"], "set": ["no such"], "mapping": {"no": "such"}}[entry["kind"]]
        assert check(task_id, plausible).status == "incorrect"
    assert check("no-such-task", 1).status == "unknown"
