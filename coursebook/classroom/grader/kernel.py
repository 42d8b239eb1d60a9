"""The kernel for one submission: started in its sandbox over IPC sockets, driven by nbclient
with limits.

Interrupts travel as messages (the kernel interrupts itself), since a signal to bwrap would not
reach it. The per-cell timeout is nbclient's public `timeout_func`/`error_on_timeout`; the
notebook's total budget is enforced by not starting cells past it; the hard wall-clock limit is
a watchdog thread that kills the whole sandbox, whatever the kernel does with interrupts.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import platform
import secrets
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import zmq.asyncio
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from ..exercise.limits import Limits
from .sandbox import (
    ENVIRONMENT,
    INSIDE_CONNECTION,
    INSIDE_IPC,
    Sandbox,
    layout,
    reachable_by_anyone,
    readable_roots,
)

KERNEL_NAME = "coursebook-grading"
LAUNCHER = Path(__file__).with_name("kernel_launch.py")
EXTRACTION_SECONDS = 15
EXTRACTION_OUTPUT_BYTES = 100_000  # kept of what is printed during the extraction cell
TIMEOUT_MARK = "CoursebookCellTimeout"


def _threads_of(uid: int) -> int:
    """Processes and threads this uid runs now (RLIMIT_NPROC counts both, per user)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                status = Path(entry.path, "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                count += int(fields.get("Threads", "1"))
    return count


UNREAD_MESSAGES = 32
"""How many messages from the kernel ZeroMQ may queue unread, per socket (its default is 1,000).
Output beyond it is dropped on the way; the grader's output cap already drops it anyway."""


class LinkedKernelManager(AsyncKernelManager):
    """Connects to the kernel's sockets through descriptors the grader holds.

    As the kernel binds them, before any of the student's code runs, the grader opens each socket
    in the sandbox's /run/kernel (reached through /proc/<pid>/root without following a link) and
    connects through a link of its own to /proc/self/fd/<socket>: a socket the kernel later
    replaces (by a link to a host socket, say) is never followed, ZeroMQ's reconnections find the
    old socket, closed. The descriptor of /run/kernel stays with the sandbox (`Sandbox.ipc_view`).
    """

    def __init__(
        self, *args, box: Sandbox, startup_seconds: float, talk_as: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.box, self.startup_seconds = box, startup_seconds
        self.talk_as, self.dropped_in = talk_as, 0
        self.dropped: tuple | None = None

    async def _async_post_start_kernel(self, **kwargs) -> None:  # launched; nothing connected yet
        await self.link_sockets()
        if self.talk_as is not None:
            # A root grader talks to the kernel as the kernel's own uid: this thread and the ZeroMQ
            # threads it starts from here on connect with no right of root's. `restore` undoes it.
            self.dropped = drop_thread_privileges(self.talk_as)
            self.dropped_in = threading.get_ident()
            self.context = zmq.asyncio.Context()  # its I/O thread is started under the dropped ids
            self._created_context = True
        await super()._async_post_start_kernel(**kwargs)

    def client(self, **kwargs):
        """The client nbclient talks through, its queue of unread messages kept short: a kernel that
        floods output while a loaded grader reads slowly would otherwise have ZeroMQ hold up to
        1,000 messages of any size (a gigabyte of 1 MB prints) in the grader's memory."""
        client = super().client(**kwargs)
        client.context.setsockopt(zmq.RCVHWM, UNREAD_MESSAGES)  # for the sockets made from now on
        return client

    def restore(self) -> None:
        """Root's ids back in the thread that dropped them (to stop the sandbox and clean up)."""
        if self.dropped is not None and threading.get_ident() == self.dropped_in:
            restore_thread_privileges(self.dropped)
            self.dropped = None

    async def shutdown_kernel(  # type: ignore[override]
        self, now: bool = False, restart: bool = False
    ) -> None:
        self.restore()  # signals to the sandbox need root's rights, as they were launched with them
        await super()._async_shutdown_kernel(now=now, restart=restart)

    async def link_sockets(self) -> None:
        """Wait until the kernel has bound its five sockets (or stopped), linking each one."""
        ports = (self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port)
        wanted = {f"{os.path.basename(self.ip)}-{port}" for port in ports}
        private = Path(self.ip).parent
        deadline = time.monotonic() + self.startup_seconds
        while wanted and time.monotonic() < deadline:
            if self.box.ipc_folder is None:
                self.box.ipc_folder = sandbox_ipc_folder(getattr(self.provisioner, "pid", None))
            for name in sorted(wanted) if self.box.ipc_folder is not None else ():
                try:
                    fd = os.open(name, os.O_PATH | os.O_NOFOLLOW, dir_fd=self.box.ipc_folder)
                except OSError:
                    continue
                if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.close(fd)
                    continue
                self.box.held.append(fd)
                os.symlink(f"/proc/self/fd/{fd}", private / name)
                wanted.discard(name)
            if wanted:
                if self.provisioner is None or await self.provisioner.poll() is not None:
                    return  # the kernel stopped before binding: nbclient reports it
                await asyncio.sleep(0.005)


NO_LINKS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW


def sandbox_ipc_folder(bwrap_pid: int | None) -> int | None:
    """A descriptor of the sandbox's /run/kernel, or None while it is not set up yet.

    Reached through /proc/<sandbox>/root one step at a time, never following a link; taken only
    once the sandbox has its own root and /run/kernel is a mount point there (its tmpfs)."""
    if not bwrap_pid:
        return None
    try:
        children = Path(f"/proc/{bwrap_pid}/task/{bwrap_pid}/children").read_text().split()
        if not children:
            return None
        root = os.open(f"/proc/{children[0]}/root", os.O_PATH | os.O_DIRECTORY)
    except OSError:
        return None
    opened = [root]
    try:
        host = os.stat("/")
        if (os.fstat(root).st_dev, os.fstat(root).st_ino) == (host.st_dev, host.st_ino):
            return None  # bubblewrap has not moved into the sandbox's root yet
        for step in Path(INSIDE_IPC).parts[1:]:
            opened.append(os.open(step, NO_LINKS, dir_fd=opened[-1]))
        if os.fstat(opened[-1]).st_dev == os.fstat(opened[-2]).st_dev:
            return None  # not (yet) the sandbox's tmpfs
        return opened.pop()
    except OSError:
        return None
    finally:
        for fd in opened:
            os.close(fd)


SYSCALLS = {
    "x86_64": {"setresuid": 117, "setresgid": 119, "setgroups": 116},
    "aarch64": {"setresuid": 147, "setresgid": 149, "setgroups": 159},
}
"""The raw calls change the calling thread's ids only (libc's wrappers change every thread's)."""


def _thread_call(name: str, *args) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(ctypes.c_long(SYSCALLS[platform.machine()][name]), *args) != 0:
        raise OSError(ctypes.get_errno(), f"{name}: {os.strerror(ctypes.get_errno())}")


def drop_thread_privileges(uid: int) -> tuple | None:
    """This thread takes `uid` as effective (and file-system) user and group, with no groups
    (so `restore_thread_privileges` can come back). None where this cannot be done here."""
    if platform.machine() not in SYSCALLS or os.geteuid() != 0:
        return None
    saved = (os.getresuid(), os.getresgid(), os.getgroups())
    try:
        _thread_call("setgroups", ctypes.c_size_t(0), None)
        # Only the effective ids (and so the file-system ids): the real ones stay root's, so that
        # signals sent as this thread ends (bwrap's --die-with-parent) still reach the sandbox.
        new = ctypes.c_uint(uid)
        _thread_call("setresgid", ctypes.c_uint(saved[1][0]), new, ctypes.c_uint(saved[1][2]))
        _thread_call("setresuid", ctypes.c_uint(saved[0][0]), new, ctypes.c_uint(saved[0][2]))
    except OSError:
        restore_thread_privileges(saved)
        raise
    return saved


def restore_thread_privileges(saved: tuple) -> None:
    (ruid, euid, suid), (rgid, egid, sgid), groups = saved
    _thread_call("setresuid", ctypes.c_uint(ruid), ctypes.c_uint(euid), ctypes.c_uint(suid))
    _thread_call("setresgid", ctypes.c_uint(rgid), ctypes.c_uint(egid), ctypes.c_uint(sgid))
    array = (ctypes.c_uint * len(groups))(*groups)
    _thread_call("setgroups", ctypes.c_size_t(len(groups)), array)


def kernel_manager(box: Sandbox, limits: Limits, *, sandboxed: bool) -> AsyncKernelManager:
    """A kernel manager whose kernel starts inside `box` (or, unsandboxed, only under rlimits)."""
    # Unsandboxed (e.g. a container without namespaces), the kernel still drops to its own uid when
    # that uid can read the interpreter (not so for a Python under a private /root): the answer key
    # and the grader's files then stay unreadable to it.
    uid = box.uid if sandboxed or reachable_by_anyone(readable_roots()) else None
    processes = (
        limits.max_processes if uid is not None else _threads_of(os.getuid()) + limits.max_processes
    )
    rest = [
        str(uid) if uid is not None else "-",
        str(limits.memory_mb),
        str(processes),
        str(limits.max_file_mb),
    ]
    spec_env: dict = {}
    if sandboxed:
        view = layout()
        launch = [view.python, view.inside(LAUNCHER), *rest, INSIDE_IPC, "-f", INSIDE_CONNECTION]
        argv = box.command(
            launch,
            tmp_bytes=limits.max_file_mb * 2**20,
            memory_mb=limits.memory_mb,
            connection_file=str(box.private / "kernel.json"),
        )
    else:
        python = os.path.join(sys.prefix, "bin", "python")  # the venv's: its site-packages follow
        argv = [python, str(LAUNCHER), *rest, "-", "-f", "{connection_file}"]
        spec_env = {
            **ENVIRONMENT,
            "HOME": str(box.home),
            "IPYTHONDIR": str(box.home / ".ipython"),
            "MPLCONFIGDIR": str(box.home / ".matplotlib"),
        }
    spec = {
        "argv": argv,
        "display_name": "Python 3 (grading)",
        "language": "python",
        "interrupt_mode": "message",
        "env": spec_env,
    }
    spec_dir = box.root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(box.root / "kernels")])
    connection = str(box.private / "kernel.json")
    # Async, as nbclient drives it from its event loop (a sync manager deadlocks on interrupt).
    if not sandboxed:  # the kernel runs on the host as the grader's own user or a weaker one
        return AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            transport="ipc",
            ip=str(box.runtime / "ipc"),
            connection_file=connection,
            kernel_spec_manager=specs,
        )
    if box.uid is not None:  # the grader's thread that talks to the kernel will be this uid
        os.chown(box.private, box.uid, box.uid)
    return LinkedKernelManager(
        kernel_name=KERNEL_NAME,
        transport="ipc",
        ip=str(box.private / f"k{secrets.token_hex(8)}"),  # no host socket has this name
        connection_file=connection,
        kernel_spec_manager=specs,
        box=box,
        startup_seconds=limits.hard_timeout,
        talk_as=box.uid,
    )


class Watchdog:
    """Kills the kernel's whole process group after `seconds`, from a thread of the grader's own."""

    def __init__(self, km: AsyncKernelManager, seconds: float):
        self.km, self.fired = km, False
        self.timer = threading.Timer(seconds, self.kill)
        self.timer.daemon = True

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *_):
        self.timer.cancel()

    def kill(self) -> None:
        self.fired = True
        if not kill_kernel_processes(self.km):  # the run had ended: no timeout
            self.fired = False


_KILLING = threading.Lock()
FINISHED = "_coursebook_finished"
"""Set on a manager whose sandbox was killed for the last time (`final_kill`): the provisioner
keeps the pid after it is reaped, and a pid reaped may be given to another process."""


def kill_kernel_processes(km: AsyncKernelManager) -> bool:
    """SIGKILL the process the manager launched (bwrap) and its group; the PID namespace takes the
    rest. Nothing once `final_kill` has run (the pid may be another process's by then): False
    then."""
    with _KILLING:
        if getattr(km, FINISHED, False):
            return False
        pid = getattr(km.provisioner, "pid", None) if km.provisioner is not None else None
        if not pid:
            return True
        for kill in (
            lambda: os.killpg(pid, signal.SIGKILL),
            lambda: os.kill(pid, signal.SIGKILL),
        ):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill()
        return True


def final_kill(km: AsyncKernelManager) -> None:
    """The last `kill_kernel_processes` for `km`, before its process is reaped: a watchdog or an
    interrupt that comes later kills nothing (it would kill whatever then holds the pid)."""
    kill_kernel_processes(km)
    with _KILLING:  # a kill running in another thread has finished
        setattr(km, FINISHED, True)


KILL_ROUNDS = 100
"""`kill_uid` sends SIGKILL to the uid's processes until none is left, at most this many times
(a process forking as it is killed has children the round before missed)."""


def kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` (the grading uid, which no one else has), from a child that
    becomes `uid`: kill(-1) then reaches exactly the processes that uid may signal, its own."""
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the uid's processes stay (nothing else to do)
        return
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(KILL_ROUNDS):
                os.kill(-1, signal.SIGKILL)  # never the sender itself
        except BaseException:  # ProcessLookupError: none left
            pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


REAP_SECONDS = 5.0
"""How long `reap_killed` waits for a killed sandbox's bwrap to exit (jupyter_client's own wait)."""


async def reap_killed(km: AsyncKernelManager) -> None:
    """After `kill_kernel_processes`: wait for bwrap to exit and let the provisioner forget it, so
    that `shutdown_kernel` finds no process to stop. Otherwise jupyter_client checks whether the
    process is alive every 0.1 s, and bwrap, killed a moment before, is usually not yet reaped at
    the first check: a tenth of a second lost per submission. Popen.wait polls from 0.5 ms up."""
    provisioner = km.provisioner
    process = getattr(provisioner, "process", None)
    if provisioner is None or process is None:
        return
    try:
        process.wait(timeout=REAP_SECONDS)
    except subprocess.TimeoutExpired:
        return  # still there: shutdown_kernel kills and waits as usual
    await provisioner.wait()  # reaped already: returns at once, closes the pipes, forgets it


class LimitedClient(NotebookClient):
    """nbclient with the notebook's time budget, a record of timeouts and an output cap.

    The last cell is the grader's extraction cell: it always runs, with its own small budgets of
    time and output.
    """

    def __init__(self, nb, limits: Limits, **kwargs):
        super().__init__(
            nb,
            timeout_func=self._budget,
            interrupt_on_timeout=True,
            allow_errors=True,
            error_on_timeout={"ename": TIMEOUT_MARK, "evalue": "", "traceback": []},
            record_timing=False,
            on_cell_executed=self._executed,
            **kwargs,
        )
        self.limits = limits
        self.timed_out = self.truncated = False
        self.output_bytes = self.extraction_bytes = 0
        self.deadline: float | None = None

    @property
    def extraction_index(self) -> int:
        return len(self.nb.cells) - 1

    def _budget(self, cell) -> int:
        if cell is self.nb.cells[self.extraction_index]:
            return EXTRACTION_SECONDS
        left = (
            self.limits.total_timeout if self.deadline is None else self.deadline - time.monotonic()
        )
        return max(1, min(self.limits.cell_timeout, int(left)))

    def _executed(self, cell, cell_index, execute_reply):
        if execute_reply and execute_reply.get("content", {}).get("ename") == TIMEOUT_MARK:
            self.timed_out = True

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if self.deadline is None:  # the budget starts with the first cell, after the kernel is up
            self.deadline = time.monotonic() + self.limits.total_timeout
        if (
            cell_index != self.extraction_index
            and cell.cell_type == "code"
            and time.monotonic() >= self.deadline
        ):
            self.timed_out = True  # past the notebook's budget: later cells are not run
            return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def output(self, outs, msg, display_id, cell_index):
        if cell_index == self.extraction_index:
            # The extraction prints nothing, but the student's code can (a pre_run_cell hook, a
            # thread started there): kept up to a small budget of its own, never counted as theirs.
            self.extraction_bytes += len(json.dumps(msg.get("content", {}), default=str))
            if self.extraction_bytes > EXTRACTION_OUTPUT_BYTES:
                return None
            return super().output(outs, msg, display_id, cell_index)
        self.output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self.output_bytes > self.limits.max_output_bytes:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)
