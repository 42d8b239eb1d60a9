"""Grade students' exercise notebooks: each submission in a bubblewrap sandbox, with limits, into data.

One job per module: `results` (what a grade is), `sandbox` (bubblewrap), `kernel` (the kernel inside
it), `extract` (reading the answers back), `run` (one submission, limits enforced from outside).
"""

from .results import SCHEMA, Status, SubmissionResult, TaskResult, Verdict  # noqa: F401
from .legacy import Limits, grade_submission, result_from_json, result_to_json, student_id  # noqa: F401  (replaced by run.py)
