"""The live view, driven from Python: set a control, click Check, read the feedback and score."""

import pytest

from coursebook import quiz
from coursebook.quiz.bank import load_banks
from coursebook.views.widgets import QuestionWidget, Scoreboard, explorer_widget
from coursebook.models.explorers import get_explorer
from tests.conftest import ROOT

BANK = load_banks(ROOT / "book" / "quizzes")["demo"]


def make(question_id):
    board = Scoreboard(BANK)
    return QuestionWidget(BANK.question(question_id), 1, board), board


def test_single_wrong_then_right():
    widget, board = make("demo-single")
    widget.controls.value = "a"
    assert widget.check().verdict == "incorrect"
    assert "Deterrence aims to stop an action" in widget.feedback.value
    assert widget.explanation.layout.display is None  # explanation shown once answered
    widget.controls.value = "b"
    widget.check_button.click()
    assert widget.result.verdict == "correct" and "Correct." in widget.feedback.value
    assert board.text() == "Quiz demo: 1 of 6 points"


def test_multiple_partial_credit():
    widget, board = make("demo-multiple")
    boxes = widget.controls.children
    keys = widget.question.option_order()
    for key, box in zip(keys, boxes):
        box.value = key in ("a", "d")
    widget.check_button.click()
    assert widget.result.verdict == "incorrect"  # one right, one wrong: 1/3 - 1/3
    assert "Alternatives lower the" in widget.feedback.value
    for key, box in zip(keys, boxes):
        box.value = key in ("a", "b")
    widget.check_button.click()
    assert widget.result.verdict == "partial" and board.scores["demo-multiple"] == pytest.approx(2 / 3)


def test_numeric_invalid_does_not_change_score():
    widget, board = make("demo-numeric")
    widget.controls.value = "24%"
    widget.check_button.click()
    assert board.scores["demo-numeric"] == 1
    widget.controls.value = "NaN"
    widget.check_button.click()
    assert widget.result.verdict == "invalid" and "Enter a number" in widget.feedback.value
    assert board.scores["demo-numeric"] == 1
    widget.controls.value = "100"
    widget.check_button.click()
    assert "You added the two shares" in widget.feedback.value and board.scores["demo-numeric"] == 0


def test_ordering_with_buttons():
    widget, _ = make("demo-ordering")
    # Bubble-sort the list into order using only the Down buttons, as a student would.
    for _ in range(4):
        for position in range(3):
            current = widget._read()
            if current[position] > current[position + 1]:
                widget.controls.children[position].children[2].click()
    assert widget._read() == [0, 1, 2, 3]
    widget.check_button.click()
    assert widget.result.verdict == "correct"


def test_matching_partial_and_full():
    widget, _ = make("demo-matching")
    menus = widget.controls.children
    for index, menu in enumerate(menus):
        menu.value = index
    menus[0].value, menus[1].value = 1, 0
    widget.check_button.click()
    assert widget.result.verdict == "partial" and "1 of 3 matched" in widget.feedback.value
    menus[0].value, menus[1].value = 0, 1
    widget.check_button.click()
    assert widget.result.verdict == "correct"


def test_text_with_feedback_and_hint():
    widget, _ = make("demo-text")
    widget.controls.value = "iskp"
    widget.check_button.click()
    assert "Islamic State" in widget.feedback.value
    widget.controls.value = "  tehrik-e-taliban PAKISTAN "
    widget.check_button.click()
    assert widget.result.verdict == "correct"


def test_hint_toggles():
    widget, _ = make("demo-single")
    assert widget.hint.layout.display == "none"
    widget.hint_button.click()
    assert widget.hint.layout.display is None and widget.hint_button.description == "Hide hint"


def test_quiz_display_has_both_views(monkeypatch):
    monkeypatch.chdir(ROOT / "book")
    bundle = quiz("demo")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="cb-quiz" id="cbq-demo-demo-single"')
    assert bundle["text/plain"].startswith("Quiz: Quiz demo (6 questions)")


def test_explorer_widget_recomputes():
    box = explorer_widget(get_explorer("revenue"))
    assert "Total revenue falls by about 24%." in box.results.value
    box.sliders["rerouted"].value = 50
    assert "about 12%" in box.results.value


def test_explorer_widget_reset_restores_the_preset():
    box = explorer_widget(get_explorer("chicken"), "donors-taliban")
    first = box.results.value
    for slider in box.sliders.values():
        slider.value = slider.max
    assert box.results.value != first
    box.reset.click()
    preset = get_explorer("chicken").defaults("donors-taliban")
    assert {name: slider.value for name, slider in box.sliders.items()} == preset
    assert box.results.value == first
