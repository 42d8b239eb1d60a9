"""Stand-ins for grade_submission that fail the way the grader's own code or its worker can.

They run in the class loop's worker processes (so they must be importable by name), and pick their
behaviour from the submission's file name.
"""

import os
import signal
import time

from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict


def misbehaving_grade(path, checks, limits, *, sandbox=True, work_root=None):
    name = path.name
    if "raises" in name:
        raise RuntimeError("the grader's own bug")
    if "sigkill" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "exits" in name:
        os._exit(3)
    if "hangs" in name:
        time.sleep(600)
    if "kills-parent" in name:
        os.kill(os.getppid(), signal.SIGKILL)  # the worker's parent is the forkserver, not the grader
        time.sleep(1)
    return SubmissionResult(student="", source=name, status=Status.OK, sandboxed=sandbox,
                            tasks={t.id: TaskResult(t.points, t.points, Verdict.CORRECT) for t in checks.tasks})


def working_grade(path, checks, limits, *, sandbox=True, work_root=None):
    return misbehaving_grade(path.with_name("fine.ipynb"), checks, limits, sandbox=sandbox)
