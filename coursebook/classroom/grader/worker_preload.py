"""What the grader's forkserver loads once, so that every worker forked from it (one per submission)
starts with it done: the worker's own code, and the first-use set-up of what a worker calls, which
each worker would otherwise repeat (about 0.1 s of CPU per submission, measured with ex3a):

- nbformat's schema validators (building one costs 0.035 s, at the first `validate`);
- the seccomp program (loading libseccomp and compiling the filter: 0.01 to 0.02 s);
- whether bubblewrap can cap a tmpfs (`bwrap --help`: a process);
- jupyter_client's list of kernel provisioners (read from every installed package's entry points:
  0.03 s).

Imported by the forkserver only (`classroom._context`). Nothing here starts a thread, opens a
socket or keeps a file open (a forked worker would inherit it). A failure costs speed, never a
worker: each worker then does the same work itself, as before.
"""

from __future__ import annotations

import contextlib

import nbformat
from jupyter_client.provisioning import KernelProvisionerFactory

from . import classroom  # noqa: F401  the worker's function, which each worker unpickles by name
from .sandbox import _sizes_tmpfs
from .seccomp import filter_program

NOTEBOOK_MINORS = (4, 5)
"""The nbformat 4 minor versions whose validators are built ahead (the ones notebooks carry)."""


def warm() -> None:
    """Do once, here, what every worker would do the first time. Never raises."""
    for minor in NOTEBOOK_MINORS:
        with contextlib.suppress(Exception):
            nbformat.validate(nbformat.v4.new_notebook(nbformat_minor=minor))
    with contextlib.suppress(Exception):
        filter_program(True)  # what `confinement()` asks for; unavailable: each sandbox says so
    with contextlib.suppress(Exception):
        _sizes_tmpfs()
    with contextlib.suppress(Exception):
        KernelProvisionerFactory.instance()


warm()
