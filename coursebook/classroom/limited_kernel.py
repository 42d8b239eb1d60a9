"""Start an IPython kernel under a memory limit (used by the grader's kernel spec)."""

import os
import resource

limit_mb = int(os.environ.get("COURSEBOOK_MEMORY_MB", "0"))
if limit_mb > 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 2**20, limit_mb * 2**20))

from ipykernel import kernelapp  # noqa: E402  (the limit must be set before the kernel starts)

kernelapp.launch_new_instance()
