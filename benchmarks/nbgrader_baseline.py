"""nbgrader's side of the grader benchmark: `nbgrader autograde` on the same submissions of ex3a.

nbgrader is a benchmark-only tool, not a project dependency: it lives in its own venv, made once
under _build/benchmarks/ (pinned below; the packages it shares with the project, the kernel stack
among them, are held to the project's constraints.txt so both tools run the same kernel). The
course is built from the answers notebook and its check file: every solution cell becomes an
autograded answer cell, every `check("task")` cell a locked test cell asserting that task's answer
within its tolerance for its points, the written response a manually graded cell; the Checker cell
and the cells tagged hidden or rubric are dropped, as in the student edition. Each nbgrader
submission is the generated release with the solution cells of one coursebook submission.
nbgrader grades one submission at a time (its only mode), its kernels with MPLBACKEND=Agg as our
grader's (`_env` says why); `autograde_run` times that, from a fresh gradebook, and `scores` reads
what it gave.
Run alone (builds the venv and course, grades N submissions once, prints time and scores):
  .venv/bin/python benchmarks/nbgrader_baseline.py [N]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = "nbgrader==0.9.6"
# what ex3a's kernel imports; versions, like the kernel stack's, from the project's constraints.txt
PACKAGES = [NBGRADER, "matplotlib", "numpy"]
HOME = ROOT / "_build" / "benchmarks" / "nbgrader-0.9.6"
VENV = HOME / "venv"
ASSIGNMENT = "ex3a"
SOLUTION = "### BEGIN SOLUTION"
MPLBACKEND = "Agg"  # the matplotlib backend of nbgrader's kernels (see `_env`)


class Unavailable(RuntimeError):
    """nbgrader could not be set up here (the message says why)."""


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_venv() -> Path:
    """The nbgrader venv, made on first use; returns its bin folder."""
    ready = HOME / "venv.ready"
    if ready.exists() and ready.read_text() == " ".join(PACKAGES):
        return VENV / "bin"
    shutil.rmtree(VENV, ignore_errors=True)
    HOME.mkdir(parents=True, exist_ok=True)
    print(f"making the {NBGRADER} venv in {VENV} (once)", file=sys.stderr, flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(venv_bin("python")), "-m", "pip", "install", "-q", *PACKAGES,
         "-c", str(ROOT / "constraints.txt")],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise Unavailable(f"cannot make the nbgrader venv ({' '.join(step[:4])}): {tail}")
    ready.write_text(" ".join(PACKAGES))
    return VENV / "bin"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    # the kernel is the nbgrader venv's own ipykernel, not a kernelspec found elsewhere
    env["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
    env["JUPYTER_DATA_DIR"] = str(HOME / "jupyter-data")
    env["JUPYTER_CONFIG_DIR"] = str(HOME / "jupyter-config")
    # The kernels nbgrader starts inherit this environment: they draw with Agg, as our grader's do
    # (its sandbox sets MPLBACKEND=Agg), not with ipykernel's inline backend, which would also
    # render each figure to PNG for nbgrader's feedback. The two tools then run the same notebook
    # code; the comparison is of grading, and an nbgrader course can set this the same way.
    env["MPLBACKEND"] = MPLBACKEND
    return env


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([str(venv_bin("nbgrader")), *args], cwd=course, env=_env(),
                          capture_output=True, text=True)
    if done.returncode:
        raise Unavailable(f"nbgrader {' '.join(args)} failed: {done.stderr.strip()[-800:]}")


def test_source(task: dict) -> str:
    """The assertions of one task: its kind, and its answer within the check file's tolerance
    (the half-open `answer - tol <= value < answer + tol` the grader credits for certain)."""
    name, answer, tol = task["variable"], task["answer"], task.get("tolerance", 0)
    number = "isinstance({v}, (int, float)) and not isinstance({v}, bool)"
    near = "{a} - {t} <= {v} < {a} + {t}" if tol else "{v} == {a}"
    if task["kind"] == "number":
        lines = [f"assert {number.format(v=name)}",
                 f"assert {near.format(v=name, a=answer, t=tol)}"]
    elif task["kind"] == "list":
        lines = [f"assert isinstance({name}, (list, tuple)) and len({name}) == {len(answer)}",
                 f"for value, answer in zip({name}, {answer!r}):",
                 f"    assert {number.format(v='value')}",
                 f"    assert {near.format(v='value', a='answer', t=tol)}"]
    elif task["kind"] == "choice":
        lines = [f"assert str({name}).strip().lower() == {str(answer).lower()!r}"]
    else:
        raise Unavailable(f"task {task['id']}: kind {task['kind']!r} has no nbgrader test here")
    return "\n".join(lines)


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points=None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return meta


def source_notebook(exercise: str):
    """The nbgrader source notebook made from answers/<exercise>.ipynb and its check file."""
    nb = nbformat.read(ROOT / "answers" / f"{exercise}.ipynb", as_version=4)
    checks = yaml.safe_load((ROOT / "answers" / "checks" / f"{exercise}.yml").read_text())
    tasks = {task["id"]: task for task in checks["tasks"]}
    cells, answers = [], 0
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & {"hidden", "rubric"} or "import Checker" in cell.source:
            continue
        if cell.cell_type == "code" and SOLUTION in cell.source:
            answers += 1
            cell.metadata["nbgrader"] = _meta(f"answer-{answers}", grade=False, solution=True,
                                              locked=False)
        elif cell.cell_type == "code" and (found := re.fullmatch(r'check\("([^"]+)"\)',
                                                                 cell.source.strip())):
            task = tasks.pop(found[1])
            cell.source = test_source(task)
            cell.metadata["nbgrader"] = _meta(f"test-{task['id']}", grade=True, solution=False,
                                              locked=True, points=task["points"])
        elif "written-response" in tags:
            points = int(re.search(r"\((\d+) points?\)", _written_heading(nb))[1])
            cell.metadata["nbgrader"] = _meta("written", grade=True, solution=True, locked=False,
                                              points=points)
        cells.append(cell)
    if tasks:
        raise Unavailable(f"{exercise}: no check() cell for {sorted(tasks)}")
    nb.cells = [_clean(cell) for cell in cells]
    return nb


def _written_heading(nb) -> str:
    return next(c.source for c in nb.cells if c.source.startswith("## Written response"))


def _clean(cell):
    if cell.cell_type != "code":
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    else:
        cell.outputs, cell.execution_count = [], None
    return cell


def build_course(folder: Path, exercise: str, submissions: list[Path]) -> Path:
    """An nbgrader course in `folder`: the assignment generated, one submission per coursebook
    submission (same solution code), and the fresh gradebook kept to start every run from."""
    ensure_venv()
    course = folder / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'coursebook-benchmark'\n")
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(source_notebook(exercise), source)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for path in submissions:
        theirs = [c.source for c in nbformat.read(path, as_version=4).cells
                  if c.cell_type == "code" and SOLUTION in c.source]
        nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
        slots = [c for c in nb.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
        if len(slots) != len(theirs):
            raise Unavailable(f"{path.name}: {len(theirs)} solution cells, release {len(slots)}")
        for slot, code in zip(slots, theirs, strict=True):
            slot.source = code
        target = course / "submitted" / path.stem / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    shutil.copy(course / "gradebook.db", folder / "gradebook.pristine.db")
    return course


def autograde_run(course: Path) -> float:
    """Seconds for `nbgrader autograde` over every submission, from the gradebook as
    generate_assignment left it (nothing graded yet)."""
    shutil.copy(course.parent / "gradebook.pristine.db", course / "gradebook.db")
    for name in ("autograded", "feedback"):
        shutil.rmtree(course / name, ignore_errors=True)
    start = time.perf_counter()
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return time.perf_counter() - start


def startup() -> float:
    """Seconds for the `nbgrader` command to start and stop (`nbgrader --version`, median of 3):
    part of every autograde run's wall time, while the benchmark times `grade` in-process."""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(venv_bin("nbgrader")), "--version"], env=_env(), check=True,
                       capture_output=True)
        runs.append(time.perf_counter() - start)
    return sorted(runs)[1]


SCORES = """
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gb:
    out = {}
    for student in gb.students:
        sub = gb.find_submission(sys.argv[1], student.id)
        out[student.id] = [sub.code_score, sub.max_code_score]
print(json.dumps(out))
"""


def scores(course: Path) -> dict[str, tuple[float, float]]:
    """Autograded score and its maximum per student, from nbgrader's gradebook."""
    done = subprocess.run([str(venv_bin("python")), "-c", SCORES, ASSIGNMENT], cwd=course,
                          env=_env(), capture_output=True, text=True, check=True)
    return {key: (a, b) for key, (a, b) in json.loads(done.stdout).items()}


def main(count: int = 3) -> None:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from grader_benchmark import EXERCISE, make_submissions

    with tempfile.TemporaryDirectory() as tmp:
        submissions = make_submissions(Path(tmp) / "class", count)
        course = build_course(Path(tmp) / "nbgrader", EXERCISE, submissions)
        took = autograde_run(course)
        print(f"nbgrader autograde, {count} submissions one at a time: {took:.1f} s")
        for student, (score, top) in sorted(scores(course).items()):
            print(f"  {student}: {score:g} / {top:g}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
