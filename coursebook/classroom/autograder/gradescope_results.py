"""One graded submission as Gradescope's `results.json` (pure: data in, a JSON-ready dict out).

Format: https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format. One test per
task (`name`, `number`, `score`, `max_score`, `status`, `output`, `visibility`); the written
response as an unscored test marked for manual grading (Gradescope grades it in a manually graded
question of the same assignment); the run's status in the top-level `output` and in `extra_data`.
A task's `output` is what the student's feedback page says (the verdict, and the hint when the
task is not right), never the answer: results hold no answers.
"""

from __future__ import annotations

import contextlib

from ..exercise.limits import Limits
from ..exercise.task import CheckFile
from ..grader.feedback import STUDENT_STATUS
from ..grader.results import Status, SubmissionResult, Verdict
from ..grader.writers import REASON_TEXT, VERDICT_TEXT, number

HIDDEN_TASK_VISIBILITY = "after_published"
"""A task the student's own check() cannot test is shown once the instructor publishes grades, so
students cannot probe it by submitting again and again."""
MANUAL_TAG = "manual-grading"
SUBMISSION_PROBLEMS = ("no-notebook", "several-notebooks")
MAX_OUTPUT = 10_000


def _task_output(verdict: Verdict, value_type: str, hint: str) -> str:
    said = VERDICT_TEXT[verdict].capitalize() + "."
    if verdict is Verdict.WRONG_TYPE and value_type:
        said += f" Your value was a {value_type}; use plain numbers, text, lists or dicts."
    if verdict not in (Verdict.CORRECT, Verdict.WITHHELD) and hint:
        said += f"\nHint: {hint}"
    return said


def explanation(result: SubmissionResult, limits: Limits) -> list[str]:
    """What happened to the run, for the student: the status, then what to do about it."""
    detail = result.detail
    # The notes given by the caller say what was received.
    if detail.get("reason") in SUBMISSION_PROBLEMS:
        return []
    lines = [STUDENT_STATUS[result.status]]
    if result.status is Status.TIMEOUT:
        lines.append(
            f"Each cell may run {limits.cell_timeout} s and the whole notebook "
            f"{limits.total_timeout} s; look for a loop that never ends or a slow computation."
        )
        lines.append(
            "Answers set before the stop still count."
            if limits.on_timeout == "keep"
            else (
                "Under this exercise's rules a notebook stopped at the time limit scores 0: make "
                "every cell finish and submit again."
            )
        )
    elif result.status is Status.CRASHED:
        lines.append(
            "Code that ends the Python process (os._exit, exit signals, a crashing library) stops "
            "the kernel; run your notebook from the top (Restart & Run All) to find the cell."
        )
    elif result.status is Status.MEMORY:
        lines.append(f"The limit is {limits.memory_mb} MB.")
    elif result.status is Status.OUTPUT_LIMIT:
        lines.append(f"The limit is {limits.max_output_bytes:,} bytes of output; print less.")
    elif result.status is Status.GRADER_ERROR:
        lines.append("This is not your fault; your instructor can see the error and will grade it.")
    reason = detail.get("reason")
    if reason in REASON_TEXT:
        with contextlib.suppress(KeyError, ValueError):
            lines.append(
                REASON_TEXT[reason]
                .format_map({k: v if v is not None else "?" for k, v in detail.items()})
                .capitalize()
                + "."
            )
    if detail.get("error_cells"):
        count = detail["error_cells"]
        lines.append(f"{count} cell{'s' if count != 1 else ''} raised errors.")
    return lines


def gradescope_results(
    result: SubmissionResult,
    checks: CheckFile,
    limits: Limits,
    *,
    sandbox_note: str = "",
    notes: tuple[str, ...] = (),
    version: str = "",
) -> dict:
    """The dict to write as `results.json`."""
    tests = []
    for position, task in enumerate(checks.tasks, start=1):
        outcome = result.tasks.get(task.id)
        verdict = outcome.verdict if outcome else Verdict.NOT_RUN
        points = outcome.points if outcome else 0.0
        tests.append(
            {
                "name": task.id,
                "number": str(position),
                "score": points,
                "max_score": task.points,
                "status": "passed" if verdict is Verdict.CORRECT else "failed",
                "output": _task_output(verdict, outcome.value_type if outcome else "", task.hint),
                "visibility": HIDDEN_TASK_VISIBILITY if task.hidden else "visible",
                "tags": ["auto-graded"],
                "extra_data": {"verdict": verdict.value},
            }
        )
    written = result.written_response
    tests.append(
        {
            "name": "Written response (graded by your instructor)",
            "number": str(len(checks.tasks) + 1),
            "output": written[:MAX_OUTPUT]
            if written
            else "No written response found in your notebook.",
            "visibility": "visible",
            "tags": [MANUAL_TAG],
            "extra_data": {"manual_grading": True, "found": bool(written)},
        }
    )
    hidden = [task for task in checks.tasks if task.hidden]
    if hidden:  # their verdicts must not show in any total before grades are published
        visible = [t for t in checks.tasks if not t.hidden]
        shown = sum(result.tasks[t.id].points for t in visible if t.id in result.tasks)
        more = f"{len(hidden)} more task{'s are' if len(hidden) != 1 else ' is'}"
        score_line = (
            f"Auto-graded score on the tasks shown now: {number(shown)} of "
            f"{number(sum(t.points for t in visible))}; {more} graded and shown when "
            "your instructor publishes grades. The written response is graded by hand."
        )
    else:
        score_line = (
            f"Auto-graded score: {number(result.total)} of "
            f"{number(checks.total_points)}; the written response is graded by hand."
        )
    summary = [*explanation(result, limits), score_line, *notes]
    if sandbox_note:
        summary.append(sandbox_note)
    results = {
        "score": result.total,
        "execution_time": max(0, round(result.seconds)),
        "output": "\n".join(summary),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {
            "status": result.status.value,
            "sandboxed": result.sandboxed,
            "detail": result.detail,
            "exercise": checks.exercise,
            "coursebook": version,
        },
        "tests": tests,
    }
    if hidden:
        # Gradescope shows students no total while a test is hidden (its documentation); the default
        # visibility says so too, and the output above counts only the tasks shown now.
        results["visibility"] = HIDDEN_TASK_VISIBILITY
    return results
