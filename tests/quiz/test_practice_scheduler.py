"""The Leitner scheduler: the hand-worked vectors against Python and against practice.js in Node."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from coursebook.quiz.practice import DAY_MS, after_attempt, build_session, chapter_summary
from tests.conftest import ROOT

VECTORS_FILE = ROOT / "tests" / "quiz" / "practice_vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
JS = ROOT / "coursebook" / "views" / "assets" / "practice.js"
HARNESS = ROOT / "tests" / "quiz" / "practice_vectors.js"


def python_results() -> dict:
    items = VECTORS["items"]
    return {
        "sessions": [[[i["key"], i["group"]]
                      for i in build_session(items, c["now"], c["size"], c["chapter"])]
                     for c in VECTORS["sessions"]],
        "summary": chapter_summary(items, VECTORS["summary"]["now"]),
        "attempts": [after_attempt(items[a["item"]], a["right"], a["now"])
                     for a in VECTORS["attempts"]],
    }


@pytest.fixture(scope="module")
def js_results() -> dict:
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed to run practice.js's scheduler (apt-get install nodejs)")
    done = subprocess.run([node, str(HARNESS), str(JS), str(VECTORS_FILE)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("runner", ["python", "js"])
def test_sessions_match_the_hand_worked_vectors(runner, request):
    found = python_results() if runner == "python" else request.getfixturevalue("js_results")
    for case, session in zip(VECTORS["sessions"], found["sessions"]):
        assert session == case["session"], case["name"]
    assert found["summary"] == VECTORS["summary"]["rows"]
    assert found["attempts"] == [a["record"] for a in VECTORS["attempts"]]


def test_a_session_never_repeats_a_question_and_keeps_its_size():
    items = [{"key": f"c{n % 3}/{n}", "chapter": f"c{n % 3}", "record": None, "seen": 0,
              "state": {"attempts": 1, "best": n % 2, "revealed": False} if n < 30 else None}
             for n in range(40)]
    session = build_session(items, 5 * DAY_MS, 10)
    keys = [item["key"] for item in session]
    assert len(keys) == 10 == len(set(keys))
    assert [item["group"] for item in session] == ["missed"] * 8 + ["new"] * 2
    chapters = [item["chapter"] for item in session[:8]]
    assert all(a != b for a, b in zip(chapters, chapters[1:])), chapters  # interleaved


def test_a_damaged_record_counts_as_box_one_and_never_raises():
    item = {"key": "c/q", "chapter": "c", "state": None, "seen": None,
            "record": {"box": "x", "due": 0, "missed": False, "last": None}}
    assert after_attempt(item, True, 0)["box"] == 2


def test_a_wrong_practice_answer_goes_back_to_box_one_and_a_right_one_climbs_to_five():
    item = {"key": "c/q", "chapter": "c", "state": None, "record": None, "seen": None}
    for expected in (2, 3, 4, 5, 5):
        item["record"] = after_attempt(item, True, 0)
        assert item["record"]["box"] == expected
    item["record"] = after_attempt(item, False, 0)
    assert item["record"] == {"box": 1, "due": DAY_MS, "missed": True, "last": 0}
