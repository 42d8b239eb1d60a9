"""A bubblewrap sandbox for one submission's kernel.

Inside: its own PID, network, IPC and UTS namespaces (no route out, no view of the host's loopback,
no signal reaches the grader or another kernel), a read-only view of only the interpreter, its
packages and the coursebook package, a writable copy of the one submission at /submission, a
private /tmp, an allow-list environment, and a folder for the kernel's IPC sockets. Nothing of the
instructor's (answers, home, other submissions, results) is there to read or write.

When the grader runs as root, bubblewrap keeps the host's user namespace and the kernel launcher
switches to a fresh numeric uid of its own, so the process limit counts this sandbox alone.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu)"
INSIDE_WORK = "/submission"
INSIDE_HOME = "/tmp/home"
ENVIRONMENT = {  # the whole environment the kernel sees: nothing of the instructor's
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": INSIDE_HOME,
    "IPYTHONDIR": f"{INSIDE_HOME}/.ipython",
    "MPLCONFIGDIR": f"{INSIDE_HOME}/.matplotlib",
    "MPLBACKEND": "Agg",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
}
ETC_FILES = ("ld.so.cache", "localtime", "mime.types", "fonts", "ssl/certs")  # read-only, if present
UID_RANGE = (1_500_000_000, 1_900_000_000)  # uids no account on a normal system uses


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str:
    """Empty if bubblewrap works here; else one line saying what is wrong and how to fix it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return f"the grader runs each submission in bubblewrap, which is not installed: {INSTALL_HINT}"
    probe = [bwrap, *_namespace_flags(), "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
             "--dev", "/dev", "--", "/bin/true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started ({exc}); {INSTALL_HINT}"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return (f"bubblewrap cannot create a sandbox here ({reason}); it needs unprivileged user namespaces "
                f"or root; {INSTALL_HINT}")
    return ""


def require_sandbox() -> None:
    """Raise SandboxUnavailable (one line, with the install command) when bubblewrap cannot run."""
    problem = sandbox_problem()
    if problem:
        raise SandboxUnavailable(problem)


@functools.lru_cache(maxsize=1)
def _sizes_tmpfs() -> bool:
    """bubblewrap 0.7 and later can cap a tmpfs (`--size`); older ones refuse the option."""
    try:
        return "--size" in subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False


def _as_root() -> bool:
    return os.geteuid() == 0


def _namespace_flags() -> list[str]:
    if _as_root():
        # No user namespace: root's would map only uid 0, and the launcher needs to become a uid of its own.
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return ["--unshare-all"]


def reachable_by_anyone(folders: list[Path]) -> bool:
    """Can a uid of its own read these folders (every folder above them passable by others)?"""
    for folder in folders:
        for step in (folder, *folder.parents):
            try:
                mode = step.stat().st_mode
            except OSError:
                return False
            if not mode & 0o001 or (step == folder and not mode & 0o004):
                return False
    return True


def readable_roots() -> list[Path]:
    """Real paths the kernel needs to read: the interpreter, its packages, the coursebook package."""
    package = Path(os.path.realpath(__file__)).parents[2]  # coursebook/, whichever way it is installed
    roots = {Path(os.path.realpath(sys.base_prefix)), Path(os.path.realpath(sys.prefix)), package}
    roots.update(Path(os.path.realpath(p)) for p in site.getsitepackages() if Path(p).is_dir())
    # A venv's python is a symlink into the base installation: bind the link's target folder too.
    roots.add(Path(os.path.realpath(sys.executable)).parent.parent)
    ordered = sorted(r for r in roots if r.is_dir() and str(r) not in ("/", "/usr"))
    # Keep only outermost folders (a nested bind would hide nothing, but costs a mount).
    return [r for r in ordered if not any(r != o and o in r.parents for o in ordered)]


@dataclass
class Sandbox:
    """The folders of one submission's sandbox on the host, and the bwrap command that uses them."""

    root: Path
    work: Path = field(init=False)  # bound at /submission, writable: the copy of the submission
    runtime: Path = field(init=False)  # bound at the same path: connection file and IPC sockets
    home: Path = field(init=False)
    uid: int | None = field(init=False)  # the kernel's own uid (root only), else None

    def __post_init__(self):
        self.work = self.root / "work"
        self.work.mkdir(parents=True)
        # A Unix socket's path may not exceed 107 bytes: under a deep root, the IPC folder gets a short
        # one of its own in /tmp (else it stays inside root, so one folder holds all of a submission).
        self.runtime = self.root / "ipc"
        if len(str(self.runtime / "ipc-65535")) <= 100:
            self.runtime.mkdir()
        else:
            self.runtime = Path(tempfile.mkdtemp(prefix="cb-ipc-", dir="/tmp"))
        self.home = self.root / "home"  # HOME when unsandboxed (inside the sandbox, HOME is in its /tmp)
        self.home.mkdir()
        self.uid = secrets.randbelow(UID_RANGE[1] - UID_RANGE[0]) + UID_RANGE[0] if _as_root() else None
        if self.uid is not None:
            os.chmod(self.root, 0o711)  # unsandboxed, the kernel's uid passes through to its folders
            for folder in (self.work, self.runtime, self.home):
                os.chown(folder, self.uid, self.uid)

    @classmethod
    def create(cls, parent: Path | None = None) -> Sandbox:
        if parent is not None:
            Path(parent).mkdir(parents=True, exist_ok=True)
        return cls(Path(tempfile.mkdtemp(prefix="coursebook-sandbox-", dir=parent)))

    def give(self, path: Path) -> None:
        """Hand a file the grader wrote in `work` to the kernel's uid."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def command(self, argv: list[str], tmp_bytes: int = 0) -> list[str]:
        """bwrap around `argv` (run inside, from /submission, with the allow-list environment).

        `tmp_bytes` caps the private /tmp, which lives in memory (0: no cap of our own).
        """
        cmd = ["bwrap", *_namespace_flags(), "--die-with-parent", "--new-session", "--clearenv"]
        for top in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        made: set[str] = set()

        def parents(dest: str) -> list[str]:
            # bwrap makes missing parent folders 0700; the kernel's uid must be able to pass through them.
            out = []
            for parent in reversed(Path(dest).parents):
                if str(parent) not in made and str(parent) not in ("/", "/usr", "/tmp", "/etc"):
                    made.add(str(parent))
                    out += ["--perms", "0755", "--dir", str(parent)]
            return out

        # /tmp first: bwrap applies these in order, and a later tmpfs would hide a venv kept under /tmp.
        size = ["--size", str(tmp_bytes)] if tmp_bytes and _sizes_tmpfs() else []
        cmd += ["--perms", "1777", *size, "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/etc"]
        for name in ETC_FILES:
            source = Path("/etc") / name
            if source.exists():
                cmd += [*parents(str(source)), "--ro-bind", os.path.realpath(source), str(source)]
        for root in readable_roots():
            cmd += [*parents(str(root)), "--ro-bind", str(root), str(root)]
        cmd += ["--proc", "/proc", "--dev", "/dev",
                "--bind", str(self.work), INSIDE_WORK, *parents(str(self.runtime)),
                "--bind", str(self.runtime), str(self.runtime), "--chdir", INSIDE_WORK]
        if self.uid is not None:
            # The launcher switches to self.uid at once and so loses these (and every other) capability.
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        for name, value in ENVIRONMENT.items():
            cmd += ["--setenv", name, value]
        return [*cmd, "--", *argv]

    def remove(self) -> None:
        def unlock(function, path, _):  # a submission may have made its files read-only
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
            function(path)

        shutil.rmtree(self.runtime, ignore_errors=True)
        shutil.rmtree(self.root, onerror=unlock)
