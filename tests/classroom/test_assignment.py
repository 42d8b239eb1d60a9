"""The Assignment: one exercise's checks, limits, rubric and names, loaded from its check file."""

import shutil

import pytest
from click.testing import CliRunner

from coursebook.classroom.exercise.assignment import Assignment
from coursebook.classroom.exercise.checks import CheckFileError
from coursebook.classroom.exercise.limits import Limits
from coursebook.cli import main
from coursebook.errors import UnknownExerciseError
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "answers"
LIMITS = """limits:
  cell_timeout: 7
  total_timeout: 300
  memory_mb: 1024
  max_output_mb: 0.5
  on_timeout: keep
"""


def answers(tmp_path, extra: str = "", notebook: bool = True):
    """A copy of the grading fixture's answers/ with `extra` appended to its check file."""
    folder = tmp_path / "answers"
    (folder / "checks").mkdir(parents=True)
    text = (FIXTURE / "checks" / "ex0-fixture.yml").read_text(encoding="utf-8")
    (folder / "checks" / "ex0-fixture.yml").write_text(text + extra, encoding="utf-8")
    if notebook:
        shutil.copy(FIXTURE / "ex0-fixture.ipynb", folder / "ex0-fixture.ipynb")
    return folder


def test_without_a_limits_section_the_defaults_hold(tmp_path):
    assignment = Assignment.load(answers(tmp_path), "ex0-fixture")
    assert assignment.limits == Limits()
    assert assignment.name == "ex0-fixture" and assignment.title == "Grader fixture exercise"
    assert assignment.canvas_assignment == "Grader fixture exercise"  # default: the title
    assert assignment.checks.total_points == 5
    assert assignment.rubric and assignment.solution_path.name == "ex0-fixture.ipynb"


def test_limits_come_from_the_check_file(tmp_path):
    assignment = Assignment.load(answers(tmp_path, LIMITS), "ex0-fixture")
    assert assignment.limits == Limits(cell_timeout=7, total_timeout=300, memory_mb=1024,
                                       max_output_bytes=500_000, on_timeout="keep")


def test_options_given_override_the_file_and_none_means_not_given(tmp_path):
    assignment = Assignment.load(answers(tmp_path, LIMITS), "ex0-fixture", cell_timeout=3,
                                 total_timeout=None, on_timeout="zero")
    assert assignment.limits.cell_timeout == 3 and assignment.limits.on_timeout == "zero"
    assert assignment.limits.total_timeout == 300 and assignment.limits.memory_mb == 1024


def test_the_lms_column_from_the_option_then_the_file_then_the_title(tmp_path):
    folder = answers(tmp_path, "canvas_assignment: Exercise 0 (123)\n")
    assert Assignment.load(folder, "ex0-fixture").canvas_assignment == "Exercise 0 (123)"
    assert Assignment.load(folder, "ex0-fixture", canvas_assignment="X").canvas_assignment == "X"


def test_no_rubric_without_the_answers_notebook(tmp_path):
    """The Gradescope zip carries the check file only: the assignment still loads."""
    assert Assignment.load(answers(tmp_path, notebook=False), "ex0-fixture").rubric == ""


@pytest.mark.parametrize("section, where", [
    ("limits:\n  cell_timeout: 0\n", "limits.cell_timeout"),
    ("limits:\n  memory_mb: 100\n", "limits.memory_mb"),
    ("limits:\n  on_timeout: maybe\n", "limits.on_timeout"),
    ("limits:\n  cell_timout: 5\n", "limits.cell_timout"),
])
def test_a_bad_limit_is_named_with_its_file(tmp_path, section, where):
    with pytest.raises(CheckFileError) as caught:
        Assignment.load(answers(tmp_path, section), "ex0-fixture")
    message = str(caught.value)
    assert "ex0-fixture.yml" in message and where in message


def test_an_unknown_exercise_names_the_file_the_exercises_and_the_nearest(tmp_path):
    folder = answers(tmp_path)
    with pytest.raises(UnknownExerciseError) as caught:
        Assignment.load(folder, "ex0-fixtrue")
    message = str(caught.value)
    missing = folder / "checks" / "ex0-fixtrue.yml"
    assert message.startswith(f"no check file {missing}; exercises: ex0-fixture")
    assert message.endswith("did you mean ex0-fixture?")
    with pytest.raises(UnknownExerciseError) as caught:
        Assignment.load(folder, "zzz")
    assert "did you mean" not in str(caught.value)


def test_an_unknown_limit_option_is_a_programming_error(tmp_path):
    with pytest.raises(TypeError):
        Assignment.load(answers(tmp_path), "ex0-fixture", cell_timeut=3)


def test_fingerprint_changes_with_the_key_and_the_limits_only(tmp_path):
    folder = answers(tmp_path)
    base = Assignment.load(folder, "ex0-fixture")
    assert Assignment.load(folder, "ex0-fixture").fingerprint() == base.fingerprint()
    # the LMS column and the rubric do not change any grade
    other_column = Assignment.load(folder, "ex0-fixture", canvas_assignment="Other")
    assert other_column.fingerprint() == base.fingerprint()
    changed_answer = base.checks.model_copy(update={"tasks": [
        base.checks.tasks[0].model_copy(update={"answer": 0.25}), *base.checks.tasks[1:]]})
    changed_points = base.checks.model_copy(update={"tasks": [
        base.checks.tasks[0].model_copy(update={"points": 3}), *base.checks.tasks[1:]]})
    variants = {base.with_checks(changed_answer).fingerprint(),
                base.with_checks(changed_points).fingerprint(),
                Assignment.load(folder, "ex0-fixture", cell_timeout=31).fingerprint(),
                Assignment.load(answers(tmp_path / "b", LIMITS), "ex0-fixture").fingerprint()}
    assert len(variants | {base.fingerprint()}) == 5


def test_with_checks_keeps_everything_else(tmp_path):
    base = Assignment.load(answers(tmp_path, LIMITS), "ex0-fixture", canvas_assignment="Col")
    other = base.checks.model_copy(update={"tasks": base.checks.tasks[:1]})
    variant = base.with_checks(other)
    assert variant.checks is other and variant.checks.total_points == 2
    assert (variant.limits, variant.rubric, variant.canvas_assignment, variant.check_path) == \
        (base.limits, base.rubric, base.canvas_assignment, base.check_path)
    assert base.checks.total_points == 5  # the original is unchanged (frozen)


def test_grade_names_the_nearest_exercise_in_one_line(tmp_path):
    done = CliRunner().invoke(main, ["grade", str(tmp_path), "--exercise", "ex0-fixtrue", "--answers",
                                     str(answers(tmp_path)), "--out", str(tmp_path / "out")])
    assert done.exit_code == 1
    assert done.output.count("\n") == 1 and "did you mean ex0-fixture?" in done.output
    assert not (tmp_path / "out").exists()


def test_grade_passes_the_files_limits_with_only_the_given_options_over_them(tmp_path, monkeypatch):
    """`grade` maps its options onto the library call: the file's limits, `--cell-timeout` over them."""
    from coursebook.classroom.grader import whole_class

    seen = {}

    def fake_grade_class(assignment, submissions, out_dir, **options):
        seen.update(assignment=assignment, options=options)
        return whole_class.ClassGrading(rows=[], everyone=[], graded=[], shard=options["shard"])
    monkeypatch.setattr(whole_class, "grade_class", fake_grade_class)
    (tmp_path / "class").mkdir()
    done = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--exercise", "ex0-fixture",
                                     "--answers", str(answers(tmp_path, LIMITS)),
                                     "--out", str(tmp_path / "out"),
                                     "--cell-timeout", "9", "--shard", "2/3", "-j", "2"])
    assert done.exit_code == 0, done.output
    limits = seen["assignment"].limits
    assert (limits.cell_timeout, limits.total_timeout, limits.on_timeout) == (9, 300, "keep")
    assert seen["options"]["jobs"] == 2 and str(seen["options"]["shard"]) == "2/3"
    assert "shard 2/3: 0 of the class's 0 files" in done.output
