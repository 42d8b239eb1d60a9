"""The marking rubric of an exercise: the cells of its answers notebook tagged `rubric`."""

from __future__ import annotations

from pathlib import Path

import nbformat

RUBRIC_TAG = "rubric"


def rubric_text(answers_notebook: Path) -> str:
    """The marking rubric (cells tagged `rubric`) of an answers notebook, for feedback pages."""
    if not answers_notebook.exists():
        return ""
    nb = nbformat.read(answers_notebook, as_version=4)
    return "\n\n".join(
        cell.source for cell in nb.cells if RUBRIC_TAG in cell.metadata.get("tags", [])
    )
