"""Start a student's IPython kernel under limits; run inside the sandbox by path, before anything
else.

Stand-alone on purpose (no coursebook imports): it runs first in the sandbox and must be short.
Arguments: <uid or -> <memory MB> <max processes> <max file MB> <IPC folder inside or -> then the
kernel's own arguments.
"""

import ctypes
import json
import os
import platform
import resource
import sys

KEYCTL = {
    "x86_64": 250,
    "aarch64": 219,
    "riscv64": 219,
    "ppc64le": 271,
    "s390x": 280,
    "i686": 288,
    "armv7l": 311,
}
"""keyctl's system call number on each architecture (libc has no wrapper for it)."""


def fresh_session_keyring() -> str:
    """Join a new, empty, anonymous session keyring: the grader's (the instructor's login keys) is
    then out of this process's possession. '' or why it could not be done."""
    number = KEYCTL.get(platform.machine())
    if number is None:
        return f"keyctl's number is unknown on {platform.machine()}"
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.syscall(ctypes.c_long(number), ctypes.c_long(1), ctypes.c_void_p(None)) < 0:
        return os.strerror(ctypes.get_errno())  # ENOSYS/EPERM: a container that forbids keyrings
    return ""


def main() -> None:
    uid, memory_mb, processes, file_mb, ipc = sys.argv[1:6]
    kernel_args = sys.argv[6:]
    fresh_session_keyring()  # first: the seccomp filter allows only this keyctl call
    # The grader's connection file is readable only by the grader's user: read it before leaving it.
    at = kernel_args.index("-f") + 1
    with open(kernel_args[at], encoding="utf-8") as handle:
        connection = json.load(handle)
    if ipc != "-":  # bind in the IPC folder the sandbox shows; the grader connects through links
        connection["ip"] = os.path.join(ipc, os.path.basename(connection["ip"]))
    if uid != "-":  # the grader is root: become a uid of our own, which drops every capability
        os.setgroups([])
        os.setresgid(int(uid), int(uid), int(uid))
        os.setresuid(int(uid), int(uid), int(uid))
    limits = {
        resource.RLIMIT_AS: int(memory_mb) * 2**20,
        resource.RLIMIT_NPROC: int(processes),
        resource.RLIMIT_FSIZE: int(file_mb) * 2**20,
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in limits.items():
        if value > 0 or kind == resource.RLIMIT_CORE:
            resource.setrlimit(kind, (value, value))
    home = os.environ.get("HOME", "/tmp/home")
    os.makedirs(home, exist_ok=True)
    kernel_args[at] = os.path.join(home, "connection.json")
    with open(kernel_args[at], "w", encoding="utf-8") as handle:
        json.dump(connection, handle)
    sys.argv = [sys.argv[0], *kernel_args]
    sys.path[:] = [p for p in sys.path if p != os.path.dirname(os.path.abspath(__file__))]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
