"""Grade students' exercise notebooks: each submission in a bubblewrap sandbox, with limits,
into data.

One job per module: `results` (what a grade is), `limits`, `sandbox` (bubblewrap), `kernel` (the
kernel inside it, nbclient with limits), `extract` (reading the answers back), `run` (one
submission).
"""

from ..exercise.limits import Limits  # noqa: F401
from .results import SCHEMA, Status, SubmissionResult, TaskResult, Verdict  # noqa: F401
from .run import grade_submission  # noqa: F401
from .sandbox import SandboxUnavailable, require_sandbox, sandbox_problem  # noqa: F401
