"""check() and the grader decide alike, by construction, and tolerance means tolerance.

The property tests draw values around the tolerance boundary (and of the wrong type) and assert
that the student's public check (slow salted hashes, here at a cheap cost) and the grader's
`matches` give the same verdict, that a value within the tolerance always gets credit, and that one
three tolerances away or more never does (the fixed grid accepts the answer's bucket and its
neighbour, so between one and three tolerances the verdict depends on where the grid falls).
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebook.classroom.exercise.checks import judge, load_check_file, matches, public_spec
from coursebook.classroom.exercise.task import CheckFile, Task
from coursebook.classroom.exercises import Checker
from coursebook.classroom.exercise.fingerprints import COST, public_credit
from tests.conftest import ROOT

CHEAP = {"n": 2, "r": 1, "p": 1}   # the same scheme at a trivial cost, so hypothesis can run many cases
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def public(task: Task, cost=CHEAP) -> dict:
    return public_spec(CheckFile(exercise="ex-test", title="t", tasks=[task]), cost)["tasks"][task.id]


def agree(task: Task, value, entry=None) -> bool:
    entry = entry or public(task)
    student, problem = public_credit(entry, value)
    verdict = judge(task, value)
    assert problem == verdict.problem
    assert student == verdict.credit == matches(task, value), (task, value)
    return student


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
tolerances = st.sampled_from([0.0, 1e-9, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0])


def near(answer: float, tolerance: float):
    """Values on, just inside and just outside the edges of the accepted interval, and random ones."""
    edges = [answer - tolerance, answer + tolerance]
    return st.one_of(
        st.sampled_from(edges).flatmap(lambda e: st.sampled_from([e, math.nextafter(e, -math.inf), math.nextafter(e, math.inf)])),
        st.floats(min_value=-3.0, max_value=3.0).map(lambda f: answer + f * max(tolerance, 1e-9)),
        st.integers(-5, 5).map(lambda k: answer + k * tolerance / 2),
        st.integers(min_value=-1000, max_value=1000),
        finite,
    )


@SETTINGS
@given(st.data(), finite, tolerances)
def test_numbers_agree_and_mean_within_tolerance(data, answer, tolerance):
    task = Task(id="x", variable="x", kind="number", answer=answer, tolerance=tolerance)
    entry = public(task)
    value = data.draw(near(answer, tolerance))
    credited = agree(task, value, entry)
    distance = abs(value - answer)
    slack = 1e-9 * max(1.0, abs(answer)) + 4 * math.ulp(abs(answer) + tolerance)
    if tolerance == 0 or 2 * tolerance < 1000 * math.ulp(abs(answer) + tolerance):
        assert credited == (value == answer)
    elif distance < tolerance - slack:
        assert credited, f"{value} is within {tolerance} of {answer}"
    elif distance > 3 * tolerance + slack:
        assert not credited, f"{value} is more than three times {tolerance} from {answer}"
    # Same value as NumPy scalar, as digits in a string, as a one-item list: a type message, no credit.
    for wrong in (np.float64(value), str(value), [value], True):
        assert agree(task, wrong, entry) is False
        assert judge(task, wrong).problem


@SETTINGS
@given(st.data(), st.lists(st.floats(min_value=-1000, max_value=1000), min_size=1, max_size=5),
       st.sampled_from([0.0, 0.01, 0.1, 0.5]))
def test_lists_compare_each_item_within_tolerance(data, answer, tolerance):
    task = Task(id="x", variable="x", kind="list", answer=answer, tolerance=tolerance)
    entry = public(task)
    shifts = data.draw(st.lists(st.sampled_from([0.0, 0.5, 0.99, -0.99, 1.01, -1.01, 2.0, 3.01, -3.01]),
                                min_size=len(answer), max_size=len(answer)))
    value = [a + s * tolerance for a, s in zip(answer, shifts)]
    as_tuple = data.draw(st.booleans())
    credited = agree(task, tuple(value) if as_tuple else value, entry)
    if tolerance == 0:
        assert credited
        assert agree(task, [math.nextafter(a, math.inf) for a in answer], entry) is False
    elif all(abs(s) < 1 for s in shifts):
        assert credited
    elif any(abs(s) > 3 for s in shifts):
        assert not credited
    assert agree(task, set(value), entry) is False   # a set has no order: a type message
    assert agree(task, value + [1.0], entry) is False


@SETTINGS
@given(st.data(), st.lists(st.integers(-50, 50), min_size=1, max_size=4, unique=True),
       st.lists(st.sampled_from(["B", "D", "Alpha", "ttp"]), max_size=3, unique=True))
def test_sets_agree_in_any_order_and_container(data, numbers, letters):
    task = Task(id="x", variable="x", kind="set", answer=[*numbers, *letters], tolerance=0.25)
    entry = public(task)
    shifted = [n + data.draw(st.sampled_from([0.0, 0.2, -0.2, 0.8, -0.8])) for n in numbers]
    cased = [data.draw(st.sampled_from([t, t.lower(), f" {t.upper()} "])) for t in letters]
    items = data.draw(st.permutations([*shifted, *cased]))
    container = data.draw(st.sampled_from([list, tuple, set, frozenset]))
    credited = agree(task, container(items), entry)
    # An integer answer with tolerance 0.25 accepts exactly [n - 0.5, n + 0.5) (its two buckets); a set
    # matches its items in sorted order, so two shifted items may swap places and still match.
    assert credited == all(-0.5 <= v - n < 0.5 for v, n in zip(sorted(shifted), sorted(numbers)))
    assert agree(task, container(items[1:]), entry) is (len(items) == 1 and False)


@SETTINGS
@given(st.one_of(st.integers(-10, 10000), st.text(alphabet="0123456789. -", max_size=8), finite,
                 st.sampled_from([np.int64(30), np.float32(30), np.float64(58.333), float("nan"), float("inf"), None, True,
                                  [30], {"a": 1}, {30}, (30,), "30", "58.333", b"30"])),
       st.sampled_from([
           Task(id="x", variable="x", kind="number", answer=30, tolerance=0.01),
           Task(id="x", variable="x", kind="number", answer=58.333, tolerance=0.05),
           Task(id="x", variable="x", kind="number", answer=0, relative_tolerance=0.1),
           Task(id="x", variable="x", kind="text", answer=["Samaritan's dilemma", "samaritan dilemma"]),
           Task(id="x", variable="x", kind="choice", answer="defies"),
           Task(id="x", variable="x", kind="list", answer=[43.75, 54.688], tolerance=0.1),
           Task(id="x", variable="x", kind="set", answer=["B", "D"]),
           Task(id="x", variable="x", kind="mapping", answer={"aid": 1.5, "trade": "sticks"}, tolerance=0.1),
       ]))
def test_any_value_gets_the_same_verdict_from_check_and_grader(value, task):
    agree(task, value)


def test_regressions_from_the_review():
    ex1a = load_check_file(ROOT / "answers" / "checks" / "ex1a-coercion-threshold.yml")
    needed = ex1a.task("credibility-needed")                     # 59.60784 ± 0.05: buckets [59.5, 59.7)
    assert not matches(needed, 59.45) and matches(needed, 59.56) and matches(needed, 59.65)
    assert not matches(needed, 59.71)
    by_share = ex1a.task("needed-by-replaceable")                # [44.7059, 55.8824, 74.5098, 111.7647] ± 0.1
    assert matches(by_share, [44.7058999999, 55.8824, 74.5098, 111.7647])
    assert matches(by_share, [44.7059, 55.88235, 74.55, 111.7647])
    assert not matches(by_share, [45.02, 55.8824, 74.5098, 111.7647])
    exact = Task(id="x", variable="x", kind="number", answer=12, tolerance=0)
    assert matches(exact, 12) and matches(exact, 12.0) and not matches(exact, 12.000001)
    zero = Task(id="x", variable="x", kind="number", answer=0, relative_tolerance=0.5)
    assert matches(zero, 0) and not matches(zero, 1e-12)
    public_spec(CheckFile(exercise="e", title="t", tasks=[exact, zero]))   # no ZeroDivisionError


@pytest.mark.parametrize("value, words", [
    (np.float64(30.0), "NumPy float64"), ("30", "remove the quotes"), (float("nan"), "not a finite number"),
    (True, "truth value"), ([30.0], "a list"),
])
def test_wrong_types_are_named(tmp_path, value, words):
    (tmp_path / "checks").mkdir()
    ex1a = load_check_file(ROOT / "answers" / "checks" / "ex1a-coercion-threshold.yml")
    import json
    (tmp_path / "checks" / "ex1a-coercion-threshold.json").write_text(json.dumps(public_spec(ex1a)))
    result = Checker("ex1a-coercion-threshold", tmp_path / "checks")("defiance-cost", value)
    assert result.status == "wrong-type" and words in result.message
    assert "35" not in result.message.replace(repr(value) if not isinstance(value, str) else value, "")


def test_public_check_files_decide_like_the_grader_at_the_real_cost():
    """The shipped exercises/checks/*.json (real scrypt cost) agree with answers/checks/*.yml."""
    import json
    for path in sorted((ROOT / "answers" / "checks").glob("*.yml")):
        checks = load_check_file(path)
        shipped = json.loads((ROOT / "exercises" / "checks" / f"{path.stem}.json").read_text())
        for task in checks.tasks:
            entry = shipped["tasks"][task.id]
            assert "answer" not in entry
            if task.hidden:
                assert "accept" not in entry
                continue
            assert entry["scrypt"] == COST
            answers = task.answer if task.kind == "text" else [task.answer]
            for answer in answers:
                assert public_credit(entry, answer) == (True, None)
            if task.kind == "number":
                t = task.absolute_tolerance
                for value in (task.answer + 0.9 * t, task.answer - 0.9 * t, task.answer + 3.1 * t, task.answer - 3.1 * t):
                    assert public_credit(entry, value)[0] == matches(task, value) == (abs(value - task.answer) < t)
                assert "offsets" not in entry["form"] and entry["form"]["width"] in (0, 2 * t)


def test_set_answers_must_be_unambiguous():
    with pytest.raises(ValueError, match="share an accepted bucket"):
        Task(id="x", variable="x", kind="set", answer=[1.0, 1.1], tolerance=0.1)
    with pytest.raises(ValueError, match="read the same"):
        Task(id="x", variable="x", kind="set", answer=["TTP", "t.t.p."])


@SETTINGS
@given(st.data(), st.dictionaries(st.sampled_from(["aid", "trade", "Recognition", "frozen assets"]),
                                  st.one_of(st.floats(min_value=-500, max_value=500), st.sampled_from(["sticks", "carrots"])),
                                  min_size=1, max_size=4),
       st.sampled_from([0.0, 0.05, 0.5]))
def test_mappings_compare_values_within_tolerance_and_keys_folded(data, answer, tolerance):
    task = Task(id="x", variable="x", kind="mapping", answer=answer, tolerance=tolerance)
    entry = public(task)
    shifts = {k: data.draw(st.sampled_from([0.0, 0.9, -0.9, 3.1, -3.1])) for k in answer}
    value = {}
    for key, item in answer.items():
        shown = data.draw(st.sampled_from([key, key.upper(), f" {key} "]))
        value[shown] = item + shifts[key] * tolerance if isinstance(item, float) else item
    credited = agree(task, value, entry)
    numeric = [k for k, v in answer.items() if isinstance(v, float)]
    assert credited == all(abs(shifts[k]) < 1 or tolerance == 0 for k in numeric)
    as_text = {k: (str(v) if isinstance(v, float) else v) for k, v in value.items()}
    if numeric:
        assert agree(task, as_text, entry) is False
