"""The live view for a running kernel: the site's own HTML and script inside an anywidget.

The page shows exactly what the site shows (`static.quiz_html`, `static.explorer_html`), drawn by
the same `assets/coursebook.js`; `assets/live.js` connects it to this kernel. Here, Python grades
every answer and applies the quiz policy (`quiz/policy.py`); states are kept in `progress.py`'s
file beside the notebook, so they survive a re-run, a page reload and a new kernel. Styles ship in
the widget (`assets/live.css`); nothing depends on the site's CSS.
"""

from __future__ import annotations

import html as html_text
import json
import re
from dataclasses import asdict

import anywidget
import traitlets
from latex2mathml.converter import convert as latex_to_mathml

from ..models.explorers import Explorer
from ..quiz.policy import EVENTS, new_state, step
from ..quiz.scoring import grade
from . import static
from .progress import Progress, progress_here

_ASSETS = static.ASSETS
_SCRIPT = "\n".join([
    "globalThis.CourseBookLive = true;",  # load the shared renderer without wiring the page itself
    (_ASSETS / "coursebook.js").read_text(encoding="utf-8"),
    (_ASSETS / "live.js").read_text(encoding="utf-8"),
])
_STYLE = (_ASSETS / "live.css").read_text(encoding="utf-8")


_MATH = re.compile(r'<(span|div) class="math notranslate nohighlight">\\[(\[](.*?)\\[)\]]</\1>', re.S)
_PAYLOAD = re.compile(r'(<script type="application/json" class="cb-payload">)(.*?)(</script>)', re.S)


def _mathml(fragment: str) -> str:
    """The markup renderer's maths (`\\(...\\)` for the site's MathJax) as MathML, which the browser
    draws itself: JupyterLab's typesetter does not reach into a widget."""
    def swap(match):
        display = "block" if match.group(1) == "div" else "inline"
        try:
            return latex_to_mathml(html_text.unescape(match.group(2)), display=display)
        except Exception:  # noqa: BLE001 - a formula it cannot read stays as source, never breaks the quiz
            return match.group(0)
    return _MATH.sub(swap, fragment)


def _live_html(markup: str) -> str:
    """The site's block with its maths as MathML, in the visible markup and in the payload."""
    def payload(match):
        data = json.loads(match.group(2))
        return match.group(1) + static._json(_map_strings(data, _mathml)) + match.group(3)
    return _PAYLOAD.sub(payload, _mathml(markup), count=1)


def _map_strings(value, change):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value


def _as_json(result) -> dict | None:
    """A grader result as the page receives it (lists, not tuples)."""
    return None if result is None else {**asdict(result), "feedback": list(result.feedback)}


class QuizWidget(anywidget.AnyWidget):
    """Questions from one bank. The browser sends events; the kernel answers with states."""

    _esm = traitlets.Unicode(_SCRIPT).tag(sync=True)
    _css = traitlets.Unicode(_STYLE).tag(sync=True)
    kind = traitlets.Unicode("quiz").tag(sync=True)
    html = traitlets.Unicode().tag(sync=True)
    views = traitlets.Dict().tag(sync=True)
    """Per question id: {"state": policy state, "result": the last grader result or None}."""
    score = traitlets.Dict().tag(sync=True)
    """{"earned": points, "total": points} for the whole bank, across every block on the page."""

    def __init__(self, bank, questions, *, seed: int = 0, instance: int = 1, progress: Progress | None = None):
        super().__init__(html=_live_html(static.quiz_html(bank, questions, seed, instance)))
        self.bank, self.questions = bank, {question.id: question for question in questions}
        self.progress = progress or progress_here()
        self._results: dict[str, dict | None] = {}
        self.progress.listen(bank.bank, self)
        self.on_msg(self._on_message)
        self.refresh()

    # -- the protocol with live.js --------------------------------------------------------------
    def _on_message(self, _widget, content, _buffers=None) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "hello":
            self.send({"type": "ready"})
        elif content.get("type") == "event":
            event, qids = content.get("event"), content.get("qids")
            if isinstance(event, dict) and event.get("type") in EVENTS and isinstance(qids, list):
                self.apply(event, [qid for qid in qids if qid in self.questions])

    def apply(self, event: dict, qids: list[str]) -> None:
        """Run one policy event on some of this block's questions, store and show the outcome."""
        states, changes = self.progress.states(self.bank.bank), {}
        for qid in qids:
            state, result = step(self.questions[qid], states.get(qid), event)
            changes[qid] = state
            if result is not None or event["type"] == "reset":
                self._results[qid] = _as_json(result)
        self.progress.update(self.bank.bank, changes)  # calls refresh() on every block of the bank

    def refresh(self) -> None:
        states, views = self.progress.states(self.bank.bank), {}
        for qid, question in self.questions.items():
            state = {**new_state(), **states.get(qid, {})}
            if qid not in self._results:  # a new block or kernel: show what the stored answer earned
                self._results[qid] = _as_json(grade(question, state["response"])) if state["response"] is not None else None
            views[qid] = {"state": state, "result": self._results[qid]}
        self.views = views
        earned = sum(question.points * float(states.get(question.id, {}).get("best", 0) or 0)
                     for question in self.bank.questions)
        self.score = {"earned": round(earned, 2), "total": self.bank.total_points}

    # -- what a student does, for tests and for scripted use --------------------------------------
    def check(self, qid: str, response) -> dict:
        self.apply({"type": "check", "response": response}, [qid])
        return self.views[qid]

    def open_hint(self, qid: str) -> dict:
        self.apply({"type": "hint"}, [qid])
        return self.views[qid]

    def show_answer(self, qid: str) -> dict:
        self.apply({"type": "show-answer"}, [qid])
        return self.views[qid]

    def reset(self) -> None:
        self.apply({"type": "reset"}, list(self.questions))


class ExplorerWidget(anywidget.AnyWidget):
    """One explorer: the browser sends slider values, the kernel's model computes the outputs."""

    _esm = traitlets.Unicode(_SCRIPT).tag(sync=True)
    _css = traitlets.Unicode(_STYLE).tag(sync=True)
    kind = traitlets.Unicode("explorer").tag(sync=True)
    html = traitlets.Unicode().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    outputs = traitlets.Dict().tag(sync=True)

    def __init__(self, explorer: Explorer, preset: str | None = None):
        self.explorer = explorer
        super().__init__(html=_live_html(static.explorer_html(explorer, preset)), values=explorer.defaults(preset))
        self.on_msg(self._on_message)
        self._compute()

    def _on_message(self, _widget, content, _buffers=None) -> None:
        if isinstance(content, dict) and content.get("type") == "hello":
            self.send({"type": "ready"})

    @traitlets.observe("values")
    def _on_values(self, _change) -> None:
        self._compute()

    def _compute(self) -> None:
        if not hasattr(self, "explorer"):
            return
        sliders = {slider.name: slider for slider in self.explorer.sliders}
        clean = {}
        for name, slider in sliders.items():
            try:
                value = float(self.values.get(name, slider.value))
            except (TypeError, ValueError):
                value = slider.value
            clean[name] = min(slider.max, max(slider.min, value)) if value == value else slider.value
        self.outputs = self.explorer.compute(**clean)


def quiz_widget(bank, questions, seed: int = 0, instance: int = 1) -> QuizWidget:
    return QuizWidget(bank, questions, seed=seed, instance=instance)


def explorer_widget(explorer: Explorer, preset: str | None = None) -> ExplorerWidget:
    return ExplorerWidget(explorer, preset)
