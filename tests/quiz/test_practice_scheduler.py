"""The Leitner scheduler, the one in assets/quiz/practice.js (the site's Practice page and the live
`practice()` widget both run it): the hand-worked vectors and its properties, in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from coursebook.views import bundle
from tests.conftest import ROOT

VECTORS_FILE = ROOT / "tests" / "quiz" / "practice_vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
JS = bundle.ASSETS / "quiz" / "practice.js"
HARNESS = ROOT / "tests" / "quiz" / "practice_vectors.js"
DAY_MS = 86_400_000


def node(script: Path, data: Path) -> Any:
    found = shutil.which("node")
    if not found:
        pytest.fail("node is needed to run the scheduler (apt-get install nodejs)")
    done = subprocess.run([found, str(HARNESS), str(script), str(data)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    """call(name, *arguments): the scheduler's answer, in Node."""
    folder = tmp_path_factory.mktemp("practice")

    def call(name: str, *arguments: Any) -> Any:
        data = folder / "calls.json"
        data.write_text(json.dumps({"calls": [[name, *arguments]]}), encoding="utf-8")
        return node(JS, data)[0]
    return call


def test_the_bundle_carries_the_scheduler_the_tests_run():
    assert JS in bundle.quiz_parts() and JS.read_text(encoding="utf-8") in bundle.quiz_script()


def test_sessions_match_the_hand_worked_vectors():
    found = node(JS, VECTORS_FILE)
    for case, session in zip(VECTORS["sessions"], found["sessions"], strict=True):
        assert session == case["session"], case["name"]
    assert found["summary"] == VECTORS["summary"]["rows"]
    assert found["attempts"] == [a["record"] for a in VECTORS["attempts"]]


def test_a_changed_rule_fails_the_vectors(tmp_path):
    """The vectors can fail: box intervals doubled no longer give the hand-worked records."""
    mutated = tmp_path / "practice.js"
    text = JS.read_text(encoding="utf-8")
    assert "INTERVAL_DAYS = [1, 2, 4, 8, 16]" in text
    mutated.write_text(text.replace("INTERVAL_DAYS = [1, 2, 4, 8, 16]",
                                    "INTERVAL_DAYS = [2, 4, 8, 16, 32]"), encoding="utf-8")
    found = node(mutated, VECTORS_FILE)
    assert found["attempts"] != [a["record"] for a in VECTORS["attempts"]]


def test_a_session_never_repeats_a_question_and_keeps_its_size(calls):
    items = [{"key": f"c{n % 3}/{n}", "chapter": f"c{n % 3}", "record": None, "seen": 0,
              "state": {"attempts": 1, "best": n % 2, "revealed": False} if n < 30 else None}
             for n in range(40)]
    session = calls("buildSession", items, 5 * DAY_MS, 10)
    keys = [item["key"] for item in session]
    assert len(keys) == 10 == len(set(keys))
    assert [item["group"] for item in session] == ["missed"] * 8 + ["new"] * 2
    chapters = [item["chapter"] for item in session[:8]]
    assert all(a != b for a, b in zip(chapters, chapters[1:])), chapters  # interleaved


def test_a_damaged_record_counts_as_box_one_and_never_raises(calls):
    item = {"key": "c/q", "chapter": "c", "state": None, "seen": None,
            "record": {"box": "x", "due": 0, "missed": False, "last": None}}
    assert calls("afterAttempt", item, True, 0)["box"] == 2


def test_a_wrong_practice_answer_goes_back_to_box_one_and_a_right_one_climbs_to_five(calls):
    item = {"key": "c/q", "chapter": "c", "state": None, "record": None, "seen": None}
    for expected in (2, 3, 4, 5, 5):
        item["record"] = calls("afterAttempt", item, True, 0)
        assert item["record"]["box"] == expected
    item["record"] = calls("afterAttempt", item, False, 0)
    assert item["record"] == {"box": 1, "due": DAY_MS, "missed": True, "last": 0}


def test_questions_answered_in_a_chapter_enter_box_one_from_their_stamp(calls):
    items = [{"key": "c/a", "chapter": "c", "record": None, "seen": 5,
              "state": {"attempts": 1, "best": 1, "revealed": False}},
             {"key": "c/b", "chapter": "c", "record": None, "seen": None, "state": None}]
    assert calls("enroll", items, 100) == {
        "c/a": {"box": 1, "due": 5 + DAY_MS, "missed": False, "last": 5}}
