"""Banks are validated by the schema; every kind of mistake is named with its file, line and id."""

import pytest

from coursebook.quiz.bank import get_bank, load_bank, load_banks
from coursebook.errors import BankError
from tests.conftest import ROOT
from tests.helpers.bad_banks import BAD, EXPECTED

# Words from the schema library's own messages: an author should never meet them.
JARGON = ("Input should", "dictionary", "validation", "union", "[key]", "list[str]", "tagged", "discriminator",
          "mapping values are not allowed", "cannot start any token", "alias", "scalar", "Value error")


def test_every_fixture_is_covered():
    assert {path.stem for path in BAD.glob("*.yml")} == set(EXPECTED) | {"numbered-options"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_bank_is_reported_precisely(name):
    line, column, question_id, words = EXPECTED[name]
    with pytest.raises(BankError) as caught:
        load_bank(BAD / f"{name}.yml")
    [problem] = caught.value.problems
    assert problem.file.endswith(f"{name}.yml")
    assert (problem.line, problem.column) == (line, column)
    assert problem.question_id == question_id
    assert words in problem.message
    assert f"{name}.yml:{line}:{column}:" in str(caught.value)
    assert not [word for word in JARGON if word in problem.message]


def test_numbered_options_get_one_plain_message_per_place():
    with pytest.raises(BankError) as caught:
        load_bank(BAD / "numbered-options.yml")
    problems = caught.value.problems
    assert [(p.line, p.column) for p in problems] == [(8, 10), (9, 10), (10, 14)]
    assert "use letters (`a:`, `b:`, `c:`)" in problems[0].message
    assert "put it in quotes" in problems[2].message
    assert not [word for p in problems for word in JARGON if word in p.message]


def test_a_bank_saved_as_yaml_is_read_not_skipped():
    banks = load_banks(BAD / "yaml_suffix")
    assert list(banks) == ["my-week"]
    assert get_bank("my-week", BAD / "yaml_suffix").title == "Saved as .yaml"


def test_the_same_bank_as_yml_and_yaml_is_refused_by_name(tmp_path):
    for suffix in (".yml", ".yaml"):
        (tmp_path / f"my-week{suffix}").write_text((BAD / "yaml_suffix" / "my-week.yaml").read_text())
    with pytest.raises(BankError, match=r"my-week\.ya?ml holds a bank of the same name; keep one"):
        load_banks(tmp_path)


def test_one_broken_bank_does_not_break_the_others():
    folder = BAD / "one_broken"
    assert get_bank("demo", folder).bank == "demo"
    with pytest.raises(BankError, match="unknown key `feedbak`"):
        get_bank("unknown-key", folder)
    with pytest.raises(BankError):
        load_banks(folder)  # check-banks still reports every problem


def test_jupyter_shows_the_message_without_a_traceback():
    with pytest.raises(BankError) as caught:
        load_bank(BAD / "invalid-yaml.yml")
    shown = "\n".join(caught.value._render_traceback_())
    assert "invalid-yaml.yml:6:18: question 'q-yaml': quote this text" in shown
    assert "Traceback" not in shown and "bank.py" not in shown


def test_duplicate_ids_across_banks():
    with pytest.raises(BankError) as caught:
        load_banks(BAD / "duplicate_ids")
    [problem] = caught.value.problems
    assert (problem.question_id, problem.line) == ("q-shared", 9)
    assert "duplicate question id" in problem.message
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


def test_check_banks_reports_every_fixture_at_once_without_a_traceback():
    from click.testing import CliRunner

    from coursebook.cli import main

    result = CliRunner().invoke(main, ["banks", "check", str(BAD)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    reported = {line.split(".yml:", 1)[0].rsplit("/", 1)[-1] for line in result.stderr.splitlines()[1:]}
    assert set(EXPECTED) | {"numbered-options"} <= reported


def test_check_banks_reads_a_yaml_bank():
    from click.testing import CliRunner

    from coursebook.cli import main

    result = CliRunner().invoke(main, ["banks", "check", str(BAD / "yaml_suffix")], catch_exceptions=False)
    assert result.exit_code == 0 and result.output.startswith("1 bank") and "all valid" in result.output
