"""Stored results: atomic, and reused only while file, key, limits and sandbox are unchanged."""

import os
from dataclasses import replace

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.results import Status, SubmissionResult
from coursebook.classroom.grader.store import ResultStore, fingerprint, reusable
from tests.conftest import ROOT

ASSIGNMENT = Assignment.load(ROOT / "tests" / "fixtures" / "grading" / "answers", "ex0-fixture")
CHECKS = ASSIGNMENT.checks


def test_fingerprint_changes_with_each_part(tmp_path):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    base = fingerprint(notebook, ASSIGNMENT, True)
    assert fingerprint(notebook, ASSIGNMENT, True) == base
    changed_key = CHECKS.model_copy(update={"tasks": [CHECKS.tasks[0].model_copy(update={"answer": 0.25}),
                                                      *CHECKS.tasks[1:]]})
    variants = [fingerprint(notebook, ASSIGNMENT.with_checks(changed_key), True),
                fingerprint(notebook, replace(ASSIGNMENT, limits=Limits(cell_timeout=31)), True),
                fingerprint(notebook, replace(ASSIGNMENT, limits=Limits(on_timeout="keep")), True),
                fingerprint(notebook, ASSIGNMENT, False)]
    notebook.write_text('{"cells": []}')
    variants.append(fingerprint(notebook, ASSIGNMENT, True))
    assert len({base, *variants}) == 6


def test_save_and_load_round_trip_and_bad_files_are_regraded(tmp_path):
    store = ResultStore(tmp_path / "results")
    result = SubmissionResult(student="Jane", source="Jane Doe.ipynb", status=Status.OK, fingerprint="f")
    store.save("jane", result)
    assert store.load("jane") == result
    assert store.load("nobody") is None
    store.path("broken").write_text('{"schema": 1, "student": ')  # a file someone else truncated
    assert store.load("broken") is None
    assert [p.name for p in (tmp_path / "results").iterdir() if p.name.startswith(".")] == []


def test_partial_writes_from_a_killed_run_are_cleared(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / ".jane.x1y2.partial").write_text('{"sch')
    ResultStore(folder)
    assert list(folder.iterdir()) == []


def test_a_failed_save_leaves_the_old_result(tmp_path, monkeypatch):
    store = ResultStore(tmp_path / "results")
    old = SubmissionResult(student="Jane", source="j", status=Status.OK, fingerprint="old")
    store.save("jane", old)

    def fail(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", fail)
    try:
        store.save("jane", replace(old, fingerprint="new"))
    except OSError:
        pass
    assert store.load("jane") == old
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["jane.json"]


def test_reuse_rules():
    ok = SubmissionResult(student="a", source="a", status=Status.OK, fingerprint="f")
    assert reusable(ok, "f") and not reusable(ok, "g") and not reusable(None, "f")
    assert reusable(replace(ok, status=Status.CRASHED), "f")  # the student's kernel died: a real result
    assert not reusable(replace(ok, status=Status.CRASHED, detail={"worker_exit": "signal SIGKILL"}), "f")
    assert not reusable(replace(ok, status=Status.GRADER_ERROR), "f")
