"""The bank lint: the longest-option cue, key positions, probable currency, a figure written two ways,
the key's length rank and the hint every question needs."""

import subprocess
import sys

import pytest

from coursebook.quiz.bank import load_bank, load_banks
from coursebook.quiz.lint import (
    MAX_BOTTOM_TWO_SHARE,
    MAX_LONGEST_SHARE,
    MAX_TOP_TWO_SHARE,
    MIN_RANKED,
    MIN_SHORTEST_SHARE,
    lint_bank,
    lint_banks,
)
from tests.conftest import ROOT

LINT = ROOT / "tests" / "fixtures" / "lint"


def lint(name):
    return lint_bank(load_bank(LINT / f"{name}.yml"))


def rules(result):
    return [finding.rule for finding in result.findings]


def test_bank_fails_when_the_key_is_longest_too_often():
    result = lint("longest-fails")
    assert result.longest_keyed == ["lf-single", "lf-multiple"]
    assert (result.single, result.multiple) == (2, 1)
    assert result.longest_share == pytest.approx(2 / 3)
    assert rules(result) == ["longest-option"] and not result.passed
    assert "lf-single, lf-multiple" in result.findings[0].message


def test_bank_passes_at_or_under_the_limit_and_ties_are_no_cue():
    result = lint("longest-passes")
    assert result.longest_keyed == ["lp-keyed-longest"]
    assert result.choice == 3 and result.longest_share <= MAX_LONGEST_SHARE
    assert result.passed


def test_key_positions_are_counted_for_unshuffled_questions_only():
    result = lint("longest-passes")
    assert result.unshuffled == 3
    # b; a; a and b
    assert dict(result.positions) == {1: 2, 2: 2}
    assert "key positions in 3 unshuffled choice questions: 1st 2, 2nd 2" in result.summary()
    assert lint("clean").unshuffled == 0


def test_dollar_before_a_digit_is_flagged_but_escaped_dollars_and_maths_are_not():
    result = lint("currency")
    found = [(finding.rule, finding.question_id) for finding in result.findings]
    assert found == [("currency", "cu-bare"), ("currency", "cu-feedback")]
    assert "US$200,000" in result.findings[0].message and "\\$" in result.findings[0].message


def test_number_with_and_without_thousands_separator_is_flagged():
    result = lint("figures")
    separator = [f for f in result.findings if f.rule == "figure-two-ways" and "2867" in f.message]
    assert len(separator) == 1
    assert '"2,867" in \'fi-separator\'' in separator[0].message
    assert separator[0].question_id == "fi-separator"


def test_truncated_percentage_is_flagged_and_correct_rounding_is_not():
    result = lint("figures")
    precision = sorted(f.message for f in result.findings if "percent\" (in" in f.message)
    assert len(precision) == 2
    assert '"12 percent" (in \'fi-numeric-truncated\')' in precision[0] and '"12.5 percent"' in precision[0]
    assert '"34 percent"' in precision[1] and '"34.8 percent"' in precision[1]
    assert not any('"35 percent"' in message or '"4 percent"' in message for message in precision)


def test_findings_name_file_and_line_when_the_file_is_given():
    path = LINT / "currency.yml"
    result = lint_bank(load_bank(path), path)
    assert [finding.line for finding in result.findings] == [5, 11]
    assert f"{path}:5: [currency] question 'cu-bare'" in result.summary()
    bank_wide = lint_bank(load_bank(LINT / "longest-fails.yml"), LINT / "longest-fails.yml")
    assert bank_wide.findings[0].line == 1


def test_clean_bank_passes_every_rule():
    assert lint("clean").findings == []


def test_every_book_bank_passes_the_lint():
    for result in lint_banks(load_banks(ROOT / "book" / "quizzes")):
        assert result.passed, result.summary()
        assert result.longest_share <= MAX_LONGEST_SHARE


def test_check_banks_reports_each_bank_and_fails_a_bad_one(tmp_path):
    for name in ("clean", "longest-fails"):
        (tmp_path / f"{name}.yml").write_text((LINT / f"{name}.yml").read_text())
    completed = subprocess.run([sys.executable, "-m", "coursebook", "banks", "check", str(tmp_path)],
                               capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 1
    assert "clean: keyed option uniquely longest in 0 of 1 choice questions (0%)" in completed.stdout
    assert "longest-fails: keyed option uniquely longest in 2 of 3" in completed.stdout
    assert "bank lint failed for longest-fails" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_every_question_needs_a_hint_that_does_not_quote_the_key():
    result = lint("hints")
    hints = [(f.question_id, f.message) for f in result.findings if f.rule == "hint"]
    assert [qid for qid, _ in hints] == ["hi-missing", "hi-blank", "hi-gives-away"]
    assert "has no hint" in hints[0][1] and "has no hint" in hints[1][1]
    assert "quotes the keyed option 'a' whole" in hints[2][1]
    assert not result.passed


def test_the_clean_fixtures_all_carry_hints():
    for name in ("clean", "longest-passes", "rank-spread"):
        assert not [f for f in lint(name).findings if f.rule == "hint"], name


def _rank_findings(result):
    return [f.message for f in result.findings if f.rule == "length-rank"]


def test_keys_that_run_long_fail_with_the_distribution_printed():
    result = lint("rank-long")
    assert result.top_two == pytest.approx(4) and result.shortest == 0
    messages = _rank_findings(result)
    assert len(messages) == 2
    assert "among the two longest options in 4 of 5 choice questions (80%)" in messages[0]
    assert "shortest option in 0 of 5" in messages[1]
    assert "key's length rank (1st = longest): 1st 2, 2nd 2, 3rd 1" in result.summary()


def test_keys_that_run_short_fail_too():
    result = lint("rank-short")
    messages = _rank_findings(result)
    assert len(messages) == 1 and "among the two shortest options in 4 of 5" in messages[0]
    assert result.top_two_share <= MAX_TOP_TWO_SHARE and result.shortest_share >= MIN_SHORTEST_SHARE


def test_spread_keys_pass():
    result = lint("rank-spread")
    assert _rank_findings(result) == [] and result.passed
    assert dict(result.ranks) == {1: 1, 2: 1, 3: 2, 4: 1}
    assert "among the two longest 40%" in result.summary() and "shortest 20%" in result.summary()


def test_a_multiple_select_question_weighs_one_whatever_its_keys():
    bank = load_bank(LINT / "longest-passes.yml")
    result = lint_bank(bank)
    assert sum(result.ranks.values()) == pytest.approx(result.choice)


def test_small_banks_are_reported_not_judged_on_rank():
    result = lint("rank-small")
    assert result.choice < MIN_RANKED and _rank_findings(result) == []
    assert "among the two longest 100%" in result.summary()


def test_every_book_bank_spreads_its_keys():
    for result in lint_banks(load_banks(ROOT / "book" / "quizzes")):
        if result.choice >= MIN_RANKED:
            assert result.top_two_share <= MAX_TOP_TWO_SHARE, result.summary()
            assert result.shortest_share >= MIN_SHORTEST_SHARE, result.summary()
            assert result.bottom_two_share <= MAX_BOTTOM_TWO_SHARE, result.summary()
        assert not [f for f in result.findings if f.rule == "hint"], result.summary()
