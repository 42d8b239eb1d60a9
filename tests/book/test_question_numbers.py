"""A quiz question's number is its place in its bank, so each chapter must ask its bank's questions
in bank order: otherwise the page reads 1-7, 9-14, ..., then 8 (as chapter 3 once did)."""

import json
import re

import pytest

from coursebook.quiz.bank import load_bank
from tests.conftest import ROOT

CALL = re.compile(r'quiz\(\s*"([^"]+)"\s*,\s*\[([^\]]*)\]')


def asked_in_order(notebook):
    asked = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            for bank, ids in CALL.findall("".join(cell["source"])):
                asked.setdefault(bank, []).extend(re.findall(r'"([^"]+)"', ids))
    return asked


@pytest.mark.parametrize("notebook", sorted((ROOT / "book").glob("ch*.ipynb")), ids=lambda p: p.stem)
def test_chapter_asks_questions_in_bank_order(notebook):
    asked = asked_in_order(notebook)
    assert asked, f"{notebook.name} asks no quiz questions"
    for bank, ids in asked.items():
        order = [question.id for question in load_bank(ROOT / "book" / "quizzes" / f"{bank}.yml").questions]
        numbers = [order.index(question_id) + 1 for question_id in ids]
        assert numbers == sorted(numbers), f"{notebook.name} shows {bank} questions numbered {numbers}"
