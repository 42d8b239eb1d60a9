"""Build the book with jupyter-book 1 and fail loudly when it did not really build."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from ..errors import BuildFailed

EDITIONS = {
    # edition: (table of contents, extra jupyter-book arguments, where the HTML lands)
    "student": ("_toc.yml", (), Path("_build") / "html"),
    "instructor": ("_toc_instructor.yml", ("--path-output", "_build/instructor"), Path("_build") / "instructor" / "_build" / "html"),
}


def engine_fingerprint(root: Path) -> str:
    """A hash of what notebook outputs depend on besides their own code: the package and the banks."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("assets/*"), *(root / "book" / "quizzes").glob("*.yml")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def refresh_execution_cache(root: Path) -> None:
    """jupyter-cache keys on a notebook's code alone; when the engine or a bank changes, outputs made
    with the old one must not be reused, so the cache is emptied (notebooks re-run once)."""
    caches = [root / "_build" / ".jupyter_cache", root / "_build" / "instructor" / "_build" / ".jupyter_cache"]
    stamp = root / "_build" / ".coursebook-engine"
    current = engine_fingerprint(root)
    if stamp.exists() and stamp.read_text() == current:
        return
    for cache in caches:
        shutil.rmtree(cache, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def build_book(root: Path = Path("."), edition: str = "student") -> Path:
    """Run `jupyter-book build --all -W -n --keep-going`; check that index.html exists and is not empty.

    `--all` makes Sphinx re-read every page, so a warning (or a failed notebook) is reported on every
    build, not only on the one after the edit; notebook execution is still cached by jupyter-cache.
    """
    toc, extra, html = EDITIONS[edition]
    html = root / html
    refresh_execution_cache(root)
    index = html / "index.html"
    if index.exists():
        index.unlink()  # a stale index from an earlier build must not pass for this one
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", "--all", "-W", "-n", "--keep-going",
               "--toc", str(root / toc), *extra, str(root)]
    completed = subprocess.run(command)
    reports = sorted((html / "reports").rglob("*.err.log")) if (html / "reports").is_dir() else []
    details = "".join(_describe_failure(root, html, report) for report in reports)
    if completed.returncode != 0:
        raise BuildFailed(f"jupyter-book build failed (exit {completed.returncode}); see the messages above.{details}")
    if not index.exists() or index.stat().st_size == 0:
        raise BuildFailed(f"the build produced no {index}: check that jupyter-book is below version 2")
    return html


def _describe_failure(root: Path, html: Path, report: Path) -> str:
    """'book/x.ipynb: cell 4 failed: RuntimeError: ...' from myst-nb's execution report."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", report.read_text(errors="replace"))  # drop terminal colours
    notebook = root / report.relative_to(html / "reports").with_suffix("").with_suffix(".ipynb")
    source = re.search(r"following cell:\n-{18}\n(.*?)\n-{18}", log, re.S)
    errors = re.findall(r"^(\w*(?:Error|Exception|Interrupt)\b.*)$", log, re.M)
    where = "a cell"
    if source and notebook.exists():
        cells = nbformat.read(notebook, as_version=4).cells
        numbers = [i for i, cell in enumerate(cells, start=1) if cell.cell_type == "code" and cell.source.strip() == source.group(1).strip()]
        where = f"cell {numbers[0]}" if numbers else where
    shown = source.group(1).strip() if source else ""
    return f"\n{notebook.relative_to(root) if notebook.is_relative_to(root) else notebook}: {where} failed: {errors[-1] if errors else 'see ' + str(report)}\n{shown}"
