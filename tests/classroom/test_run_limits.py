"""One submission's run: values read back exactly, limits, interruption, and a missing bubblewrap."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader import Limits, Status, Verdict, grade_submission, sandbox
from coursebook.classroom.grader.extract import Unsupported, decode
from tests.conftest import ROOT
from tests.helpers.processes import named, running_as

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=10, startup_grace=25)


def notebook(tmp_path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, path)
    return path


def processes_under(folder: Path) -> list[str]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline[:150])
    return found


def mount_points() -> set[str]:
    return {line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()}


def test_tuples_and_sets_arrive_as_what_they_are(tmp_path):
    # (NumPy scalars arrive as their type's name, as check() refuses them: test_attack_review.py)
    path = notebook(tmp_path, "share = 0.6 * 0.4\ngroup = 'TTP'",
                    "order = ['takeover', 'decree', 'press conference']",
                    "pairs = {'Hirschman': 'influence effect', 'Schelling': 'compellence'}")
    result = grade_submission(path, CHECKS, LIMITS)
    assert (result.status, result.total) == (Status.OK, 5), result.tasks


def test_objects_are_wrong_type_not_errors(tmp_path):
    path = notebook(tmp_path, "class F(float):\n    def __eq__(self, other):\n        return True",
                    "share = F(0.1)\ngroup = object()\norder = ('takeover', 'decree', 'press conference')")
    result = grade_submission(path, CHECKS, LIMITS)
    assert result.tasks["share"].verdict is Verdict.WRONG_TYPE and result.tasks["share"].value_type == "F"
    assert result.tasks["group"].verdict is Verdict.WRONG_TYPE
    assert result.tasks["share"].points == result.tasks["group"].points == 0
    # The one comparison (classroom/comparison.py) that check() shares reads a tuple as the sequence a
    # list task asks for: it arrives as a tuple (not flattened to a list) and is credited as check() says.
    assert result.tasks["order"].verdict is Verdict.CORRECT
    assert result.total == result.tasks["order"].points


def test_decode_keeps_kinds():
    assert decode({"s": [1, {"h": "61"}]}) == {1, "a"}
    assert decode({"t": [1, 2]}) == (1, 2)
    assert decode({"d": [[{"h": "6b"}, [1.5]]]}) == {"k": [1.5]}
    assert isinstance(decode({"s": [[1]]}), Unsupported)
    assert isinstance(decode({"d": [[1, 2]]}), Unsupported)


def test_notebook_budget_is_enforced_from_outside(tmp_path):
    # Ten cells of 0.9 s each under a 3 s budget: the old grader ran them all and said "ok".
    path = notebook(tmp_path, *["import time\ntime.sleep(0.9)"] * 10, "share = 0.24")
    started = time.monotonic()
    result = grade_submission(path, CHECKS, Limits(cell_timeout=2, total_timeout=3, on_timeout="keep"))
    assert result.status is Status.TIMEOUT
    assert result.tasks["share"].verdict is Verdict.NOT_ANSWERED  # the cells past the budget never ran
    assert time.monotonic() - started < 3 + 25


def test_ctrl_c_stops_the_run_without_a_result_and_without_leftovers(tmp_path):
    # Ctrl-C while the student's code runs (a fixed delay pressed it at a moment that depended on
    # the machine's load).
    name = f"cb{uuid.uuid4().hex[:12]}"
    path = notebook(tmp_path, running_as(name))
    work_root = tmp_path / "sandboxes"
    seen = threading.Event()

    def press_ctrl_c_once_it_runs():
        deadline = time.monotonic() + 60
        while not named(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        if named(name):
            seen.set()
            os.kill(os.getpid(), signal.SIGINT)

    # Python's own Ctrl-C, as in a terminal: a process started in the background by a shell
    # without job control (nohup, `&` in a script, some CI runners) inherits Ctrl-C ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    presser = threading.Thread(target=press_ctrl_c_once_it_runs, daemon=True)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            grade_submission(path, CHECKS, Limits(cell_timeout=90, total_timeout=90), work_root=work_root)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen.is_set()
    deadline = time.monotonic() + 15  # what bwrap's --die-with-parent kills may take a moment to go
    while (processes_under(work_root) or named(name)) and time.monotonic() < deadline:
        time.sleep(0.2)  # the kernel, killed with its PID namespace, may go a moment after bwrap
    assert processes_under(work_root) == []
    assert named(name) == []


def test_a_killed_grader_takes_its_sandbox_with_it(tmp_path):
    # Killed while the student's code runs (so after a root grader's thread has dropped root's ids).
    name = f"cb{uuid.uuid4().hex[:12]}"
    path = notebook(tmp_path, running_as(name))
    work_root = tmp_path / "sandboxes"
    code = ("import sys; from coursebook.classroom.grader import grade_submission, Limits;"
            "from coursebook.classroom.exercise.checks import load_check_file;"
            f"grade_submission({str(path)!r}, load_check_file({str(FIXTURE / 'answers/checks/ex0-fixture.yml')!r}),"
            f" Limits(cell_timeout=60, total_timeout=60), work_root={str(work_root)!r})")
    worker = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while not named(name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert named(name), "the student's code never ran"
    # The grader's IPC folders of this run (named in bwrap's arguments, or by the worker's pid):
    # other graders on this machine may mount and unmount their own meanwhile.
    made = {Path(found.decode()) for args in work_root.glob("*/bwrap.args")
            for found in re.findall(rb"/tmp/cb-ipc-[^/\0]+", args.read_bytes())}
    made |= set(Path("/tmp").glob(f"cb-ipc-{worker.pid}-*"))
    assert made, "no IPC folder found"
    worker.kill()
    worker.wait()
    deadline = time.monotonic() + 15  # what bwrap's --die-with-parent kills may take a moment to go
    while (processes_under(work_root) or named(name)) and time.monotonic() < deadline:
        time.sleep(0.2)  # the kernel, killed with its PID namespace, may go a moment after bwrap
    assert processes_under(work_root) == []
    assert named(name) == []
    # Nothing of the sandbox stays mounted on the host: its IPC folder lived in the sandbox's own
    # mount namespace, which ended with its processes (a root grader used to leave a 10 MB tmpfs).
    assert sorted(str(folder) for folder in made if str(folder) in mount_points()) == []
    # What it leaves is a small folder of links (no mount), which the next run sweeps.
    leftovers = list(Path("/tmp").glob(f"cb-ipc-{worker.pid}-*"))
    sandbox.sweep_ipc_folders.cache_clear()
    sandbox.sweep_ipc_folders()
    assert [folder for folder in leftovers if folder.exists()] == []


def test_missing_bubblewrap_is_one_line_with_the_install_command(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    sandbox.sandbox_problem.cache_clear()
    try:
        with pytest.raises(sandbox.SandboxUnavailable) as caught:
            sandbox.require_sandbox()
    finally:
        sandbox.sandbox_problem.cache_clear()
    message = str(caught.value)
    assert "\n" not in message and "apt-get install bubblewrap" in message


def test_unusable_bubblewrap_is_reported(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: str(fake))
    sandbox.sandbox_problem.cache_clear()
    try:
        problem = sandbox.sandbox_problem()
    finally:
        sandbox.sandbox_problem.cache_clear()
    assert "No permissions" in problem and "apt-get install bubblewrap" in problem


def test_limits_fingerprint_changes_with_every_field():
    base = Limits()
    assert base.fingerprint() == Limits().fingerprint()
    changed = [Limits(cell_timeout=31), Limits(total_timeout=121), Limits(memory_mb=1024),
               Limits(max_output_bytes=1), Limits(max_processes=8), Limits(max_file_mb=1),
               Limits(on_timeout="keep"), Limits(startup_grace=61)]
    assert len({base.fingerprint(), *(limits.fingerprint() for limits in changed)}) == len(changed) + 1
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=0)


def test_the_kernel_sees_only_its_own_world(tmp_path):
    probe = ("import os, json\n"
             "seen = {'env': sorted(os.environ), 'root': sorted(os.listdir('/')), 'ppid': os.getppid(),"
             " 'uid': os.getuid(), 'pids': sorted(p for p in os.listdir('/proc') if p.isdigit()),"
             " 'cwd': os.getcwd(), 'files': sorted(os.listdir('.'))}\n"
             "group = json.dumps(seen)")
    path = notebook(tmp_path, probe)
    from coursebook.classroom.grader import run

    seen = {}
    original = run.matches

    def spy(task, value):
        if task.id == "group":
            seen.update(json.loads(value))
        return original(task, value)

    run.matches = spy
    os.environ["COURSEBOOK_PROBE_SECRET"] = "instructor-only"
    try:
        grade_submission(path, CHECKS, LIMITS)
    finally:
        run.matches = original
        os.environ.pop("COURSEBOOK_PROBE_SECRET")
    # Only the allow-list, plus what IPython sets for itself in its own process.
    ipython_own = {"PAGER", "TERM", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PWD",
                   "PYDEVD_USE_FRAME_EVAL", "JPY_PARENT_PID", "JPY_SESSION_NAME"}
    allowed = set(sandbox.ENVIRONMENT) | {name for name, _ in sandbox.layout().environment}
    assert set(seen["env"]) <= allowed | ipython_own, set(seen["env"]) - allowed
    assert seen["cwd"] == sandbox.INSIDE_WORK and seen["ppid"] == 1
    assert set(seen["files"]) <= {"submission.ipynb", "checks"}
    assert len(seen["pids"]) <= 4  # bwrap's init, the kernel, and what it ran
    host_only = {entry for entry in os.listdir("/") if entry not in ("usr", "bin", "lib", "lib32", "lib64", "sbin",
                                                                      "etc", "proc", "dev", "tmp")}
    assert set(seen["root"]) & host_only <= {"submission", "opt", "run"}  # /opt/python, /opt/venv, /run/kernel
    if os.geteuid() == 0:
        assert seen["uid"] != 0


def test_a_failure_of_the_graders_own_code_is_a_row(tmp_path, monkeypatch):
    from coursebook.classroom.grader import run

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run.Sandbox, "create", broken)
    result = grade_submission(FIXTURE / "submissions" / "perfect.ipynb", CHECKS, LIMITS)
    assert result.status is Status.GRADER_ERROR and result.total == 0
    assert result.detail["exception"] == "OSError"
    assert {task.verdict for task in result.tasks.values()} == {Verdict.NOT_RUN}


def test_private_tmp_and_files_are_capped(tmp_path, monkeypatch):
    from coursebook.classroom.grader import run

    seen = {}
    original = run.matches
    monkeypatch.setattr(run, "matches", lambda task, value: seen.setdefault(task.id, value) and original(task, value))
    path = notebook(tmp_path, "written = 0\ntry:\n    for i in range(100):\n"
                              "        open(f'/tmp/f{i}', 'wb').write(b'0' * 2**20)\n        written += 1\n"
                              "except OSError:\n    pass\ngroup = str(written)",
                    "try:\n    open('big.bin', 'wb').write(b'0' * 20 * 2**20)\n    share = 1\n"
                    "except OSError:\n    share = 0")
    grade_submission(path, CHECKS, Limits(max_file_mb=10, cell_timeout=10, total_timeout=20))
    assert int(seen["group"]) < 10  # 100 files of 1 MB were tried; /tmp holds 10 MB
    assert seen["share"] == 0  # a 20 MB file is refused (RLIMIT_FSIZE)
