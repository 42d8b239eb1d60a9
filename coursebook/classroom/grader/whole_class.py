"""`coursebook grade` as a library call: one assignment, a folder or LMS zip of submissions, an
output folder; optionally one shard of the class.

`grade_class` checks the output folder, unpacks and collects the submissions, grades them with
`grade_all` (resumable) and, for a shard, writes its manifest once the shard is complete. The
command line only maps its options to this call and prints the outcome.

With a roster (per-student values, per_student.py), the answer keys of the students who handed
something in are computed first (the solution notebook run with each one's values, all in one
kernel; cached, so a second run or a shard of the same machine computes nothing).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from ...errors import GradingInputError
from ..exercise.assignment import Assignment
from ..roster import Roster, Student
from .classroom import Warn, grade_all, no_warning
from .collect import (
    MOODLE_GRACE,
    Submission,
    collect,
    downloaded_at,
    nested_lms_names,
    resolve_ambiguous,
)
from .notebook_file import parse_submission, read_bytes
from .per_student import StudentKeys, released_per_student, student_keys
from .run import preflight
from .sandbox import require_sandbox
from .shard import ShardSpec, clear_manifest, select, write_manifest
from .store import terms
from .writers import Row


class ResultsUnwritable(OSError):
    """The results, gradebooks or feedback pages could not be written."""

    def __str__(self) -> str:
        return f"cannot write the results: {self.args[0]}"


@dataclass(frozen=True)
class ClassGrading:
    """What one `grade_class` run graded: a row per file of its shard (or of the class)."""

    rows: list[Row]
    everyone: list[Submission]
    """Every file of the class, whichever shard was graded."""
    graded: list[Submission]
    shard: ShardSpec | None

    def counts(self) -> dict[str, int]:
        """Rows per status (`ok`, `timeout`, ...)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.result.status.value] = counts.get(row.result.status.value, 0) + 1
        return counts


def output_problem(submissions: Path, out_dir: Path, answers_dir: Path) -> str:
    """The output folder must not sit inside the submissions (it would be collected as submissions)
    and must not hold the submissions or the answer key (the grader rewrites parts of it)."""
    out, source, answers = out_dir.resolve(), submissions.resolve(), answers_dir.resolve()
    if out == source or (source.is_dir() and source in out.parents):
        return (
            f"--out {out_dir} is inside the submissions folder {submissions}; "
            "choose a folder outside it"
        )
    if out in source.parents or out in answers.parents or out == answers:
        return f"--out {out_dir} contains the submissions or the answers; choose a separate folder"
    return ""


def grade_class(
    assignment: Assignment,
    submissions: Path,
    out_dir: Path,
    *,
    jobs: int = 1,
    force: bool = False,
    sandbox: bool = True,
    shard: ShardSpec | None = None,
    progress: bool = True,
    language: str = "en",
    downloaded: datetime | None = None,
    warn: Warn = no_warning,
    roster: Roster | None = None,
) -> ClassGrading:
    """Grade `submissions` (a folder or an LMS zip) into `out_dir`.

    `language` is the Moodle course's (the worksheet's headers); `downloaded` (UTC) is when the
    submissions were downloaded, for the worksheet's `Last modified (grade)` (default: the zip's or
    the newest file's time); `warn` hears of anything that did not stop the class (a result that
    could not be saved, the grader failing on a file), each naming the file. `roster`: grade each
    file against its owner's own values (the course must have a secret).

    Raises SandboxUnavailable (sandbox wanted but unusable, or no kernel starts: KernelUnavailable,
    before any student is graded), GradingInputError (unusable
    submissions or output folder), OSError (unreadable input; ResultsUnwritable for the outputs)
    and GradingInterrupted (a signal; finished results are kept for the next run).
    """
    if sandbox:
        require_sandbox()
    problem = output_problem(submissions, out_dir, assignment.answers_dir)
    if problem:
        raise GradingInputError(problem)
    out_dir.mkdir(parents=True, exist_ok=True)
    unpacked = out_dir / "unpacked"
    if unpacked.exists():
        shutil.rmtree(unpacked)  # our own copy of the last archive: unpacked afresh each run
    clear_manifest(out_dir)  # a shard's manifest is written only once the shard is complete
    everyone = collect(submissions, unpacked)
    if roster is not None:  # a Canvas name with several users' ids: the list may tell whose
        everyone = resolve_ambiguous(
            everyone, {s.canvas_id for s in roster.students if s.canvas_id}
        )
    nested = nested_lms_names(everyone)
    if nested:  # only the first part of a path names its owner: say so, never guess deeper
        warn(
            f"{len(nested)} file(s) are named like Canvas or Moodle files below a first folder "
            f"({nested[0]}, ...): each belongs to its first folder only; if the LMS's zip was "
            "unpacked one folder too deep, grade the folder that holds the LMS's names"
        )
    if roster is None and getattr(assignment.checks, "parameters", None):
        released_without_roster(everyone, submissions, warn)
    graded = select(everyone, shard) if shard is not None else everyone
    if downloaded is not None:
        moodle_time = downloaded.replace(tzinfo=UTC) - MOODLE_GRACE
    else:
        moodle_time = downloaded_at(submissions, everyone)
    # each owner's key first: a course without a secret stops here, before any kernel starts
    keys = None
    if roster is not None:
        owners = [roster.owner(s.lms, s.lms_id, s.source) for s in graded if s.refusal is None]
        keys = per_student(assignment, roster, [o for o in owners if o is not None], warn)
    # One trivial kernel checks the grader's set-up, beside the first students' kernels: if it
    # fails, the run stops with one line and no student's result is recorded.
    check = partial(preflight, assignment.checks, assignment.limits, sandbox=sandbox)
    try:
        rows = grade_all(
            graded,
            assignment,
            out_dir,
            jobs=jobs,
            force=force,
            sandbox=sandbox,
            progress=progress,
            warn=warn,
            moodle_time=moodle_time,
            language=language,
            preflight=check if graded else None,
            keys=keys,
        )
    except OSError as exc:
        raise ResultsUnwritable(exc) from exc
    if shard is not None:
        write_manifest(
            out_dir,
            shard,
            assignment.name,
            everyone,
            graded,
            terms=terms(assignment, sandbox, keys is not None)
            + (f";roster={keys.terms()}" if keys is not None else ""),
            moodle_time=moodle_time.isoformat(),
        )
    return ClassGrading(rows=rows, everyone=everyone, graded=graded, shard=shard)


def released_without_roster(everyone: list[Submission], submissions: Path, warn: Warn) -> None:
    """Without a roster: stop (GradingInputError) when at least half of the class's notebooks come
    from a per-student release, whose values are their owners' own (graded against the course's,
    every row would end in wrong answers); warn when a few do (their rows say so)."""
    count = readable = 0
    for submission in everyone:
        if submission.path is None or submission.refusal is not None:
            continue
        try:
            raw = read_bytes(submission.path)
        except OSError:
            continue
        if b"login" not in raw:  # cheap: most files of a class that is not per student stop here
            readable += 1
            continue
        nb, _ = parse_submission(raw)
        if nb is not None:
            readable += 1
            count += released_per_student(nb)
    if count and 2 * count >= readable:
        raise GradingInputError(
            f"{count} of the {readable} notebooks in {submissions} were released per student "
            "(their first cell asks for the login): grade them with --roster and the class list "
            "you released with"
        )
    if count:
        warn(
            f"{count} notebook(s) were released per student (their first cell asks for the login) "
            "but are graded without --roster: their rows say so"
        )


def per_student(
    assignment: Assignment, roster: Roster, students: list[Student], warn: Warn = no_warning
) -> StudentKeys | None:
    """The keys of `students` (None when the exercise has no parameters: then everyone has the
    course's values). Raises GradingInputError when the course has no secret or its parameters
    cannot be drawn."""
    from ..variants import VariantError, course_secret

    if not getattr(assignment.checks, "parameters", None):
        warn(
            f"{assignment.name} declares no parameters, so every student has the same values: "
            "graded without the roster"
        )
        return None
    try:
        secret = course_secret(assignment.answers_dir)
    except VariantError as exc:
        raise GradingInputError(str(exc)) from None
    if not secret:
        raise GradingInputError(
            "--roster: each student's values are drawn from the course secret, and this course has "
            "none (answers/course.yml or COURSEBOOK_COURSE_SECRET; `coursebook course init`)"
        )
    try:
        return student_keys(assignment, roster, secret, students)
    except VariantError as exc:
        raise GradingInputError(str(exc)) from None
