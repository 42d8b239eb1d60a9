"""Attacks on the grader's changes of the day (fast in-process removal, forkserver preloads, check
files without digests, reaping bwrap, hidden notebooks, kept stop signals), by a reviewer who had
not seen the test corpus. Each asserts a property: nothing outside touched, no traceback, one row
per file, nothing of the key in the sandbox."""

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from coursebook.classroom.grader import cleanup, sandbox
from coursebook.classroom.grader.cleanup import remove_small, remove_tree
from tests.helpers.trees import nest


def living_strays() -> list[int]:
    """The pids of processes named `a4-stray` that still run (a killed one whose parent has not
    reaped it yet is a zombie: dead)."""
    from tests.helpers.processes import named, proc_stat

    return [pid for pid in named("a4-stray") if (proc_stat(pid) or ["Z"])[0] != "Z"]


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "instructor"
    outside.mkdir()
    (outside / "answers.json").write_text("the key")
    return outside


def test_a_folder_swapped_for_a_link_during_removal_moves_nothing_outside(tmp_path, monkeypatch):
    """A process the student left running (unsandboxed, the kernel's own uid) swaps a folder the
    walk has listed for a link to the instructor's folder just before the removal starts: the
    removal must act on the folder it listed, never on what a path names by then."""
    outside = _outside(tmp_path)
    root = tmp_path / "box"
    (root / "work" / "a").mkdir(parents=True)
    (root / "work" / "a" / "answers.json").write_text("the student's")
    real_unlink, swapped = os.unlink, []

    def unlink(path, *args, **kwargs):
        if not swapped:  # the attacker wins the race once, between the walk and the first unlink
            swapped.append(True)
            os.rename(root / "work" / "a", root / "work" / "moved")
            os.symlink(outside, root / "work" / "a")
        return real_unlink(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "unlink", unlink)
        remove_small(root)
    assert swapped
    assert (outside / "answers.json").read_text() == "the key"
    assert remove_tree(root) and not root.exists()
    assert (outside / "answers.json").read_text() == "the key"


def test_a_tree_growing_during_removal_is_finished_by_rm(tmp_path, monkeypatch):
    """A file added to a listed folder during the removal: the fast path gives up, rm finishes."""
    root = tmp_path / "box"
    (root / "work").mkdir(parents=True)
    (root / "work" / "f").write_text("")
    real_unlink, grown = os.unlink, []

    def unlink(path, *args, **kwargs):
        if not grown:
            grown.append(True)
            (root / "work" / "late").write_text("")
        return real_unlink(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "unlink", unlink)
        assert remove_small(root) is False
    assert remove_tree(root) and not root.exists()


def _hard_linked_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A tree holding a hard link to a read-only file of the instructor's (runtime_copy's trees are
    made of such links), in a folder rm cannot empty at first."""
    outside = _outside(tmp_path)
    key = outside / "answers.json"
    key.chmod(0o444)
    root = tmp_path / "tree"
    (root / "locked").mkdir(parents=True)
    os.link(key, root / "locked" / "answers.json")
    (root / "locked").chmod(0o555)
    return root, key


def test_unlocking_a_tree_for_rm_changes_no_file_mode(tmp_path, monkeypatch):
    """When the first rm leaves something (a read-only folder, a mount point), the unlock step
    gives the folders back their rights; a file's mode is its inode's, shared with every hard link
    to it outside the tree: `chmod -R u+rwx` made the instructor's read-only key writable."""
    root, key = _hard_linked_tree(tmp_path)
    real_run, runs = cleanup._run, []

    def run(*argv):
        runs.append(argv)
        if len(runs) > 1:  # the first rm "fails" (as it does as a user on a read-only folder)
            real_run(*argv)

    monkeypatch.setattr(cleanup, "remove_small", lambda path, budget=0: False)
    monkeypatch.setattr(cleanup, "_run", run)
    assert remove_tree(root) and not root.exists()
    assert stat.S_IMODE(key.stat().st_mode) == 0o444
    assert key.read_text() == "the key"


def test_the_sandbox_unlock_step_changes_no_file_mode(tmp_path, monkeypatch):
    root, key = _hard_linked_tree(tmp_path)
    real_run, runs = subprocess.run, []

    def run(argv, *args, **kwargs):
        runs.append(argv)
        if len(runs) == 1:  # the first rm "fails"
            return subprocess.CompletedProcess(argv, 1, b"", b"")
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(sandbox, "remove_small", lambda path, budget=0: False)
    monkeypatch.setattr(sandbox.subprocess, "run", run)
    sandbox.remove_tree(root)
    assert not root.exists()
    assert stat.S_IMODE(key.stat().st_mode) == 0o444


def test_the_unlock_step_opens_every_folder_and_no_file(tmp_path):
    root = tmp_path / "tree"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f").write_text("")
    (root / "a" / "b" / "f").chmod(0o400)
    os.symlink(tmp_path, root / "a" / "link")
    (root / "a" / "b").chmod(0)
    (root / "a").chmod(0o500)
    outside_mode = stat.S_IMODE(tmp_path.stat().st_mode)
    subprocess.run(cleanup.unlock_command([str(root)]), check=True, timeout=60)
    for folder in (root, root / "a", root / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o700 == 0o700
    assert stat.S_IMODE((root / "a" / "b" / "f").stat().st_mode) == 0o400
    assert stat.S_IMODE(tmp_path.stat().st_mode) == outside_mode  # the link: not followed
    assert remove_tree(root) and not root.exists()


_TASK = {"kind": "number", "answer": 4.2, "tolerance": 0.01}


def test_a_deep_tree_left_in_the_own_user_folder_still_gives_a_row(tmp_path, monkeypatch):
    """On Gradescope (root, no namespaces) the kernel runs as the child's uid, which owns the
    child's whole work folder (its TMPDIR, above the kernel's own): a notebook that nests folders
    there 1,500 deep made the root parent's shutil.rmtree raise RecursionError (no row; the
    autograder's own failure instead of the student's `crashed`)."""
    from coursebook.classroom.autograder import own_user
    from coursebook.classroom.exercise.task import CheckFile

    made = []

    def child(uid, work, copy, checks, limits, student=None):
        nest(work)
        made.append(work)
        return None  # the child stopped without a result

    monkeypatch.setattr(own_user, "_run_child", child)
    monkeypatch.setattr(own_user.os, "chown", lambda *args: None)
    notebook = tmp_path / "hw.ipynb"
    notebook.write_text("{}")
    checks = CheckFile.model_validate(
        {"exercise": "ex", "title": "t", "tasks": [{"id": "a", "variable": "a", **_TASK}]}
    )
    result = own_user.grade_as_own_user(notebook, checks, own_user.Limits())
    assert result.status.value == "crashed"
    assert made and not made[0].exists()


SEARCHER = r'''
import json
import os
import signal
# written backwards: the notebook itself (in /submission) must not hold them
needles = tuple(w[::-1] for w in (b"ecnellepmoc", b"tceffe ecneulfni", b"natsikaP nabilaT-e-kirheT"))
found, paths = [], []
for top in ("/submission", "/tmp", "/run", "/etc", "/opt/coursebook", "/home", "/root"):
    for folder, dirs, files in os.walk(top):
        paths += [os.path.join(folder, name) for name in files]
for pid in ("self", "1"):
    paths += [f"/proc/{pid}/{n}" for n in ("environ", "cmdline", "mountinfo", "maps")]
for path in paths:
    try:
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, "rb") as handle:
            data = handle.read(5_000_000)
    except OSError:
        continue
    if any(needle in data for needle in needles):
        found.append(path)
text = repr(dict(os.environ)).encode()
found += ["environment"] if any(needle in text for needle in needles) else []
group = "TTP" if found else None
share = 0.5 if len(paths) > 5 else None
'''


def test_nothing_of_the_key_is_anywhere_a_graded_notebook_can_read(tmp_path):
    """A notebook that searches every file it can read in its sandbox (its check files, the
    package, /proc, the environment) for the key's words: it claims the text task only if it finds
    one, so a key that reached the sandbox shows as a correct `group`."""
    import nbformat

    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader import Limits, Status, Verdict, grade_submission
    from tests.conftest import ROOT

    checks = load_check_file(ROOT / "tests/fixtures/grading/answers/checks/ex0-fixture.yml")
    cells = ['from coursebook import Checker\ncheck = Checker("ex0-fixture")', SEARCHER]
    path = tmp_path / "searcher.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    result = grade_submission(path, checks, Limits(cell_timeout=60, total_timeout=90))
    assert result.status is Status.OK, result.detail
    assert result.tasks["share"].verdict is Verdict.INCORRECT  # the search ran to its end
    assert result.tasks["group"].verdict is Verdict.NOT_ANSWERED


def test_a_per_student_sandbox_holds_no_answer_either():
    """The owner's files in a per-student sandbox: the course's file and the owner's values, no
    answer, tolerance or digest of the owner's key."""
    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader.per_student import StudentRun, course_file
    from tests.conftest import ROOT

    checks = load_check_file(ROOT / "tests/fixtures/grading/answers/checks/ex0-fixture.yml")
    run = StudentRun("alice", {"p": 3}, course_file(checks, "salt", {"p": 2}))
    files = run.files(checks)
    assert len(files) == 2
    for text in files.values():
        for word in ("compellence", "influence effect", "Tehrik-e-Taliban Pakistan", "0.005"):
            assert word not in text
        for task in json.loads(text)["tasks"].values():
            assert task["hidden"] is True
            assert not {"answer", "accept", "tolerance", "salt", "scrypt"} & set(task)


STRAYS = r'''
import ctypes, os, signal, subprocess, sys
code = (
    "import ctypes, os, signal, time\n"
    "ctypes.CDLL(None).prctl(15, b'a4-stray', 0, 0, 0)\n"
    "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP): signal.signal(s, signal.SIG_IGN)\n"
    "if os.fork() == 0:\n"
    "    os.setsid(); os.kill(os.getpid(), signal.SIGSTOP)\n"  # a stopped process of its own
    "if os.fork() == 0:\n"
    "    os._exit(0)\n"  # a zombie nobody reaps
    "while True: time.sleep(1)\n"
)
subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
share = 0.24
'''


WAIT_FOR_STRAYS = r'''
import os, time
def strays():
    names = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            names.append(open(f"/proc/{pid}/comm").read().strip())
        except OSError:
            pass
    return names.count("a4-stray")
deadline = time.monotonic() + 20
while strays() < 2 and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(1)  # a window for the host's watcher to see them too
'''


def test_stray_stopped_and_zombie_processes_neither_hang_the_reap_nor_survive(tmp_path):
    """The kernel leaves a detached process that ignores signals, a stopped one and a zombie when
    the grader kills the sandbox: its wait for bwrap ends, the row is written, nothing is left."""
    import threading
    import time

    import nbformat

    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader import Limits, grade_submission
    from tests.conftest import ROOT
    from tests.helpers.processes import named

    checks = load_check_file(ROOT / "tests/fixtures/grading/answers/checks/ex0-fixture.yml")
    cells = [STRAYS, WAIT_FOR_STRAYS]
    path = tmp_path / "strays.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    limits = Limits(cell_timeout=10, total_timeout=20, startup_grace=20)
    seen, done = [], threading.Event()

    def watch():  # the strays did run (else the test proves nothing)
        while not done.wait(0.02):
            seen.extend(named("a4-stray"))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    try:
        result = grade_submission(path, checks, limits)
    finally:
        done.set()
        watcher.join()
    assert len(set(seen)) >= 2  # the detached one and its stopped child at least
    assert time.monotonic() - started < limits.hard_timeout + 30
    assert result.status.value == "ok", result.detail
    assert result.tasks["share"].verdict.value == "correct"
    deadline = time.monotonic() + 20
    while living_strays() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert living_strays() == []


def test_own_user_grading_leaves_no_process_of_the_students_uid(tmp_path, monkeypatch):
    """On Gradescope (root, no namespaces) the kernel runs unsandboxed as the child's fresh uid;
    killing its process group leaves a process that made itself a session of its own running (as
    that uid, with the CPU the container has). Here the child's grading is replaced by code that
    leaves such a process (the real kernel needs an interpreter that uid may read, which this
    machine's, under /root, is not); the fork, the uid switch and the clean-up are the real ones."""
    import ctypes
    import time

    import pytest

    from coursebook.classroom.autograder import own_user
    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader import Limits, Status
    from coursebook.classroom.grader.results import SubmissionResult
    from tests.conftest import ROOT
    from tests.helpers.processes import named

    if os.geteuid() != 0:
        pytest.skip("own-user grading exists only under a root grader (as the other root-only tests)")
    checks = load_check_file(ROOT / "tests/fixtures/grading/answers/checks/ex0-fixture.yml")

    def leaves_a_stray(copy, checks, limits, sandbox, student=None):
        if os.fork() == 0:  # as the student's kernel would: a session of its own, signals ignored
            os.closerange(3, 4096)
            os.setsid()
            ctypes.CDLL(None).prctl(15, b"a4-stray", 0, 0, 0)
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
            while True:
                time.sleep(1)
        deadline = time.monotonic() + 20
        while not named("a4-stray") and time.monotonic() < deadline:
            time.sleep(0.02)
        return SubmissionResult(student="", source="x", status=Status.OK, tasks={})

    monkeypatch.setattr(own_user, "grade_submission", leaves_a_stray)
    path = tmp_path / "hw.ipynb"
    path.write_text("{}")
    result = own_user.grade_as_own_user(path, checks, Limits(cell_timeout=10, total_timeout=20))
    assert result.status is Status.OK, result.detail
    deadline = time.monotonic() + 10
    while living_strays() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = living_strays()
    for pid in left:  # leave nothing behind, whatever the verdict
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_a_root_graders_unsandboxed_kernel_uid_leaves_no_process(tmp_path, monkeypatch):
    """`grade --no-sandbox` as root runs the kernel on the host as the box's own uid: the same
    detached process outlived the group's SIGKILL. The run is replaced by one that leaves such a
    process as that uid (this machine's interpreter, under /root, is not readable by it)."""
    import ctypes
    import time

    import pytest

    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader import Limits, Status, grade_submission, run
    from tests.conftest import ROOT
    from tests.helpers.processes import named

    if os.geteuid() != 0:
        pytest.skip("the kernel gets a uid of its own only under a root grader")
    checks = load_check_file(ROOT / "tests/fixtures/grading/answers/checks/ex0-fixture.yml")

    def leaves_a_stray(nb, checks, limits, box, sandboxed, student=None):
        assert box.uid is not None and not sandboxed
        middle = os.fork()
        if middle == 0:  # the kernel, which leaves the stray to whoever reaps orphans
            try:
                if os.fork() == 0:
                    os.closerange(3, 4096)
                    os.setresgid(box.uid, box.uid, box.uid)
                    os.setresuid(box.uid, box.uid, box.uid)
                    os.setsid()
                    ctypes.CDLL(None).prctl(15, b"a4-stray", 0, 0, 0)
                    while True:
                        time.sleep(1)
            finally:
                os._exit(0)
        os.waitpid(middle, 0)
        deadline = time.monotonic() + 20
        while not named("a4-stray") and time.monotonic() < deadline:
            time.sleep(0.02)
        return None, Status.OK, {}

    monkeypatch.setattr(run, "_run", leaves_a_stray)
    path = tmp_path / "hw.ipynb"
    path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    grade_submission(path, checks, Limits(), sandbox=False, work_root=tmp_path / "work")
    deadline = time.monotonic() + 10
    while living_strays() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = living_strays()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_hidden_notebooks_that_are_fifos_links_or_dots_get_safe_rows(tmp_path):
    """Hidden notebooks now get rows: one that is a FIFO is never opened (collect returns at
    once), one that is a link is never followed, names made of dots give keys that name no hidden
    file and leave no folder; `._` copies and hidden folders stay out."""
    from coursebook.classroom.grader.collect import collect

    outside = _outside(tmp_path)
    folder = tmp_path / "class"
    (folder / "amy" / ".hidden").mkdir(parents=True)
    (folder / "amy" / ".hidden" / "hw.ipynb").write_text("{}")
    os.mkfifo(folder / "amy" / ".fifo.ipynb")
    os.symlink(outside / "answers.json", folder / "amy" / ".link.ipynb")
    for name in (".ipynb", "..ipynb", "...IPYNB", ".hw1.ipynb", "._hw1.ipynb", ".hw1.json"):
        (folder / "amy" / name).write_text("{}")
    found = {s.source: s for s in collect(folder, tmp_path / "unpacked")}
    assert set(found) == {"amy/.fifo.ipynb", "amy/.link.ipynb", "amy/.ipynb", "amy/..ipynb",
                          "amy/...IPYNB", "amy/.hw1.ipynb"}
    assert found["amy/.fifo.ipynb"].path is None
    assert found["amy/.fifo.ipynb"].refusal.reason == "not-a-file"
    assert found["amy/.link.ipynb"].path is None and found["amy/.link.ipynb"].refusal.reason == "link"
    keys = [s.key for s in found.values()]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key[0] not in "._-" and "/" not in key and "\0" not in key


PRELOAD_PROBE = r'''
import os, sys, threading
before = set(os.listdir("/proc/self/fd"))
import coursebook.classroom.grader.worker_preload  # noqa: F401
after = set(os.listdir("/proc/self/fd"))
opened = sorted(after - before)
print(opened, threading.active_count())
'''


def test_the_forkserver_preload_keeps_nothing_a_worker_would_inherit(tmp_path):
    """What the forkserver loads is shared by every worker forked from it: it must hold no open
    file, socket or thread (a worker would inherit it, and one submission's worker could use what
    the next one's holds). Workers are forked from the server, never the server from a worker, so
    nothing a worker changes reaches the next."""
    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", PRELOAD_PROBE], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "1"], done.stdout


def test_a_late_watchdog_kill_never_reaches_a_pid_reaped_before(tmp_path):
    """The grader reaps bwrap right after killing it; the provisioner keeps its pid. A watchdog
    that fires (or a Ctrl-C handler that kills) after that sent SIGKILL to that pid's group, which
    by then may be another process's: another student's sandbox. Here the pid is handed to a new
    process (as the system may) and the watchdog's kill comes late: it must reach nothing."""
    import asyncio
    import types
    from concurrent.futures import ThreadPoolExecutor

    import pytest

    from coursebook.classroom.grader import run
    from coursebook.classroom.grader.kernel import Watchdog, kill_kernel_processes

    first = subprocess.Popen(["sleep", "60"], start_new_session=True)
    provisioner = types.SimpleNamespace(pid=first.pid, process=first)

    async def wait():
        first.wait()
        provisioner.process = None

    provisioner.wait = wait
    shut = []

    async def shutdown_kernel(now=False):
        shut.append(now)

    km = types.SimpleNamespace(provisioner=provisioner, shutdown_kernel=shutdown_kernel)

    async def execute(**kwargs):
        return None

    client = types.SimpleNamespace(async_execute=execute, kc=None)
    limits = run.Limits(cell_timeout=5, total_timeout=5)
    try:
        # in a thread of its own, as the grader drives a kernel (another test may have left this
        # thread's event loop marked running)
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(asyncio.run, run._drive(client, km, limits)).result() is None
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode is not None and shut == [True]
    later = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        provisioner.pid = later.pid  # the pid, recycled
        kill_kernel_processes(km)  # the watchdog, late
        watchdog = Watchdog(km, 60)
        watchdog.kill()
        assert not watchdog.fired  # the run had ended: no timeout on the row either
        with pytest.raises(subprocess.TimeoutExpired):  # still running a second later
            later.wait(timeout=1)
    finally:
        later.kill()
        later.wait()


MOUNTED = r'''
import os, subprocess, sys
from pathlib import Path
from coursebook.classroom.grader.cleanup import remove_small, remove_tree
tree = Path(sys.argv[1])
(tree / "work" / "mnt").mkdir(parents=True)
subprocess.run(["mount", "-t", "tmpfs", "none", str(tree / "work" / "mnt")], check=True)
(tree / "work" / "mnt" / "d").mkdir()
(tree / "work" / "mnt" / "d" / "f").write_text("another file system's")
(tree / "work" / "mnt" / "d").chmod(0o500)
(tree / "work" / "f").write_text("")
small = remove_small(tree)
gone = remove_tree(tree)
print(small, gone, (tree / "work" / "mnt" / "d" / "f").exists(),
      oct((tree / "work" / "mnt" / "d").stat().st_mode & 0o777))
'''


def test_a_mount_point_in_a_tree_is_never_entered_emptied_or_unlocked(tmp_path):
    """A mount inside a folder the grader removes (a bind of the instructor's folder, say): the
    fast path gives up, rm does not cross it, and the unlock step changes nothing beyond it
    (`chmod -R` crossed file systems). Run in a mount namespace of its own (needs root)."""
    import shutil

    import pytest

    from tests.conftest import ROOT

    if os.geteuid() != 0:
        pytest.skip("a private mount namespace needs root (as the other root-only tests)")
    assert shutil.which("unshare"), "util-linux's unshare is missing"
    done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c",
                           MOUNTED, str(tmp_path / "tree")], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True", "0o500"], done.stdout


def test_a_failed_question_to_bwrap_is_not_kept_for_every_worker(monkeypatch):
    """The forkserver asks once whether bwrap can cap a tmpfs, for every worker: a timeout then
    (a busy machine) was kept, and every sandbox of the run went without size caps."""
    monkeypatch.setattr(sandbox, "_SIZES_TMPFS", [])
    real_run = subprocess.run

    def slow(argv, *args, **kwargs):
        raise subprocess.TimeoutExpired(argv, 20)

    monkeypatch.setattr(sandbox.subprocess, "run", slow)
    assert sandbox._sizes_tmpfs() is False
    monkeypatch.setattr(sandbox.subprocess, "run", real_run)
    helped = "--size" in real_run(["bwrap", "--help"], capture_output=True, text=True).stdout
    assert sandbox._sizes_tmpfs() is helped
