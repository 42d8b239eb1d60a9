"""Hostile class benchmark: a class holding every hostile file of the grader audits still gets
a gradebook, within 3 minutes of what its honest files take.

Builds two folders from the solved ex3a: HONEST (N honest copies) and HOSTILE (the same N plus one
file per attack of ../shared/reviews/grader-audit-2.md that a submissions folder can hold: A1
surrogate essay, A3 deep tree, A4 keyring listing (read only), A6 memfd, A11/A13 FIFO at the answers
path, A14 720,000 cells, A15 FIFO in the folder, A16 deep JSON, A17 huge int, A19 syscalls, A22 busy
processes, A23 daemons, A25 sleeps under the limits, A26 stderr flood, A27 40 MB literal, A28 20,000
cells, A29 v3/v5/minor 99, A30 bash kernelspec, A31 odd files, A32 HTML, A9 formula names and
essays), grades each with the real CLI (`-j 2`, default limits, sandboxed when bubblewrap works)
and prints both times, the difference and the rows.
Prints; asserts nothing. Target: difference under 180 s, and one gradebook row per file.
Run: .venv/bin/python benchmarks/hostile_class_benchmark.py [N]
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "ex3a-revenue-exposure"
SOLVED = nbformat.read(ROOT / "answers" / f"{EXERCISE}.ipynb", as_version=4)


def with_cell(source: str, first: bool = False) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(json.loads(json.dumps(SOLVED)))
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.insert(1 if first else len(nb.cells), cell)
    return nb


def write(path: Path, nb) -> None:
    path.write_text(json.dumps(nb, ensure_ascii=True), encoding="utf-8")


FIFO_AT_ANSWERS = r"""
import os, re
def hook(lines):
    m = re.search(r"'(/submission/\.coursebook-answers-[0-9a-f]+\.json)'", "".join(lines))
    if m:
        os.mkfifo(m.group(1)); return ["pass\n"]
    return lines
get_ipython().input_transformers_cleanup.append(hook)
"""

CELLS = {
    "a3-deep-tree": """
import os
os.chdir('/submission')
for _ in range(1500):
    os.mkdir('d'); os.chdir('d')
os.chdir('/submission')""",
    "a4-keyring-read": """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(4096)
print(libc.syscall(250, 11, -3, buf, 4096))""",
    "a6-memfd": """
import os
fds = []
for i in range(2):
    fd = os.memfd_create(f'm{i}'); fds.append(fd)
    for _ in range(32): os.write(fd, b'Z' * (4 << 20))""",
    "a11-fifo-at-answers": FIFO_AT_ANSWERS,
    "a17-huge-int": "exposure = 10**5000",
    "a19-syscalls": """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print(libc.syscall(101, 16, 1, 0, 0))
print(libc.unshare(0x10000000))""",
    "a22-busy": """
import multiprocessing, time
def spin():
    end = time.time() + 45
    while time.time() < end: pass
ps = [multiprocessing.Process(target=spin) for _ in range(4)]
[p.start() for p in ps]
[p.join() for p in ps]""",
    "a23-daemons": """
import atexit, subprocess, time, signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
atexit.register(time.sleep, 600)
subprocess.Popen(['sleep', '607'], start_new_session=True)""",
    "a26-stderr-flood": """
import sys
for i in range(200_000):
    print(i, file=sys.stderr, flush=True)""",
    "a27-40mb-literal": "x = '" + "a" * 40_000_000 + "'",
}


def hostile_files(folder: Path) -> int:
    """Writes the hostile files into `folder`; returns how many files (rows) the folder holds."""
    for name, source in CELLS.items():
        write(folder / f"{name}.ipynb", with_cell(source, first=name == "a11-fifo-at-answers"))
    nb = with_cell("")
    for cell in nb.cells:
        if "written-response" in cell.metadata.get("tags", []):
            cell.source = "My essay \ud800 ends here;=1+1;=2*21 </pre><script>alert(1)</script>"
    write(folder / "a1-surrogate-a9-formula.ipynb", nb)
    nb = with_cell("")
    for _ in range(4):
        nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(29)"))
    write(folder / "a25-sleeps.ipynb", nb)
    nb = with_cell("")
    nb.cells += [nbformat.v4.new_code_cell("") for _ in range(20_000)]
    write(folder / "a28-20000-cells.ipynb", nb)
    cell = '{"cell_type": "markdown", "metadata": {}, "source": "x"}'
    cells = ",".join([cell] * 720_000)
    (folder / "a14-720000-cells.ipynb").write_text(
        f'{{"cells": [{cells}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}'
    )
    text = json.dumps(SOLVED)
    deep = "[" * 100_000 + "]" * 100_000
    (folder / "a16-deep-json.ipynb").write_text(
        text.replace('"metadata": {}', f'"metadata": {{"x": {deep}}}', 1)
    )
    for minor_name, change in (
        ("a29-v3", {"nbformat": 3}),
        ("a29-v5", {"nbformat": 5}),
        ("a29-minor99", {"nbformat_minor": 99}),
    ):
        data = json.loads(text)
        data.update(change)
        (folder / f"{minor_name}.ipynb").write_text(json.dumps(data))
    data = json.loads(text)
    data["metadata"]["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    (folder / "a30-bash.ipynb").write_text(json.dumps(data))
    (folder / "a31-empty.ipynb").write_bytes(b"")
    (folder / "a31-png.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(1000))
    (folder / "a31-dir.ipynb").mkdir()
    write(folder / "a31-dir.ipynb" / "inside.ipynb", SOLVED)
    (folder / "gradebook.csv").write_text("student,total\n=1+1,12\n")
    with zipfile.ZipFile(folder / "a31-nested.zip", "w") as archive:
        archive.writestr("inner.ipynb", text)
    with open(folder / "a31-120mb.ipynb", "wb") as handle:
        handle.truncate(120_000_000)
    write(folder / "<img src=x onerror=alert(1)>.ipynb", SOLVED)
    write(folder / "x;=3+3.ipynb", SOLVED)
    os.mkfifo(folder / "a15-pipe.ipynb")
    return sum(1 for path in folder.rglob("*") if not path.is_dir())


def grade(folder: Path, out: Path, sandbox: bool) -> tuple[float, subprocess.CompletedProcess]:
    command = [
        sys.executable,
        "-m",
        "coursebook",
        "grade",
        str(folder),
        "--exercise",
        EXERCISE,
        "--answers",
        str(ROOT / "answers"),
        "--out",
        str(out),
        "-j",
        "2",
    ]
    if not sandbox:
        command.append("--no-sandbox")
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", cwd=ROOT)
    return time.monotonic() - started, done


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    sys.path.insert(0, str(ROOT))
    from coursebook.classroom.grader.sandbox import SandboxUnavailable, require_sandbox

    try:
        require_sandbox()
        sandbox = True
    except SandboxUnavailable:
        sandbox = False
    work = Path(tempfile.mkdtemp(prefix="cb-hostile-bench-"))
    try:
        honest, hostile = work / "honest", work / "hostile"
        honest.mkdir()
        hostile.mkdir()
        for index in range(count):
            write(honest / f"student{index:02d}.ipynb", SOLVED)
            write(hostile / f"student{index:02d}.ipynb", SOLVED)
        expected = hostile_files(hostile)
        plain, first = grade(honest, work / "out-honest", sandbox)
        bad, second = grade(hostile, work / "out-hostile", sandbox)
        rows = []
        book = work / "out-hostile" / "gradebook.csv"
        if book.exists():
            with book.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        print(f"sandbox: {'bubblewrap' if sandbox else 'none (--no-sandbox)'}")
        print(f"honest class: {count} files, {plain:.1f} s (exit {first.returncode})")
        print(
            f"hostile class: {expected} files, {bad:.1f} s (exit {second.returncode}), "
            f"{len(rows)} gradebook rows (expected {expected})"
        )
        print(f"hostile files cost {bad - plain:.1f} s beyond the honest ones (target < 180 s)")
        seconds = {}
        for stored in (work / "out-hostile" / "results").glob("*.json"):
            data = json.loads(stored.read_text(encoding="utf-8"))
            seconds[data["source"]] = data.get("seconds", 0.0)
        for row in sorted(rows, key=lambda r: -seconds.get(r["file"].replace("'", ""), 0.0)):
            took = seconds.get(row["file"].replace("'", ""), 0.0)
            print(f"  {row['file'][:40]:40} {row['status']:18} {row['total']:>3} {took:7.1f} s")
        if second.returncode:
            print(second.stderr[-2000:])
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=False)


if __name__ == "__main__":
    main()
