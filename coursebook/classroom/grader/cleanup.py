"""Delete a folder a submission may have filled: any depth, any permissions, no Python recursion.

`shutil.rmtree` recurses once per level, so a notebook that nests 1,500 folders made it raise
RecursionError; paths that deep are also longer than the system allows. coreutils' `rm` and
`find` walk trees with fts (no recursion limit, no path-length limit), so they do the work;
a folder made unwritable by the submission is unlocked (its folders only: `unlock_command`) and
removed again.

Most folders the grader removes are its own and small (a sandbox's dozen files, a submission's
copy): `remove_small` removes those in this process, without starting a process (`rm` costs 10 to
30 ms of wall-clock time on a busy machine, once or twice per submission), and leaves anything
larger, deeper or stranger to `rm`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

TIMEOUT = 300
"""Seconds for one `rm` or `chmod` run (a tree of millions of files still finishes)."""
SMALL = 256
SYSTEM_PATH = "/usr/bin:/bin"
"""Where `rm`, `find` and `chmod` are looked for, whatever PATH the grader has."""
"""Entries `remove_small` removes itself; a tree holding more goes to `rm` whole."""
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
"""How `remove_small` opens a folder: never through a link, never a FIFO or device."""


def remove_small(path: str | os.PathLike[str], budget: int = SMALL) -> bool:
    """Remove `path` (a file, a link or a folder tree of at most `budget` entries on the folder's
    own file system) without recursion and without following a link; True if it is gone. False as
    soon as the tree is larger, crosses into another file system, or anything cannot be read or
    removed: what is left is then `rm`'s to remove. Never raises.

    Every entry is removed relative to a descriptor of the folder that was listed (as `rm` does),
    never by its path: a process left running that swaps a listed folder for a link to another
    folder cannot turn the removal onto that folder."""
    path = os.fspath(path)
    opened: list[int] = []
    try:
        top = os.lstat(path)
        if not stat.S_ISDIR(top.st_mode):
            os.unlink(path)
            return True
        first = os.open(path, _FOLDER)
        opened.append(first)
        if not os.path.samestat(top, os.fstat(first)):
            return False  # swapped since the lstat
        folders: list[tuple[int, str, int]] = []  # (parent's descriptor, name, own descriptor)
        others: list[tuple[int, str]] = []
        queue = [first]
        for folder in queue:  # grows as folders are found: breadth first, parents first
            with os.scandir(folder) as entries:
                for entry in entries:
                    budget -= 1
                    if budget < 0:
                        return False
                    if not entry.is_dir(follow_symlinks=False):
                        others.append((folder, entry.name))
                        continue
                    inner = os.open(entry.name, _FOLDER, dir_fd=folder)
                    opened.append(inner)
                    if os.fstat(inner).st_dev != top.st_dev:
                        return False  # a mount point: never entered
                    folders.append((folder, entry.name, inner))
                    queue.append(inner)
        for folder, name in others:
            os.unlink(name, dir_fd=folder)
        for folder, name, _ in reversed(folders):
            os.rmdir(name, dir_fd=folder)
        os.rmdir(path)
    except OSError:
        return False
    finally:
        for fd in opened:
            with contextlib.suppress(OSError):
                os.close(fd)
    return True


def _run(*argv: str) -> None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=False,
        )


def remove_tree(folder: Path) -> bool:
    """Remove `folder` and everything in it; True if it is gone. Never raises."""
    path = os.fspath(folder)
    if not os.path.lexists(path) or remove_small(path):
        return True
    rm = shutil.which("rm", path=SYSTEM_PATH) or "/bin/rm"
    _run(rm, "-rf", "--one-file-system", "--", path)
    if os.path.lexists(path):  # a read-only folder inside: unlock its folders, try again
        _run(*unlock_command([path]))
        _run(rm, "-rf", "--one-file-system", "--", path)
    return not os.path.lexists(path)


def unlock_command(paths: list[str]) -> list[str]:
    """The command that gives the user back the rights `rm` needs on every folder under `paths`
    (never a link followed, never a mount point crossed). Folders only: a file's mode belongs to
    its inode, which a hard link shares with a file outside the tree (runtime_copy's trees are
    hard links to the instructor's interpreter), and `rm` needs no right on the file itself. `;`,
    not `+`: each folder is opened to before find reads it."""
    find = shutil.which("find", path=SYSTEM_PATH) or "find"
    chmod = shutil.which("chmod", path=SYSTEM_PATH) or "chmod"
    tops = [os.path.abspath(p) for p in paths]  # never taken for an expression ("-name")
    return [find, *tops, "-xdev", "-type", "d", "!", "-perm", "-u=rwx"] + [
        "-exec",
        chmod,
        "u+rwx",
        "--",
        "{}",
        ";",
    ]
