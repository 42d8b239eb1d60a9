"""Whose file is it (per-student values, issue 28): a roster's rows matched to what each LMS says of
a file, never to what the notebook says. Canvas's gradebook export, Moodle's grading worksheet, a
plain folder and Gradescope's submission metadata."""

import pytest

from coursebook.classroom.grader.collect import identify
from coursebook.classroom.roster import Roster, RosterError


def roster(tmp_path, text: str, column: str = "") -> Roster:
    path = tmp_path / "class.csv"
    path.write_text(text, encoding="utf-8")
    return Roster.read(path, column)


def owner(class_list: Roster, source: str) -> str | None:
    who = identify(source)
    found = class_list.owner(who.get("lms", ""), who.get("lms_id", ""), source)
    return found.login if found else None


def test_canvas_files_belong_to_the_row_with_their_user_id(tmp_path):
    canvas = roster(tmp_path, "Student,ID,SIS User ID,SIS Login ID,Section\n"
                              '"Lee, Amy",101,a1,amy.lee,S1\n"Ray, Bob",102,b2,Bob.Ray,S1\n'
                              "    Points Possible,,,,,\n")
    assert canvas.logins == ["amy.lee", "Bob.Ray"] and canvas.column == "SIS Login ID"
    assert owner(canvas, "leeamy_101_555_ex1a.ipynb") == "amy.lee"
    assert owner(canvas, "raybob_LATE_102_556_ex1a.ipynb") == "Bob.Ray"
    # The name part is the student's to choose in the file name Canvas keeps: only the ID counts.
    assert owner(canvas, "amy.lee_999_557_ex1a.ipynb") is None
    # A file not named the Canvas way (a plain folder) is named by login.
    assert owner(canvas, "amy.lee.ipynb") == "amy.lee"


def test_moodle_folders_belong_to_the_worksheet_row_of_their_participant_number(tmp_path):
    worksheet = roster(tmp_path, "Identifier,Full name,Email address,Status,Grade\n"
                                 "Participant 12345,Amy Lee,amy@uni.example,Submitted,\n"
                                 "Participant 12346,Bob Ray,bob@uni.example,Submitted,\n")
    assert worksheet.column == "Email address"
    assert owner(worksheet, "Amy Lee_12345_assignsubmission_file_/ex1a.ipynb") == "amy@uni.example"
    # A student naming a folder inside theirs after someone else moves nothing.
    assert owner(worksheet, "Bob Ray_12346_assignsubmission_file_/Amy Lee_12345_assignsubmission_file_/x.ipynb") \
        == "bob@uni.example"
    german = roster(tmp_path, "ID,Vollständiger Name,E-Mail-Adresse,username\nTeilnehmer/in77,Amy Lee,a@x,amyl\n")
    assert owner(german, "Amy Lee_77_assignsubmission_file_/ex1a.ipynb") == "amyl"


def test_plain_folders_are_named_by_login(tmp_path):
    plain = roster(tmp_path, "login\namy.lee\nbob.ray\n")
    assert owner(plain, "amy.lee.ipynb") == "amy.lee"
    assert owner(plain, "Bob.Ray/ex1a-coercion-threshold.ipynb") == "bob.ray"
    assert owner(plain, "carol/amy.lee.ipynb") is None


def test_gradescope_submitters_match_by_email_or_student_id(tmp_path):
    canvas = roster(tmp_path, "Student,ID,SIS User ID,SIS Login ID\n\"Lee, Amy\",101,A-1,amy.lee\n"
                              "\"Ray, Bob\",102,B-2,bob.ray@uni.example\n")
    assert canvas.gradescope_owner([{"email": "amy@else.example", "sid": "a-1"}]).login == "amy.lee"
    assert canvas.gradescope_owner([{"email": "BOB.RAY@uni.example", "sid": ""}]).login == "bob.ray@uni.example"
    assert canvas.gradescope_owner([{"email": "zed@uni.example", "sid": "Z"}, "junk"]) is None
    assert canvas.gradescope_owner([]) is None


def test_the_digest_changes_with_who_is_on_the_list_and_how_files_map(tmp_path):
    one = roster(tmp_path, "Student,ID,SIS Login ID\nA,101,amy\nB,102,bob\n").digest()
    assert one == roster(tmp_path, "SIS Login ID,ID,Student\nbob,102,B\namy,101,A\n").digest()
    assert one != roster(tmp_path, "Student,ID,SIS Login ID\nA,102,amy\nB,101,bob\n").digest()
    assert one != roster(tmp_path, "Student,ID,SIS Login ID\nA,101,amy\n").digest()


@pytest.mark.parametrize("text, message", [
    ("Name,Score\nAmy,3\n", "no login column"),
    ("SIS Login ID\n\n", "holds no login"),
    ("", "no login column"),
])
def test_an_unusable_roster_is_one_line_naming_the_file(tmp_path, text, message):
    with pytest.raises(RosterError, match=message) as error:
        roster(tmp_path, text)
    assert "class.csv" in str(error.value)
