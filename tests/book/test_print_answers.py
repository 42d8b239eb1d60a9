"""The instructor edition's printed answer key (book/print_answers.py), on built pages."""

import json
import re

import pytest

from coursebook.book.print_answers import add_print_answers
from tests.browser.conftest import SITE

pytestmark = pytest.mark.site  # reads the built pages

KEY = re.compile(r'<section class="cb-question"[^>]*data-qid="([^"]*)".*?'
                 r'<div class="cb-print-answer" hidden>(.*?)</div></section>', re.S)


def test_every_question_gets_its_answer():
    body = (SITE / "book" / "quiz-demo.html").read_text()
    assert "cb-print-answer" not in body  # the student edition never has it
    keys = dict(KEY.findall(add_print_answers(body)))
    assert set(keys) == set(re.findall(r'data-qid="([^"]*)"', body))
    specs = {q["id"]: q for raw in re.findall(r'class="cb-payload">(.*?)</script>', body, re.S)
             for q in json.loads(raw.replace("<\\/", "</")).get("questions", [])}
    single = specs["demo-single"]
    right = re.search(rf'value="{single["correct"][0]}"> <span>(.*?)</span>', body).group(1)
    assert f"<strong>Answer:</strong> {right}</p>" in keys["demo-single"]
    assert "24%" in keys["demo-numeric"]
    assert keys["demo-matching"].count("<li>") == specs["demo-matching"]["size"]
    for qid, key in keys.items():
        assert specs[qid]["explanation"] in key


def test_a_page_without_quizzes_is_unchanged():
    body = (SITE / "book" / "intro.html").read_text()
    assert add_print_answers(body) == body
