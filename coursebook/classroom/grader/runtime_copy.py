"""Trees of hard links to the interpreter and its packages, at paths that name nothing of the
instructor's, for the sandbox to bind from.

A bind mount shows in /proc/self/mountinfo where it comes from: the path of its source inside that
filesystem (the instructor's venv, project and home). Bound from a tree of hard links in a neutral
folder (`<tmp>/cb-runtime-<uid>-<key>`), it shows that folder instead. The links cost no space and
are made once: the tree is kept and reused by every kernel of every run while what it mirrors is
unchanged (`key`: the source's path and the inode and modification time of its folder and of each
entry at its top; all of them, for a small tree such as the coursebook package). Unused trees are
removed after a day.

Hard links need the tree on the source's filesystem, in a folder the grader may write, and (Linux's
protected_hardlinks) files the grader owns or may write; where that fails, `neutral_tree` says
None and the sandbox binds the source itself (mountinfo then shows its path; the guide says so).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from ..exercise.private_cache import PREFIX, private_folder
from ..exercise.private_cache import ours as _ours
from .cleanup import remove_tree

DONE = ".complete"
KEEP_SECONDS = 24 * 3600  # an unused tree older than this is removed by the next run
DEEP_FILES = 5_000  # a tree with more entries is keyed by its top only


def _places() -> list[Path]:
    """Folders a tree may go in (never the home: its path is the instructor's)."""
    return [Path(p) for p in dict.fromkeys([tempfile.gettempdir(), "/var/tmp", "/tmp"])]


def _place_on(device: int) -> Path | None:
    for place in _places():
        with contextlib.suppress(OSError):
            if place.stat().st_dev == device and os.access(place, os.W_OK | os.X_OK):
                return place
    return None


def _key(source: Path, skip: tuple[str, ...], deep: bool) -> str:
    digest = hashlib.sha256(f"{source}\0{skip}\0{deep}".encode())

    def add(path: Path) -> None:
        info = os.lstat(path)
        digest.update(f"{path}\0{info.st_ino}\0{info.st_mtime_ns}\0{info.st_size}\0".encode())

    add(source)
    if deep:
        for folder, dirs, names in os.walk(source):
            dirs.sort()
            for name in [*dirs, *sorted(names)]:
                add(Path(folder) / name)
    elif source.is_dir():
        tops = {source, *(source / s for part in skip for s in _ancestors(part))}
        for top in sorted(tops):
            if top.is_dir():
                for entry in sorted(top.iterdir()):
                    add(entry)
    return digest.hexdigest()[:20]


def _ancestors(relative: str) -> list[str]:
    parts = Path(relative).parts
    return [str(Path(*parts[:i])) for i in range(1, len(parts))]


def _link(source: Path, target: Path, skip: tuple[str, ...]) -> None:
    """Hard-link `source` at `target` (folders made anew), leaving out `skip` (relative paths)."""
    cp = shutil.which("cp", path="/usr/bin:/bin") or "cp"
    if not skip:
        subprocess.run([cp, "-al", "--", str(source), str(target)], check=True, capture_output=True)
        return
    target.mkdir(mode=stat.S_IMODE(source.stat().st_mode))
    heads = {Path(part).parts[0] for part in skip}
    plain = [str(entry) for entry in sorted(source.iterdir()) if entry.name not in heads]
    if plain:
        command = [cp, "-al", "-t", str(target), "--", *plain]
        subprocess.run(command, check=True, capture_output=True)
    for head in sorted(heads):
        inner = tuple(str(Path(*Path(p).parts[1:])) for p in skip if Path(p).parts[0] == head)
        if (source / head).is_dir() and "." not in inner:
            _link(source / head, target / head, tuple(p for p in inner if p != "."))
        elif (source / head).is_dir():
            (target / head).mkdir()  # left out: an empty folder in its place


def neutral_tree(source: Path | str, skip: tuple[str, ...] = (), deep: bool = False) -> Path | None:
    """A tree of hard links mirroring `source` (a folder or a file) without `skip`, at a neutral
    path; made now or reused. None where links cannot be made here."""
    source = Path(os.path.realpath(source))
    try:
        place = _place_on(source.stat().st_dev)
        if place is None:
            return None
        if deep and sum(len(n) + len(d) for _, d, n in os.walk(source)) > DEEP_FILES:
            deep = False
        home = place / f"{PREFIX}{os.geteuid()}-{_key(source, skip, deep)}"
    except OSError:
        return None
    _sweep(place, keep=home)
    if _ours(home) and (home / DONE).exists():
        with contextlib.suppress(OSError):
            os.utime(home)
        return home / "tree"
    build = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.geteuid()}-new-", dir=place))
    try:
        _link(source, build / "tree", skip)
        (build / DONE).touch()
        os.chmod(build, 0o700)
        os.rename(build, home)  # fails if another run made it meanwhile: theirs is used
    except (OSError, subprocess.SubprocessError):
        remove_tree(build)
        if _ours(home) and (home / DONE).exists():
            return home / "tree"
        return None
    return home / "tree"


def cache_folder(name: str) -> Path | None:
    """A folder of this user's alone at a neutral path, kept like the trees (`name`: its key)."""
    places = _places()
    return private_folder(places[0], name) if places else None


def _sweep(place: Path, keep: Path) -> None:
    """Remove this user's trees unused for a day (and half-made ones left by a killed grader)."""
    now = time.time()
    for tree in place.glob(f"{PREFIX}{os.geteuid()}-*"):
        with contextlib.suppress(OSError):
            if tree != keep and _ours(tree) and now - tree.stat().st_mtime > KEEP_SECONDS:
                remove_tree(tree)
