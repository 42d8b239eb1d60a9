"""coursebook: the quiz engine, interactive models and instructor tools of the leverage course book."""

from .display import explore, quiz

__all__ = ["quiz", "explore"]
__version__ = "0.1.0"
