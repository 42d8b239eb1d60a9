"""The browser assets, built from their parts by plain concatenation (no build tool).

- `coursebook.js`: the quiz runtime. `assets/quiz/core.js` first, then every question type's module
  in `assets/quiz/types/` (each registers itself, so their order does not matter), then
  `assets/quiz/practice.js` (spaced practice's scheduler, for the Practice page and the live
  `practice()` widget), then `assets/quiz/boot.js`, which wires the site's page.
- `coursebook-explorers.js`: the explorers' models and drawing (`assets/explorers.js`), served only
  to pages that show an explorer.
- `coursebook.css`: the one stylesheet, for the site and the live view.

The site gets them through `book/sphinx_ext.py`, with the page scripts that are not bundled
(PAGE_FILES: the Practice page's, and the offline registration every student page loads,
`book/practice_ext.py`); the live widget inlines the bundles (`widgets.py`).
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
TYPES = ASSETS / "quiz" / "types"
STYLESHEET = ASSETS / "coursebook.css"
QUIZ_SCRIPT = "coursebook.js"
EXPLORER_SCRIPT = "coursebook-explorers.js"
PAGE_FILES = ("practice.js", "practice.css", "cb-offline.js")


def type_modules() -> list[Path]:
    """One JavaScript module per question type, named after the type."""
    return sorted(TYPES.glob("*.js"))


def quiz_parts() -> list[Path]:
    return [
        ASSETS / "quiz" / "core.js",
        *type_modules(),
        ASSETS / "quiz" / "practice.js",
        ASSETS / "quiz" / "boot.js",
    ]


def _join(parts: list[Path]) -> str:
    return "\n".join(part.read_text(encoding="utf-8") for part in parts)


def quiz_script() -> str:
    return _join(quiz_parts())


def explorer_script() -> str:
    return _join([ASSETS / "explorers.js"])


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def write(folder: Path) -> list[Path]:
    """Write the site's files into `folder` (a Sphinx static path) and return them."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        QUIZ_SCRIPT: quiz_script(),
        EXPLORER_SCRIPT: explorer_script(),
        STYLESHEET.name: stylesheet(),
        **{name: (ASSETS / name).read_text(encoding="utf-8") for name in PAGE_FILES},
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]
