"""Build the book with jupyter-book 1 and fail loudly when it did not really build."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import nbformat
import yaml

from ..errors import BuildFailed
from ..quiz.bank import SUFFIXES, scan_banks

EDITIONS = {
    # edition: (table of contents, extra jupyter-book arguments, where the HTML lands)
    "student": ("_toc.yml", (), Path("_build") / "html"),
    # written from _toc.yml at each build (see instructor_toc), so nobody keeps two lists in step
    "instructor": (
        "_build/_toc_instructor.yml",
        ("--path-output", "_build/instructor"),
        Path("_build") / "instructor" / "_build" / "html",
    ),
}
ANSWERS_CAPTION = "Answers (instructor edition)"
_QUIZ_CALL = re.compile(r"""\bquiz\(\s*(?:bank\s*=\s*)?["']([a-z0-9-]+)["']""")


def instructor_toc(student: dict) -> dict:
    """The instructor edition's contents: the student edition's, with the solved exercises
    (answers/<name> for each exercises/<name>) as a part right after the exercises."""
    parts = []
    for part in student.get("parts", []):
        parts.append(part)
        exercises = [
            entry["file"]
            for entry in part.get("chapters", [])
            if str(entry.get("file", "")).startswith("exercises/")
        ]
        if exercises:
            answers = [{"file": "answers/" + name.removeprefix("exercises/")} for name in exercises]
            parts.append({"caption": ANSWERS_CAPTION, "chapters": answers})
    return {**student, "parts": parts}


def write_instructor_toc(root: Path) -> Path:
    student = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    path = root / EDITIONS["instructor"][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Generated from _toc.yml by coursebook/book/build.py at each build: edit _toc.yml "
        "instead.\n" + yaml.safe_dump(instructor_toc(student), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def pages_using_banks(root: Path) -> dict[str, list[str]]:
    """bank name -> the pages (notebooks and Markdown) whose code calls quiz() on it."""
    found: dict[str, list[str]] = {}
    for folder in ("book", "exercises", "answers"):
        for path in sorted((root / folder).rglob("*")):
            if ".ipynb_checkpoints" in path.parts or path.suffix not in (".ipynb", ".md"):
                continue
            if path.suffix == ".ipynb":
                text = "\n".join(
                    cell.source
                    for cell in nbformat.read(path, as_version=4).cells
                    if cell.cell_type == "code"
                )
            else:  # in Markdown only MyST code cells run; a ```python block is an example
                source = path.read_text(encoding="utf-8", errors="replace")
                text = "\n".join(
                    re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", source, re.M | re.S)
                )
            for name in dict.fromkeys(_QUIZ_CALL.findall(text)):
                found.setdefault(name, []).append(path.relative_to(root).as_posix())
    return found


def _shown_path(root: Path, file: str) -> str:
    path = Path(file)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else file


def check_banks_before_building(root: Path) -> None:
    """Every bank problem, at the top of the output and before anything runs, with the pages that
    use
    each broken bank: otherwise each page's notebook fails on its own, deep in the build's log."""
    folder = root / "book" / "quizzes"
    if not folder.is_dir():
        return
    scan = scan_banks(folder)
    if not scan.problems:
        return
    problems = [
        replace(problem, file=_shown_path(root, problem.file)) for problem in scan.all_problems
    ]
    users = pages_using_banks(root)
    lines = [
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the question banks; the "
        f"book was not built:"
    ]
    lines += [f"  {problem}" for problem in problems]
    lines.append("Pages that use the broken banks:")
    for name in scan.problems:
        pages = ", ".join(users.get(name, [])) or "none (no page calls quiz() on it)"
        lines.append(f"  {name}: {pages}")
    raise BuildFailed("\n".join(lines))


def engine_fingerprint(root: Path) -> str:
    """A hash of what notebook outputs depend on besides their own code: the package and the
    banks."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent
    banks = [
        path for path in (root / "book" / "quizzes").glob("*") if path.suffix.lower() in SUFFIXES
    ]
    assets = [path for path in package.rglob("assets/**/*") if path.is_file()]
    for path in sorted([*package.rglob("*.py"), *assets, *banks]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def refresh_execution_cache(root: Path) -> None:
    """jupyter-cache keys on a notebook's code alone; when the engine or a bank changes, outputs
    made
    with the old one must not be reused, so the cache is emptied (notebooks re-run once)."""
    caches = [
        root / "_build" / ".jupyter_cache",
        root / "_build" / "instructor" / "_build" / ".jupyter_cache",
    ]
    stamp = root / "_build" / ".coursebook-engine"
    current = engine_fingerprint(root)
    if stamp.exists() and stamp.read_text() == current:
        return
    for cache in caches:
        shutil.rmtree(cache, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def build_book(root: Path = Path("."), edition: str = "student") -> Path:
    """Run `jupyter-book build --all -W -n --keep-going`; check that index.html exists and is not
    empty.

    `--all` makes Sphinx re-read every page, so a warning (or a failed notebook) is reported on
    every
    build, not only on the one after the edit; notebook execution is still cached by jupyter-cache.
    """
    toc, extra, html = EDITIONS[edition]
    html = root / html
    check_banks_before_building(root)
    if edition == "instructor":
        write_instructor_toc(root)
    refresh_execution_cache(root)
    index = html / "index.html"
    if index.exists():
        index.unlink()  # a stale index from an earlier build must not pass for this one
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        "--all",
        "-W",
        "-n",
        "--keep-going",
        "--toc",
        str(root / toc),
        *extra,
        str(root),
    ]
    completed = subprocess.run(command)
    reports = sorted((html / "reports").rglob("*.err.log")) if (html / "reports").is_dir() else []
    details = "".join(_describe_failure(root, html, report) for report in reports)
    if completed.returncode != 0:
        raise BuildFailed(
            f"jupyter-book build failed (exit {completed.returncode}); see the messages "
            f"above.{details}"
        )
    if not index.exists() or index.stat().st_size == 0:
        raise BuildFailed(
            f"the build produced no {index}: check that jupyter-book is below version 2"
        )
    return html


def _describe_failure(root: Path, html: Path, report: Path) -> str:
    """'book/x.ipynb: cell 4 failed: RuntimeError: ...' from myst-nb's execution report."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", report.read_text(errors="replace"))  # drop terminal colours
    notebook = root / report.relative_to(html / "reports").with_suffix("").with_suffix(".ipynb")
    source = re.search(r"following cell:\n-{18}\n(.*?)\n-{18}", log, re.S)
    # the error's line plus its indented continuation (a BankError lists one problem per line)
    errors = re.findall(r"^(\w*(?:Error|Exception|Interrupt)\b.*(?:\n  \S.*)*)$", log, re.M)
    where = "a cell"
    if source and notebook.exists():
        cells = nbformat.read(notebook, as_version=4).cells
        numbers = [
            i
            for i, cell in enumerate(cells, start=1)
            if cell.cell_type == "code" and cell.source.strip() == source.group(1).strip()
        ]
        where = f"cell {numbers[0]}" if numbers else where
    shown = source.group(1).strip() if source else ""
    name = notebook.relative_to(root) if notebook.is_relative_to(root) else notebook
    error = errors[-1] if errors else "see " + str(report)
    return f"\n{name}: {where} failed: {error}\n{shown}"
