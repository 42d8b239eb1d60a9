"""Interrupt a real `coursebook grade` with real signals, then resume: nothing lost, nothing doubled,
the interrupted submission graded again (never recorded as crashed), no process left behind.
Resume also re-grades what changed: a submission, the answer key or the limits."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT
from tests.helpers.processes import alive, descendants, named

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
PERFECT = json.loads((FIXTURE / "submissions" / "perfect.ipynb").read_text(encoding="utf-8"))
PARTIAL = (FIXTURE / "submissions" / "partial.ipynb").read_bytes()


def slow_notebook(name: str = "cbslowcell") -> str:
    """The perfect answers, then a cell that ignores Ctrl-C, names its process `name` (so the host
    sees it running) and sleeps."""
    nb = json.loads(json.dumps(PERFECT))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "slow", "metadata": {}, "outputs": [],
                        "source": ["import ctypes, signal, time\n", "signal.signal(signal.SIGINT, signal.SIG_IGN)\n",
                                   f"ctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)\n",
                                   "time.sleep(25)"]})
    return json.dumps(nb)


@pytest.fixture
def course(tmp_path):
    """A class of three; the second's slow cell runs under the name in `course / "slow-name"`."""
    answers = tmp_path / "answers"
    shutil.copytree(FIXTURE / "answers", answers)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a-perfect.ipynb").write_text(json.dumps(PERFECT), encoding="utf-8")
    name = f"cb{uuid.uuid4().hex[:12]}"
    (tmp_path / "slow-name").write_text(name, encoding="utf-8")
    (folder / "b-slow.ipynb").write_text(slow_notebook(name), encoding="utf-8")
    (folder / "c-partial.ipynb").write_bytes(PARTIAL)
    return tmp_path


def grade(course, *extra, wait=True):
    """Run `coursebook grade`; its output goes to files, not pipes (a pipe would make waiting for the
    grader also wait for any process it left behind, hiding exactly what these tests look for)."""
    command = [sys.executable, "-m", "coursebook", "grade", str(course / "class"), "--exercise", "ex0-fixture",
               "--answers", str(course / "answers"), "--out", str(course / "out"), "--cell-timeout", "40",
               "--total-timeout", "60", *extra]
    with open(course / "stdout.txt", "w") as out, open(course / "stderr.txt", "w") as err:
        process = subprocess.Popen(command, cwd=course, stdout=out, stderr=err, text=True, start_new_session=True)
    if wait:
        process.wait(timeout=240)
    return process


def stored(course) -> dict[str, dict]:
    folder = course / "out" / "results"
    return {json.loads(p.read_text())["source"]: json.loads(p.read_text()) for p in folder.glob("*.json")}


def rows(course) -> list[dict]:
    with (course / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("how", ["ctrl-c", "sigint-to-grader", "sigterm", "sigkill"])
def test_interrupted_run_resumes_with_nothing_lost(course, how):
    process = grade(course, wait=False)
    deadline = time.monotonic() + 120
    while "a-perfect.ipynb" not in stored(course):  # the first is saved, the slow second is running
        assert process.poll() is None and time.monotonic() < deadline, (course / "stderr.txt").read_text()
        time.sleep(0.1)
    slow = (course / "slow-name").read_text(encoding="utf-8")
    while not named(slow):  # the slow cell runs: the interrupted submission is mid-run
        assert process.poll() is None and time.monotonic() < deadline, (course / "stderr.txt").read_text()
        time.sleep(0.1)
    family = descendants(process.pid)
    assert any(pid for pid, _ in family), "the grader has workers and sandboxes running"
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    else:
        os.kill(process.pid, {"sigint-to-grader": signal.SIGINT, "sigterm": signal.SIGTERM,
                              "sigkill": signal.SIGKILL}[how])
    stopped = time.monotonic()
    process.wait(timeout=30)
    assert time.monotonic() - stopped < 10  # the slow kernel ignores SIGINT; the grader does not wait for it
    expected_code = {"ctrl-c": 130, "sigint-to-grader": 130, "sigterm": 143, "sigkill": -9}[how]
    # The slow cell would run on for 20 s and more if nothing killed it; multiprocessing's own helpers
    # (forkserver, resource tracker) need a moment to notice that the grader is gone on a busy machine.
    deadline = time.monotonic() + 10
    while alive(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(family) == [], "processes left behind"
    err = (course / "stderr.txt").read_text()
    assert process.returncode == expected_code, err
    assert "Traceback" not in err
    if how != "sigkill":
        assert "run the same command again" in err
    assert set(stored(course)) == {"a-perfect.ipynb"}  # nothing recorded for the interrupted one
    kept = (course / "out" / "results").glob("a-perfect*.json").__next__().stat().st_mtime_ns

    again = grade(course, "-j", "2")
    assert again.returncode == 0, (course / "stderr.txt").read_text()
    table = rows(course)
    assert sorted((r["file"], r["status"], r["total"]) for r in table) == [
        ("a-perfect.ipynb", "ok", "5"), ("b-slow.ipynb", "ok", "5"), ("c-partial.ipynb", "ok", "3")]
    assert len(list((course / "out" / "results").glob("*.json"))) == 3
    assert next((course / "out" / "results").glob("a-perfect*.json")).stat().st_mtime_ns == kept  # not re-graded
    assert not list((course / "out" / "results").glob(".*"))


def test_resume_regrades_what_changed(course):
    (course / "class" / "b-slow.ipynb").unlink()
    assert grade(course, "-j", "2").returncode == 0
    assert {r["file"]: r["total"] for r in rows(course)} == {"a-perfect.ipynb": "5", "c-partial.ipynb": "3"}

    def stamps():
        return {name: result["fingerprint"] for name, result in stored(course).items()}

    def mtimes():
        return {p.name: p.stat().st_mtime_ns for p in (course / "out" / "results").glob("*.json")}

    before, times = stamps(), mtimes()
    assert grade(course).returncode == 0  # nothing changed: nothing re-graded
    assert mtimes() == times

    (course / "class" / "c-partial.ipynb").write_text(json.dumps(PERFECT), encoding="utf-8")  # a new upload
    assert grade(course).returncode == 0
    changed = {name for name in before if stamps()[name] != before[name]}
    assert changed == {"c-partial.ipynb"}
    assert {r["file"]: r["total"] for r in rows(course)}["c-partial.ipynb"] == "5"

    key = course / "answers" / "checks" / "ex0-fixture.yml"  # the instructor fixes the key
    key.write_text(key.read_text().replace("answer: 0.24", "answer: 0.3"))  # far outside the tolerance (the grid blurs two tolerances)
    assert grade(course, "-j", "2").returncode == 0
    assert {r["file"]: r["total"] for r in rows(course)} == {"a-perfect.ipynb": "3", "c-partial.ipynb": "3"}

    before = stamps()
    assert grade(course, "--on-timeout", "keep", "-j", "2").returncode == 0  # a limit or policy changes
    assert all(stamps()[name] != before[name] for name in before)
