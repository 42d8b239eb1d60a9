"""The live view, driven from Python as live.js drives it: events in, states and scores out.

The kernel grades and applies the policy; progress lives in a file beside the notebook, so a
re-run cell or a new kernel (a new `Progress` on the same folder) finds it again.
"""

import json
import re

import pytest

from coursebook import explore, quiz
from coursebook.errors import UnknownBankError
from coursebook.models.explorers import get_explorer
from coursebook.quiz.bank import load_banks
from coursebook.views import display
from coursebook.views.progress import FILE_NAME, Progress
from coursebook.views.widgets import ExplorerWidget, QuizWidget
from tests.conftest import ROOT

BANK = load_banks(ROOT / "book" / "quizzes")["demo"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make(folder, *ids):
    questions = [BANK.question(qid) for qid in ids] if ids else BANK.questions
    return QuizWidget(BANK, questions, progress=Progress(folder))


def test_wrong_keeps_open_right_explains_and_closes(folder):
    widget = make(folder, "demo-single")
    view = widget.check("demo-single", "a")
    assert view["result"]["verdict"] == "incorrect" and view["result"]["feedback"] == ["a"]
    assert not view["state"]["explained"] and not view["state"]["closed"]
    view = widget.check("demo-single", "b")
    assert view["state"]["explained"] and view["state"]["closed"]
    assert widget.score == {"earned": 1, "total": BANK.total_points}
    assert widget.check("demo-single", "a")["state"]["response"] == "b"  # closed: no more answers


def test_best_attempt_kept_and_invalid_changes_nothing(folder):
    widget = make(folder, "demo-multiple")
    widget.check("demo-multiple", ["a", "b"])
    assert widget.score["earned"] == pytest.approx(0.67, abs=0.01)
    widget.check("demo-multiple", ["a", "d"])
    assert widget.score["earned"] == pytest.approx(0.67, abs=0.01)  # a worse retry never lowers it
    view = widget.check("demo-multiple", "not a list")
    assert view["result"]["verdict"] == "invalid" and view["state"]["response"] == ["a", "d"]


def test_show_answer_needs_an_attempt_and_the_hint(folder):
    widget = make(folder, "demo-single")  # has a hint
    assert not widget.show_answer("demo-single")["state"]["revealed"]
    widget.check("demo-single", "a")
    assert not widget.show_answer("demo-single")["state"]["revealed"]  # hint first
    widget.open_hint("demo-single")
    view = widget.show_answer("demo-single")
    assert view["state"]["revealed"] and view["state"]["closed"] and widget.score["earned"] == 0


def test_numeric_parsing_in_the_live_view(folder):
    widget = make(folder, "demo-numeric")
    assert widget.check("demo-numeric", "0,467")["result"]["feedback"] == ["comma-decimal"]
    assert widget.check("demo-numeric", "1")["result"]["feedback"] == []  # 1 is 1%, not 100%
    assert widget.check("demo-numeric", "24 percent")["result"]["verdict"] == "correct"


def test_progress_survives_rerun_and_new_kernel_and_reset(folder):
    kernel = Progress(folder)  # one per folder in a kernel (progress_here)
    first = QuizWidget(BANK, BANK.questions, progress=kernel)
    first.check("demo-single", "b")
    first.check("demo-ordering", [0, 1, 2, 3])
    saved = json.loads((folder / FILE_NAME).read_text())
    assert saved["banks"]["demo"]["demo-single"]["best"] == 1
    again = QuizWidget(BANK, BANK.questions, progress=kernel)  # the cell is run again
    assert again.score["earned"] == 2 and again.views["demo-single"]["result"]["verdict"] == "correct"
    other = QuizWidget(BANK, [BANK.question("demo-single")], progress=kernel)
    assert other.score["earned"] == 2  # every block of the bank shows the bank's score
    tomorrow = QuizWidget(BANK, BANK.questions, progress=Progress(folder))  # a new kernel reads the file
    assert tomorrow.views["demo-ordering"]["state"]["response"] == [0, 1, 2, 3]
    assert tomorrow.score["earned"] == 2
    again.reset()
    assert again.score["earned"] == 0 and other.score["earned"] == 0 and first.score["earned"] == 0
    assert json.loads((folder / FILE_NAME).read_text())["banks"]["demo"]["demo-single"]["attempts"] == 0


def test_unreadable_progress_file_is_set_aside(folder):
    (folder / FILE_NAME).write_text("{not json")
    widget = make(folder, "demo-single")
    assert widget.score["earned"] == 0
    assert (folder / "coursebook-progress.unreadable.json").exists()


def test_messages_from_the_page_are_checked(folder):
    widget = make(folder, "demo-single")
    for junk in (None, "x", {"type": "event"}, {"type": "event", "qids": "demo-single", "event": {"type": "check"}},
                 {"type": "event", "qids": ["elsewhere"], "event": {"type": "check", "response": "b"}},
                 {"type": "event", "qids": ["demo-single"], "event": {"type": "grant-points"}}):
        widget._on_message(widget, junk)
    assert widget.score["earned"] == 0  # nothing a page sends can earn unearned points
    widget._on_message(widget, {"type": "event", "qids": ["demo-single"], "event": {"type": "check", "response": "b"}})
    assert widget.score["earned"] == 1


def test_widget_html_is_the_sites_html(folder):
    widget = make(folder, "demo-single")
    assert widget.html.startswith('<div class="cb-quiz" id="cbq-demo-demo-single"')
    assert "coursebook" in widget._esm and "export default" in widget._esm
    assert ".cb-live .cb-chart .cb-axis" in widget._css  # the chart's styles ship with the widget


def test_quiz_display_has_both_views(folder, monkeypatch):
    monkeypatch.chdir(ROOT / "book")
    monkeypatch.setattr(display, "_SHOWN", display.Counter())
    bundle = quiz("demo")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="cb-quiz" id="cbq-demo-demo-single"')
    assert bundle["text/plain"].startswith("Quiz: Quiz demo (6 questions)")


def test_bad_calls_say_what_is_wrong(monkeypatch):
    monkeypatch.chdir(ROOT / "book")
    with pytest.raises(ValueError, match=r"names no questions"):
        quiz("demo", [])
    with pytest.raises(ValueError, match=r"'demo-single' more than once"):
        quiz("demo", ["demo-single", "demo-single"])
    with pytest.raises(UnknownBankError, match="no question 'nope'"):
        quiz("demo", ["nope"])
    with pytest.raises(TypeError, match="question id or a list of ids"):
        quiz("demo", 3)


def test_the_same_question_twice_on_a_page_gets_its_own_ids(monkeypatch):
    monkeypatch.chdir(ROOT / "book")
    monkeypatch.setattr(display, "_SHOWN", display.Counter())
    first, second = quiz("demo", "demo-single").html, quiz("demo", "demo-single").html
    ids = re.findall(r' id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids))
    names = set(re.findall(r' name="([^"]+)"', first)) & set(re.findall(r' name="([^"]+)"', second))
    assert not names  # two radio groups, not one merged group
    for html in (first, second):
        for target in re.findall(r' for="([^"]+)"', html):
            assert f'id="{target}"' in html


def test_explorer_widget_recomputes_in_python():
    widget = ExplorerWidget(get_explorer("revenue"))
    assert widget.outputs["fall"] == 24
    widget.values = {**widget.values, "rerouted": 50}
    assert widget.outputs["fall"] == 12
    widget.values = {**widget.values, "rerouted": "abc", "lost": 1e9}  # a page cannot break the model
    assert widget.outputs == get_explorer("revenue").compute(**{**widget.values, "rerouted": 0, "lost": 100})
    assert '<output for="cbx-revenue-default-rerouted" data-unit="%">0%</output>' in widget.html


def test_explore_display(monkeypatch):
    bundle = explore("coercion")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and 'class="cb-explorer"' in bundle["text/html"]


def test_live_maths_is_mathml(folder):
    widget = make(folder, "demo-numeric")
    payload = json.loads(widget.html.split('class="cb-payload">', 1)[1].split("</script>", 1)[0])
    explanation = payload["questions"][0]["explanation"]
    assert "<math" in explanation and "<mo>&#x000D7;</mo>" in explanation and "\\(" not in explanation
