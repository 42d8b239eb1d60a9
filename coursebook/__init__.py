"""coursebook: the quiz engine, interactive models and instructor tools of the leverage course book.

The notebook API: `quiz(...)` and `explore(...)` in chapters, `Checker(...)` in exercise notebooks.
"""

from .classroom.exercises import Checker
from .views.display import explore, quiz

__all__ = ["quiz", "explore", "Checker"]
__version__ = "0.1.0"
