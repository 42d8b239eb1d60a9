"""The notebook API: one display object carrying both views.

A live kernel renders the widget; the book's html builder prefers the `text/html` view (see
`nb_mime_priority_overrides` in _config.yml), which `assets/coursebook.js` makes interactive.
"""

from __future__ import annotations

from ..quiz.bank import get_bank
from ..errors import UnknownBankError
from ..models.explorers import get_explorer

_SCOREBOARDS: dict = {}


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
        if view:  # None when ipywidgets has no front end to talk to
            bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle


def quiz(bank: str, questions: str | list[str] | None = None, *, seed: int = 0) -> Display:
    """Show a whole bank, one question (an id) or a few (a list of ids)."""
    from . import static, widgets  # views load only when something is shown

    the_bank = get_bank(bank)
    if questions is None:
        chosen = list(the_bank.questions)
    else:
        ids = [questions] if isinstance(questions, str) else list(questions)
        missing = [qid for qid in ids if qid not in {q.id for q in the_bank.questions}]
        if missing:
            raise UnknownBankError(f"bank {bank!r} has no question {', '.join(map(repr, missing))}")
        chosen = [the_bank.question(qid) for qid in ids]
    board = _SCOREBOARDS.setdefault(bank, widgets.Scoreboard(the_bank))
    board.bank = the_bank
    count = len(chosen)
    summary = f"Quiz: {the_bank.title} ({count} question{'s' if count != 1 else ''}). Answer it in Jupyter or on the book's website."
    return Display(static.quiz_html(the_bank, chosen, seed), lambda: widgets.quiz_widget(the_bank, chosen, board, seed), summary)


def explore(model: str, preset: str | None = None) -> Display:
    """Show an interactive model (see `coursebook.explorers.EXPLORERS`), optionally from a preset."""
    from . import static, widgets

    explorer = get_explorer(model)
    explorer.defaults(preset)  # fails early and clearly on an unknown preset
    summary = f"Explorer: {explorer.title}. Use it in Jupyter or on the book's website."
    return Display(static.explorer_html(explorer, preset), lambda: widgets.explorer_widget(explorer, preset), summary)
