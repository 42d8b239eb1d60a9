"""The floor of the grader benchmark: the same notebooks run by plain nbclient, one kernel per
notebook, in the kernel environment the grader's sandbox gives, and nothing else.

What the floor's kernel faces is what a sandboxed grading kernel faces, so that grade / floor
measures only what the grader adds (bubblewrap, its launcher's rlimits, keyring and seccomp, a
process per submission, the extraction cell and reading the answers, output accounting, the result
store and the gradebooks):
- the environment is the sandbox's `ENVIRONMENT` (MPLBACKEND=Agg, LANG/LC_ALL C.UTF-8, PATH,
  PYTHONDONTWRITEBYTECODE, PYTHONNOUSERSITE, and a fresh, empty HOME, IPYTHONDIR and MPLCONFIGDIR
  for every notebook) plus what the sandbox's layout adds, and nothing of the benchmark's own
  environment (the grader passes the kernel an empty environment too);
- matplotlib's font list is the one the sandbox binds into every kernel's MPLCONFIGDIR (copied
  into each fresh MPLCONFIGDIR), and that home lives on a tmpfs (/dev/shm), as the sandbox's /tmp
  does;
- the kernel's working folder holds `checks/<exercise>.json` in the grading form the sandbox holds
  (`grading_spec`: no digests, every task hidden, so `check()` compares nothing), not the
  instructor's YAML file of answers/;
- the kernel is the venv's ipykernel over ZeroMQ IPC sockets (the grader's transport), its output
  sent to /dev/null, its interrupts by message (the grader's spec), and it is stopped the grader's
  way: SIGKILL to its process group, reaped (`reap_killed`), then jupyter_client's
  `shutdown_kernel(now=True)` and the client's channels closed. Not nbclient's default graceful
  shutdown, which asks the kernel to stop and polls for it every 0.1 s.
Kept different, as they are the grader's own costs: no bubblewrap, no launcher (rlimits, keyring,
uid switch), no extraction cell, no output cap, and the notebook is read in the floor's worker
rather than written into a sandbox. The floor's workers are a pool (two at -j 2), reused from one
notebook to the next; the grader's process per submission is part of what it is measured for.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from coursebook.classroom.exercise.checks import grading_spec
from coursebook.classroom.exercise.task import CheckFile
from coursebook.classroom.grader.kernel import kill_kernel_processes, reap_killed
from coursebook.classroom.grader.sandbox import ENVIRONMENT, INSIDE_HOME, layout

KERNEL_NAME = "coursebook-floor"
KEPT = ("TMPDIR", "LD_LIBRARY_PATH")  # what an unsandboxed grading kernel keeps of the host's


@dataclass(frozen=True)
class Floor:
    """Everything a floor worker needs for one run (picklable, made once by `prepare`)."""

    root: str  # the run's folder: the kernel spec, and every notebook's own folder below it
    exercise: str
    spec_json: str  # what checks/<exercise>.json holds: the grading form of the check file
    font_list: str | None  # the sandbox's matplotlib font list (a host file), or None
    environment: tuple[tuple[str, str], ...]  # the kernel's environment, HOME paths aside


def kernel_environment() -> tuple[tuple[str, str], ...]:
    """The sandbox's environment for a kernel on the host: its HOME paths are set per notebook;
    of the layout's additions, what points at the host's own paths (LD_LIBRARY_PATH of a Python
    outside /usr) is taken from the host's, as the unsandboxed grader does; PYTHONPATH (an editable
    coursebook at /opt/coursebook inside) is not needed, the venv finds coursebook itself."""
    env = {k: v for k, v in ENVIRONMENT.items() if not v.startswith(INSIDE_HOME)}
    env.update({k: os.environ[k] for k in KEPT if k in os.environ})
    return tuple(sorted(env.items()))


def prepare(folder: Path, checks: CheckFile) -> Floor:
    """A floor for `checks`'s exercise in `folder` (made, with the floor's kernel spec in it)."""
    folder.mkdir(parents=True)
    spec = {
        "argv": [
            os.path.join(sys.prefix, "bin", "python"),
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
        ],
        "display_name": "Python 3 (floor)",
        "language": "python",
        "interrupt_mode": "message",
        "env": {},
    }
    (folder / "kernels" / KERNEL_NAME).mkdir(parents=True)
    (folder / "kernels" / KERNEL_NAME / "kernel.json").write_text(json.dumps(spec))
    fonts = layout().font_list
    return Floor(
        str(folder),
        checks.exercise,
        json.dumps(grading_spec(checks)),
        fonts[0] if fonts else None,
        kernel_environment(),
    )


def _tmpfs() -> str | None:
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


async def _drive(client: NotebookClient, km: AsyncKernelManager, env: dict) -> None:
    """Run the notebook, then stop the kernel as the grader's `run._drive` does."""
    try:
        await client.async_execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    finally:
        kill_kernel_processes(km)
        with contextlib.suppress(Exception):
            await reap_killed(km)
        with contextlib.suppress(Exception):
            await km.shutdown_kernel(now=True)
        if client.kc is not None:
            client.kc.stop_channels()
            client.kc = None


def run(floor: Floor, path: Path) -> None:
    """Run one notebook on the floor: its own folder, home and kernel, all gone afterwards."""
    nb = nbformat.read(path, as_version=4)
    own = Path(tempfile.mkdtemp(prefix="floor-", dir=_tmpfs()))
    try:
        work, home = own / "work", own / "home"
        (work / "checks").mkdir(parents=True)
        (work / "checks" / f"{floor.exercise}.json").write_text(floor.spec_json, encoding="utf-8")
        (home / ".matplotlib").mkdir(parents=True)
        if floor.font_list:
            shutil.copyfile(floor.font_list, home / ".matplotlib" / Path(floor.font_list).name)
        (own / "ipc").mkdir()
        env = dict(floor.environment)
        env.update(
            HOME=str(home),
            IPYTHONDIR=str(home / ".ipython"),
            MPLCONFIGDIR=str(home / ".matplotlib"),
        )
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            transport="ipc",
            ip=str(own / "ipc" / "k"),
            connection_file=str(own / "kernel.json"),
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(Path(floor.root) / "kernels")]),
        )
        client = NotebookClient(
            nb,
            km=km,
            timeout=60,
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": str(work)}},
        )
        try:
            asyncio.run(_drive(client, km, env))
        finally:
            atexit.unregister(client._cleanup_kernel)  # nbclient's; the kernel is gone already
    finally:
        shutil.rmtree(own, ignore_errors=True)
