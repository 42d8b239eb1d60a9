"""coursebook: the quiz engine, interactive models and instructor tools of the leverage course book.

The notebook API: `quiz(...)` and `explore(...)` in chapters, `practice()` for spaced review, `Checker(...)` in exercise notebooks.
"""

from .classroom.exercises import Checker
from .views.display import explore, quiz
from .views.practice import practice

__all__ = ["quiz", "explore", "practice", "Checker"]
__version__ = "0.1.0"
