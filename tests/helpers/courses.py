"""Courses with their own secret (issue 28), shared by the tests of the release's variants and of
per-student grading: the one parameterized exercise, two course secrets, a Canvas roster, and the
notebook a student who solved everything hands in."""

import os
from pathlib import Path

import nbformat

from coursebook.classroom.variants import per_student_notebook, with_values
from tests.conftest import ROOT

EX1A = "ex1a-coercion-threshold"
SECRET_A, SECRET_B = "course-a-" + "1" * 24, "course-b-" + "2" * 24
ANSWERS = ROOT / "answers"


def run_variant_cache(tmp_path_factory) -> Path:
    """One cache of course answers for the whole test run (each is a kernel run of a solution per
    exercise, secret and login: the same ones are wanted by several test files). It sits in the
    run's own temporary folder, shared by the xdist processes (theirs are inside it), so no later
    run, with other code, reads it; the cache's own lock lets one process compute, the other
    wait."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "variants"
    folder.mkdir(exist_ok=True)
    return folder


def canvas_roster(path: Path, students: list[tuple[str, str, str, str]]) -> Path:
    """A Canvas gradebook export: (name, Canvas user ID, SIS User ID, SIS Login ID) per student."""
    lines = ["Student,ID,SIS User ID,SIS Login ID,Section"]
    lines += [f'"{name}",{user},{sis},{login},S1' for name, user, sis, login in students]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def solved_notebook(login: str, hard_coded: dict | None = None):
    """The released per-student notebook with the solution's code in it and `login` in its first
    cell: what a student who solved everything hands in. `hard_coded`: parameter values typed into
    the parameters cell instead of the student's own (`check.value(...)`), as a copier would."""
    nb = nbformat.read(ANSWERS / f"{EX1A}.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "hidden" not in c.metadata.get("tags", [])]
    nb = per_student_notebook(nb, EX1A, EX1A)
    if hard_coded is not None:
        nb = with_values(nb, hard_coded, EX1A)
    cell = next(c for c in nb.cells if "login" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('login = ""', f"login = {login!r}")
    return nb
