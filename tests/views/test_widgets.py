"""The live view's kernel side, driven from Python as live.js drives it: states in, states out.

The page grades and applies the policy (the same runtime as the site); the kernel keeps the states
in a file beside the notebook, so a re-run cell or a new kernel (a new `Progress` on the same
folder) finds them again. What the page does is tested in JupyterLab (tests/browser).
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


_KERNELS: dict = {}


def make(folder, *ids):
    """A block in this folder's kernel (one `Progress` per kernel, as `progress_here()` gives)."""
    questions = [BANK.question(qid) for qid in ids] if ids else BANK.questions
    progress = _KERNELS.setdefault(folder, Progress(folder))
    return QuizWidget(BANK, questions, progress=progress)


STATE = {"response": "b", "best": 1, "attempts": 1, "hint": False, "explained": True, "closed": True,
         "revealed": False}


def test_the_kernel_keeps_what_the_page_sends_and_shows_it_to_every_block(folder):
    first, second = make(folder, "demo-single"), make(folder, "demo-numeric")
    first._on_message(first, {"type": "save", "states": {"demo-single": STATE}})
    stored = json.loads((folder / FILE_NAME).read_text())
    assert stored["banks"]["demo"]["demo-single"] == STATE
    assert second.states["demo-single"] == STATE  # the other block's score label sees it at once


def test_progress_survives_rerun_and_new_kernel_and_reset(folder):
    make(folder, "demo-single").save({"demo-single": STATE})
    again = make(folder, "demo-single")  # the cell re-run
    assert again.states["demo-single"]["best"] == 1
    fresh = QuizWidget(BANK, [BANK.question("demo-single")], progress=Progress(folder))  # a new kernel
    assert fresh.states["demo-single"] == STATE
    fresh.save({"demo-single": {**STATE, "best": 0, "attempts": 0, "closed": False, "response": None}})
    assert Progress(folder).states("demo")["demo-single"]["best"] == 0


def test_messages_from_the_page_are_checked(folder):
    widget = make(folder, "demo-single")
    for junk in (None, "x", {"type": "save"}, {"type": "save", "states": "demo-single"},
                 {"type": "save", "states": {"elsewhere": STATE}},
                 {"type": "save", "states": {"demo-single": {**STATE, "best": 7}}},
                 {"type": "save", "states": {"demo-single": {**STATE, "attempts": -1}}},
                 {"type": "save", "states": {"demo-single": {**STATE, "owner": "me"}}},
                 {"type": "save", "states": {"demo-single": [1]}}):
        widget._on_message(widget, junk)
    assert widget.states == {} and not (folder / FILE_NAME).exists()  # nothing stored
    widget._on_message(widget, {"type": "save", "states": {"demo-single": STATE}})
    assert widget.states["demo-single"]["best"] == 1


def test_widget_html_is_the_sites_html(folder):
    widget = make(folder, "demo-single")
    assert widget.html.startswith('<div class="cb-quiz" id="cbq-demo-demo-single"')
    assert "coursebook" in widget._esm and "export default" in widget._esm
    assert ".cb-live .cb-chart .cb-axis" in widget._css  # the chart's styles ship with the widget
    assert widget._css == (ROOT / "coursebook" / "views" / "assets" / "coursebook.css").read_text()


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


def test_explorer_widget_carries_the_page_and_no_arithmetic():
    widget = ExplorerWidget(get_explorer("revenue"))
    assert not hasattr(widget, "outputs") and "CB.models = models" in widget._esm
    assert '<output for="cbx-revenue-default-rerouted" data-unit="%">0%</output>' in widget.html


def test_explore_display(monkeypatch):
    bundle = explore("coercion")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and 'class="cb-explorer"' in bundle["text/html"]


def test_live_maths_is_mathml(folder):
    widget = make(folder, "demo-numeric")
    payload = json.loads(widget.html.split('class="cb-payload">', 1)[1].split("</script>", 1)[0])
    explanation = payload["questions"][0]["explanation"]
    assert "<math" in explanation and "<mo>&#x000D7;</mo>" in explanation and "\\(" not in explanation
