"""answers/ is the master; exercises/ is generated from it, current, and free of solutions."""

import json
import re

import nbformat
import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.student_edition import BEGIN, END, MarkerError, stale_exercises, strip_solutions
from tests.conftest import ROOT

ANSWERS, EXERCISES = ROOT / "answers", ROOT / "exercises"
NAMES = sorted(p.stem for p in ANSWERS.glob("*.ipynb"))


def test_two_exercises_per_chapter():
    assert len(NAMES) >= 8
    for chapter in "1234":
        assert len([n for n in NAMES if n.startswith(f"ex{chapter}")]) >= 2


def test_exercises_are_up_to_date():
    assert stale_exercises(ANSWERS, EXERCISES) == []


def secret_texts(name):
    """Solution lines, hidden cells, rubrics and model answers of one answers notebook."""
    nb = nbformat.read(ANSWERS / f"{name}.ipynb", as_version=4)
    secrets = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & {"hidden", "rubric", "written-response"}:
            secrets += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 25]
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
                secrets.append(line.strip())
    return secrets


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_in_student_edition(name):
    text = (EXERCISES / f"{name}.ipynb").read_text(encoding="utf-8") + (EXERCISES / "checks" / f"{name}.json").read_text(encoding="utf-8")
    leaked = [s for s in secret_texts(name) if json.dumps(s)[1:-1] in text or s in text]
    assert not leaked, leaked[:3]
    checks = load_check_file(ANSWERS / "checks" / f"{name}.yml")
    public = (EXERCISES / "checks" / f"{name}.json").read_text(encoding="utf-8")
    for task in checks.tasks:
        strings = [task.answer] if isinstance(task.answer, str) else [a for a in json.dumps(task.answer).split('"') if len(a) > 3]
        assert not any(f'"{s}"' in public for s in strings if isinstance(s, str) and len(s) > 3), task.id


def check_outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [out.get("data", {}).get("text/plain", "") for cell in nb.cells if cell.cell_type == "code"
            and re.match(r'check\(', cell.source.strip()) for out in cell.outputs]


@pytest.mark.parametrize("name", NAMES)
def test_checks_pass_in_answers_and_not_in_exercises(name):
    solved, blank = check_outputs(ANSWERS / f"{name}.ipynb"), check_outputs(EXERCISES / f"{name}.ipynb")
    assert solved and all("Correct." in text for text in solved), solved
    assert blank and not any("Correct." in text for text in blank) and all("Not answered yet" in t for t in blank)


def test_marker_errors_name_the_cell():
    with pytest.raises(MarkerError, match="ex9, cell 3: `### BEGIN SOLUTION` is never closed"):
        strip_solutions("### BEGIN SOLUTION\nx = 1", "ex9, cell 3")
    with pytest.raises(MarkerError, match="without a"):
        strip_solutions("x = 1\n### END SOLUTION", "ex9, cell 4")


def test_placeholder_keeps_variable_names():
    source = "a = 1\n### BEGIN SOLUTION\nx, y = 2, 3\nz: int = 4\n### END SOLUTION\nprint(a)"
    assert strip_solutions(source, "t") == "a = 1\nx = None  # your answer here\ny = None  # your answer here\nz = None  # your answer here\nprint(a)"
