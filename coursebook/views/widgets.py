"""The live view for a running kernel: the site's own HTML and script inside an anywidget.

The page shows exactly what the site shows (`static.quiz_html`, `static.explorer_html`), and the
same runtime (`bundle.quiz_script()`, `bundle.explorer_script()`) grades, applies the quiz policy
and draws the explorers; `assets/live.js` connects it to this kernel. The kernel grades nothing:
it keeps the question states the page sends in `progress.py`'s file beside the notebook, so they
survive a re-run, a page reload, a new kernel and other notebooks open in the same folder. The
styles are the site's one stylesheet (`assets/coursebook.css`, its live-view section).
"""

from __future__ import annotations

import html as html_text
import json
import re

import anywidget
import traitlets
from latex2mathml.converter import convert as latex_to_mathml

from ..models.explorers import Explorer
from . import bundle, static
from .progress import Progress, progress_here, valid_state

_SCRIPT = "\n".join(
    [
        # load the shared runtime without wiring the page itself
        "globalThis.CourseBookLive = true;",
        bundle.quiz_script(),
        bundle.explorer_script(),
        (bundle.ASSETS / "live.js").read_text(encoding="utf-8"),
    ]
)
_STYLE = bundle.stylesheet()


_MATH = re.compile(
    r'<(span|div) class="math notranslate nohighlight">\\[(\[](.*?)\\[)\]]</\1>', re.S
)
_PAYLOAD = re.compile(
    r'(<script type="application/json" class="cb-payload">)(.*?)(</script>)', re.S
)


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


class QuizWidget(anywidget.AnyWidget):
    """Questions from one bank. The page grades and sends new states; the kernel stores them."""

    _esm = traitlets.Unicode(_SCRIPT).tag(sync=True)
    _css = traitlets.Unicode(_STYLE).tag(sync=True)
    kind = traitlets.Unicode("quiz").tag(sync=True)
    html = traitlets.Unicode().tag(sync=True)
    states = traitlets.Dict().tag(sync=True)
    """The bank's question states as stored, {qid: state}, for every block of the bank."""
    notice = traitlets.Unicode().tag(sync=True)
    """A problem with the progress file, in words for the student ("" when there is none)."""

    def __init__(
        self, bank, questions, *, seed: int = 0, instance: int = 1, progress: Progress | None = None
    ):
        progress = progress or progress_here()
        # The stored states go in with the first message, so the block's first drawing (its score
        # label included) is already right; a later update would leave a moment showing 0.
        states = progress.states(bank.bank)
        super().__init__(
            html=_live_html(static.quiz_html(bank, questions, seed, instance)),
            states=states,
            notice=progress.notice,
        )
        self.bank, self.progress = bank, progress
        self.qids = {question.id for question in bank.questions}
        self.progress.listen(bank.bank, self)
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers=None) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "hello":
            self.send({"type": "ready"})
        elif content.get("type") == "save" and isinstance(content.get("states"), dict):
            self.save(content["states"])

    def save(self, states: dict) -> None:
        """Keep the states the page sends for this bank's questions (anything else is ignored)."""
        changes = {
            qid: state for qid, state in states.items() if qid in self.qids and valid_state(state)
        }
        if changes:
            self.progress.update(self.bank.bank, changes)  # refreshes every block of the bank

    def refresh(self) -> None:
        self.states = self.progress.current(self.bank.bank)


class ExplorerWidget(anywidget.AnyWidget):
    """One explorer: the page's runtime computes and draws; the kernel only says it is there."""

    _esm = traitlets.Unicode(_SCRIPT).tag(sync=True)
    _css = traitlets.Unicode(_STYLE).tag(sync=True)
    kind = traitlets.Unicode("explorer").tag(sync=True)
    html = traitlets.Unicode().tag(sync=True)

    def __init__(self, explorer: Explorer, preset: str | None = None):
        self.explorer = explorer
        super().__init__(html=_live_html(static.explorer_html(explorer, preset)))
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers=None) -> None:
        if isinstance(content, dict) and content.get("type") == "hello":
            self.send({"type": "ready"})


def quiz_widget(bank, questions, seed: int = 0, instance: int = 1) -> QuizWidget:
    return QuizWidget(bank, questions, seed=seed, instance=instance)


def explorer_widget(explorer: Explorer, preset: str | None = None) -> ExplorerWidget:
    return ExplorerWidget(explorer, preset)
