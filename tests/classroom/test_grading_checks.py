"""The check file a submission's sandbox holds while it is graded: the public file's form, no
digests. check() there compares nothing (the grade is decided outside, from the answers read out),
so it costs no scrypt and gives the student's code no way to test guesses against the key."""

import json

import nbformat

from coursebook.classroom.exercise.checks import grading_spec, load_check_file, public_spec
from coursebook.classroom.exercise.fingerprints import FORMAT
from coursebook.classroom.exercises import Checker
from coursebook.classroom.grader import Limits, Status, Verdict, grade_submission
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=10, total_timeout=30)


def test_the_grading_form_holds_no_digest_and_no_answer(tmp_path):
    spec = grading_spec(CHECKS, course_salt="a-course")
    public = public_spec(CHECKS, course_salt="a-course")
    assert spec["format"] == FORMAT and spec["course_salt"] == "a-course"
    assert set(spec["tasks"]) == set(public["tasks"])
    for task_id, entry in spec["tasks"].items():
        assert entry["hidden"] is True
        assert not {"accept", "salt", "scrypt", "form"} & set(entry)
        assert entry["variable"] == public["tasks"][task_id]["variable"]
    text = json.dumps(spec)
    assert "TTP" not in text and "compellence" not in text and "0.24" not in text
    # the notebook's Checker loads it as a student's copy; check() answers without comparing
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "ex0-fixture.json").write_text(text)
    check = Checker("ex0-fixture", folder=tmp_path / "checks")
    assert check("share", 0.24).status == "submitted"
    assert check("share", 0.5).status == "submitted"
    assert check("share", None).status == "unanswered"


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, path)
    return path


def test_check_is_no_oracle_while_graded(tmp_path):
    """A notebook that keeps the guess check() calls correct: with the public file's digests in the
    sandbox it earned the points without knowing the answer; now check() says nothing of it."""
    path = _notebook(
        tmp_path / "guesser.ipynb",
        'from coursebook import Checker\ncheck = Checker("ex0-fixture")',
        "share = None\n"
        "for guess in (0.1, 0.24, 0.5):\n"
        '    if check("share", guess).status == "correct":\n'
        "        share = guess",
        'said = check("share", 0.24).status\nprint(said)',
    )
    result = grade_submission(path, CHECKS, LIMITS)
    assert result.status is Status.OK, result.detail  # the Checker loaded its file: no error
    assert result.tasks["share"].verdict is Verdict.NOT_ANSWERED
    assert result.total == 0


def test_an_honest_notebook_still_gets_its_points(tmp_path):
    path = _notebook(
        tmp_path / "honest.ipynb",
        'from coursebook import Checker\ncheck = Checker("ex0-fixture")',
        'share = 0.24\ngroup = "TTP"\nassert check("share").status == "submitted"',
    )
    result = grade_submission(path, CHECKS, LIMITS)
    assert result.status is Status.OK, result.detail
    assert result.tasks["share"].verdict is Verdict.CORRECT
    assert result.tasks["group"].verdict is Verdict.CORRECT
    assert result.total == 3
