"""Start a student's IPython kernel under limits; run inside the sandbox by path, before anything else.

Stand-alone on purpose (no coursebook imports): it runs first in the sandbox and must be short.
Arguments: <uid or -> <memory MB> <max processes> <max file MB> then the kernel's own arguments.
"""

import os
import resource
import sys


def main() -> None:
    uid, memory_mb, processes, file_mb = sys.argv[1:5]
    kernel_args = sys.argv[5:]
    # The grader's connection file is readable only by the grader's user: read it before leaving it.
    at = kernel_args.index("-f") + 1
    with open(kernel_args[at], encoding="utf-8") as handle:
        connection = handle.read()
    if uid != "-":  # the grader is root: become a uid of our own, which drops every capability
        os.setgroups([])
        os.setresgid(int(uid), int(uid), int(uid))
        os.setresuid(int(uid), int(uid), int(uid))
    limits = {resource.RLIMIT_AS: int(memory_mb) * 2**20, resource.RLIMIT_NPROC: int(processes),
              resource.RLIMIT_FSIZE: int(file_mb) * 2**20, resource.RLIMIT_CORE: 0}
    for kind, value in limits.items():
        if value > 0 or kind == resource.RLIMIT_CORE:
            resource.setrlimit(kind, (value, value))
    home = os.environ.get("HOME", "/tmp/home")
    os.makedirs(home, exist_ok=True)
    kernel_args[at] = os.path.join(home, "connection.json")
    with open(kernel_args[at], "w", encoding="utf-8") as handle:
        handle.write(connection)
    sys.argv = [sys.argv[0], *kernel_args]
    sys.path[:] = [p for p in sys.path if p != os.path.dirname(os.path.abspath(__file__))]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
