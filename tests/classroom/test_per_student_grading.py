"""Per-student values graded (issue 28): with a roster, each file is graded against its owner's own
answers (the solution run with the values drawn for the owner's login), and a notebook whose
`login` is not its owner's is flagged.

The class: Amy and Bob hand in their own solved notebooks (full marks); Carol hands in Amy's
notebook as it is (login amy.lee); Dave hands in Amy's notebook with his own login and Amy's values
typed in (a copier hiding the login); Erin leaves the login empty; a Canvas user not on the roster
hands in a notebook. `coursebook grade`, its shards and merge, and the Gradescope runner each see
the same. The real exercise ex1a (the only one with parameters) and the real sandbox.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from coursebook.classroom.variants import cached_check_data_many
from coursebook.errors import GradingInputError
from tests.helpers.courses import (ANSWERS, EX1A, SECRET_A, canvas_roster, run_variant_cache,
                                   solved_notebook)

STUDENTS = [("Lee, Amy", "101", "a1", "amy.lee"), ("Ray, Bob", "102", "b2", "bob.ray"),
            ("Day, Carol", "103", "c3", "carol.day"), ("Fox, Dave", "104", "d4", "dave.fox"),
            ("Ng, Erin", "105", "e5", "erin.ng")]
FULL = 12.0
FILES = {"amy": "leeamy_101_9001_ex1a.ipynb", "bob": "raybob_102_9002_ex1a.ipynb",
         "carol": "daycarol_103_9003_ex1a.ipynb", "dave": "foxdave_104_9004_ex1a.ipynb",
         "erin": "ngerin_105_9005_ex1a.ipynb", "zed": "stranger_999_9006_ex1a.ipynb"}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The roster, the class folder and the environment of a course with secret A."""
    base = tmp_path_factory.mktemp("per-student")
    cache = run_variant_cache(tmp_path_factory)
    env = {**os.environ, "COURSEBOOK_COURSE_SECRET": SECRET_A, "COURSEBOOK_VARIANT_CACHE": str(cache)}
    roster = canvas_roster(base / "canvas-export.csv", STUDENTS)
    keys = cached_check_data_many(ANSWERS, EX1A, SECRET_A, ["", *(login for *_, login in STUDENTS)], cache)
    course_values, _ = keys.pop("")
    # The attack only means something when the students' values differ (and Erin's from the course's).
    assert keys["amy.lee"][0] not in (keys["carol.day"][0], keys["dave.fox"][0])
    assert keys["erin.ng"][0] != course_values
    folder = base / "class"
    folder.mkdir()
    notebooks = {"amy": solved_notebook("amy.lee"), "bob": solved_notebook("bob.ray"),
                 "carol": solved_notebook("amy.lee"),
                 "dave": solved_notebook("dave.fox", hard_coded=keys["amy.lee"][0]),
                 "erin": solved_notebook(""), "zed": solved_notebook("zed")}
    for who, nb in notebooks.items():
        nbformat.write(nb, folder / FILES[who])
    return {"base": base, "cache": cache, "env": env, "roster": roster, "folder": folder,
            "keys": keys}


def coursebook(course, *args, check=True):
    done = subprocess.run([sys.executable, "-m", "coursebook", *map(str, args)], cwd=course["base"],
                          env=course["env"], capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def gradebook(folder) -> dict[str, dict]:
    with (folder / "gradebook.csv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def value_dependent(course, owner: str, source: str) -> list[str]:
    """The tasks whose answers differ between two students' keys."""
    mine, theirs = (dict((t["id"], t["answer"]) for t in course["keys"][who][1]["tasks"]) for who in (owner, source))
    return [task for task in mine if mine[task] != theirs[task]]


def task_points(row: dict) -> dict[str, float]:
    return {name.split(" (")[0]: float(value) for name, value in row.items() if name.split(" (")[0] in TASK_IDS}


TASK_IDS = ("defiance-cost", "verdict", "credibility-needed", "max-replaceable", "needed-by-replaceable",
            "out-of-reach")


def assert_the_class(course, rows: dict[str, dict]) -> None:
    """What every way of grading this class must say."""
    amy, bob = rows[FILES["amy"]], rows[FILES["bob"]]
    for row in (amy, bob):  # each student's own notebook, with their own values: full marks, no flag
        assert (float(row["total"]), row["status"]) == (FULL, "ok"), row
        assert "login" not in row["message"], row["message"]
    carol = rows[FILES["carol"]]  # Amy's notebook handed in by Carol: no credit for Carol's values, flagged
    assert "login mismatch" in carol["message"] and "amy.lee" in carol["message"] and "carol.day" in carol["message"]
    for task in value_dependent(course, "carol.day", "amy.lee"):
        assert task_points(carol)[task] == 0, (task, carol)
    dave = rows[FILES["dave"]]  # Amy's values typed in under Dave's own login: her answers, not his
    changed = value_dependent(course, "dave.fox", "amy.lee")
    assert changed and all(task_points(dave)[task] == 0 for task in changed), dave
    assert float(dave["total"]) < FULL
    erin = rows[FILES["erin"]]  # no login: flagged, graded with her values (the notebook ran with the course's)
    assert "login missing" in erin["message"], erin
    assert float(erin["total"]) < FULL
    zed = rows[FILES["zed"]]  # a Canvas user the roster does not know: a row saying so, nothing run
    assert (zed["status"], float(zed["total"])) == ("not-on-roster", 0.0), zed
    assert "canvas user 999" in zed["message"] and "class list" in zed["message"], zed["message"]


@pytest.fixture(scope="module")
def graded(course):
    out = course["base"] / "graded"
    done = coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS, "--out", out,
                      "--roster", course["roster"], "-j", "2")
    course["grade_stderr"] = done.stderr
    return out


def test_grade_uses_each_owners_answers_and_flags_logins(course, graded):
    rows = gradebook(graded)
    assert sorted(rows) == sorted(FILES.values())
    assert_the_class(course, rows)
    # The command names the flagged files and the stranger's.
    said = course["grade_stderr"]
    assert "not their owner's" in said and FILES["carol"] in said and FILES["erin"] in said
    assert "not on the class list" in said and FILES["zed"] in said and FILES["amy"] not in said
    # The flags reach the feedback pages and the instructor's page too.
    carol_page = next((graded / "feedback").glob("daycarol*.html")).read_text()
    assert "login" in carol_page and "amy.lee" in carol_page
    assert "not-on-roster" in (graded / "instructor.html").read_text()
    # Canvas gets no grade for a student the roster does not know.
    with (graded / "canvas-grades.csv").open() as handle:
        canvas = {row["ID"]: row for row in csv.DictReader(handle)}
    assert "999" not in canvas and float(list(canvas["101"].values())[-1]) == FULL


def test_resume_keeps_results_and_regrades_when_the_owners_key_changes(course, graded, tmp_path):
    graded = Path(shutil.copytree(graded, tmp_path / "graded"))
    results = {p.name: p.read_text() for p in (graded / "results").glob("*.json")}
    fingerprints = {json.loads(text)["fingerprint"] for text in results.values()}
    assert all("student=" in f for f in fingerprints) and len(fingerprints) == len(FILES)
    again = coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS, "--out", graded,
                       "--roster", course["roster"])
    assert {p.name: p.read_text() for p in (graded / "results").glob("*.json")} == results, again.stderr
    # Bob and Amy swap Canvas IDs on the roster: their files now belong to the other, whose key differs.
    swapped = canvas_roster(course["base"] / "swapped.csv", [("Lee, Amy", "102", "a1", "amy.lee"),
                                                             ("Ray, Bob", "101", "b2", "bob.ray"), *STUDENTS[2:]])
    coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS, "--out", graded,
               "--roster", swapped)
    rows = gradebook(graded)
    for who in ("amy", "bob"):
        assert float(rows[FILES[who]]["total"]) < FULL and "login mismatch" in rows[FILES[who]]["message"]
    assert rows[FILES["carol"]] == gradebook(course["base"] / "graded")[FILES["carol"]]
    for name, text in results.items():  # Carol's, Dave's and Erin's were kept, not graded again
        if name.startswith(("daycarol", "foxdave", "ngerin")):
            assert (graded / "results" / name).read_text() == text, name
    assert rows[FILES["zed"]]["status"] == "not-on-roster"  # looked up again on the new list


def test_a_roster_needs_the_course_secret_and_a_login_column(course, tmp_path):
    env = {k: v for k, v in course["env"].items() if k != "COURSEBOOK_COURSE_SECRET"}
    done = subprocess.run([sys.executable, "-m", "coursebook", "grade", str(course["folder"]), "--exercise", EX1A,
                           "--answers", str(ANSWERS), "--out", str(tmp_path / "out"),
                           "--roster", str(course["roster"])], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "course secret" in done.stderr and not (tmp_path / "out" / "gradebook.csv").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Score\nAmy,3\n")
    done = coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS,
                      "--out", tmp_path / "out", "--roster", bad, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "bad.csv" in done.stderr and "login column" in done.stderr


def test_shards_merged_keep_the_per_student_grades_and_flags(course, graded, tmp_path):
    """Each shard starts from the unsharded run's results (a shard run's fingerprints are the same,
    so it keeps them instead of grading again: what a rerun of a shard does), writes its manifest,
    and merge joins them."""
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}"
        shutil.copytree(graded / "results", out / "results")
        coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS, "--out", out,
                   "--roster", course["roster"], "--shard", f"{k}/2")
        shards.append(out)
    for out in shards:  # nothing was graded again: every result is the unsharded run's
        for path in (out / "results").glob("*.json"):
            assert path.read_text() == (graded / "results" / path.name).read_text()
    merged = tmp_path / "merged"
    without = coursebook(course, "gradebook", "merge", *shards, "--exercise", EX1A, "--answers", ANSWERS,
                         "--out", merged, check=False)
    assert without.returncode == 1 and "--roster" in without.stderr
    coursebook(course, "gradebook", "merge", *shards, "--exercise", EX1A, "--answers", ANSWERS, "--out", merged,
               "--roster", course["roster"])
    rows = gradebook(merged)
    assert_the_class(course, rows)
    unsharded = gradebook(course["base"] / "graded")
    assert {f: (r["total"], r["status"]) for f, r in rows.items()} == \
        {f: (r["total"], r["status"]) for f, r in unsharded.items()}


# -- a per-student class graded without its roster ------------------------------------------------

def test_a_per_student_class_graded_without_the_roster_stops_with_one_line(course, tmp_path):
    # Before: every row just ended in wrong answers (the course's values are nobody's own here).
    out = tmp_path / "graded"
    done = coursebook(course, "grade", course["folder"], "--exercise", EX1A, "--answers", ANSWERS,
                      "--out", out, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert "Traceback" not in done.stderr
    assert "6 of the 6 notebooks" in lines[0] and "released per student" in lines[0]
    assert "--roster" in lines[0]
    assert not (out / "gradebook.csv").exists() and not (out / "results").exists()


def test_a_few_per_student_notebooks_in_a_class_are_named_not_stopped(course, tmp_path):
    from coursebook.classroom.grader.collect import collect
    from coursebook.classroom.grader.whole_class import released_without_roster

    folder = tmp_path / "class"
    folder.mkdir()
    stock = nbformat.read(ANSWERS / f"{EX1A}.ipynb", as_version=4)
    for name in ("a.ipynb", "b.ipynb"):
        nbformat.write(stock, folder / name)
    shutil.copy(course["folder"] / FILES["amy"], folder / "c.ipynb")
    (folder / "d.ipynb").write_text('{"login": [', encoding="utf-8")  # unreadable: not counted
    heard = []
    released_without_roster(collect(folder, tmp_path / "unpacked"), folder, heard.append)
    assert len(heard) == 1 and heard[0].startswith("1 notebook(s) were released per student"), heard
    shutil.copy(course["folder"] / FILES["bob"], folder / "e.ipynb")  # now half of them
    with pytest.raises(GradingInputError, match="2 of the 4 notebooks"):
        released_without_roster(collect(folder, tmp_path / "unpacked2"), folder, heard.append)


def test_a_per_student_notebook_graded_without_the_roster_says_so(course, tmp_path):
    from coursebook.classroom.exercise.checks import load_check_file
    from coursebook.classroom.grader import Limits, grade_submission
    from coursebook.classroom.grader.feedback import student_login_note
    from coursebook.classroom.grader.per_student import LOGIN_TAG, released_per_student
    from coursebook.classroom.grader.writers import describe
    from coursebook.classroom.variants import LOGIN_TAG as RELEASED_TAG

    assert LOGIN_TAG == RELEASED_TAG  # the grader looks for the tag the release writes
    stock = nbformat.read(ANSWERS / f"{EX1A}.ipynb", as_version=4)
    assert not released_per_student(stock)
    untagged = nbformat.read(course["folder"] / FILES["amy"], as_version=4)
    for cell in untagged.cells:  # cells copied into a new notebook lose their tags
        cell.metadata.pop("tags", None)
    assert released_per_student(untagged)
    checks = load_check_file(ANSWERS / "checks" / f"{EX1A}.yml")
    limits = Limits(cell_timeout=60, total_timeout=120, startup_grace=60)
    result = grade_submission(course["folder"] / FILES["amy"], checks, limits)
    assert result.detail.get("released_per_student") is True, result.detail
    message = describe(result)
    assert message.startswith("released per student") and "--roster" in message, message
    assert "not your grade" in student_login_note(result.detail)
    plain = tmp_path / "stock.ipynb"
    nbformat.write(stock, plain)
    assert "released_per_student" not in grade_submission(plain, checks, limits).detail


# -- Gradescope ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gradescope_source(course):
    out = course["base"] / "ex1a-autograder.zip"
    done = coursebook(course, "autograder", "gradescope", "--exercise", EX1A, "--answers", ANSWERS,
                      "--out", out, "--roster", course["roster"])
    assert "5 student(s)" in done.stderr and "have no email" in done.stderr  # Canvas's export: none
    source = course["base"] / "gradescope-source"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(source)
        blob = b"".join(archive.read(n) for n in archive.namelist() if not n.startswith("wheels/"))
    assert SECRET_A.encode() not in blob  # answers for each student, never the secret
    return source


def gradescope(course, source, tmp_path, who: str, users: list[dict]) -> dict:
    from coursebook.classroom.autograder.gradescope_run import grade

    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "source").symlink_to(source)
    nbformat.write(nbformat.read(course["folder"] / FILES[who], as_version=4), root / "submission" / "ex1a.ipynb")
    (root / "submission_metadata.json").write_text(json.dumps({"users": users}))
    results, _ = grade(root)
    return results


def test_gradescope_grades_the_owners_answers(course, gradescope_source, tmp_path):
    results = gradescope(course, gradescope_source, tmp_path, "amy",
                         [{"name": "Amy Lee", "email": "amy@example.edu", "sid": "a1"}])
    assert results["score"] == FULL and "login" not in results["output"].lower().replace("`login`", "")


def test_gradescope_flags_a_notebook_copied_from_another_student(course, gradescope_source, tmp_path):
    results = gradescope(course, gradescope_source, tmp_path, "carol",
                         [{"name": "Carol Day", "email": "carol.day", "sid": ""}])
    assert "amy.lee" in results["output"] and "carol.day" in results["output"]
    assert results["extra_data"]["detail"]["login_flag"] == "mismatch"
    scores = {t["name"]: t["score"] for t in results["tests"] if "auto-graded" in t.get("tags", [])}
    assert all(scores[task] == 0 for task in value_dependent(course, "carol.day", "amy.lee"))


def test_gradescope_says_when_the_submitter_is_not_on_the_roster(course, gradescope_source, tmp_path):
    results = gradescope(course, gradescope_source, tmp_path, "zed",
                         [{"name": "Zed", "email": "zed@example.edu", "sid": "z9"}])
    assert results["score"] == 0 and results["extra_data"]["status"] == "not-on-roster"
    assert "class list" in results["output"]


def test_gradescope_says_when_the_owner_was_found_by_a_typed_student_id(course, gradescope_source,
                                                                         tmp_path):
    # Canvas's gradebook export has no email: Amy is found by the student ID Gradescope lists,
    # and the instructor's part of the result (extra_data, never the output) says so.
    results = gradescope(course, gradescope_source, tmp_path, "amy",
                         [{"name": "Amy Lee", "email": "amy@example.edu", "sid": "a1"}])
    assert "student ID" in results["extra_data"]["detail"]["identity_note"]
    assert "student ID" not in results["output"]


@pytest.fixture(scope="module")
def gradescope_source_with_emails(course):
    """The autograder built from a class list that has an Email column."""
    roster = course["base"] / "with-emails.csv"
    lines = ["Student,ID,SIS User ID,SIS Login ID,Section,Email"]
    lines += [f'"{name}",{user},{sis},{login},S1,{login}@uni.example'
              for name, user, sis, login in STUDENTS]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = course["base"] / "ex1a-autograder-emails.zip"
    done = coursebook(course, "autograder", "gradescope", "--exercise", EX1A, "--answers", ANSWERS,
                      "--out", out, "--roster", roster)
    assert "have no email" not in done.stderr
    source = course["base"] / "gradescope-source-emails"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(source)
    return source


def test_gradescope_a_student_id_typed_by_someone_not_on_the_list_takes_nobodys_key(
        course, gradescope_source_with_emails, tmp_path):
    # The attack: Mallory's Gradescope email is not on the list (she joined with the entry code);
    # she types Bob's login as her student ID and hands in Bob's notebook. Before the fix she was
    # graded against Bob's key: full marks, no flag. The email decides: she is nobody's.
    for sid in ("bob.ray", "b2"):
        results = gradescope(course, gradescope_source_with_emails, tmp_path / sid, "bob",
                             [{"name": "Mallory", "email": "mallory@elsewhere.example",
                               "sid": sid}])
        assert results["score"] == 0 and results["extra_data"]["status"] == "not-on-roster", results
        assert "email is not on the class list" in results["extra_data"]["detail"]["identity_note"]
    # Bob himself, whatever student ID he typed, is found by his email: full marks, no note.
    results = gradescope(course, gradescope_source_with_emails, tmp_path / "bob", "bob",
                         [{"name": "Bob Ray", "email": "Bob.Ray@uni.example", "sid": "a1"}])
    assert results["score"] == FULL and "identity_note" not in results["extra_data"]["detail"]


# -- the keys: one kernel for the class ------------------------------------------------------------

def test_answers_computed_in_one_kernel_equal_a_fresh_kernel_each():
    """`solve_many` (every student's answers in one kernel) resets the namespace between students:
    each student's answers are what a kernel of their own computes, and nothing of the student
    before carries over (a variant missing a cell fails as it would alone)."""
    import yaml

    from coursebook.classroom.variants import draw, solve, solve_many, with_values

    data = yaml.safe_load((ANSWERS / "checks" / f"{EX1A}.yml").read_text())
    variables = [task["variable"] for task in data["tasks"]]
    answers = nbformat.read(ANSWERS / f"{EX1A}.ipynb", as_version=4)
    notebooks = [with_values(answers, draw(SECRET_A, EX1A, data["parameters"], 0, login), EX1A)
                 for login in ("amy.lee", "bob.ray", "carol.day")]
    broken = nbformat.from_dict(notebooks[0])
    broken.cells = [c for c in broken.cells if "defiance_cost = stake" not in c.source]

    def flag(signum, frame):  # the grader's own Ctrl-C handler ("stop after this row")
        pass

    previous = signal.signal(signal.SIGINT, flag)
    try:
        batch = solve_many([notebooks[0], broken, *notebooks[1:]], variables, ANSWERS)
        # nbclient, in the main thread, used to leave Python's default behind (or its own)
        assert signal.getsignal(signal.SIGINT) is flag
        assert isinstance(batch[1], AssertionError) and "NameError" in str(batch[1])
        for notebook, got in zip(notebooks, [batch[0], *batch[2:]], strict=True):
            try:
                alone = solve(notebook, variables, ANSWERS)
            except AssertionError:  # a draw its own hidden checks reject: rejected in the batch too
                assert isinstance(got, AssertionError)
                continue
            assert got == alone
            assert signal.getsignal(signal.SIGINT) is flag
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_sandbox_holds_the_owners_check_files_only(course):
    """What a notebook finds beside it when graded: the course's public file and its owner's own
    (their values and digests), nobody else's."""
    from coursebook.classroom.exercise.assignment import Assignment
    from coursebook.classroom.exercises import student_key
    from coursebook.classroom.grader.per_student import student_keys
    from coursebook.classroom.roster import Roster

    roster = Roster.read(course["roster"])
    keys = student_keys(Assignment.load(ANSWERS, EX1A), roster, SECRET_A, list(roster.students),
                        course["cache"])
    carol = keys.key(next(s for s in roster.students if s.login == "carol.day"))
    files = carol.run.files(carol.assignment.checks)
    mine = f"{EX1A}/{student_key(keys.course_file, 'carol.day')}.json"
    assert set(files) == {f"{EX1A}.json", mine}
    assert json.loads(files[mine])["values"] == course["keys"]["carol.day"][0]
    assert carol.assignment.checks.task("defiance-cost").answer == \
        next(t["answer"] for t in course["keys"]["carol.day"][1]["tasks"] if t["id"] == "defiance-cost")
    others = [student_key(keys.course_file, login) for login in course["keys"] if login != "carol.day"]
    assert not any(other in "".join(files) for other in others)


def test_gradescope_image_check_names_the_class_list(gradescope_source, tmp_path, capsys):
    from coursebook.classroom.autograder.gradescope_run import main

    root = tmp_path / "autograder"
    root.mkdir()
    (root / "source").symlink_to(gradescope_source)
    assert main(["--check", str(root)]) == 0
    assert f"per-student values: {len(STUDENTS)} students on the class list canvas-export.csv" in \
        capsys.readouterr().out
