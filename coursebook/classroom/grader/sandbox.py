"""A bubblewrap sandbox for one submission's kernel.

Inside: its own PID, network, IPC and UTS namespaces (no route out, no view of the host's loopback,
no signal reaches the grader or another kernel), a read-only view of only the interpreter, its
packages and the coursebook package at neutral paths (/opt/python, /opt/venv, /opt/coursebook), a
writable copy of the one submission at /submission, a private /tmp, an allow-list environment, a
tmpfs for the kernel's IPC sockets at /run/kernel, and a seccomp filter (`seccomp.py`). Nothing of
the instructor's (answers, home, other submissions, results) is there. bwrap reads its arguments
from a descriptor (`--args`), so /proc/1/cmdline inside shows none of the instructor's paths;
/proc/self/mountinfo still shows the host folders the read-only binds come from.

Disk: /submission, /tmp and /run/kernel are size-capped tmpfs that bubblewrap mounts inside the
sandbox's own mount namespace (the submission is copied in, nothing of it is a host folder), so they
end with the sandbox's processes, whoever kills whom: nothing is ever mounted on the host.

The grader reaches /run/kernel through /proc/<sandbox>/root, one path step at a time without
following links, and keeps a descriptor of the folder and of each socket as the kernel binds them
(before any of the student's code runs). It connects through links in a folder of its own to
/proc/self/fd/<socket>, and reads the answers file through the folder's descriptor after the
sandbox has gone: the kernel can replace its socket files, but never redirect the grader's
connections to another socket of the host.

When the grader runs as root, bubblewrap keeps the host's user namespace and the kernel launcher
switches to a fresh numeric uid of its own, so the process limit counts this sandbox alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import re
import secrets
import shutil
import site
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .cleanup import SYSTEM_PATH, remove_small, unlock_command
from .runtime_copy import cache_folder, neutral_tree
from .seccomp import SeccompUnavailable, filter_program

INSTALL_HINT = "install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu)"
INSIDE_WORK = "/submission"
INSIDE_HOME = "/tmp/home"
INSIDE_IPC = "/run/kernel"  # the kernel binds its sockets here; the grader connects through links
INSIDE_CONNECTION = "/run/connection.json"
SECCOMP_FD = 9
ARGS_FD = 8  # bwrap's own arguments
DATA_FDS = range(3, 8)  # files copied in (the shell, dash, opens descriptors 0-9 only)
IPC_BYTES = 10 * 2**20  # the IPC tmpfs: sockets and an answers file of <= 8 MB
IPC_PREFIX = "cb-ipc-"  # the grader's folders of links, in /tmp: cb-ipc-<pid>-<random>
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
ETC_FILES = (
    "ld.so.cache",
    "localtime",
    "mime.types",
    "fonts",
    "ssl/certs",
)  # read-only, if present
UID_RANGE = (1_500_000_000, 1_900_000_000)  # uids no account on a normal system uses


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str:
    """Empty if bubblewrap works here; else one line saying what is wrong and how to fix it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return (
            f"the grader runs each submission in bubblewrap, which is not installed: {INSTALL_HINT}"
        )
    probe = [
        bwrap,
        *_namespace_flags(),
        "--die-with-parent",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--",
        "/bin/true",
    ]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started ({exc}); {INSTALL_HINT}"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap cannot create a sandbox here ({reason}); it needs unprivileged user "
            f"namespaces or root; {INSTALL_HINT}"
        )
    return ""


def require_sandbox() -> None:
    """Raise SandboxUnavailable (one line, with the install command) when bubblewrap cannot run."""
    problem = sandbox_problem()
    if problem:
        raise SandboxUnavailable(problem)


_SIZES_TMPFS: list[bool] = []


def _sizes_tmpfs() -> bool:
    """bubblewrap 0.7 and later can cap a tmpfs (`--size`); older ones refuse the option. Kept
    once bwrap has answered; a failure to ask (a timeout on a busy machine) is not kept, so the
    forkserver's preload, which asks once for every worker, cannot leave them all uncapped."""
    if _SIZES_TMPFS:
        return _SIZES_TMPFS[0]
    try:
        done = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    _SIZES_TMPFS.append("--size" in done.stdout)
    return _SIZES_TMPFS[0]


def _as_root() -> bool:
    return os.geteuid() == 0


def _namespace_flags() -> list[str]:
    if _as_root():
        # No user namespace: root's would map only uid 0, and the launcher needs to become a uid
        # of its own.
        return [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
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
    """Real paths the kernel needs to read: the interpreter, its packages, the coursebook
    package."""
    package = Path(os.path.realpath(__file__)).parents[
        2
    ]  # coursebook/, whichever way it is installed
    roots = {Path(os.path.realpath(sys.base_prefix)), Path(os.path.realpath(sys.prefix)), package}
    roots.update(Path(os.path.realpath(p)) for p in site.getsitepackages() if Path(p).is_dir())
    # A venv's python is a symlink into the base installation: bind the link's target folder too.
    roots.add(Path(os.path.realpath(sys.executable)).parent.parent)
    ordered = sorted(r for r in roots if r.is_dir() and str(r) not in ("/", "/usr"))
    # Keep only outermost folders (a nested bind would hide nothing, but costs a mount).
    return [r for r in ordered if not any(r != o and o in r.parents for o in ordered)]


HOST_PATHS_NOTE = (
    "shown: no tree of hard links could be made (the temporary folder is on another disk than "
    "Python or its packages), so the sandbox binds their own folders and /proc/self/mountinfo "
    "inside names them"
)
"""A row's `host_paths` where the layout is not `hidden` (the guide says the same)."""


@dataclass(frozen=True)
class Layout:
    """Where the interpreter, its packages and coursebook appear inside the sandbox: neutral paths
    (/opt/python, /opt/venv, /opt/coursebook), so a venv or home reached through a symlink works
    and no program inside finds them at the instructor's paths. They are bound from trees of hard
    links at neutral paths (`runtime_copy`), so /proc/self/mountinfo, which shows where a bind
    comes from, names none of the instructor's folders either; where no such tree can be made,
    from the real folder (`hidden` is False then)."""

    binds: tuple[tuple[str, str], ...]  # (real host path, path inside), folders or files
    python: str  # the interpreter to run inside
    environment: tuple[tuple[str, str], ...]  # added to ENVIRONMENT inside
    venv_config: str  # pyvenv.cfg to place at /opt/venv/pyvenv.cfg ('' when not a venv)
    mounts: tuple[tuple[str, str], ...] = ()  # (what bwrap binds from, path inside); () = binds
    hidden: bool = True  # every bind comes from a neutral path
    font_list: tuple[str, str] | None = None  # matplotlib's font list: (host file, path inside)

    def __post_init__(self):
        if not self.mounts:
            object.__setattr__(self, "mounts", self.binds)
            object.__setattr__(self, "hidden", not self.binds)

    def inside(self, host: str | Path) -> str:
        """The path inside the sandbox of a host file under one of the binds."""
        real = Path(os.path.realpath(host))
        for source, target in sorted(self.binds, key=lambda b: -len(b[0])):
            if real == Path(source) or Path(source) in real.parents:
                return str(Path(target) / real.relative_to(source))
        return str(real)


def _under_usr(path: Path) -> bool:
    return path == Path("/usr") or Path("/usr") in path.parents


_GIVEN: list[Layout] = []


def use_layout(view: Layout) -> None:
    """Take `view` as this process's layout (a worker, given the class loop's)."""
    _GIVEN[:] = [view]


def layout() -> Layout:
    """The sandbox's view of this grader's Python (worked out once per process, or given)."""
    return _GIVEN[0] if _GIVEN else _layout()


@functools.lru_cache(maxsize=1)
def _layout() -> Layout:
    sweep_ipc_folders()  # once for the run, in the grader's own process (workers are given this)
    base = Path(os.path.realpath(sys.base_prefix))
    executable = Path(os.path.realpath(sys.executable))
    binds: list[tuple[str, str]] = []
    base_inside = str(base) if _under_usr(base) else "/opt/python"
    if base_inside != str(base):
        binds.append((str(base), base_inside))
    environment = [("LD_LIBRARY_PATH", f"{base_inside}/lib")] if base_inside != str(base) else []
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    venv_config = ""
    system_site = "false"
    prefix = Path(os.path.realpath(sys.prefix))
    if prefix != base:  # a venv: its packages at /opt/venv, run through a config of its own
        sites = [
            Path(os.path.realpath(p))
            for p in site.getsitepackages()
            if Path(p).is_dir() and prefix in Path(os.path.realpath(p)).parents
        ]
        for folder in dict.fromkeys(sites):
            binds.append((str(folder), f"/opt/venv/lib/{version}/site-packages"))
            break
        binds.append((str(executable), "/opt/venv/bin/python"))
        try:
            cfg = (Path(sys.prefix) / "pyvenv.cfg").read_text(encoding="utf-8")
            if re.search(r"^include-system-site-packages\s*=\s*true", cfg, re.M | re.I):
                system_site = "true"
        except OSError:
            pass
        base_bin = str(executable.parent) if _under_usr(base) else f"{base_inside}/bin"
        venv_config = (
            f"home = {base_bin}\ninclude-system-site-packages = {system_site}\n"
            f"version = {'.'.join(map(str, sys.version_info[:3]))}\n"
        )
        python = "/opt/venv/bin/python"
    else:
        inside = f"{base_inside}/{executable.relative_to(base)}" if not _under_usr(base) else ""
        python = inside or str(executable)
    package = Path(os.path.realpath(__file__)).parents[2]  # coursebook/, however it is installed
    probe = Layout(tuple(binds), python, (), "")
    if probe.inside(package) == str(package):  # outside the interpreter's folders (editable)
        binds.append((str(package), "/opt/coursebook/coursebook"))
        environment.append(("PYTHONPATH", "/opt/coursebook"))
    skip_base_site = venv_config != "" and system_site == "false"
    mounts = _neutral_sources(binds, base, version, skip_base_site=skip_base_site)
    hidden = not any(source == real for (source, _), (real, _) in zip(mounts, binds, strict=True))
    view = Layout(tuple(binds), python, tuple(environment), venv_config, tuple(mounts), hidden)
    return dataclasses.replace(view, font_list=_font_list(view))


FONT_LIST = (
    "import matplotlib as m, matplotlib.font_manager as f, pathlib, sys\n"
    "p = pathlib.Path(m.get_cachedir(), f'fontlist-v{f.FontManager.__version__}.json')\n"
    "sys.stdout.write(p.name + '\\n' + p.read_text(encoding='utf-8'))\n"
)


def _font_list(view: Layout) -> tuple[str, str] | None:
    """matplotlib's font list as a kernel in this sandbox builds it (0.15 s of CPU in every kernel
    that imports pyplot with an empty config folder), built once in a sandbox and kept with the
    trees; None where matplotlib is not installed or the list cannot be made."""
    if importlib.util.find_spec("matplotlib") is None:
        return None
    key = hashlib.sha256(repr((view.mounts, view.python, view.environment)).encode())
    folder = cache_folder(f"mpl-{key.hexdigest()[:20]}")
    if folder is None:
        return None
    found = sorted(folder.glob("fontlist-v*.json"))
    if not found:
        box = Sandbox.create()
        try:
            done = subprocess.run(
                box.command([view.python, "-c", FONT_LIST], view=view),
                capture_output=True,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        finally:
            box.remove()
        name, _, content = done.stdout.partition(b"\n")
        named = re.fullmatch(rb"fontlist-v[0-9A-Za-z.]+\.json", name)
        if done.returncode != 0 or not named or not content:
            return None
        made = folder / f".{name.decode()}.{os.getpid()}"
        made.write_bytes(content)
        os.replace(made, folder / name.decode())
        found = [folder / name.decode()]
    return str(found[0]), f"{INSIDE_HOME}/.matplotlib/{found[0].name}"


def _neutral_sources(binds, base: Path, version: str, *, skip_base_site: bool):
    """(what to bind from, path inside) for each bind: its tree of links where one can be made."""
    trees: dict[str, Path] = {}
    mounts = []
    for real, inside in binds:
        under = next((t for t in trees if real == t or real.startswith(t + "/")), None)
        if under is not None:  # a file inside a folder mirrored already (the venv's python)
            mounts.append((str(trees[under] / os.path.relpath(real, under)), inside))
            continue
        if _under_usr(Path(real)):
            mounts.append((real, inside))  # a system interpreter (/usr): its path is nobody's
            continue
        if real == str(base):
            skip = (f"lib/{version}/site-packages",) if skip_base_site else ()
            tree = neutral_tree(real, skip)
        else:
            tree = neutral_tree(real, deep=inside.startswith("/opt/coursebook"))
        if tree is not None:
            trees[real] = tree
        mounts.append((str(tree) if tree is not None else real, inside))
    return mounts


@functools.lru_cache(maxsize=2)
def confinement(refuse_memory: bool = True) -> tuple[bytes, str]:
    """(seccomp program or b'', '' or one line saying why there is none); warns once if none."""
    try:
        return filter_program(refuse_memory), ""
    except SeccompUnavailable as exc:
        problem = (
            f"{exc}: kernels run without a seccomp filter (keyrings, ptrace, io_uring, "
            "namespaces, memfd are open to them); install libseccomp2 and "
            "`pip install pyseccomp`"
        )
        warnings.warn(problem, RuntimeWarning, stacklevel=2)
        return b"", problem


def memory_note(memory_mb: int, tmp_mb: int, refused: bool) -> str:
    """Which memory limit held this sandbox, as the row says it (no memory cgroup is used)."""
    shared = "memfd and SysV shm refused" if refused else "memfd and SysV shm NOT limited"
    tmp = f"/tmp and /submission {tmp_mb} MB each" if tmp_mb else "/tmp, /submission not capped"
    return f"{memory_mb} MB per process (RLIMIT_AS), {tmp}, {shared}"


@dataclass
class Sandbox:
    """The folders of one submission's sandbox on the host, and the bwrap command that uses them."""

    root: Path
    work: Path = field(init=False)  # what the grader puts here is copied into /submission (tmpfs)
    runtime: Path = field(init=False)  # bound at /run/kernel: the kernel's IPC sockets
    private: Path = field(init=False)  # the grader's alone: connection file, links to the sockets
    home: Path = field(init=False)
    uid: int | None = field(init=False)  # the kernel's own uid (root only), else None
    notes: dict = field(init=False, default_factory=dict)  # what held this sandbox, for the row
    ipc_capped: bool = field(init=False, default=False)  # /run/kernel is a tmpfs of IPC_BYTES
    ipc_folder: int | None = field(init=False, default=None)  # descriptor of /run/kernel inside
    held: list = field(init=False, default_factory=list)  # descriptors of the kernel's sockets

    def __post_init__(self):
        self.work = self.root / "work"
        self.work.mkdir(parents=True)
        # A Unix socket's path may not exceed 107 bytes: under a deep root, the IPC folders get a
        # short one of their own in /tmp (else they stay inside root: one folder per submission).
        # So do they for a root grader, whose thread that connects runs as the kernel's uid and
        # must pass through every folder above them (/tmp is open to all, a work folder is not).
        # They hold no mount: a grader killed by SIGKILL leaves a small folder, swept next time.
        ipc = self.root
        if len(str(self.root / "c" / "k0123456789abcdef-65535")) > 100 or _as_root():
            if not _GIVEN:  # a worker: the class loop has swept already (`_layout`)
                sweep_ipc_folders()
            ipc = Path(tempfile.mkdtemp(prefix=f"{IPC_PREFIX}{os.getpid()}-", dir="/tmp"))
        # runtime: the sockets of an unsandboxed kernel; private: the grader's links to them
        self.runtime, self.private = ipc / "k", ipc / "c"
        self.runtime.mkdir()
        self.private.mkdir(mode=0o700)
        self.home = (
            self.root / "home"
        )  # HOME when unsandboxed (inside the sandbox, HOME is in its /tmp)
        self.home.mkdir()
        self.uid = (
            secrets.randbelow(UID_RANGE[1] - UID_RANGE[0]) + UID_RANGE[0] if _as_root() else None
        )
        if self.uid is not None:
            os.chmod(
                self.root, 0o711
            )  # unsandboxed, the kernel's uid passes through to its folders
            os.chmod(ipc, 0o711)
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

    def command(
        self,
        argv: list[str],
        tmp_bytes: int = 0,
        memory_mb: int = 0,
        connection_file: str = "",
        view: Layout | None = None,
    ) -> list[str]:
        """bwrap around `argv` (run inside, from /submission, with the allow-list environment).

        `tmp_bytes` caps the private /tmp and /submission (each), which live in memory (0: no cap
        of our own); /submission holds a copy of the files in `work` besides.
        `connection_file` (a host path) is bound read-only inside.
        """
        view = view or layout()
        program, problem = confinement(True)
        cmd = [*_namespace_flags(), "--die-with-parent", "--new-session", "--clearenv"]
        for top in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        made: set[str] = set()

        def parents(dest: str) -> list[str]:
            # bwrap makes missing parent folders 0700; the kernel's uid must be able to pass
            # through them.
            out = []
            for parent in reversed(Path(dest).parents):
                if str(parent) not in made and str(parent) not in ("/", "/usr", "/tmp", "/etc"):
                    made.add(str(parent))
                    out += ["--perms", "0755", "--dir", str(parent)]
            return out

        # /tmp first: bwrap applies these in order, and a later tmpfs would hide a bind under /tmp.
        sized = bool(tmp_bytes) and _sizes_tmpfs()
        size = ["--size", str(tmp_bytes)] if sized else []
        cmd += ["--perms", "1777", *size, "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/etc"]
        for name in ETC_FILES:
            etc = Path("/etc") / name
            if etc.exists():
                cmd += [*parents(str(etc)), "--ro-bind", os.path.realpath(etc), str(etc)]
        for source, target in view.mounts:
            cmd += [*parents(target), "--ro-bind", source, target]
        if view.font_list is not None:  # the kernel's own folders (it writes there), a list in
            for folder in (INSIDE_HOME, f"{INSIDE_HOME}/.matplotlib"):
                made.add(folder)
                cmd += ["--perms", "0777", "--dir", folder]
            cmd += ["--ro-bind", *view.font_list]
        data: list[str] = []  # host files copied in through descriptors: no host path inside

        def copy(option: str, source: Path | str, inside: str) -> list[str]:
            if len(data) == len(DATA_FDS):
                raise ValueError(f"more than {len(DATA_FDS)} files to copy into the sandbox")
            data.append(str(source))
            return [
                "--perms",
                "0644" if option == "--ro-bind-data" else "0666",
                option,
                str(DATA_FDS[len(data) - 1]),
                inside,
            ]

        if view.venv_config:
            config = self.root / "pyvenv.cfg"
            config.write_text(view.venv_config, encoding="utf-8")
            cmd += copy("--ro-bind-data", config, "/opt/venv/pyvenv.cfg")
        copies = self._copies()
        copied = sum(source.stat().st_size for _, source in copies)
        work_size = ["--size", str(tmp_bytes + copied)] if sized else []
        cmd += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--perms",
            "0777",
            *work_size,
            "--tmpfs",
            INSIDE_WORK,
        ]
        for inside, copied_from in copies:
            if copied_from.is_dir():
                cmd += ["--perms", "0777", "--dir", inside]
            else:
                cmd += copy("--file", copied_from, inside)
        # The IPC folder: a tmpfs of the sandbox's own (capped, where bwrap can), reached by the
        # grader through /proc/<pid>/root; it ends with the sandbox's mount namespace.
        self.ipc_capped = _sizes_tmpfs()
        ipc_size = ["--size", str(IPC_BYTES)] if self.ipc_capped else []
        cmd += [
            *parents(INSIDE_IPC),
            "--perms",
            "1777",
            *ipc_size,
            "--tmpfs",
            INSIDE_IPC,
            "--chdir",
            INSIDE_WORK,
        ]
        if connection_file:
            cmd += copy("--ro-bind-data", connection_file, INSIDE_CONNECTION)
        if self.uid is not None:
            # The launcher switches to self.uid at once and so loses these (and every other)
            # capability.
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        for name, value in [*ENVIRONMENT.items(), *view.environment]:
            cmd += ["--setenv", name, value]
        tmp_mb = tmp_bytes // 2**20 if sized else 0
        self.notes = {
            "memory_limit": memory_note(memory_mb, tmp_mb, bool(program)),
            "disk_limit": disk_note(tmp_mb, self.ipc_capped),
        }
        if not view.hidden:
            self.notes["host_paths"] = HOST_PATHS_NOTE
        # bwrap reads its arguments, the filter and the copies from descriptors: a shell opens them
        # and becomes bwrap (same pid): /proc/1/cmdline inside shows `bwrap --args 8 -- <argv>`.
        files = {ARGS_FD: self.root / "bwrap.args"}
        if program:
            files[SECCOMP_FD] = self.root / "seccomp.bpf"
            files[SECCOMP_FD].write_bytes(program)
            cmd += ["--seccomp", str(SECCOMP_FD)]
            self.notes["seccomp"] = "on"
        else:
            self.notes["sandbox_warning"] = problem
        files.update({DATA_FDS[i]: Path(source) for i, source in enumerate(data)})
        if any("\0" in a for a in cmd):
            raise ValueError("a sandbox argument holds a NUL character")
        files[ARGS_FD].write_bytes(b"".join(a.encode() + b"\0" for a in cmd))
        bwrap = shutil.which("bwrap") or "bwrap"
        opens = " ".join(f'{fd}<"${{{i + 1}}}"' for i, fd in enumerate(files))
        # The command itself stays on bwrap's command line (bwrap takes no command from --args):
        # `argv` names only paths inside the sandbox.
        script = f'exec {opens}; shift {len(files)}; exec "$0" --args {ARGS_FD} -- "$@"'
        return ["/bin/sh", "-c", script, bwrap, *(str(path) for path in files.values()), *argv]

    def _copies(self) -> list[tuple[str, Path]]:
        """(path inside, host path) of every folder and regular file the grader put in `work`."""
        out = []
        for folder, dirs, names in os.walk(self.work):
            dirs.sort()
            for name in [*sorted(dirs), *sorted(names)]:
                source = Path(folder) / name
                if source.is_dir() or source.is_file():
                    out.append((f"{INSIDE_WORK}/{source.relative_to(self.work)}", source))
        return out

    def ipc_view(self) -> Path | None:
        """The sandbox's /run/kernel as the grader sees it (through the descriptor it holds, also
        after the sandbox has gone); None if the kernel never bound its sockets."""
        return None if self.ipc_folder is None else Path(f"/proc/self/fd/{self.ipc_folder}")

    def release(self) -> None:
        """Close the descriptors of the sandbox's IPC folder and sockets (its tmpfs goes with
        them)."""
        for fd in [*self.held, *([self.ipc_folder] if self.ipc_folder is not None else [])]:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.held, self.ipc_folder = [], None

    def remove(self) -> None:
        """Delete the sandbox's folders without recursion (a submission may nest thousands deep)."""
        self.release()
        remove_tree(*dict.fromkeys([self.root, self.runtime.parent]))  # one `rm` for both


@functools.lru_cache(maxsize=1)
def sweep_ipc_folders() -> None:
    """Remove the link folders of graders that are gone (killed by SIGKILL), once per process.
    Only plain folders named with a pid that no longer runs; never a mount point."""
    for folder in Path("/tmp").glob(f"{IPC_PREFIX}*-*"):
        pid = folder.name[len(IPC_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue
        with contextlib.suppress(OSError):
            if folder.is_symlink() or not folder.is_dir() or os.path.ismount(folder):
                continue
            if folder.stat().st_uid == os.geteuid():
                remove_tree(folder)


def disk_note(work_mb: int, ipc_capped: bool) -> str:
    """Which limits bound what the kernel writes, as the row says it."""
    work = (
        f"/submission and /tmp {work_mb} MB each (tmpfs)"
        if work_mb
        else "/submission, /tmp not capped (tmpfs, in memory)"
    )
    ipc = (
        f"/run/kernel {IPC_BYTES // 2**20} MB (tmpfs)"
        if ipc_capped
        else "/run/kernel not capped (tmpfs, in memory; bubblewrap older than 0.7)"
    )
    return f"{work}; {ipc}"


def remove_tree(*folders: Path) -> None:
    """Remove folders however deep they go, whatever their content's modes; never follows links."""
    left = [str(folder) for folder in folders if os.path.lexists(folder)]
    left = [folder for folder in left if not remove_small(folder)]  # small: no `rm` process
    done = None
    # coreutils' rm walks without recursion; found on the system path, whatever PATH the grader has
    rm = [shutil.which("rm", path=SYSTEM_PATH) or "rm", "-rf", "--one-file-system", "--"]
    for unlock in (False, True, False):
        if not left:
            return
        # the unlock step: folders only, never a hard-linked file's mode
        argv = unlock_command(left) if unlock else [*rm, *left]
        done = subprocess.run(argv, capture_output=True, timeout=300)
        left = [folder for folder in left if os.path.lexists(folder)]
    if left:
        said = done.stderr.decode(errors="replace").strip()[:200] if done is not None else ""
        raise OSError(f"could not remove {', '.join(left)}: {said}")
