"""Stored results: atomic, and reused only while file, key, limits and sandbox are unchanged."""

import os
from dataclasses import replace

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader.results import Status, SubmissionResult
from coursebook.classroom.grader.per_student import StudentKeys
from coursebook.classroom.grader.store import ResultStore, fingerprint, parse_terms, reusable
from coursebook.classroom.roster import Roster, Student
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


def test_a_per_student_fingerprint_names_the_files_owner_and_their_key(tmp_path):
    """With per-student values, each result also names its owner and the owner's key: a change of
    either grades the file again; the run's own terms stay the same for every file (merge)."""
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    data = CHECKS.model_dump(mode="json")
    other = {**data, "tasks": [{**data["tasks"][0], "answer": 0.25}, *data["tasks"][1:]]}
    roster = Roster((Student("amy", canvas_id="1"), Student("bob", canvas_id="2")), "r.csv", "login")
    keys = StudentKeys(ASSIGNMENT, roster, {}, {"amy": ({}, data), "bob": ({}, data)})
    amy, bob = (keys.key(student).digest for student in roster.students)
    changed = StudentKeys(ASSIGNMENT, roster, {}, {"amy": ({}, other)}).key(roster.students[0]).digest
    assert len({amy, bob, changed}) == 3
    prints = {fingerprint(notebook, ASSIGNMENT, True, student=who) for who in (amy, bob, changed)}
    assert len(prints | {fingerprint(notebook, ASSIGNMENT, True)}) == 4
    assert len({tuple(sorted(parse_terms(f).items())) for f in prints}) == 1
    assert "per_student" not in parse_terms(fingerprint(notebook, ASSIGNMENT, True))


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
