"""The offline copy of the site: write `sw.js` at the site's root after each build.

`sw.js` (the template beside this module) gets one JSON value, BUILD: the edition, a version that is
a hash of every file the build wrote (so any change to the site is a new version, and an unchanged
rebuild is not), and the student pages with their titles (the only pages the worker will keep, and
the links of its offline note). The instructor edition gets the same file with edition
"instructor": a worker that deletes the book's caches and unregisters itself, so an instructor
edition served where a student edition was never stays in a browser.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TEMPLATE = Path(__file__).with_name("sw.js")
PLACEHOLDER = "/*BUILD*/null"
WORKER = "sw.js"
SKIPPED = {WORKER, ".buildinfo"}


def site_version(outdir: Path) -> str:
    """A short hash of every file under `outdir` but the worker (sorted; path and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        relative = path.relative_to(outdir).as_posix()
        if relative in SKIPPED or relative.startswith("reports/"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def worker_source(edition: str, version: str, pages: dict[str, str]) -> str:
    build = {"edition": edition, "version": version, "pages": dict(sorted(pages.items()))}
    text = json.dumps(build, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return TEMPLATE.read_text(encoding="utf-8").replace(PLACEHOLDER, text.replace("</", "<\\/"), 1)


def write_worker(
    outdir: Path, edition: str, pages: dict[str, str], version: str | None = None
) -> Path:
    """Write `outdir/sw.js`; `pages` maps each page's path under the site root to its title."""
    path = Path(outdir) / WORKER
    source = worker_source(edition, version or site_version(Path(outdir)), pages)
    path.write_text(source, encoding="utf-8")
    return path
