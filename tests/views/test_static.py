"""The static view: deterministic, escaped, ids from question ids, every type has labelled controls."""

import json
import re

from pydantic import TypeAdapter

from coursebook.quiz.bank import load_banks
from coursebook.quiz.model import Bank
from coursebook.views.static import explorer_html, quiz_html
from coursebook.models.explorers import get_explorer
from tests.conftest import ROOT
from tests.helpers.hostile import HOSTILE

BANK = load_banks(ROOT / "book" / "quizzes")["demo"]


def test_same_output_every_time():
    assert quiz_html(BANK, BANK.questions) == quiz_html(BANK, BANK.questions)


def test_ids_derive_from_question_ids():
    html = quiz_html(BANK, BANK.questions)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("cb-demo-", "cbq-demo-")) for i in ids)


def test_hostile_text_is_escaped():
    html = quiz_html(HOSTILE, HOSTILE.questions)
    body = html.split("</script>", 1)[1]  # after the JSON payload
    assert "<script" not in body and "<img" not in body and "<iframe" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    payload = html.split('class="cb-payload">', 1)[1].split("</script>", 1)[0]
    assert "</" not in payload  # the payload cannot close its own script element
    data = json.loads(payload)
    assert "javascript:" not in data["questions"][0]["feedback"]["b"].split('href="')[-1][:11]
    assert "&lt;iframe" in data["questions"][0]["explanation"]


def test_inline_maths_marked_for_mathjax():
    assert r'<span class="math notranslate nohighlight">\(x&lt;y\)</span>' in quiz_html(HOSTILE, HOSTILE.questions)


def test_every_control_has_a_label():
    html = quiz_html(BANK, BANK.questions)
    for control_id in re.findall(r'<(?:input|select) [^>]*id="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id
    assert html.count('aria-live="polite"') >= len(BANK.questions)


def test_shuffle_is_seeded():
    question = BANK.question("demo-single")
    shuffled = question.model_copy(update={"shuffle": True})
    assert shuffled.option_order(0) == shuffled.option_order(0)
    assert {tuple(shuffled.option_order(seed)) for seed in range(10)} != {tuple(shuffled.option_order(0))}
    ordering = BANK.question("demo-ordering")
    assert ordering.display_order(0) != sorted(ordering.display_order(0))


def test_explorer_html_carries_defaults_and_preset():
    html = explorer_html(get_explorer("chicken"), "donors-taliban")
    assert 'id="cbx-chicken-donors-taliban"' in html and "Western donors: cost of the crash" in html
    assert 'data-name="b_backdown" min="0" max="10" step="1" value="8"' in html


def _outside_payload(html: str) -> str:
    before, rest = html.split('<script type="application/json" class="cb-payload">', 1)
    return before + rest.split("</script>", 1)[1]


def test_stored_markup_reveals_nothing():
    """What GitHub, nbviewer or a notebook opened before its cells run shows: questions and a
    "run this cell" line, never a hint, an explanation, feedback or a dead button."""
    banks = load_banks(ROOT / "book" / "quizzes")
    for bank in banks.values():
        visible = _outside_payload(quiz_html(bank, bank.questions))
        assert "Run this cell to answer" in visible and "How this quiz works" in visible
        buttons = re.findall(r"<button[^>]*>", visible)
        assert all(" disabled " in button and ("cb-up" in button or "cb-down" in button) for button in buttons)
        assert "Explanation" not in visible
        for question in bank.questions:
            for secret in [question.explanation, question.hint] + list(getattr(question, "feedback", {}).values()):
                if secret:
                    assert secret[:40] not in visible, (question.id, secret[:40])


def test_payload_carries_policy_and_hint():
    html = quiz_html(BANK, BANK.questions)
    data = json.loads(html.split('class="cb-payload">', 1)[1].split("</script>", 1)[0])
    from coursebook.quiz.policy import POLICY

    assert data["policy"] == POLICY
    single = next(q for q in data["questions"] if q["id"] == "demo-single")
    assert "Ask whether the target" in single["hint"]


def test_labels_use_the_markdown_renderer():
    question = TypeAdapter(Bank).validate_python({
        "bank": "m", "title": "M", "questions": [{
            "id": "m-1", "type": "ordering", "prompt": "p", "explanation": "e",
            "items": ["*Emphasis* and $x^2$", "3 * 4 = 12", "[a link](https://example.org)"]}]}).questions[0]
    from coursebook.views.static import question_html

    html = question_html(question, 1)
    assert "<em>Emphasis</em>" in html and r"\(x^2\)" in html and "3 * 4 = 12" in html
    assert 'aria-label="Move up: Emphasis and x^2"' in html and 'aria-label="Move up: a link"' in html
