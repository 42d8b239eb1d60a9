"""The notebook API: one display object carrying both views.

A live kernel renders the widget (`widgets.py`); the book's html builder prefers the `text/html`
view (see `nb_mime_priority_overrides` in _config.yml), which `assets/coursebook.js` makes
interactive. Without a kernel (a notebook just opened, GitHub, nbviewer) the same `text/html`
shows the questions and a "run this cell" line, and no hint, explanation or answer.
"""

from __future__ import annotations

from collections import Counter

from ..errors import UnknownBankError
from ..models.explorers import get_explorer
from ..quiz.bank import get_bank

_SHOWN: Counter = Counter()
"""How often each (bank, question) was shown in this kernel: a repeat gets its own element ids."""


class Display:
    """Shows as a widget in Jupyter and as self-grading HTML on the static site."""

    def __init__(self, html: str, make_widget, summary: str):
        self.html, self._make_widget, self.summary = html, make_widget, summary
        self._widget = None

    @property
    def widget(self):
        if self._widget is None:
            self._widget = self._make_widget()
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.summary, "text/html": self.html}
        view = self.widget._repr_mimebundle_()
        if isinstance(view, tuple):  # anywidget answers (data, metadata)
            view = view[0]
        if view:  # None when ipywidgets has no front end to talk to
            bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle


def _choose(the_bank, bank: str, questions) -> list:
    if questions is None:
        return list(the_bank.questions)
    ids = [questions] if isinstance(questions, str) else questions
    if not isinstance(ids, (list, tuple)) or not all(isinstance(qid, str) for qid in ids):
        raise TypeError(
            f"quiz({bank!r}, ...): questions must be a question id or a list of ids, "
            f"not {type(questions).__name__}"
        )
    if not ids:
        raise ValueError(
            f"quiz({bank!r}, []) names no questions: leave the list out to show the whole "
            "bank, or name at least one question id"
        )
    twice = sorted(qid for qid, count in Counter(ids).items() if count > 1)
    if twice:
        raise ValueError(
            f"quiz({bank!r}, ...) lists {', '.join(map(repr, twice))} more than once; "
            "name each question once"
        )
    known = {q.id for q in the_bank.questions}
    missing = [qid for qid in ids if qid not in known]
    if missing:
        raise UnknownBankError(f"bank {bank!r} has no question {', '.join(map(repr, missing))}")
    return [the_bank.question(qid) for qid in ids]


def quiz(bank: str, questions: str | list[str] | None = None, *, seed: int = 0) -> Display:
    """Show a whole bank, one question (an id) or a few (a list of ids)."""
    from . import static, widgets  # views load only when something is shown

    the_bank = get_bank(bank)
    chosen = _choose(the_bank, bank, questions)
    keys = [(the_bank.bank, question.id) for question in chosen]
    instance = 1 + max(_SHOWN[key] for key in keys)
    _SHOWN.update(keys)
    count = len(chosen)
    summary = (
        f"Quiz: {the_bank.title} ({count} question{'s' if count != 1 else ''}). "
        "Run this cell in Jupyter to answer it, or answer it on the book's website."
    )
    return Display(
        static.quiz_html(the_bank, chosen, seed, instance),
        lambda: widgets.quiz_widget(the_bank, chosen, seed, instance),
        summary,
    )


def explore(model: str, preset: str | None = None) -> Display:
    """Show an interactive model (see `coursebook.models.explorers.EXPLORERS`), optionally from a
    preset."""
    from . import static, widgets

    explorer = get_explorer(model)
    explorer.defaults(preset)  # fails early and clearly on an unknown preset
    summary = (
        f"Explorer: {explorer.title}. "
        "Run this cell in Jupyter to use it, or use it on the book's website."
    )
    return Display(
        static.explorer_html(explorer, preset),
        lambda: widgets.explorer_widget(explorer, preset),
        summary,
    )
