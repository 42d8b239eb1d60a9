"""The sandbox's seccomp filter: the system calls a submission's kernel is refused.

Built with libseccomp (through `pyseccomp`, its ctypes binding) and handed to bubblewrap as a
compiled BPF program (`bwrap --seccomp FD`). Everything not listed is allowed, as in Docker's
default profile; what is listed opens the host's kernel to a student's code for no use a notebook
has: the keyrings, tracing, BPF, io_uring, namespaces and mounts, kernel modules. Where a memory
cgroup cannot hold the sandbox, memfd and SysV shared memory are refused too: their pages are not
counted by the per-process address-space limit.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import tempfile

REFUSED = (
    "add_key",
    "request_key",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "bpf",
    "userfaultfd",
    "perf_event_open",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "name_to_handle_at",
    "open_by_handle_at",
    "lookup_dcookie",
    "quotactl",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "vhangup",
    "iopl",
    "ioperm",
    "fanotify_init",
    "keyctl",
)
"""Refused with EPERM (keyctl: all but joining a fresh anonymous session keyring, see below)."""
MEMORY_REFUSED = ("memfd_create", "memfd_secret", "shmget")
"""Refused when no memory cgroup holds the sandbox."""
NAMESPACE_FLAGS = (
    0x00020000,
    0x02000000,
    0x04000000,
    0x08000000,
    0x10000000,
    0x20000000,
    0x40000000,
    0x00000080,
)
"""CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME: refused in clone()."""
KEYCTL_JOIN_SESSION_KEYRING = 1


class SeccompUnavailable(RuntimeError):
    """libseccomp or its binding is missing here."""


@functools.lru_cache(maxsize=2)
def filter_program(refuse_memory: bool) -> bytes:
    """The compiled BPF program for this machine's architecture (SeccompUnavailable if none)."""
    try:
        # pyseccomp ships no type information (no stubs, no py.typed marker)
        import pyseccomp as seccomp  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # the binding, or libseccomp.so.2 it loads
        raise SeccompUnavailable(f"libseccomp is not usable ({exc})") from None
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        refuse = seccomp.ERRNO(errno.EPERM)
        for name in sorted(set(REFUSED + (MEMORY_REFUSED if refuse_memory else ())) - {"keyctl"}):
            # a call this architecture or libseccomp version does not know
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                rules.add_rule(refuse, name)
        # keyctl: only KEYCTL_JOIN_SESSION_KEYRING with a NULL name (a fresh anonymous keyring),
        # which the kernel's launcher calls first; every other operation is refused.
        rules.add_rule(refuse, "keyctl", seccomp.Arg(0, seccomp.NE, KEYCTL_JOIN_SESSION_KEYRING))
        rules.add_rule(refuse, "keyctl", seccomp.Arg(1, seccomp.NE, 0))
        for flag in NAMESPACE_FLAGS:
            rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        # clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes libc use clone.
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        with tempfile.TemporaryFile() as out:
            rules.export_bpf(out)
            out.seek(0)
            return out.read()
    except (OSError, RuntimeError, ValueError, AttributeError) as exc:
        raise SeccompUnavailable(f"the seccomp filter could not be built ({exc})") from None
