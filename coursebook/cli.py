"""The command line: `python -m coursebook <command>` (or `coursebook <command>`).

Each command parses its options, calls the library, and turns our errors into one clear line on
stderr with exit code 1 (content or build problems) or 2 (usage: click's errors, made one line
that names the command's help).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from .errors import BankError, UnknownBankError
from .export.command import export
from .quiz.bank import find_banks_dir, load_banks
from .quiz.lint import lint_banks


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _execute_all(notebooks, timeout: int = 300) -> None:
    """Run each notebook and store its outputs; report every failure together, then exit 1."""
    from tqdm import tqdm

    from .book.execute import ExecutionFailed, execute_notebook

    failures = []
    for path in tqdm(notebooks, desc="executing", unit="notebook", disable=None):
        try:
            execute_notebook(path, timeout=timeout)
        except ExecutionFailed as exc:
            failures.append(str(exc))
    if failures:
        _fail("\n".join(failures))


ANSWERS_OPTION = click.option(
    "--answers",
    "answers_dir",
    default="answers",
    show_default=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)


def ROSTER_OPTIONS(command):  # noqa: N802 (a decorator, named like the other option sets)
    """`--roster` and `--login-column`, as `release` takes them, for grading per student."""
    command = click.option(
        "--login-column",
        default="",
        help="The roster's login column (default: SIS Login ID, Login ID, login, Username, "
        "username, Email address or email, whichever is there).",
    )(command)
    return click.option(
        "--roster",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="The class list the release drew per-student values from (LMS export, CSV): each "
        "file is graded against its owner's values, and a notebook whose `login` is not its "
        "owner's is flagged.",
    )(command)


def _read_roster(roster: Path | None, login_column: str):
    """The roster, or None; exit 1 with one line when it cannot be used."""
    from .classroom.roster import Roster, RosterError

    if roster is None:
        return None
    try:
        return Roster.read(roster, login_column)
    except RosterError as exc:
        _fail(str(exc))


EXERCISES_OPTION = click.option(
    "--exercises",
    "exercises_dir",
    default="exercises",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)


class _Commands(click.Group):
    """The top-level group: a usage error is one line with where to look, exit 2."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "coursebook"
            click.echo(f"error: {exc.format_message()} (see `{where} --help`)", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_Commands, context_settings={"max_content_width": 100})
@click.version_option(package_name="coursebook", prog_name="coursebook")
def main() -> None:
    """Tools for the leverage course book: build and execute the book, check question banks,
    make the student exercises, grade a class, publish the student release, export to an LMS."""


main.add_command(export)


@main.group("banks", short_help="Check the question banks.")
def banks() -> None:
    """Check the question banks (book/quizzes)."""


@banks.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def banks_check(folder: Path | None) -> None:
    """Validate every question bank (default: book/quizzes), then lint it
    (coursebook/quiz/lint.py)."""
    try:
        folder = folder or find_banks_dir()
        banks = load_banks(folder)
    except (BankError, UnknownBankError) as exc:
        _fail(str(exc))
    total = sum(len(bank.questions) for bank in banks.values())
    click.echo(f"{len(banks)} banks, {total} questions: all valid.")
    results = lint_banks(banks, folder)
    for result in results:
        click.echo(result.summary())
    failed = [result.bank for result in results if not result.passed]
    if failed:
        _fail(f"bank lint failed for {', '.join(failed)} (see the report above)")
    click.echo("lint: every bank passes.")


@main.command("check-banks", hidden=True)
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def check_banks(ctx: click.Context, folder: Path | None) -> None:
    """The old name of `banks check`, kept working."""
    click.echo(
        "note: `coursebook check-banks` is now `coursebook banks check`; the old name still works",
        err=True,
    )
    ctx.invoke(banks_check, folder=folder)


@main.command("execute", short_help="Re-execute notebooks and store their outputs.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--timeout", default=300, show_default=True, help="Seconds allowed per cell.")
def execute(paths, timeout: int) -> None:
    """Re-execute notebooks (files or folders) and store their outputs in place."""
    from .book.execute import find_notebooks

    notebooks = find_notebooks(paths)
    _execute_all(notebooks, timeout)
    click.echo(f"executed {len(notebooks)} notebooks; outputs stored.")


@main.command("build", short_help="Build the book: the student or the instructor edition.")
@click.option(
    "--instructor",
    is_flag=True,
    help="Build the instructor edition (with answers) into _build/instructor/.",
)
def build(instructor: bool) -> None:
    """Build the book: the student edition into _build/html (default), or the instructor edition."""
    from .book.build import BuildFailed, build_book

    try:
        html = build_book(edition="instructor" if instructor else "student")
    except BuildFailed as exc:
        _fail(str(exc))
    click.echo(f"built {html / 'index.html'}")


@main.group("exercises", short_help="Generate or check the student edition of the exercises.")
def exercises() -> None:
    """Make and check the student edition of the exercises (answers/ is the master)."""


@exercises.command("generate")
@ANSWERS_OPTION
@EXERCISES_OPTION
@click.option(
    "--execute/--no-execute",
    default=True,
    show_default=True,
    help="Run the new notebooks and store their outputs.",
)
def exercises_generate(answers_dir: Path, exercises_dir: Path, execute: bool) -> None:
    """Write exercises/ from answers/: solutions, hidden checks and rubrics removed."""
    from .classroom.student_edition import MarkerError, generate

    try:
        written = generate(answers_dir, exercises_dir)
    except (MarkerError, BankError) as exc:
        _fail(str(exc))
    if execute:
        _execute_all(written)
    click.echo(f"wrote {len(written)} exercise notebooks to {exercises_dir}/")


@exercises.command("check")
@ANSWERS_OPTION
@EXERCISES_OPTION
def exercises_check(answers_dir: Path, exercises_dir: Path) -> None:
    """Fail if exercises/ is out of date with answers/."""
    from .classroom.student_edition import stale_exercises

    stale = stale_exercises(answers_dir, exercises_dir)
    if stale:
        _fail(
            "exercises/ is out of date with answers/ for: "
            + ", ".join(stale)
            + "; run `python -m coursebook exercises generate`"
        )
    click.echo("exercises/ is up to date.")


@main.command("release", short_help="Write the student release: nothing from answers/.")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.option(
    "--repository",
    help="The students' repository URL (default: coursebook.student_repository in _config.yml).",
)
@click.option(
    "--tag",
    help="The release's tag, which the Colab cell installs (default: v<version>-<content hash>).",
)
@click.option(
    "--print-repository",
    is_flag=True,
    help="Print the students' repository as owner/name and stop.",
)
@click.option(
    "--stock-exercises",
    is_flag=True,
    help="Release the stock exercise values without a course secret (their answers are public "
    "in the open-source upstream: for courses that do not grade for credit).",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The class list exported from your LMS (CSV): each student gets their own values, "
    "drawn from the course secret and their login.",
)
@click.option(
    "--login-column",
    default="",
    help="The roster's login column (default: SIS Login ID, Login ID, login, Username, "
    "username, Email address or email, whichever is there).",
)
def release(
    dest: Path | None,
    repository: str | None,
    tag: str | None,
    print_repository: bool,
    stock_exercises: bool,
    roster: Path | None,
    login_column: str,
) -> None:
    """Write the student repository into DEST: book, exercises, package; nothing from answers/."""
    from .book.release import (
        ReleaseError,
        check_destination,
        release_allow,
        student_repository,
        write_release,
    )
    from .classroom.leaks import scan
    from .classroom.student_edition import stale_exercises
    from .classroom.variants import (
        VariantError,
        course_secret,
        read_roster,
        write_course_exercises,
        write_student_exercises,
    )

    root = Path(".")
    drawn: dict = {}
    per_student: list = []
    if dest is None and not print_repository:  # a usage error first, whatever the config says
        raise click.UsageError(
            "name the folder to write the release into, e.g. `coursebook release ../student-repo`",
            click.get_current_context(),
        )
    try:
        repository = repository or student_repository(root)
        if print_repository:
            click.echo("/".join(repository.rstrip("/").split("/")[-2:]))
            return
        assert dest is not None  # refused above unless only the repository is asked for
        check_destination(root, dest)
        stale = stale_exercises(root / "answers", root / "exercises")
        if stale:
            _fail(
                "exercises/ is out of date with answers/ for: "
                + ", ".join(stale)
                + "; run `make exercises` first"
            )
        secret = None if stock_exercises else course_secret(root / "answers")
        if secret is None and not stock_exercises:
            _fail(
                "this course has no secret, so its exercises would carry the stock values, whose "
                "answers are public in the open-source upstream: run `coursebook course init` (it "
                "writes answers/course.yml), or pass --stock-exercises for a course that does not "
                "grade"
            )

        if roster and not secret:
            _fail("--roster needs the course secret (per-student values are drawn from it)")
        logins = read_roster(roster, login_column) if roster else []

        exercises_hook: Callable[[Path], None] | None = None
        if secret:

            def course_values(folder: Path) -> None:
                drawn.update(write_course_exercises(root / "answers", folder, secret))
                if logins:
                    students = write_student_exercises(root / "answers", folder, secret, logins)
                    per_student.extend(
                        c for by_login in students.values() for c in by_login.values()
                    )

            exercises_hook = course_values

        written = write_release(root, dest, repository, tag, exercises_hook=exercises_hook)
        tag = (dest / "RELEASE").read_text(encoding="utf-8").strip()
        # The course's own answers are searched for; stock answers are public upstream anyway.
        leaks = scan(
            dest,
            root,
            release_allow(root),
            check_files=[*(checks for _, checks in drawn.values()), *per_student],
        )
    except (ReleaseError, BankError, VariantError) as exc:
        _fail(str(exc))
    if leaks:
        _fail(
            f"the release in {dest} holds {len(leaks)} thing(s) from answers/; do not publish it:\n"
            + "\n".join(f"  {leak}" for leak in leaks)
        )
    click.echo(_search_table(root, dest, drawn))
    stock = sorted(p.stem for p in (root / "answers").glob("*.ipynb") if p.stem not in drawn)
    if drawn:
        click.echo("exercises with this course's own values: " + ", ".join(sorted(drawn)))
    if stock:
        click.echo(
            "exercises with the stock values (answers public in the upstream): " + ", ".join(stock)
        )
    click.echo(
        f"wrote the student release {tag} ({len(written)} files) to {dest}/ for {repository}; "
        "no solution, rubric or answer value found in it"
    )


def _search_table(root: Path, dest: Path, drawn: dict) -> str:
    """Per released task: the expected time the best search takes on one core (search_time.py)."""
    from .classroom.exercise.checks import load_check_file
    from .classroom.search_time import estimate, notebook_text, seconds_per_guess, table

    per_guess = seconds_per_guess()
    rows = []
    for notebook in sorted((dest / "exercises").glob("*.ipynb")):
        name = notebook.stem
        checks = (
            drawn[name][1]
            if name in drawn
            else load_check_file(root / "answers" / "checks" / f"{name}.yml")
        )
        rows += [(name, row) for row in estimate(checks, notebook_text(notebook), per_guess)]
    return table(rows, per_guess)


@main.group()
def course() -> None:
    """The course secret: its own exercise values and check salts."""


@course.command("init")
@click.option(
    "--answers-dir", default=Path("answers"), type=click.Path(path_type=Path, file_okay=False)
)
def course_init(answers_dir: Path) -> None:
    """Write answers/course.yml with a new random secret (keep it in the private repository)."""
    from .classroom.variants import VariantError, new_course_file

    try:
        path = new_course_file(answers_dir)
    except (VariantError, OSError) as exc:
        _fail(str(exc))
    click.echo(
        f"wrote {path}: this course now draws its own exercise values (commit it to your "
        "private repository only)"
    )


@course.command("solutions")
@click.argument(
    "dest",
    required=False,
    default=Path("_build/course-solutions"),
    type=click.Path(path_type=Path, file_okay=False),
)
@click.option(
    "--answers-dir", default=Path("answers"), type=click.Path(path_type=Path, file_okay=False)
)
def course_solutions(dest: Path, answers_dir: Path) -> None:
    """Write this course's solution notebooks (its values, its answers, its model answers'
    numbers), run, into DEST (default _build/course-solutions/): instructor-only, never publish."""
    from .classroom.variants import VariantError, course_secret, write_course_solutions

    try:
        secret = course_secret(answers_dir)
        if not secret:
            _fail(
                f"{answers_dir / 'course.yml'}: this course has no secret, so its solutions are "
                f"the stock ones in {answers_dir}/ (run `coursebook course init` first)"
            )
        assert secret is not None
        written = write_course_solutions(answers_dir, dest, secret)
    except (VariantError, OSError) as exc:
        _fail(str(exc))
    click.echo(
        f"wrote {len(written)} solution notebooks with this course's values to {dest}/ "
        "(instructor-only: they hold the answers)"
    )


_LIMITS = [
    click.option("--cell-timeout", type=click.IntRange(1), help="Seconds per cell.  [default: 30]"),
    click.option(
        "--total-timeout", type=click.IntRange(1), help="Seconds per notebook.  [default: 120]"
    ),
    click.option(
        "--memory-mb", type=click.IntRange(256), help="Kernel memory limit.  [default: 2048]"
    ),
    click.option(
        "--max-output-mb",
        type=click.FloatRange(0.01),
        help="Output a notebook may print before the rest is dropped.  [default: 2.0]",
    ),
    click.option(
        "--on-timeout",
        type=click.Choice(["zero", "keep"]),
        help="zero: a timed-out submission scores 0; keep: it keeps points for answers "
        "already set.  [default: zero]",
    ),
]


def MOODLE_OPTIONS(command):
    """The Moodle worksheet's language and time, the same for grade and merge."""
    from .classroom.grader.writers import MOODLE_LANGUAGES

    command = click.option(
        "--downloaded",
        type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
        default=None,
        help="When you downloaded the submissions (UTC), for the Moodle worksheet's "
        "'Last modified (grade)': a grade typed in Moodle after it is never overwritten. Default: "
        "the zip's time (a folder: its newest file's), less a minute.",
    )(command)
    return click.option(
        "--language",
        type=click.Choice(sorted(MOODLE_LANGUAGES)),
        default="en",
        show_default=True,
        help="Your Moodle's language: the worksheet's headers are the ones Moodle matches in it.",
    )(command)


def LIMIT_OPTIONS(command):
    """The grading limits, the same for `grade` and the Gradescope autograder. Each given option
    overrides the check file's `limits:` section, which overrides the defaults shown."""
    for option in reversed(_LIMITS):
        command = option(command)
    return command


def _load_assignment(answers_dir: Path, exercise: str, canvas_assignment: str = "", **limits):
    """The exercise's Assignment, or exit 1 with one line (or the check file's problems)."""
    from .classroom.exercise.assignment import Assignment
    from .classroom.variants import course_assignment
    from .errors import UnknownExerciseError

    try:
        # A course with its own secret grades against its own answers (classroom/variants.py).
        return course_assignment(
            Assignment.load(answers_dir, exercise, canvas_assignment=canvas_assignment, **limits)
        )
    except (UnknownExerciseError, BankError, ValueError) as exc:
        _fail(str(exc))


@main.command("grade", short_help="Grade a class (folder or LMS zip) or one notebook.")
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option("--exercise", required=True, help="Exercise name, e.g. ex3a-revenue-exposure.")
@ANSWERS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Default: grading-output/<exercise>.",
)
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Submissions graded in parallel.",
)
@click.option("--force", is_flag=True, help="Re-grade submissions already graded.")
@LIMIT_OPTIONS
@click.option(
    "--no-sandbox",
    is_flag=True,
    help="Run students' code without bubblewrap (unsafe; rows say so).",
)
@click.option(
    "--canvas-assignment",
    default="",
    help="Column name for canvas-grades.csv, as Canvas shows it, "
    "e.g. 'Exercise 3a (12345)' to update that assignment. Default: the exercise's title.",
)
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    help="Grade only the K-th of N disjoint slices of the class "
    "(by student, stable when files are added), e.g. on a CI matrix; join them with "
    "`gradebook merge`.",
)
@MOODLE_OPTIONS
@ROSTER_OPTIONS
def grade(
    submissions: Path,
    exercise: str,
    answers_dir: Path,
    out_dir: Path | None,
    jobs: int,
    force: bool,
    no_sandbox: bool,
    canvas_assignment: str,
    shard: str | None,
    language: str,
    downloaded: datetime | None,
    roster: Path | None,
    login_column: str,
    **limits,
) -> None:
    """Grade a folder or LMS zip of notebooks (or one notebook) into gradebooks and feedback
    pages."""
    from .classroom.grader.classroom import GradingInterrupted
    from .classroom.grader.sandbox import SandboxUnavailable
    from .classroom.grader.shard import ShardSpec
    from .classroom.grader.whole_class import grade_class
    from .classroom.grader.writers import blank_lms_grades
    from .errors import GradingInputError

    try:
        spec = ShardSpec.parse(shard) if shard is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None
    class_list = _read_roster(roster, login_column)
    assignment = _load_assignment(answers_dir, exercise, canvas_assignment, **limits)
    if no_sandbox:
        click.echo(
            "warning: --no-sandbox: students' code runs with your account's rights; every row is "
            "marked as graded without the sandbox",
            err=True,
        )
    out_dir = out_dir or Path("grading-output") / exercise
    try:
        graded = grade_class(
            assignment,
            submissions,
            out_dir,
            jobs=jobs,
            force=force,
            sandbox=not no_sandbox,
            shard=spec,
            language=language,
            downloaded=downloaded,
            warn=lambda message: click.echo(f"warning: {message}", err=True),
            roster=class_list,
        )
    except GradingInterrupted as exc:
        click.echo(f"\n{exc}", err=True)
        sys.exit(128 + exc.signum)
    except (SandboxUnavailable, GradingInputError, OSError) as exc:
        _fail(str(exc))
    if spec is not None:
        click.echo(
            f"shard {spec}: {len(graded.graded)} of the class's {len(graded.everyone)} files"
        )
    _echo_flags(graded.rows)
    if submissions.is_file() and submissions.suffix == ".ipynb":
        (row,) = graded.rows
        result = row.result
        click.echo(
            f"{submissions.name}: {result.total:g} / {assignment.checks.total_points:g} "
            "auto-graded points "
            f"({result.status.value}); feedback: {out_dir / 'feedback'}/"
        )
        return
    summary = ", ".join(f"{n} {status}" for status, n in sorted(graded.counts().items()))
    click.echo(
        f"graded {len(graded.rows)} files ({summary}) into {out_dir}/: gradebook.csv, "
        "canvas-grades.csv, moodle-grading-worksheet.csv, instructor.html, feedback/"
    )
    blank = blank_lms_grades(graded.rows)
    if blank:
        click.echo(
            f"{len(blank)} student(s) handed in several notebooks or none gradable; their LMS "
            f"grade is left blank: {', '.join(blank)}",
            err=True,
        )


def _echo_flags(rows) -> None:
    """Per-student values: name the files whose login was flagged or whose owner is unknown."""
    from .classroom.grader.results import Status

    flagged = [r.submission.source for r in rows if r.result.detail.get("login_flag")]
    released = [r.submission.source for r in rows if r.result.detail.get("released_per_student")]
    if released:
        click.echo(
            f"{len(released)} notebook(s) released per student, graded without --roster against "
            f"the course's values (their grades are not theirs): {', '.join(released)}",
            err=True,
        )
    unknown = [r.submission.source for r in rows if r.result.status is Status.NOT_ON_ROSTER]
    if flagged:
        click.echo(
            f"{len(flagged)} notebook(s) whose `login` is not their owner's (see the message "
            f"column of gradebook.csv): {', '.join(flagged)}",
            err=True,
        )
    if unknown:
        click.echo(
            f"{len(unknown)} file(s) from someone not on the class list, not graded: "
            f"{', '.join(unknown)}",
            err=True,
        )


@main.group("gradebook", short_help="Merge the gradebooks of a class graded in shards.")
def gradebook() -> None:
    """Work with graded classes' outputs."""


@gradebook.command("merge")
@click.argument(
    "shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--exercise", required=True, help="Exercise name, e.g. ex3a-revenue-exposure.")
@ANSWERS_OPTION
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the merged gradebook, LMS files and feedback pages.",
)
@click.option(
    "--canvas-assignment", default="", help="Column name for canvas-grades.csv (as for grade)."
)
@click.option(
    "--language",
    type=click.Choice(["de", "en", "es", "fr"]),
    default="en",
    show_default=True,
    help="Your Moodle's language (as for grade).",
)
@LIMIT_OPTIONS
@ROSTER_OPTIONS
def gradebook_merge(
    shards,
    exercise: str,
    answers_dir: Path,
    out_dir: Path,
    canvas_assignment: str,
    language: str,
    roster: Path | None,
    login_column: str,
    **limits,
) -> None:
    """Merge the --out folders of `grade --shard K/N` (all N of them) into one class's gradebooks.
    Give it the limit options the shards were graded with: it refuses shards graded under others."""
    from .classroom.grader.merge import merge_shards
    from .classroom.grader.shard import ManifestError

    assignment = _load_assignment(
        answers_dir, exercise, canvas_assignment, **limits
    )  # as the shards had
    if out_dir.resolve() in {Path(folder).resolve() for folder in shards}:
        _fail(f"--out {out_dir} is one of the shard folders; choose a new folder")
    try:
        rows = merge_shards(
            list(shards),
            assignment,
            out_dir,
            language=language,
            roster=_read_roster(roster, login_column),
        )
    except ManifestError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write the merged gradebook: {exc}")
    click.echo(
        f"merged {len(shards)} shards, {len(rows)} files, into {out_dir}/: gradebook.csv, "
        "canvas-grades.csv, moodle-grading-worksheet.csv, instructor.html, feedback/"
    )


@main.group("autograder", short_help="Build a Gradescope autograder for an exercise.")
def autograder() -> None:
    """Build autograders for grading engines that run one container per submission."""


@autograder.command("gradescope")
@click.option("--exercise", required=True, help="Exercise name, e.g. ex3a-revenue-exposure.")
@ANSWERS_OPTION
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write, e.g. ex3a-autograder.zip.",
)
@LIMIT_OPTIONS
@ROSTER_OPTIONS
def autograder_gradescope(
    exercise: str,
    answers_dir: Path,
    out_file: Path,
    roster: Path | None,
    login_column: str,
    **limits,
) -> None:
    """Write a Gradescope autograder zip for one exercise (its answer key and nothing else of
    yours)."""
    from .classroom.autograder.gradescope import build_autograder
    from .classroom.grader.whole_class import per_student
    from .errors import AutograderBuildError, GradingInputError

    class_list = _read_roster(roster, login_column)
    assignment = _load_assignment(answers_dir, exercise, **limits)
    keys = None
    no_email = [s.login for s in class_list.students if not s.has_email] if class_list else []
    if no_email:
        click.echo(
            f"warning: {len(no_email)} student(s) on {roster} have no email ({no_email[0]}, ...): "
            "Gradescope finds them by the student ID it lists, which a student joining with the "
            "entry code types; add an Email column to match by the email they sign in with",
            err=True,
        )
    if class_list is not None:
        try:
            keys = per_student(
                assignment,
                class_list,
                list(class_list.students),
                warn=lambda message: click.echo(f"warning: {message}", err=True),
            )
        except GradingInputError as exc:
            _fail(str(exc))
    try:
        written = build_autograder(assignment, out_file, keys)
    except AutograderBuildError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out_file}: {exc}")
    click.echo(
        f"wrote {written}: upload it on Gradescope (Configure Autograder > Zip file upload); it "
        f"grades {exercise} out of {assignment.checks.total_points:g} auto-graded points"
    )
