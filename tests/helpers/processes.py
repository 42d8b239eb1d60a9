"""The processes below a pid, as the host sees them, and which of them still live (tests that
assert no process is left behind)."""

import os


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(pid: int) -> set[tuple[int, str]]:
    """(pid, start time) of every process below `pid`, as the host sees them (sandboxed ones too)."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = proc_stat(int(entry))
            if fields is None:
                continue
            children.setdefault(int(fields[1]), []).append((int(entry), fields[19]))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def alive(processes) -> list[int]:
    living = []
    for pid, start in processes:
        fields = proc_stat(pid)
        if fields is None:
            continue
        if fields[19] == start and fields[0] != "Z":
            living.append(pid)
    return living


# A cell that names its own process, so the host can see that the student's code is running
# (sandboxed, the kernel writes nowhere the host can read).
def running_as(name: str) -> str:
    """Code for a cell that renames its process to `name` (at most 15 characters) and spins."""
    assert len(name) <= 15, name
    return f"import ctypes\nctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)\nwhile True:\n    pass"


def named(name: str) -> list[int]:
    """The pids whose command name is `name`, as the host sees them."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    if handle.read().strip() == name:
                        found.append(int(entry))
            except OSError:
                continue
    return found
