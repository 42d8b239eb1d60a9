"""What the page says about an answer it cannot read, and how short text is folded.

The quiz's reading of numbers and text, and its grading, run in the browser only
(`views/assets/quiz/types/`). Python keeps the messages (handed to the page in every payload) and
`normalise_text`, which the schema uses to refuse two accepted answers that fold to the same text,
and which the exercise checker uses for text answers (`classroom/comparison.py`); the quiz's own
folding is the same rule in `types/text.js`.
"""

from __future__ import annotations

import unicodedata

MESSAGES = {
    "empty": "Type an answer first.",
    "too-long": "That answer is too long to be one.",
    "not-a-number": "Enter a number, such as 24, 1.7 million or 3.5e2.",
    "comma-decimal": "Write decimals with a point (0.24), not a comma.",
    "not-finite": "Enter an ordinary finite number.",
    "no-choice": "Choose an option first.",
    "unknown-option": "That is not one of the options.",
    "incomplete": "Give an answer for every item first.",
    "not-a-permutation": "Use each item exactly once.",
}


def normalise_text(raw: str) -> str:
    """Fold case, width, accents, punctuation and spacing: `Tehrik-e-Taliban` == `tehrik e
    taliban`."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", raw)).lower()
    return "".join(char for char in text if not _dropped(char))


def _dropped(char: str) -> bool:
    # The same set as the browser's /[\p{Mn}\p{P}\p{S}\p{Z}\t\n\v\f\r\ufeff]/u.
    category = unicodedata.category(char)
    return category == "Mn" or category[0] in "PSZ" or char in "\t\n\v\f\r\ufeff"
