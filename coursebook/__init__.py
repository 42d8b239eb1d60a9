"""coursebook: the quiz engine, interactive models and instructor tools of the leverage course book.

The notebook API: `quiz(...)` and `explore(...)` in chapters, `practice()` for spaced review,
`Checker(...)` in exercise notebooks.

The façade imports nothing at import time, so importing a room (`coursebook.quiz.model`) loads
that room and the rooms below it only (tests/test_layers.py starts a fresh interpreter per room to
check it). `explore`, `practice` and `Checker` load on first use (PEP 562). `quiz` needs more
care: it is also
the name of the subpackage `coursebook.quiz`, and Python's import system sets the package attribute
`quiz` to that subpackage when it is first imported. The function below stays the package's `quiz`
(see `_Facade`); the subpackage is reached as always by importing it (`from coursebook.quiz.bank
import get_bank`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .classroom.exercises import Checker
    from .views.display import Display, explore
    from .views.practice import practice

__all__ = ["quiz", "explore", "practice", "Checker"]
__version__ = "0.1.0"

# name -> the module that defines it, imported on first use
_LAZY = {
    "explore": ".views.display",
    "practice": ".views.practice",
    "Checker": ".classroom.exercises",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def quiz(bank: str, questions: str | list[str] | None = None, *, seed: int = 0) -> Display:
    """Show a whole bank, one question (an id) or a few (a list of ids): see
    `coursebook.views.display.quiz`."""
    from .views.display import quiz as show

    return show(bank, questions, seed=seed)


class _Facade(types.ModuleType):
    """The package module: keeps the notebook function `quiz` when the subpackage of the same name
    is
    imported (the import system would otherwise replace the function with the subpackage)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "quiz" and isinstance(value, types.ModuleType):
            return  # the subpackage stays in sys.modules["coursebook.quiz"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
