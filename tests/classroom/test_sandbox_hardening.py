"""The second audit's attacks on the sandbox and the kernel (grader-audit-2.md, A4-A7, A11, A16, A18, A19, A35).

Each attack notebook reports what it managed in the `group` answer (read here through a spy on the
comparison, as `test_run_limits` does) and sets `share` to the right value when it succeeded, so a
breach is also unearned credit. Properties, not messages: nothing of the host read or changed, no
connection to a host socket, no memory held beyond the limit, a grade for every file in time.
"""

import ctypes
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader import Limits, Status, grade_submission, run
from coursebook.classroom.grader.extract import contains_unsupported, read_answers
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=10, total_timeout=20, startup_grace=25)
KEYCTL = {"x86_64": 250, "aarch64": 219}[platform.machine()]
ADD_KEY = {"x86_64": 248, "aarch64": 217}[platform.machine()]
SECRET = "INSTRUCTOR-SECRET-7f3a9c"

SYSCALLS = dedent(f'''
    import ctypes, json, os
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    def sys_(*args):
        return libc.syscall(*[a if isinstance(a, (bytes, ctypes.Array)) or a is None else ctypes.c_long(a)
                              for a in args])
    KEYCTL, ADD_KEY = {KEYCTL}, {ADD_KEY}
    found = {{}}
    def done():
        global group, share
        group = json.dumps(found)
        if any(found.values()):
            share = 0.24
''')


def notebook(tmp_path: Path, code: str, name: str = "attack") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SYSCALLS + dedent(code) + "\ndone()\n")])
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def graded(path: Path, limits: Limits = LIMITS, **kwargs):
    """(result, what the notebook reported in `group`)."""
    seen = {}
    original = run.matches

    def spy(task, value):
        if task.id == "group" and isinstance(value, str):
            seen["group"] = value
        return original(task, value)

    run.matches = spy
    try:
        result = grade_submission(path, CHECKS, limits, **kwargs)
    finally:
        run.matches = original
    return result, json.loads(seen.get("group", "{}"))


def keyctl(*args) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc.syscall(*[a if isinstance(a, (bytes, ctypes.Array)) else ctypes.c_long(a) for a in args])


@pytest.fixture
def host_key():
    """A key in this process's session keyring, as a login with pam_keyinit has one (A4)."""
    if keyctl(KEYCTL, 1, b"coursebook-test-session") < 0:  # JOIN_SESSION_KEYRING: a named one of our own
        pytest.fail(f"cannot make a session keyring: {os.strerror(ctypes.get_errno())}")
    key = keyctl(ADD_KEY, b"user", b"instructor-token", SECRET.encode(), len(SECRET), -3)
    assert key > 0, os.strerror(ctypes.get_errno())
    yield key
    keyctl(KEYCTL, 3, key)  # revoke it: the test's own


def read_key(key: int) -> bytes:
    buffer = ctypes.create_string_buffer(512)
    size = keyctl(KEYCTL, 11, key, buffer, 512)
    return buffer.raw[:size] if size >= 0 else b""


def test_a4_kernel_cannot_read_or_revoke_the_graders_session_keyring(tmp_path, host_key):
    path = notebook(tmp_path, f'''
        buf = ctypes.create_string_buffer(4096)
        for ring in (-3, -4, -5):  # session, user, user-session keyrings
            n = sys_(KEYCTL, 11, ring, buf, 4096)
            ids = list(__import__("struct").unpack(f"{{n // 4}}i", buf.raw[:n])) if n > 0 else []
            for key in [*ids, {host_key}]:
                payload = ctypes.create_string_buffer(512)
                m = sys_(KEYCTL, 11, key, payload, 512)
                found[f"read {{ring}} {{key}}"] = m > 0 and b"{SECRET}" in payload.raw[:m]
                sys_(KEYCTL, 3, key)  # revoke
            sys_(KEYCTL, 7, ring)  # clear
    ''')
    result, found = graded(path)
    assert result.status is Status.OK, result.detail
    assert found and not any(found.values()), found
    assert result.total == 0
    assert read_key(host_key) == SECRET.encode()  # still there, not revoked


REFUSED_PROBES = '''
    import mmap, struct
    def child(probe):
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if probe() else 1)
            except BaseException:
                os._exit(1)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    found["ptrace"] = child(lambda: libc.ptrace(0, 0, 0, 0) == 0)  # PTRACE_TRACEME
    found["keyctl"] = sys_(KEYCTL, 0, -3, 1) >= 0  # GET_KEYRING_ID, creating it
    found["add_key"] = sys_(ADD_KEY, b"user", b"k", b"v", 1, -3) >= 0
    found["userfaultfd"] = sys_(323, 1) >= 0  # UFFD_USER_MODE_ONLY
    params = ctypes.create_string_buffer(120)
    found["io_uring_setup"] = sys_(425, 4, params) >= 0
    found["unshare"] = child(lambda: libc.unshare(0x10000000) == 0)  # CLONE_NEWUSER
    found["clone-newuser"] = child(lambda: sys_(56, 0x10000000 | 17, 0, 0, 0, 0) >= 0)  # clone(NEWUSER|SIGCHLD)
    attr = ctypes.create_string_buffer(struct.pack("IIQ", 1, 128, 0) + b"\\0" * 8 + struct.pack("Q", 0b1100001)
                                       + b"\\0" * 96, 128)  # software CPU clock, user space only
    found["perf_event_open"] = sys_(298, attr, 0, -1, -1, 0) >= 0
    found["mount"] = child(lambda: libc.unshare(0x10020000) == 0
                           and libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0)
    try:
        os.memfd_create("m"); found["memfd_create"] = True
    except OSError:
        found["memfd_create"] = False
    found["shmget"] = libc.shmget(0, 1 << 20, 0o1600) >= 0  # IPC_PRIVATE, IPC_CREAT
'''


def test_a19_the_seccomp_filter_refuses_the_kernels_dangerous_calls(tmp_path):
    if platform.machine() != "x86_64":
        pytest.skip("the probe's system call numbers are x86_64's")
    result, found = graded(notebook(tmp_path, REFUSED_PROBES))
    assert result.status is Status.OK, result.detail
    assert set(found) >= {"ptrace", "keyctl", "io_uring_setup", "unshare", "memfd_create", "shmget"}
    assert not any(found.values()), {name for name, worked in found.items() if worked}
    assert result.total == 0
    assert result.detail["seccomp"] == "on"


def test_a5_the_filter_holds_for_a_grader_that_is_not_root(tmp_path, host_key, monkeypatch):
    """bubblewrap with the non-root flags (--unshare-all: a user namespace), the keyring possessed.

    Run as this test's own user (the probe needs the venv, which uid nobody may not reach here)."""
    from coursebook.classroom.grader import sandbox

    monkeypatch.setattr(sandbox, "_as_root", lambda: False)
    box = sandbox.Sandbox.create(tmp_path)
    probe = (f"import ctypes; libc = ctypes.CDLL(None, use_errno=True); libc.syscall.restype = ctypes.c_long\n"
             f"b = ctypes.create_string_buffer(512)\n"
             f"n = libc.syscall(ctypes.c_long({KEYCTL}), ctypes.c_long(11), ctypes.c_long({host_key}), b, "
             f"ctypes.c_long(512))\n"
             f"libc.syscall(ctypes.c_long({KEYCTL}), ctypes.c_long(3), ctypes.c_long({host_key}))\n"
             f"print('READ' if n > 0 else 'REFUSED', b.raw[:max(n, 0)])\n")
    view = sandbox.layout()
    try:
        done = subprocess.run(box.command([view.python, "-c", probe]), capture_output=True, text=True,
                              timeout=60)
    finally:
        box.remove()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("REFUSED"), done.stdout
    assert read_key(host_key) == SECRET.encode()


def test_a6_memory_through_memfd_and_shm_is_not_beyond_the_limit(tmp_path):
    """memfd pages written with write() and SysV shm are not in RLIMIT_AS; they must not escape it."""
    path = notebook(tmp_path, '''
        held, fds = 0, []
        try:
            for i in range(12):
                fd = os.memfd_create(f"m{i}"); fds.append(fd)
                for _ in range(25):
                    os.write(fd, b"Z" * (4 << 20)); held += 4
        except OSError:
            pass
        try:
            for _ in range(12):
                sid = libc.shmget(0, 32 << 20, 0o1600)
                if sid < 0:
                    break
                libc.shmat.restype = ctypes.c_void_p
                at = libc.shmat(sid, None, 0)
                if at in (None, ctypes.c_void_p(-1).value):
                    break
                ctypes.memset(at, 90, 32 << 20); held += 32
        except OSError:
            pass
        found["held_mb_beyond_limit"] = held > 1024
    ''')
    result, found = graded(path, Limits(cell_timeout=20, total_timeout=30, memory_mb=1024, startup_grace=25))
    assert result.status is Status.OK and found == {"held_mb_beyond_limit": False}, (result.status, found)
    assert "memfd and SysV shm refused" in result.detail["memory_limit"]


class UnixListener:
    """A host Unix socket that records every connection made to it (A7)."""

    def __init__(self, path: Path):
        self.path, self.hits = path, 0
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(str(path))
        os.chmod(path, 0o777)
        self.server.listen(64)
        self.server.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
                self.hits += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.server.close()


def test_a7_the_grader_never_connects_to_a_host_socket_the_kernel_names(tmp_path):
    listener = UnixListener(Path("/tmp") / f"cb-host-{os.getpid()}.sock")
    try:
        path = notebook(tmp_path, f'''
            import time
            info = json.load(open(os.path.join(os.environ["HOME"], "connection.json")))
            for port in ("stdin_port", "hb_port"):
                sock = f"{{info['ip']}}-{{info[port]}}"
                if port == "stdin_port":
                    get_ipython().kernel.stdin_socket.close(linger=0)
                time.sleep(0.2)
                try:
                    os.unlink(sock); os.symlink({str(listener.path)!r}, sock)
                    found[f"swapped {{port}}"] = False
                except OSError as exc:
                    found[f"swapped {{port}}"] = False
            time.sleep(3)
        ''')
        result, found = graded(path)
    finally:
        listener.close()
        listener.path.unlink(missing_ok=True)
    assert found, result.status
    assert listener.hits == 0
    assert result.total == 0


@pytest.fixture(params=["this machine", "no links"])
def a18_layout(request, monkeypatch):
    """The sandbox's layout as this machine gives it, and as where the temporary folder is on
    another disk than the venv (no tree of hard links can be made: the real folders are bound)."""
    from coursebook.classroom.grader import runtime_copy, sandbox

    if request.param == "no links":
        monkeypatch.setattr(runtime_copy, "_places", lambda: [])
    monkeypatch.setattr(sandbox, "_GIVEN", [])
    sandbox._layout.cache_clear()
    yield sandbox.layout()
    sandbox._layout.cache_clear()


def test_a18_the_kernel_sees_its_python_and_packages_at_neutral_paths(tmp_path, a18_layout):
    """Mount points, the folders mounts come from (mountinfo's fourth field and the source after
    ' - '), sys.executable, sys.path and coursebook.__file__ name no folder of the instructor's:
    the venv, the interpreter's prefix, the project, the home, the work folder. Where no tree of
    links can be made, only the bound folders' own paths show in mountinfo, and the row says so."""
    from coursebook.classroom.grader.sandbox import HOST_PATHS_NOTE

    work_root = tmp_path / "work-root"
    host_paths = sorted({str(ROOT), os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
                         sys.prefix, sys.base_prefix, str(work_root), str(Path.home())} - {"/", "/usr"})
    path = notebook(tmp_path, f'''
        import coursebook, sys
        mounts = []
        for line in open("/proc/self/mountinfo"):
            fields = line.split()
            source = fields[fields.index("-") + 2]
            mounts += [fields[3], fields[4], source]
        seen = [*mounts, sys.executable, sys.prefix, sys.base_prefix, *sys.path, coursebook.__file__,
                os.getcwd(), *os.environ.values()]
        for host in {host_paths!r}:
            found[host] = [p for p in seen if p == host or p.startswith(host + "/")]
        found["mountinfo"] = mounts
    ''')
    result, found = graded(path, work_root=work_root)
    assert result.status is Status.OK, result.detail
    mountinfo = found.pop("mountinfo")
    assert found, result.status
    if a18_layout.hidden:
        assert not any(found.values()), found
        assert "host_paths" not in result.detail
    else:
        # The fallback: the real folders are bound (their own paths are the mount's root in
        # mountinfo), nothing else of the host shows, and the row says so.
        assert result.detail.get("host_paths") == HOST_PATHS_NOTE, result.detail
        bound = {real for real, _ in a18_layout.binds}
        leaked = [p for paths in found.values() for p in paths
                  if not any(p == b or p.startswith(b + "/") for b in bound)]
        assert not leaked, leaked
        assert bound & set(mountinfo), (bound, mountinfo)  # the fallback did bind the real folders
        assert not any(p in mountinfo for p in (str(work_root), str(Path.home())))


def run_with_timeout(function, seconds: float):
    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(value=function()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return box["value"]


def test_a11_a13_a_fifo_at_the_answers_path_costs_a_row_in_time(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("My essay.", metadata={"tags": ["written-response"]}),
        nbformat.v4.new_code_cell(dedent('''
            import os, re
            def hook(lines):
                m = re.search(r"__coursebook_extract\\(.*?, '(/run/kernel/\\.coursebook-answers-[0-9a-f]+\\.json)'\\)",
                              "".join(lines))
                if m:
                    os.mkfifo(m.group(1))
                    return ["pass\\n"]
                return lines
            get_ipython().input_transformers_cleanup.append(hook)
        '''))])
    path = tmp_path / "fifo.ipynb"
    nbformat.write(nb, path)
    result = run_with_timeout(lambda: grade_submission(path, CHECKS, LIMITS), LIMITS.hard_timeout + 30)
    assert result.status is Status.ANSWERS_UNREADABLE, (result.status, result.detail)
    assert result.written_response == "My essay."


@pytest.mark.parametrize("kind", ["fifo", "socket", "symlink", "folder", "deep-json", "deep-value"])
def test_a11_a16_read_answers_refuses_what_is_not_a_plain_answer_file(tmp_path, kind):
    target = tmp_path / "answers.json"
    secret = tmp_path / "secret.json"
    secret.write_text('[["share", 0.24]]')
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    elif kind == "symlink":
        target.symlink_to(secret)
    elif kind == "folder":
        target.mkdir()
    elif kind == "deep-json":
        target.write_text("[" * 100_000 + "]" * 100_000)
    else:
        target.write_text('[["share", ' + "[" * 500 + "]" * 500 + "]]")
    try:
        answers = run_with_timeout(lambda: read_answers(target), 10)
    finally:
        if kind == "socket":
            server.close()
    if kind == "deep-value":
        assert answers is not None and contains_unsupported(answers["share"]).startswith("value nested")
    else:
        assert answers is None


def test_a35_a_grader_reached_through_a_symlinked_venv_grades_correctly(tmp_path):
    linked = tmp_path / "linked-venv"
    linked.symlink_to(Path(sys.prefix).resolve())
    code = ("from coursebook.classroom.grader import grade_submission, Limits;"
            "from coursebook.classroom.exercise.checks import load_check_file;"
            f"r = grade_submission({str(FIXTURE / 'submissions' / 'perfect.ipynb')!r}, "
            f"load_check_file({str(FIXTURE / 'answers/checks/ex0-fixture.yml')!r}), "
            "Limits(cell_timeout=10, total_timeout=20, startup_grace=25));"
            "print(r.status.value, r.total)")
    done = subprocess.run([str(linked / "bin" / "python"), "-c", code], capture_output=True, text=True,
                          timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ok", "5.0"], done.stdout


def test_a35_a_kernel_that_never_starts_is_the_graders_failure_not_the_students(tmp_path, monkeypatch):
    from coursebook.classroom.grader import sandbox
    from coursebook.classroom.grader.run import preflight

    broken = sandbox.Layout(sandbox.layout().binds, "/opt/nowhere/python", sandbox.layout().environment,
                            sandbox.layout().venv_config)
    monkeypatch.setattr("coursebook.classroom.grader.kernel.layout", lambda: broken)
    result = grade_submission(FIXTURE / "submissions" / "perfect.ipynb", CHECKS, LIMITS)
    assert result.status is Status.GRADER_ERROR, (result.status, result.detail)
    assert result.detail["reason"] == "kernel-did-not-start"
    problem = preflight(CHECKS, LIMITS)
    assert problem.startswith("the grader cannot run a kernel in its sandbox") and "\n" not in problem


def test_without_libseccomp_the_sandbox_says_so_loudly_on_every_row(tmp_path, monkeypatch):
    from coursebook.classroom.grader import sandbox
    from coursebook.classroom.grader.seccomp import SeccompUnavailable

    def missing(refuse_memory):
        raise SeccompUnavailable("libseccomp is not usable (test)")

    monkeypatch.setattr(sandbox, "filter_program", missing)
    sandbox.confinement.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="without a seccomp filter"):
            result = grade_submission(FIXTURE / "submissions" / "perfect.ipynb", CHECKS, LIMITS)
    finally:
        sandbox.confinement.cache_clear()
    assert (result.status, result.total) == (Status.OK, 5)
    assert "without a seccomp filter" in result.detail["sandbox_warning"]
    assert "NOT limited" in result.detail["memory_limit"] and "seccomp" not in result.detail


def test_a14_a15_a16_read_submission_bounds_what_it_parses_and_never_waits(tmp_path):
    from coursebook.classroom.grader.run import MAX_CELLS, read_submission

    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    nb, problem = run_with_timeout(lambda: read_submission(fifo), 10)
    assert nb is None and problem == (Status.NOT_A_NOTEBOOK, {"reason": "unreadable-file",
                                                              "error": "not a regular file"})
    many = tmp_path / "many.ipynb"
    cell = '{"cell_type": "markdown", "metadata": {}, "source": "x"}'
    many.write_text('{"cells": [' + ",".join([cell] * (MAX_CELLS + 1)) + '], "metadata": {}, '
                    '"nbformat": 4, "nbformat_minor": 5}')
    started = time.monotonic()
    nb, problem = read_submission(many)
    assert nb is None and problem[0] is Status.INVALID_NOTEBOOK and "cells" in problem[1]["error"]
    assert time.monotonic() - started < 10
    deep = tmp_path / "deep.ipynb"
    deep.write_text('{"cells": [], "metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    nb, problem = read_submission(deep)
    assert nb is None and problem[0] is Status.INVALID_NOTEBOOK
    lone = tmp_path / "lone.ipynb"
    text = json.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "essay \ud800", metadata={"tags": ["written-response"]})]), ensure_ascii=True)
    lone.write_text(text)
    nb, problem = read_submission(lone)
    assert problem is None and run.written_response(nb) == "essay ?"


def zeromq_threads() -> dict[str, tuple[str, str]]:
    """This process's ZeroMQ I/O threads: thread id -> (name, effective uid)."""
    found = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            uid = next(line.split()[2] for line in (task / "status").read_text().splitlines()
                       if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if name.startswith("ZMQbg"):
            found[task.name] = (name, uid)
    return found


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader drops root's rights only when it has them")
def test_a7_the_graders_threads_that_talk_to_the_kernel_are_not_root(tmp_path):
    before = set(zeromq_threads())
    seen: dict = {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.update({k: v for k, v in zeromq_threads().items() if k not in before})
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        result, _ = graded(notebook(tmp_path, "import time\ntime.sleep(3)"))
    finally:
        stop.set()
        watcher.join(5)
    assert result.status is Status.OK, result.detail
    assert seen, "no ZeroMQ thread seen while the kernel ran"
    assert all(uid != "0" for _, uid in seen.values()), seen


def test_a35_a_broken_set_up_stops_grade_before_any_student_with_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from coursebook.classroom.grader import sandbox
    from coursebook.cli import main

    view = sandbox.layout()
    broken = sandbox.Layout(view.binds, "/opt/nowhere/python", view.environment, view.venv_config)
    monkeypatch.setattr("coursebook.classroom.grader.kernel.layout", lambda: broken)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.ipynb").write_bytes((FIXTURE / "submissions" / "perfect.ipynb").read_bytes())
    done = CliRunner().invoke(main, ["grade", str(folder), "--exercise", "ex0-fixture", "--answers",
                                     str(FIXTURE / "answers"), "--out", str(tmp_path / "out")])
    assert done.exit_code == 1 and "Traceback" not in done.output
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: the grader cannot run a kernel"), lines
    assert not (tmp_path / "out" / "gradebook.csv").exists()
    assert not list((tmp_path / "out").rglob("*.json"))  # no student's result was written


def test_kernels_read_matplotlibs_font_list_made_once_and_cannot_change_it(tmp_path):
    """The font list is built once (0.15 s of CPU a kernel otherwise) and bound read-only: a
    kernel uses it, finds its fonts inside the sandbox, and cannot leave another one for the next."""
    path = notebook(tmp_path, '''
        import io, logging
        stream = io.StringIO()
        logger = logging.getLogger("matplotlib.font_manager")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(logging.StreamHandler(stream))
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.font_manager as fm
        import matplotlib.pyplot as plt
        found["read"] = "Using fontManager instance from" in stream.getvalue()
        font = fm.findfont("DejaVu Sans", rebuild_if_missing=False)
        found["font inside"] = os.path.exists(font) and not font.startswith(os.path.expanduser("~/"))
        plt.plot([1, 2]); plt.savefig("/tmp/figure.png")
        found["drawn"] = os.path.getsize("/tmp/figure.png") > 0
        names = [n for n in os.listdir(matplotlib.get_cachedir()) if n.startswith("fontlist")]
        try:
            open(os.path.join(matplotlib.get_cachedir(), names[0]), "w").write("{}")
            found["list changed"] = True
        except OSError:
            found["list changed"] = False
    ''')
    result, found = graded(path)
    assert result.status is Status.OK, result.detail
    assert found == {"read": True, "font inside": True, "drawn": True, "list changed": False}, found
