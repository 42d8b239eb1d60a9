"""`run_autograder` against the second audit (A2, A10, A11, A35, G2): always a valid results.json,
and hidden tasks stay hidden.

Runs `gradescope_run.main` in this process on a folder laid out as Gradescope's /autograder (the
zip's configuration and key in `source/`), so each case costs one kernel at most; `test_gradescope`
runs the real zip through setup.sh.
"""

import json
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import jsonschema
import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebook.classroom.autograder import gradescope_run
from coursebook.classroom.autograder.gradescope import CONFIG
from coursebook.classroom.autograder.gradescope_results import gradescope_results
from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.exercise.task import CheckFile
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from tests.conftest import ROOT
from tests.helpers.trees import nest

SCHEMA = json.loads((Path(__file__).with_name("gradescope-results.schema.json")).read_text())
KEY = ROOT / "tests" / "fixtures" / "grading" / "answers" / "checks" / "ex0-fixture.yml"
LIMITS = Limits(cell_timeout=5, total_timeout=20, startup_grace=25)


def make_root(base: Path, files: dict[str, bytes] | None = None) -> Path:
    """/autograder as Gradescope lays it out, with this package's own version in the configuration."""
    root = base / "autograder"
    shutil.rmtree(root, ignore_errors=True)
    (root / "source" / "checks").mkdir(parents=True)
    shutil.copy(KEY, root / "source" / "checks" / KEY.name)
    config = {"exercise": "ex0-fixture", "title": "t", "limits": asdict(LIMITS),
              "package": {"name": "coursebook", "version": metadata.version("coursebook")}}
    (root / "source" / CONFIG).write_text(json.dumps(config))
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text('{"users": [{"name": "Ann"}]}')
    for name, data in (files or {}).items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    return root


def results_of(root: Path) -> dict:
    """results.json, read back as Gradescope would (strict UTF-8 JSON), checked against the schema."""
    text = (root / "results" / "results.json").read_bytes().decode("utf-8")
    results = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in results.json"))
    jsonschema.validate(results, SCHEMA)
    return results


def notebook_bytes(code: str = "", essay: str = "An essay.") -> bytes:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(essay, metadata={"tags": ["written-response"]}),
        nbformat.v4.new_code_cell(code)])
    return json.dumps(nb, ensure_ascii=True).encode()  # ASCII-only: a lone surrogate as \ud800


def run_in_time(root: Path, seconds: float) -> int:
    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(code=gradescope_run.main([str(root)])), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"run_autograder still running after {seconds} s"
    return box["code"]


# A10 -------------------------------------------------------------------------------------------

HIDDEN = CheckFile.model_validate({"exercise": "ex-t", "title": "T", "tasks": [
    {"id": "a", "variable": "a", "kind": "number", "answer": 0.24, "tolerance": 0.01, "points": 2, "hint": "x"},
    {"id": "b", "variable": "b", "kind": "choice", "answer": "B", "points": 2, "hint": "y", "hidden": True},
]})


def visible_part(results: dict) -> dict:
    """What a student sees before publication: top-level fields shown now and the visible tests."""
    shown = results.get("visibility", "visible") == "visible"
    return {"output": results["output"], "score": results["score"] if shown else None,
            "tests": [t for t in results["tests"] if t.get("visibility", results.get("visibility")) == "visible"]}


@pytest.mark.parametrize("status", [Status.OK, Status.ERRORS, Status.TIMEOUT])
def test_a10_a_hidden_tasks_verdict_shows_nowhere_before_publication(status):
    def result(b: Verdict) -> SubmissionResult:
        tasks = {"a": TaskResult(0.0, 2.0, Verdict.INCORRECT, "x"),
                 "b": TaskResult(2.0 if b is Verdict.CORRECT else 0.0, 2.0, b, "y")}
        return SubmissionResult(student="", source="s.ipynb", status=status, tasks=tasks, written_response="E")

    right = gradescope_results(result(Verdict.CORRECT), HIDDEN, Limits())
    wrong = gradescope_results(result(Verdict.INCORRECT), HIDDEN, Limits())
    assert right["score"] == 2.0 and wrong["score"] == 0.0  # the gradebook still gets the real score
    assert visible_part(right) == visible_part(wrong)
    for results in (right, wrong):
        jsonschema.validate(results, SCHEMA)


# A2 --------------------------------------------------------------------------------------------

def test_a2_results_with_lone_surrogates_are_written_and_read_back(tmp_path):
    root = make_root(tmp_path)
    gradescope_run.write_results(root, {"score": 1.0, "output": "essay \ud800 here", "tests": [
        {"name": "n\udcff", "score": float("nan"), "max_score": 1, "output": "\udfff"}]})
    results = results_of(root)
    assert results["output"] == "essay ? here" and results["tests"][0]["score"] == 0
    assert not list((root / "results").glob(".results.*"))


def test_a2_a_surrogate_in_the_essay_is_graded_with_a_results_file(tmp_path):
    root = make_root(tmp_path, {"ex0.ipynb": notebook_bytes("share = 0.24", essay="My essay \ud800 ends.")})
    assert run_in_time(root, LIMITS.hard_timeout + 60) == 0
    results = results_of(root)
    assert results["extra_data"]["status"] == "ok" and results["score"] == 2.0
    assert any(t.get("output") == "My essay ? ends." for t in results["tests"])


def test_a2_a_file_name_that_is_not_utf8_still_gives_a_results_file(tmp_path):
    root = make_root(tmp_path)
    (root / "submission" / os.fsdecode(b"\xff\xfe;=1+1.txt")).write_bytes(b"x")
    assert run_in_time(root, 60) == 0
    results = results_of(root)
    assert results["extra_data"]["detail"]["reason"] == "no-notebook"


# A11 -------------------------------------------------------------------------------------------

def test_a11_a_fifo_or_socket_named_like_a_notebook_is_never_opened(tmp_path):
    root = make_root(tmp_path)
    os.mkfifo(root / "submission" / "pipe.ipynb")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "submission" / "sock.ipynb"))
    try:
        assert run_in_time(root, 60) == 0
    finally:
        server.close()
    assert results_of(root)["extra_data"]["detail"]["reason"] == "no-notebook"


def test_a11_a_fifo_at_the_answers_path_ends_in_time_with_results(tmp_path):
    hook = ("import os, re\n"
            "def hook(lines):\n"
            "    m = re.search(r\"__coursebook_extract\\(.*?, '(/run/kernel/\\.coursebook-answers-[0-9a-f]+\\.json)'\\)\","
            " ''.join(lines))\n"
            "    if m:\n"
            "        os.mkfifo(m.group(1)); return ['pass\\n']\n"
            "    return lines\n"
            "get_ipython().input_transformers_cleanup.append(hook)\n")
    root = make_root(tmp_path, {"ex0.ipynb": notebook_bytes(hook)})
    assert run_in_time(root, LIMITS.hard_timeout + 60) == 0
    results = results_of(root)
    assert results["extra_data"]["status"] == "answers-unreadable" and results["score"] == 0


def test_a11_a_deep_folder_in_the_submission_is_walked_without_recursion(tmp_path):
    root = make_root(tmp_path)
    deep = root / "submission"
    nest(deep, 1500)
    try:
        assert run_in_time(root, 120) == 0
        assert results_of(root)["extra_data"]["detail"]["reason"] == "no-notebook"
    finally:
        subprocess.run(["rm", "-rf", str(root / "submission")], check=True)  # pytest's clean-up recurses


# A35, G2 ---------------------------------------------------------------------------------------

def test_a35_g2_gradescopes_memory_limit_is_named_when_it_may_have_stopped_the_notebook(tmp_path, monkeypatch):
    root = make_root(tmp_path, {"ex0.ipynb": notebook_bytes()})
    crashed = SubmissionResult(student="", source="ex0.ipynb", status=Status.CRASHED,
                               tasks={t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint)
                                      for t in load_check_file(KEY).tasks})
    monkeypatch.setattr(gradescope_run, "grade_submission", lambda *a, **k: crashed)
    monkeypatch.setattr(gradescope_run, "container_memory_mb", lambda: 768)
    monkeypatch.setattr(gradescope_run, "sandbox_problem", lambda: "")
    assert run_in_time(root, 60) == 0
    results = results_of(root)
    assert "768 MB" in results["output"] and "Gradescope stopped it" in results["output"]
    assert "--memory-mb" in results["extra_data"]["container_memory"]
    assert gradescope_run.memory_warning(Limits(memory_mb=512)) == ""


# Generated: hostile names and contents ---------------------------------------------------------

NAME_PARTS = st.sampled_from([b"a", b"ex0", b";=1+1", b"\xff", b"\xed\xa0\x80", b"\x01\x1b[31m", b" ", b".",
                              b"=HYPERLINK(1)", b"x" * 200, "é".encode(), b"\t", b"@"])
CONTENTS = st.sampled_from([
    b"", b"\x00" * 10, b"PK\x03\x04" + b"\x00" * 30, b"{", b"[" * 5000, b'{"cells": 5}',
    b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "\\ud800"}',
    b'{"cells": [{"cell_type": "code", "source": "\\udcff", "metadata": {}, "outputs": [], "execution_count": null}]}',
    b'{"nbformat": 3}', "\ufeff{}".encode(), b"\xff\xfe"])


@st.composite
def submissions(draw):
    files = []
    for _ in range(draw(st.integers(0, 4))):
        name = b"".join(draw(st.lists(NAME_PARTS, min_size=1, max_size=4)))[:200]
        suffix = draw(st.sampled_from([b".ipynb", b".IPYNB", b".txt", b"", b".zip"]))
        folder = draw(st.sampled_from([b"", b"sub/", b".hidden/", b"__MACOSX/", b"d/d/d/d/"]))
        kind = draw(st.sampled_from(["file", "file", "file", "fifo", "link", "dir"]))
        files.append((folder + name + suffix, kind, draw(CONTENTS)))
    return files


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=submissions())
def test_any_hostile_submission_gives_a_valid_results_json(tmp_path_factory, files):
    root = make_root(tmp_path_factory.mktemp("gs"))
    submission = os.fsencode(root / "submission")
    for name, kind, data in files:
        path = os.path.join(submission, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path) or name.endswith(b"/"):
            continue
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "link":
            os.symlink(os.fsencode(KEY), path)
        elif kind == "dir":
            os.makedirs(path, exist_ok=True)
        else:
            with open(path, "wb") as out:
                out.write(data)
    assert run_in_time(root, LIMITS.hard_timeout + 60) in (0, 1)
    results = results_of(root)
    assert "0.24" not in json.dumps(results)  # the key, read through a link, is never graded or shown


@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs run_autograder as root; the own-user path needs it")
def test_a35_a_kernel_that_cannot_start_in_the_sandbox_is_graded_without_it(tmp_path, monkeypatch):
    from coursebook.classroom.grader import sandbox

    view = sandbox.layout()
    broken = sandbox.Layout(view.binds, "/opt/nowhere/python", view.environment, view.venv_config)
    monkeypatch.setattr("coursebook.classroom.grader.kernel.layout", lambda: broken)
    graded_alone = []

    def own_user(path, checks, limits, student=None):  # the real one forks; only its choice counts
        graded_alone.append(path.name)
        return SubmissionResult(student="", source=path.name, status=Status.OK, sandboxed=False,
                                tasks={t.id: TaskResult(t.points, t.points, Verdict.CORRECT, t.hint)
                                       for t in checks.tasks})

    monkeypatch.setattr(gradescope_run, "grade_as_own_user", own_user)
    root = make_root(tmp_path, {"ex0.ipynb": notebook_bytes("share = 0.24")})
    assert run_in_time(root, LIMITS.hard_timeout + 60) == 0
    results = results_of(root)
    assert graded_alone == ["ex0.ipynb"] and results["extra_data"]["status"] == "ok"
    assert "could not start in the sandbox" in results["extra_data"]["sandbox_problem"]
    assert "kernel stopped" not in results["output"]
