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


def reading_grade(path, checks, limits, *, sandbox=True, work_root=None):
    """The real grader without the kernel: reads and validates the file as grade_submission does, keeps
    the written response, and credits nothing. Files named `*leaves-deep-tree*` leave a folder 1,500
    levels deep in the work root, as a submission's sandbox that could not be removed would."""
    from coursebook.classroom.grader.run import read_submission, written_response

    if "leaves-deep-tree" in path.name and work_root is not None:
        here = os.open(work_root, os.O_RDONLY)
        for _ in range(1500):
            os.mkdir("d", dir_fd=here)
            inner = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = inner
        os.close(here)
    if "recursion" in path.name:
        raise RecursionError("maximum recursion depth exceeded")
    nb, problem = read_submission(path)
    tasks = {t.id: TaskResult(0.0, t.points, Verdict.NOT_RUN, t.hint) for t in checks.tasks}
    if nb is None:
        status, detail = problem
        return SubmissionResult(student="", source=path.name, status=status, tasks=tasks, detail=detail,
                                sandboxed=sandbox)
    return SubmissionResult(student="", source=path.name, status=Status.OK, tasks=tasks, sandboxed=sandbox,
                            written_response=written_response(nb))


def slow_grade(path, checks, limits, *, sandbox=True, work_root=None):
    """Grades what it was given, after a 3 s pause in which the original file can be swapped. A file
    holding `MARK<folder>MARK` leaves a file in that folder when the pause begins (the forkserver's
    environment is fixed when it starts, so the folder travels in the file itself)."""
    import re

    found = re.search(rb"MARK(/[^\"]+?)MARK", path.read_bytes())
    if found:
        open(os.path.join(os.fsdecode(found[1]), f"{os.getpid()}"), "w").close()
    time.sleep(3)
    earned = b"share = 0.60 * 0.40" in path.read_bytes()
    return SubmissionResult(student="", source=path.name, status=Status.OK, sandboxed=sandbox,
                            tasks={t.id: TaskResult(t.points if earned else 0.0, t.points,
                                                    Verdict.CORRECT if earned else Verdict.INCORRECT)
                                   for t in checks.tasks})
