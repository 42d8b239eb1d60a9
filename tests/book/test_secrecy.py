"""Answers a student cannot find (issue 28): course variants, and a release that refuses leaks.

Instructor-only (not copied into the release). The review's five planted leaks (release-and-
secrecy.md, section 3.6) are each refused with the file named; two courses with different secrets
get different values and answers, each course's solution scores full against its own key and not
against the other's.
"""

import io
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from coursebook.book.release import write_release
from coursebook.classroom.exercise.checks import judge, load_check_file
from coursebook.classroom.leaks import scan
from coursebook.classroom.student_edition import stale_exercises
from coursebook.classroom.variants import (VariantError, allowed, cached_check_data_many,
                                           cached_course_check_data, candidates, draw, solve,
                                           stock_values, with_values, write_course_exercises)
from tests.conftest import ROOT
from tests.helpers.courses import EX1A, SECRET_A, SECRET_B, run_variant_cache

EX1B, EX2B = "ex1b-chicken-equilibria", "ex2b-tools-classification"
EX2A = "ex2a-reverse-leverage-timeline"


@pytest.fixture(scope="module")
def variant_cache(tmp_path_factory) -> Path:
    return run_variant_cache(tmp_path_factory)


@pytest.fixture(scope="module")
def course_a(tmp_path_factory, variant_cache):
    """A release of course A (its own secret), and what it drew."""
    dest = tmp_path_factory.mktemp("release-a") / "student"
    drawn = {}

    def hook(folder: Path) -> None:
        drawn.update(write_course_exercises(ROOT / "answers", folder, SECRET_A, cache=variant_cache))

    write_release(ROOT, dest, version="v0.1.0-a", exercises_hook=hook)
    return dest, drawn


def _scan(release: Path, drawn: dict) -> list:
    return scan(release, ROOT, check_files=[checks for _, checks in drawn.values()])


def test_a_course_release_holds_none_of_its_answers(course_a):
    release, drawn = course_a
    assert EX1A in drawn
    assert _scan(release, drawn) == []


def _plant(release: Path, tmp_path: Path, relative: str, data: bytes | str) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    target = copy / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        with target.open("a", encoding="utf-8") as handle:
            handle.write(data)
    else:
        target.write_bytes(data)
    return copy


def _model_answer_sentences() -> str:
    nb = nbformat.read(ROOT / "answers" / f"{EX1A}.ipynb", as_version=4)
    model = next(c.source for c in nb.cells if "written-response" in c.metadata.get("tags", []))
    # The key sentences, re-wrapped as an author pasting them into a chapter would.
    return " ".join(model.replace("*Model answer.*", "").split()[:60])


def _solved_figure() -> bytes:
    import base64

    nb = nbformat.read(ROOT / "answers" / f"{EX1A}.ipynb", as_version=4)
    png = next(o["data"]["image/png"] for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    return base64.b64decode(png)


def _checks_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
            archive.write(path, path.name)
    return buffer.getvalue()


@pytest.mark.parametrize("case", ["A-answer-key", "B-model-answer", "C-figure", "E-zip"])
def test_each_planted_leak_is_refused_with_the_file_named(course_a, tmp_path, case):
    release, drawn = course_a
    values, checks = drawn[EX1A]
    if case == "A-answer-key":
        # An "answer key" paragraph on a page students get (the instructor's guide itself is no
        # longer released: see test_the_instructors_guide_is_not_released).
        key = ", ".join(f"{t.variable} = {t.answer!r}" for t in checks.tasks)
        where, data = "book/intro.md", f"\n\n**Answer key for exercise 1a:** {key}\n"
    elif case == "B-model-answer":
        where, data = "book/working-on-exercises.md", "\n\n" + _model_answer_sentences() + "\n"
    elif case == "C-figure":
        where, data = "book/ex1a-solution.png", _solved_figure()
    else:
        where, data = "book/ta-pack.zip", _checks_zip()
    leaks = _scan(_plant(release, tmp_path, where, data), drawn)
    assert leaks and {leak.file for leak in leaks} == {where}, [str(leak) for leak in leaks]


def test_an_allow_listed_image_passes(course_a, tmp_path):
    release, drawn = course_a
    copy = _plant(release, tmp_path, "book/figures/map.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert [leak.file for leak in _scan(copy, drawn)] == ["book/figures/map.png"]
    assert scan(copy, ROOT, ["book/figures/*.png"], check_files=[c for _, c in drawn.values()]) == []


def test_planted_leak_d_an_answer_typed_into_an_exercise_is_refused(tmp_path):
    """Leak D: the ex3a answer typed into the student notebook and saved: it is out of date."""
    shutil.copytree(ROOT / "answers", tmp_path / "answers")
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    path = tmp_path / "exercises" / "ex3a-revenue-exposure.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "exposure = None" in c.source)
    cell.source = cell.source.replace("exposure = None", "exposure = 0.60 * 0.40")
    nbformat.write(nb, path)
    assert stale_exercises(tmp_path / "answers", tmp_path / "exercises") == ["ex3a-revenue-exposure"]


def test_a_short_number_is_searched_in_its_own_exercise_only(tmp_path):
    """ex2a's gaps start with 31 days (not a distinctive number). Printed in ex2a's own generated
    notebook it is refused; a course whose ex4b draws `request_cost = 31` shows it legitimately."""
    release = tmp_path / "student"
    (release / "exercises").mkdir(parents=True)
    for name, line in (("ex4b-scenario-predictions", "request_cost = 31"),
                       ("ex2a-reverse-leverage-timeline", "# the first gap: 31 days")):
        nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(line))
        nbformat.write(nb, release / "exercises" / f"{name}.ipynb")
    found = {(leak.file, leak.secret) for leak in scan(release, ROOT)}
    gaps = "answer of ex2a-reverse-leverage-timeline/gaps"
    assert ("exercises/ex2a-reverse-leverage-timeline.ipynb", gaps) in found
    assert ("exercises/ex4b-scenario-predictions.ipynb", gaps) not in found


def test_the_instructors_guide_is_not_released(course_a):
    release, _ = course_a
    assert not (release / "book" / "instructors-guide.md").exists()
    assert "instructors-guide" not in (release / "_toc.yml").read_text()
    chapter = (release / "book" / "ch4-who-holds-leverage.ipynb").read_text()
    assert "<instructors-guide>" not in chapter and "instructor's guide" in chapter


# -- course variants -------------------------------------------------------------------------

def test_two_secrets_draw_different_values_and_answers(variant_cache):
    values_a, data_a = cached_course_check_data(ROOT / "answers", EX1A, SECRET_A, cache=variant_cache)
    values_b, data_b = cached_course_check_data(ROOT / "answers", EX1A, SECRET_B, cache=variant_cache)
    stock = load_check_file(ROOT / "answers" / "checks" / f"{EX1A}.yml")
    assert values_a != values_b
    numbers = [t.id for t in stock.tasks if t.kind in ("number", "list")]
    answers = {name: {t["id"]: t["answer"] for t in data["tasks"]} for name, data in (("a", data_a), ("b", data_b))}
    for task in numbers:
        assert answers["a"][task] != stock.task(task).answer, task
        assert answers["b"][task] != stock.task(task).answer, task
        if stock.task(task).kind == "number":  # (task 2's verdicts have a few patterns only)
            assert answers["a"][task] != answers["b"][task], task
    # The same secret draws the same values again (what grade and the release rely on).
    assert draw(SECRET_A, EX1A, stock.parameters) == draw(SECRET_A, EX1A, stock.parameters)


def test_each_courses_solution_is_right_only_against_its_own_key(variant_cache, tmp_path):
    nb = nbformat.read(ROOT / "answers" / f"{EX1A}.ipynb", as_version=4)
    courses = {name: cached_course_check_data(ROOT / "answers", EX1A, secret, cache=variant_cache)
               for name, secret in (("a", SECRET_A), ("b", SECRET_B))}
    from coursebook.classroom.exercise.checks import CheckFile

    for mine, (values, _) in courses.items():
        variables = [t["variable"] for t in courses[mine][1]["tasks"]]
        solved = solve(with_values(nb, values, "ex1a"), variables, ROOT / "answers")
        for theirs, (_, data) in courses.items():
            checks = CheckFile.model_validate(data)
            credit = [judge(t, solved[t.variable]).credit for t in checks.tasks]
            if mine == theirs:
                assert all(credit), (mine, credit)
            else:
                assert not all(credit), (mine, theirs)


CHAPTER_3 = ["ex3a-revenue-exposure", "ex3b-refugees-and-fatalities"]


@pytest.mark.parametrize("name", CHAPTER_3)
def test_chapter_3_exercises_vary_their_hypotheticals_not_the_sources(name, variant_cache):
    """ex3a and ex3b keep USIP's figures and vary only the inputs they call hypothetical: two
    courses draw different values, and no numeric answer of either course is credited by the stock
    key (the public upstream's answers) or by the other course's key."""
    stock = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    nb = nbformat.read(ROOT / "answers" / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "hypothetical" in cell.source.lower()
    for sourced in ("targeted", "returned", "deaths_reported", "TAKEOVER", "PRESS_CONFERENCE"):
        assert sourced not in stock.parameters, f"{sourced} is a sourced figure, not a parameter"
    courses = [cached_course_check_data(ROOT / "answers", name, secret, cache=variant_cache)
               for secret in (SECRET_A, SECRET_B)]
    from coursebook.classroom.exercise.checks import CheckFile

    (values_a, data_a), (values_b, data_b) = courses
    assert values_a != values_b
    key_a, key_b = (CheckFile.model_validate(data) for data in (data_a, data_b))
    for task in stock.tasks:
        if task.kind not in ("number", "list"):
            continue
        answer_a, answer_b = key_a.task(task.id).answer, key_b.task(task.id).answer
        assert not judge(task, answer_a).credit and not judge(task, answer_b).credit, task.id
        assert not judge(key_b.task(task.id), answer_a).credit, task.id


def test_parameters_are_declared_and_injected_in_place():
    nb = nbformat.read(ROOT / "answers" / f"{EX1A}.ipynb", as_version=4)
    stock = stock_values(nb, EX1A)
    declared = load_check_file(ROOT / "answers" / "checks" / f"{EX1A}.yml").parameters
    assert set(declared) <= set(stock)
    for name, spec in declared.items():
        assert allowed(name, spec, stock[name], EX1A), f"the stock {name} is one of its own choices"
    changed = with_values(nb, {"stake": 85}, EX1A)
    cell = next(c for c in changed.cells if "parameters" in c.metadata.get("tags", []))
    assert "stake = 85 " in cell.source and "# value to the target" in cell.source
    with pytest.raises(VariantError, match="no one-line value to nothing_here"):
        with_values(nb, {"nothing_here": 1}, EX1A)
    with pytest.raises(VariantError, match="choices"):
        candidates("x", {"range": [1]}, "here")


PARAMETERIZED = sorted(path.stem for path in (ROOT / "answers" / "checks").glob("*.yml")
                       if load_check_file(path).parameters)


def test_every_exercise_declares_parameters():
    # every exercise: ex1b and ex2b draw their codes' order (and ex1b its games' payoffs) too
    assert set(PARAMETERIZED) == {path.stem for path in (ROOT / "answers").glob("*.ipynb")}


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_each_exercise_s_stock_values_are_drawable_and_two_courses_get_other_answers(name, variant_cache):
    nb = nbformat.read(ROOT / "answers" / f"{name}.ipynb", as_version=4)
    stock = stock_values(nb, name)
    declared = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml").parameters
    for parameter, spec in declared.items():
        assert allowed(parameter, spec, stock[parameter], name), f"{name}: stock {parameter}"
    (values_a, data_a), (values_b, data_b) = (
        cached_course_check_data(ROOT / "answers", name, secret, cache=variant_cache)
        for secret in (SECRET_A, SECRET_B))
    assert values_a != values_b
    answers_a, answers_b = ({t["id"]: t["answer"] for t in data["tasks"]} for data in (data_a, data_b))
    assert [task for task in answers_a if answers_a[task] != answers_b[task]], name
    # Answers that do not depend on the values keep every accepted form (e.g. a term's spellings).
    stock_checks = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    for task in stock_checks.tasks:
        if task.kind == "text":
            assert answers_a[task.id] == task.answer, (name, task.id)


# -- no exercise answer printed in the book --------------------------------------------------

# Exercises whose stock answers the chapters still print (release-and-secrecy.md, section 3.4): none
# now. It stays empty: an exercise with its own hypothetical scenario and parameters (ex1a, ex2a,
# ex3a, ex3b, ex4a, ex4b) or one that asks for a quantity the book does not compute never matches
# the chapters' worked examples or the quizzes' keys.
STILL_PRINTED: dict[str, set[str]] = {}


def test_no_exercise_answer_is_printed_in_the_book():
    from coursebook.classroom.leaks import printed_answers, public_text

    text = public_text(ROOT)
    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        printed = {what.rsplit("/", 1)[1] for what in printed_answers(text, checks)}
        assert printed == STILL_PRINTED.get(path.stem, set()), path.stem
        if checks.parameters:
            assert not printed, f"{path.stem} declares parameters: its stock values must differ from the book's"


def test_the_scan_finds_an_answer_printed_in_a_chapter_as_a_percentage():
    from coursebook.classroom.leaks import printed_answers

    checks = load_check_file(ROOT / "answers" / "checks" / "ex3a-revenue-exposure.yml")
    share, found = checks.task("exposure").answer, "answer of ex3a-revenue-exposure/exposure"
    assert found in printed_answers(f"about {100 * share:.1f} percent of revenue", checks)
    assert found in printed_answers(f"about {100 * share:.2f}% of revenue", checks)
    # Chapter 3's own figure (40 and 60 percent make 24) is not this exercise's answer.
    assert printed_answers("about 24 percent of revenue", checks) == []


def test_stock_answers_are_what_the_solution_computes():
    """No answer typed by hand for an exercise with parameters: the check file's stock answers are
    those its solution notebook computes with the stock values."""
    from coursebook.classroom.exercise.checks import CheckFile
    from coursebook.classroom.variants import solved_check_data

    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        stock = load_check_file(path)
        if not stock.parameters:
            continue
        nb = nbformat.read(ROOT / "answers" / f"{path.stem}.ipynb", as_version=4)
        computed = CheckFile.model_validate(solved_check_data(ROOT / "answers", path.stem, stock_values(nb, path.stem)))
        for task, solved in zip(stock.tasks, computed.tasks):
            # (a text task that keeps its accepted spellings is computed as the same list)
            same = solved.answer == task.answer or judge(task, solved.answer).credit
            assert same, (path.stem, task.id, task.answer, solved.answer)


# -- per-student values ------------------------------------------------------------------------

def test_each_student_gets_their_own_values_and_only_their_own_digests(tmp_path, variant_cache):
    from coursebook.classroom.exercises import Checker
    from coursebook.classroom.variants import login_problem, read_roster, write_student_exercises

    roster = tmp_path / "canvas.csv"
    roster.write_text('Student,ID,SIS User ID,SIS Login ID,Section\n"Lee, Amy",101,a1,amy.lee,S1\n'
                      '"Ray, Bob",102,b2,bob.ray,S1\n')
    logins = read_roster(roster)
    assert logins == ["amy.lee", "bob.ray"]
    dest = tmp_path / "student"
    students = {}

    def hook(folder: Path) -> None:
        drawn = write_course_exercises(ROOT / "answers", folder, SECRET_A, cache=variant_cache)
        students.update(write_student_exercises(ROOT / "answers", folder, SECRET_A, logins, cache=variant_cache))
        hook.drawn = drawn

    write_release(ROOT, dest, version="v0.1.0-s", exercises_hook=hook)
    amy, bob = students[EX1A]["amy.lee"], students[EX1A]["bob.ray"]
    folder = dest / "exercises" / "checks"
    as_amy = Checker(EX1A, folder, login="Amy.Lee ")
    as_bob = Checker(EX1A, folder, login="bob.ray")
    assert as_amy.value("stake") != as_bob.value("stake") or as_amy.value("compliance_cost") != as_bob.value("compliance_cost")
    cost_amy, cost_bob = amy.task("defiance-cost").answer, bob.task("defiance-cost").answer
    assert cost_amy != cost_bob
    assert as_amy("defiance-cost", cost_amy).status == "correct"
    assert as_amy("defiance-cost", cost_bob).status == "incorrect"
    assert as_bob("defiance-cost", cost_bob).status == "correct"
    # The notebook asks for the login first; without it, check() says so instead of judging.
    nb = nbformat.read(dest / "exercises" / f"{EX1A}.ipynb", as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code" and "colab" not in str(c.metadata.get("tags")))
    assert 'login = ""' in first_code.source
    assert "check.value('stake')" in next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "Set `login`" in Checker(EX1A, folder, login="")("defiance-cost", 1.0).message
    with pytest.raises(ValueError, match="not on this course's class list"):
        Checker(EX1A, folder, login="somebody.else")
    # Nothing of one student's answers in the release, in any file (the other student's included).
    assert scan(dest, ROOT, check_files=[amy, bob, hook.drawn[EX1A][1]]) == []
    # The grader's login check.
    assert login_problem("amy.lee", "Amy.Lee") is None
    assert "bob.ray" in login_problem("bob.ray", "amy.lee") and login_problem("", "amy.lee")


@pytest.mark.parametrize("exercise", [EX1A, EX2A, EX2B])
def test_grade_scores_each_courses_solution_full_and_the_other_courses_not(exercise, tmp_path, variant_cache):
    """`coursebook grade` with course A's secret: A's solved notebook full marks, B's not; and the
    other way round. The submissions are the instructor's solution notebook run with each course's
    values (what a student of that course who solved everything hands in)."""
    import csv
    import os
    import subprocess
    import sys

    answers = nbformat.read(ROOT / "answers" / f"{exercise}.ipynb", as_version=4)
    folder = tmp_path / "class"
    folder.mkdir()
    secrets = {"a": SECRET_A, "b": SECRET_B}
    for name, secret in secrets.items():
        values, _ = cached_course_check_data(ROOT / "answers", exercise, secret, cache=variant_cache)
        nbformat.write(with_values(answers, values, exercise), folder / f"course-{name}.ipynb")
    stock = load_check_file(ROOT / "answers" / "checks" / f"{exercise}.yml")
    for name, secret in secrets.items():
        out = tmp_path / f"graded-{name}"
        env = {**os.environ, "COURSEBOOK_COURSE_SECRET": secret, "COURSEBOOK_VARIANT_CACHE": str(variant_cache)}
        done = subprocess.run([sys.executable, "-m", "coursebook", "grade", str(folder), "--exercise", exercise,
                               "--answers", str(ROOT / "answers"), "--out", str(out)], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        with (out / "gradebook.csv").open(encoding="utf-8") as handle:
            totals = {row["file"]: float(row["total"]) for row in csv.DictReader(handle)}
        mine, other = totals[f"course-{name}.ipynb"], totals[f"course-{'b' if name == 'a' else 'a'}.ipynb"]
        assert mine == stock.total_points, (name, totals)
        assert other < stock.total_points, (name, totals)


# -- option tables that give nothing away ------------------------------------------------------

def test_no_options_table_lists_its_codes_in_the_order_of_the_answer():
    """A matching task whose options appear in the order of the keys they answer falls in one guess
    (ex1b task 6 did: c1 -> compellence ... c5 -> commitment, the unused code last)."""
    import re

    checked = 0
    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        nb = nbformat.read(ROOT / "exercises" / f"{path.stem}.ipynb", as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
        for task in checks.tasks:
            if task.kind != "mapping" or len(set(task.answer.values())) < 3:
                continue  # a few repeated values have no order to give away
            values = [task.answer[key] for key in sorted(task.answer)]
            where = [m.start() for value in values
                     for m in [re.search(rf"`\"?{re.escape(value)}\"?`", text)] if m]
            if len(where) < len(values):
                continue  # free text, not a table of codes
            checked += 1
            assert where != sorted(where), f"{path.stem}/{task.id}: options listed in the answer's order"
    assert checked >= 2  # ex1b's theory-for-claim and ex4a's pakistan-theories at least


# -- per-course codes for choice, set and mapping tasks ---------------------------------------

def test_a_shuffle_draws_every_item_once_and_each_secret_its_own_order():
    spec = {"order": {"shuffle": ["a", "b", "c", "d", "e", "f"]}}
    orders = {tuple(draw(f"secret-{n:02d}" + "x" * 16, "ex", spec)["order"]) for n in range(40)}
    assert all(sorted(order) == list("abcdef") for order in orders)
    assert len(orders) > 30  # 720 orders: forty secrets seldom share one
    assert draw(SECRET_A, "ex", spec) == draw(SECRET_A, "ex", spec)
    assert draw(SECRET_A, "ex", spec) != draw(SECRET_A, "ex", spec, attempt=1)
    assert allowed("order", spec["order"], list("fedcba"), "ex")
    assert not allowed("order", spec["order"], list("fedcbb"), "ex")
    with pytest.raises(VariantError, match="two or more different items"):
        draw(SECRET_A, "ex", {"order": {"shuffle": ["a", "a"]}})


CATEGORICAL = ("choice", "set", "mapping")


SHUFFLED = sorted(path.stem for path in (ROOT / "answers" / "checks").glob("*.yml")
                  if any("shuffle" in spec for spec in load_check_file(path).parameters.values()))


def test_the_exercises_with_lettered_options_or_labelled_claims_shuffle_them():
    assert {EX1A, EX1B, EX2A, EX2B, "ex3a-revenue-exposure", "ex3b-refugees-and-fatalities",
            "ex4a-comparing-leverage", "ex4b-scenario-predictions"} <= set(SHUFFLED)


@pytest.mark.parametrize("name", SHUFFLED)
def test_the_stock_key_earns_nothing_on_the_shuffled_tasks_of_any_course(name, variant_cache):
    """ex1b's claims, ex2b's tools and the lettered options of the choice tasks have each course's
    own labels and letters: over many draws (a login per draw, as per-student variants make them)
    the stock key, pasted from the public upstream, earns no credit on any choice, set or mapping
    task that is not marked the same in every course, and the draws' answers differ."""
    from coursebook.classroom.exercise.checks import CheckFile

    stock = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    shuffled = [t for t in stock.tasks if t.kind in CATEGORICAL and not t.same_in_every_course]
    assert shuffled, name
    logins = [f"student-{n}" for n in range(8)]
    keys = cached_check_data_many(ROOT / "answers", name, SECRET_A, [""] + logins, cache=variant_cache)
    for login, (values, data) in keys.items():
        key = CheckFile.model_validate(data)
        for task in shuffled:
            assert not judge(key.task(task.id), task.answer).credit, (name, login, task.id)
    for task in shuffled:
        answers = {repr(CheckFile.model_validate(data).task(task.id).answer) for _, data in keys.values()}
        assert len(answers) >= 2, (name, task.id, answers)  # not one fixed "other" answer


def test_two_courses_label_ex2b_s_tools_and_options_differently(variant_cache):
    """The released notebooks show each course's letters, and each course's solution earns full
    credit against its own key only."""
    from coursebook.classroom.exercise.checks import CheckFile
    from coursebook.classroom.student_edition import student_notebook

    nb = nbformat.read(ROOT / "answers" / f"{EX2B}.ipynb", as_version=4)
    courses = {secret: cached_course_check_data(ROOT / "answers", EX2B, secret, cache=variant_cache)
               for secret in (SECRET_A, SECRET_B)}
    (values_a, data_a), (values_b, data_b) = courses.values()
    assert values_a["tool_order"] != values_b["tool_order"]
    assert values_a["aid_options"] != values_b["aid_options"]
    key_a, key_b = CheckFile.model_validate(data_a), CheckFile.model_validate(data_b)
    for task in ("sticks", "conditionality", "entitlements"):
        assert not judge(key_b.task(task), key_a.task(task).answer).credit, task
    # The student edition shows the course's order of the tools (the letters follow from it).
    released = student_notebook(with_values(nb, values_a, EX2B), EX2B)
    cell = next(c for c in released.cells if "parameters" in c.metadata.get("tags", []))
    assert repr(values_a["tool_order"]) in cell.source and repr(values_a["aid_options"]) in cell.source
    assert "BEGIN SOLUTION" not in "".join(c.source for c in released.cells)


@pytest.mark.parametrize("name", SHUFFLED)
def test_the_search_table_still_counts_the_option_letters(name):
    """The letters are printed by a cell now, not written in bold: the release's search-time table
    must still count them among the words a guesser tries (else it would call a choice slow)."""
    from coursebook.classroom.search_time import vocabulary

    nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    words = vocabulary("\n".join(cell.source for cell in nb.cells))
    # (ex1b's mapping takes option codes, written in its table, not letters)
    guesses = {"commitment", "compellence", "selection"} if name == EX1B else {"A", "B", "C"}
    assert guesses <= words, (name, sorted(words)[:20])


# -- the tasks that were the same in every course ----------------------------------------------

# Tasks whose stock answer used to answer every course (the public upstream's key): ex1a's verdict
# (now the verdicts at six levels of credibility) and its scenarios' letters, ex2a's events' letters.
MADE_TO_VARY = {EX1A: ["verdict", "out-of-reach"], EX2A: ["order", "first-year", "longest-gap-after"]}


@pytest.mark.parametrize("name", sorted(MADE_TO_VARY))
def test_the_stock_key_earns_nothing_on_the_tasks_made_to_vary(name, variant_cache):
    """Over a course and eight students' draws, the stock answer of each task that used to be the
    same everywhere earns no credit, the draws' answers differ, and each draw's solution (the
    answers notebook run with its values) earns full credit against its own key."""
    from coursebook.classroom.exercise.checks import CheckFile

    stock = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    tasks = MADE_TO_VARY[name]
    assert not any(stock.task(task).same_in_every_course for task in tasks)
    keys = cached_check_data_many(ROOT / "answers", name, SECRET_A, [""] + [f"student-{n}" for n in range(8)],
                                  cache=variant_cache)
    nb = nbformat.read(ROOT / "answers" / f"{name}.ipynb", as_version=4)
    variables = [t.variable for t in stock.tasks]
    for login, (values, data) in list(keys.items())[:3]:  # three solved in full (a kernel each)
        key = CheckFile.model_validate(data)
        solved = solve(with_values(nb, values, name), variables, ROOT / "answers")
        assert all(judge(t, solved[t.variable]).credit for t in key.tasks), (name, login)
    for task in tasks:
        answers = set()
        for login, (_, data) in keys.items():
            key = CheckFile.model_validate(data)
            assert not judge(key.task(task), stock.task(task).answer).credit, (name, login, task)
            answers.add(repr(key.task(task).answer))
        assert len(answers) >= 2, (name, task, answers)


def test_what_stays_the_same_in_every_course_says_why():
    """A task marked the same in every course has a comment in its check file saying why (a sourced
    fact, a reading of a chapter, what every game of its kind has)."""
    import re

    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        for block in re.split(r"\n- id: ", text)[1:]:
            if "same_in_every_course: true" in block:
                why = " ".join(line.split("#", 1)[1] for line in block.splitlines() if "#" in line)
                assert len(why.split()) >= 5, (path.stem, block.split()[0])


# -- model answers quote the course's numbers ------------------------------------------------

MODEL_NUMBERS = {  # exercise: how its model answer quotes the values (its parameters, its key)
    EX1A: lambda v, key: f"Take the scenario (stake {v['stake']}, replaceable {v['replaceable']})",
    "ex4a-comparing-leverage": lambda v, key: "{1} for Pakistan against the West's {0}".format(
        *key.task("totals").answer),
    "ex4b-scenario-predictions": lambda v, key: (
        f"S5 raises the stake from {v['west_stake']} to {v['pak_stake']}, lowers the replaceable share "
        f"from {v['west_replaceable']} to {v['pak_replaceable']}"),
}


def _run(nb, folder: Path):
    import nbclient

    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def _shown_model_answer(nb) -> str:
    text = []
    for cell in nb.cells:
        if "written-response" in cell.metadata.get("tags", []):
            text.append(cell.source)
        for output in cell.get("outputs", []):
            shown = output.get("data", {}).get("text/markdown", "")
            if "Model answer" in shown:
                text.append(shown)
    return "\n".join(text)


@pytest.mark.parametrize("name", sorted(MODEL_NUMBERS))
def test_a_courses_solution_quotes_the_courses_numbers_in_its_model_answer(name, variant_cache):
    """The model answer's worked numbers are computed from the notebook's values: the solution run
    with course B's values shows B's numbers (the weighted totals, the scenario's inputs), and the
    stock numbers only where B's are the same."""
    from coursebook.classroom.exercise.checks import CheckFile

    values, data = cached_course_check_data(ROOT / "answers", name, SECRET_B, cache=variant_cache)
    nb = nbformat.read(ROOT / "answers" / f"{name}.ipynb", as_version=4)
    stock_text = _shown_model_answer(nb)  # the stored outputs: the stock values
    course_text = _shown_model_answer(_run(with_values(nb, values, name), ROOT / "answers"))
    assert course_text != stock_text
    phrase = MODEL_NUMBERS[name]
    stock = load_check_file(ROOT / "answers" / "checks" / f"{name}.yml")
    mine, stocks = phrase(values, CheckFile.model_validate(data)), phrase(stock_values(nb, name), stock)
    assert stocks in stock_text and mine in course_text, (name, mine)
    if mine != stocks:
        assert stocks not in course_text, name


def test_no_model_answer_or_rubric_types_a_number_a_course_changes():
    """The written model answers and rubrics quote no stock answer of their exercise (those are
    computed by a cell, so a course reads its own): checked with the release's own search."""
    from coursebook.classroom.leaks import printed_answers

    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        nb = nbformat.read(ROOT / "answers" / f"{path.stem}.ipynb", as_version=4)
        typed = "\n".join(c.source for c in nb.cells
                           if {"written-response", "rubric"} & set(c.metadata.get("tags", [])))
        varying = checks.model_copy(update={"tasks": [t for t in checks.tasks if t.kind in ("number", "list")
                                                       and not t.same_in_every_course]})
        assert printed_answers(typed, varying) == [], path.stem


def test_course_solutions_writes_each_solution_with_the_courses_values(tmp_path, variant_cache):
    """`coursebook course solutions DEST`: the instructor reads their course's solution notebooks,
    run with the course's values: every check passes against the course's key, and the model
    answer's worked example quotes the course's numbers."""
    import os
    import subprocess
    import sys

    from coursebook.classroom.exercise.checks import CheckFile

    dest = tmp_path / "solutions"
    env = {**os.environ, "COURSEBOOK_COURSE_SECRET": SECRET_B, "COURSEBOOK_VARIANT_CACHE": str(variant_cache)}
    done = subprocess.run([sys.executable, "-m", "coursebook", "course", "solutions", str(dest)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "instructor-only" in done.stdout
    assert sorted(p.name for p in dest.glob("*.ipynb")) == sorted(p.name for p in (ROOT / "answers").glob("*.ipynb"))
    for name, phrase in MODEL_NUMBERS.items():
        values, data = cached_course_check_data(ROOT / "answers", name, SECRET_B, cache=variant_cache)
        assert load_check_file(dest / "checks" / f"{name}.yml").model_dump() == CheckFile.model_validate(data).model_dump()
        nb = nbformat.read(dest / f"{name}.ipynb", as_version=4)
        shown = [o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", [])]
        checks = [text for text in shown if text.startswith("✓") or "**" in text.split(":")[0]]
        assert checks and all("Correct." in text for text in checks), (name, checks)
        assert phrase(values, CheckFile.model_validate(data)) in _shown_model_answer(nb), name
    # Without a secret it says so in one line and writes nothing.
    bare = {k: v for k, v in env.items() if k != "COURSEBOOK_COURSE_SECRET"}
    answers = tmp_path / "answers"
    answers.mkdir()
    done = subprocess.run([sys.executable, "-m", "coursebook", "course", "solutions", str(tmp_path / "none"),
                           "--answers-dir", str(answers)], cwd=tmp_path, env=bare, capture_output=True, text=True)
    assert done.returncode != 0 and "no secret" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none").exists()


def test_no_hidden_line_of_one_exercise_is_public_text_of_another():
    """The cells that compute a model answer's numbers are hidden: none of their lines (nor any
    other secret line of an answers notebook) is in a student's notebook or a chapter, where the
    built site's test (tests/book/test_editions.py) would find it (a shared import once was)."""
    from tests.helpers.exercises import NAMES, secret_texts

    public = "\n".join(cell.source for folder in ("exercises", "book") for path in sorted((ROOT / folder).glob("*.ipynb"))
                       for cell in nbformat.read(path, as_version=4).cells)
    public += "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "book").glob("*.md")))
    for name in NAMES:
        assert [line for line in secret_texts(name) if line in public] == [], name
