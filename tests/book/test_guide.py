"""The authors' guide shows every error message word for word: each bad-bank fixture's real message
must appear in book/authoring-quizzes.md, so the guide cannot drift from what authors will see."""

import pytest

from coursebook.errors import BankError
from coursebook.quiz.bank import load_bank, load_banks
from tests.conftest import ROOT
from tests.helpers.bad_banks import BAD, EXPECTED

GUIDE = ROOT / "book" / "authoring-quizzes.md"
FIXTURES = sorted(EXPECTED) + ["numbered-options"]


def messages(load, path) -> list[str]:
    with pytest.raises(BankError) as raised:
        load(path)
    return [problem.message for problem in raised.value.problems]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_message_has_a_worked_example_in_the_guide(name):
    guide = GUIDE.read_text(encoding="utf-8")
    found = messages(load_bank, BAD / f"{name}.yml")
    if name == "numbered-options":  # the same message for keys 1 and 2: the guide shows key 1
        found = [found[0], found[2]]
    for message in found:
        if name == "id-too-long":  # the guide shortens the 102-character id, not the message
            message = message.split(";")[1]
        elif name == "bank-name-underscore":
            message = message.replace("bank_name_underscore", "my_week")
        assert message in guide, f"add this message (from {name}.yml) to the guide's list:\n{message}"


def test_the_cross_bank_duplicate_is_in_the_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    (message,) = messages(load_banks, BAD / "duplicate_ids")
    assert message.split(": ", 1)[0] == "duplicate question id"
    assert message.rsplit("already uses it; ", 1)[1] in guide


def test_the_guide_says_what_the_review_found_missing():
    guide = GUIDE.read_text(encoding="utf-8")
    for needed in ("`_toc.yml`", "contains a colon followed by a space", "starts with `*`", "`\\$`",
                   "`units:", "write the answer **in percent**", "full address"):
        assert needed in guide, needed
