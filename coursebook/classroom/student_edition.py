"""Make the student edition of an exercise from its answers notebook: a pure transform.

Solutions between the marker lines become `name = None  # your answer here`, cells tagged
`hidden` or `rubric` are dropped, the written response is emptied, and the check file becomes its
public, fingerprint-only form. Malformed markers are refused with the notebook and cell number.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import nbformat

from ..errors import MarkerError
from .exercise.checks import load_check_file, public_spec
from .exercise.rubric import RUBRIC_TAG

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_TAGS = {"hidden", RUBRIC_TAG}
WRITTEN_TAG = "written-response"
WRITTEN_PLACEHOLDER = "*Write your answer here.*"


def _assigned_names(code: str) -> list[str]:
    names = []
    for node in ast.parse(code).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def strip_solutions(source: str, where: str) -> str:
    out: list[str] = []
    block: list[str] = []
    inside = False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise MarkerError(f"{where}: a second `{BEGIN}` before `{END}`")
            inside, block = True, []
        elif marker == END:
            if not inside:
                raise MarkerError(f"{where}: `{END}` without a `{BEGIN}` above it")
            indent = line[: len(line) - len(line.lstrip())]
            try:
                names = _assigned_names(
                    "\n".join(b[len(indent) :] if b.startswith(indent) else b for b in block)
                )
            except SyntaxError as exc:
                raise MarkerError(
                    f"{where}: the solution does not parse ({exc.msg}, line {exc.lineno})"
                ) from None
            out += [f"{indent}{name} = None  # your answer here" for name in names] or [
                f"{indent}# your code here"
            ]
            inside = False
        elif inside:
            block.append(line)
        else:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: `{BEGIN}` is never closed by `{END}`")
    return "\n".join(out)


def student_notebook(answers_nb, name: str):
    """The student edition of one answers notebook (a new object; the input is not changed)."""
    nb = copy.deepcopy(answers_nb)
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = set(cell.metadata.get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        if WRITTEN_TAG in tags:
            cell.source = WRITTEN_PLACEHOLDER
        elif cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{name}, cell {number}")
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nb.metadata["coursebook"] = {"edition": "student", "generated_from": f"answers/{name}.ipynb"}
    return nb


def generate(answers_dir: Path, exercises_dir: Path) -> list[Path]:
    """Write exercises/<name>.ipynb and exercises/checks/<name>.json for every answers notebook."""
    written = []
    (exercises_dir / "checks").mkdir(parents=True, exist_ok=True)
    for source in sorted(answers_dir.glob("*.ipynb")):
        name = source.stem
        nb = student_notebook(nbformat.read(source, as_version=4), name)
        target = exercises_dir / source.name
        nbformat.write(nb, target)
        spec = public_spec(load_check_file(answers_dir / "checks" / f"{name}.yml"))
        (exercises_dir / "checks" / f"{name}.json").write_text(
            json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        written.append(target)
    return written


def sources_match(generated, stored) -> bool:
    """Same cells and sources (outputs aside): is the stored student edition up to date?"""
    return len(generated.cells) == len(stored.cells) and all(
        a.cell_type == b.cell_type and a.source == b.source
        for a, b in zip(generated.cells, stored.cells, strict=True)
    )


def stale_exercises(answers_dir: Path, exercises_dir: Path) -> list[str]:
    """Names whose student edition is missing or differs from what `generate` would write."""
    stale = []
    for source in sorted(answers_dir.glob("*.ipynb")):
        name = source.stem
        expected = student_notebook(nbformat.read(source, as_version=4), name)
        stored_path = exercises_dir / source.name
        public_path = exercises_dir / "checks" / f"{name}.json"
        spec = (
            json.dumps(
                public_spec(load_check_file(answers_dir / "checks" / f"{name}.yml")),
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )
        if (
            not stored_path.exists()
            or not sources_match(expected, nbformat.read(stored_path, as_version=4))
            or not public_path.exists()
            or public_path.read_text(encoding="utf-8") != spec
        ):
            stale.append(name)
    stale += sorted(
        p.stem for p in exercises_dir.glob("*.ipynb") if not (answers_dir / p.name).exists()
    )
    return stale
