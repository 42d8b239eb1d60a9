"""The exercises and the secrets in their answers notebooks (tests of the student edition and of
the built site's student pages)."""

import nbformat

from coursebook.classroom.student_edition import BEGIN, END
from tests.conftest import ROOT

ANSWERS, EXERCISES = ROOT / "answers", ROOT / "exercises"
NAMES = sorted(p.stem for p in ANSWERS.glob("*.ipynb"))


def secret_texts(name):
    """Solution lines, hidden cells, rubrics and model answers of one answers notebook."""
    nb = nbformat.read(ANSWERS / f"{name}.ipynb", as_version=4)
    secrets = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & {"hidden", "rubric", "written-response"}:
            secrets += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 25]
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
                secrets.append(line.strip())
    return secrets
