"""How the book's figures are rendered in a notebook: SVG, with no text too small to read.

SVG stays sharp when a reader on a phone zooms in, and is smaller than a PNG once compressed. The
file carries no date and no random ids (`svg.hashsalt`), so stored outputs compare equal under
nbval. Text smaller than `MIN_TEXT_PT` is raised to it, so no label shrinks below what a phone
shows.
"""

from __future__ import annotations

from typing import Any

MIN_TEXT_PT = 9.5
RC: dict[Any, Any] = {"svg.hashsalt": "coursebook", "svg.fonttype": "path", "font.size": 11}


def legible(fig, min_text: float = MIN_TEXT_PT):
    """Raise every text smaller than `min_text` points (tick labels and legends included) to it."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < min_text:
            text.set_fontsize(min_text)
    return fig


def svg(fig) -> str:
    from IPython.core.pylabtools import print_figure

    return print_figure(legible(fig), "svg", bbox_inches="tight", metadata={"Date": None})


def use_book_figures() -> None:
    """Call once at the top of a chapter: every figure after it is shown as SVG."""
    import matplotlib
    from IPython import get_ipython
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    matplotlib.rcParams.update(RC)
    shell = get_ipython()
    if shell is None:  # a plain Python process: nothing is displayed
        return
    set_matplotlib_formats("svg")  # drops the PNG formatter
    shell.display_formatter.formatters["image/svg+xml"].for_type(Figure, svg)
