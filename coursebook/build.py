"""Build the book with jupyter-book 1 and fail loudly when it did not really build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EDITIONS = {
    # edition: (table of contents, extra jupyter-book arguments, where the HTML lands)
    "student": ("_toc.yml", (), Path("_build") / "html"),
    "instructor": ("_toc_instructor.yml", ("--path-output", "_build/instructor"), Path("_build") / "instructor" / "_build" / "html"),
}


class BuildFailed(RuntimeError):
    pass


def build_book(root: Path = Path("."), edition: str = "student") -> Path:
    """Run `jupyter-book build -W -n --keep-going`; check that index.html exists and is not empty."""
    toc, extra, html = EDITIONS[edition]
    html = root / html
    index = html / "index.html"
    if index.exists():
        index.unlink()  # a stale index from an earlier build must not pass for this one
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", "-W", "-n", "--keep-going",
               "--toc", str(root / toc), *extra, str(root)]
    completed = subprocess.run(command)
    reports = sorted((html / "reports").rglob("*.err.log")) if (html / "reports").is_dir() else []
    details = "".join(f"\n--- {report} ---\n{report.read_text(errors='replace')[-3000:]}" for report in reports)
    if completed.returncode != 0:
        raise BuildFailed(f"jupyter-book build failed (exit {completed.returncode}); see the messages above.{details}")
    if not index.exists() or index.stat().st_size == 0:
        raise BuildFailed(f"the build produced no {index}: check that jupyter-book is below version 2")
    return html
