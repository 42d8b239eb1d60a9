"""Banks are validated by the schema; every kind of mistake is named with its file, line and id."""

import pytest

from coursebook.quiz.bank import load_bank, load_banks
from coursebook.errors import BankError
from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad_banks"

# fixture -> (line, question id, words the message must contain)
EXPECTED = {
    "unknown-type": (10, "q-bad-type", "unknown question type 'essay'"),
    "missing-prompt": (4, "q-no-prompt", "missing required key `prompt`"),
    "single-zero-correct": (4, "q-zero", "exactly one correct option, found 0"),
    "single-two-correct": (4, "q-two", "exactly one correct option, found 2"),
    "multiple-no-correct": (4, "q-none", "at least one correct option"),
    "numeric-missing-answer": (4, "q-no-answer", "missing required key `answer`"),
    "numeric-negative-tolerance": (4, "q-negative", "a tolerance must be zero or more"),
    "ordering-repeated": (4, "q-repeat", "'first' appears twice"),
    "matching-unmatched": (4, "q-unmatched", "pair 2 ('L2') is unmatched"),
    "matching-double": (4, "q-double", "'R1' is used twice"),
    "feedback-no-option": (4, "q-feedback", "`feedback` names 'c', which is not an option"),
    "unknown-key": (10, "q-typo", "unknown key `feedbak`; did you mean `feedback`?"),
    "invalid-yaml": (6, None, "not valid YAML"),
}


def test_every_fixture_is_covered():
    assert {path.stem for path in BAD.glob("*.yml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_bank_is_reported_precisely(name):
    line, question_id, words = EXPECTED[name]
    with pytest.raises(BankError) as caught:
        load_bank(BAD / f"{name}.yml")
    [problem] = caught.value.problems
    assert problem.file.endswith(f"{name}.yml")
    assert problem.line == line
    assert problem.question_id == question_id
    assert words in problem.message
    assert f"{name}.yml:{line}:" in str(caught.value)


def test_duplicate_ids_across_banks():
    with pytest.raises(BankError) as caught:
        load_banks(BAD / "duplicate_ids")
    [problem] = caught.value.problems
    assert (problem.question_id, problem.line) == ("q-shared", 9)
    assert problem.file.endswith("second.yml") and "first.yml" in problem.message


def test_all_problems_reported_at_once(tmp_path):
    for name in ("unknown-key", "missing-prompt"):
        (tmp_path / f"{name}.yml").write_text((BAD / f"{name}.yml").read_text())
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    assert len(caught.value.problems) == 2


def test_bank_name_must_match_file(tmp_path):
    (tmp_path / "chapter.yml").write_text((ROOT / "book" / "quizzes" / "demo.yml").read_text().replace("bank: demo", "bank: other"))
    with pytest.raises(BankError, match="must match the file name"):
        load_bank(tmp_path / "chapter.yml")


def test_yes_and_no_stay_text(tmp_path):
    path = tmp_path / "words.yml"
    path.write_text("bank: words\ntitle: T\nquestions:\n  - id: w-1\n    type: text\n    prompt: Say it\n"
                    "    answers: [yes, No]\n    explanation: e\n")
    assert load_bank(path).questions[0].answers == ["yes", "No"]


def test_the_books_banks_are_valid():
    banks = load_banks(ROOT / "book" / "quizzes")
    assert "demo" in banks
    assert {q.type for q in banks["demo"].questions} == {"single", "multiple", "numeric", "ordering", "matching", "text"}
