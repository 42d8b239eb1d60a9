"""The kernel for one submission: started in its sandbox over IPC sockets, driven by nbclient with limits.

Interrupts travel as messages (the kernel interrupts itself), since a signal to bwrap would not
reach it. The per-cell timeout is nbclient's public `timeout_func`/`error_on_timeout`; the
notebook's total budget is enforced by not starting cells past it; the hard wall-clock limit is
a watchdog thread that kills the whole sandbox, whatever the kernel does with interrupts.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from ..exercise.limits import Limits
from .sandbox import ENVIRONMENT, Sandbox, reachable_by_anyone, readable_roots

KERNEL_NAME = "coursebook-grading"
LAUNCHER = Path(__file__).with_name("kernel_launch.py")
EXTRACTION_SECONDS = 15
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


def kernel_manager(box: Sandbox, limits: Limits, *, sandboxed: bool) -> AsyncKernelManager:
    """A kernel manager whose kernel starts inside `box` (or, unsandboxed, only under rlimits)."""
    python = os.path.join(sys.prefix, "bin", "python")  # the venv's python: its site-packages follow
    # Unsandboxed (e.g. a container without namespaces), the kernel still drops to its own uid when that
    # uid can read the interpreter (not so for a Python under a private /root): the answer key and the
    # grader's files then stay unreadable to it.
    uid = box.uid if sandboxed or reachable_by_anyone(readable_roots()) else None
    processes = limits.max_processes if uid is not None else _threads_of(os.getuid()) + limits.max_processes
    launch = [python, str(LAUNCHER), str(uid) if uid is not None else "-", str(limits.memory_mb),
              str(processes), str(limits.max_file_mb), "-f", "{connection_file}"]
    argv = box.command(launch, tmp_bytes=limits.max_file_mb * 2**20) if sandboxed else launch
    spec = {"argv": argv, "display_name": "Python 3 (grading)", "language": "python", "interrupt_mode": "message",
            "env": {} if sandboxed else {**ENVIRONMENT, "HOME": str(box.home), "IPYTHONDIR": str(box.home / ".ipython"),
                                         "MPLCONFIGDIR": str(box.home / ".matplotlib")}}
    spec_dir = box.root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    # Async, as nbclient drives it from its event loop (a sync manager deadlocks on interrupt).
    return AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(box.runtime / "ipc"),
                              connection_file=str(box.runtime / "kernel.json"),
                              kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(box.root / "kernels")]))


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
        kill_kernel_processes(self.km)


def kill_kernel_processes(km: AsyncKernelManager) -> None:
    """SIGKILL the process the manager launched (bwrap) and its group; the PID namespace takes the rest."""
    pid = getattr(km.provisioner, "pid", None) if km.provisioner is not None else None
    if not pid:
        return
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass


class LimitedClient(NotebookClient):
    """nbclient with the notebook's time budget, a record of timeouts and an output cap.

    The last cell is the grader's extraction cell: it always runs, with its own small budget, and
    its output is never capped.
    """

    def __init__(self, nb, limits: Limits, **kwargs):
        super().__init__(nb, timeout_func=self._budget, interrupt_on_timeout=True, allow_errors=True,
                         error_on_timeout={"ename": TIMEOUT_MARK, "evalue": "", "traceback": []},
                         record_timing=False, on_cell_executed=self._executed, **kwargs)
        self.limits = limits
        self.timed_out = self.truncated = False
        self.output_bytes = 0
        self.deadline = None

    @property
    def extraction_index(self) -> int:
        return len(self.nb.cells) - 1

    def _budget(self, cell) -> int:
        if cell is self.nb.cells[self.extraction_index]:
            return EXTRACTION_SECONDS
        return max(1, min(self.limits.cell_timeout, int(self.deadline - time.monotonic())))

    def _executed(self, cell, cell_index, execute_reply):
        if execute_reply and execute_reply.get("content", {}).get("ename") == TIMEOUT_MARK:
            self.timed_out = True

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if self.deadline is None:  # the budget starts with the first cell, after the kernel is up
            self.deadline = time.monotonic() + self.limits.total_timeout
        if cell_index != self.extraction_index and cell.cell_type == "code" and time.monotonic() >= self.deadline:
            self.timed_out = True  # past the notebook's budget: later cells are not run
            return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def output(self, outs, msg, display_id, cell_index):
        if cell_index == self.extraction_index:
            return super().output(outs, msg, display_id, cell_index)
        self.output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self.output_bytes > self.limits.max_output_bytes:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)
