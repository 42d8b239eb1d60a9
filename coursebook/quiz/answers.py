"""Read what a student typed: numbers and short text, normalised the same way the browser does.

`coursebook/views/assets/coursebook.js` mirrors these rules line for line; the shared test vectors
in
`tests/vectors.json` hold the two to the same results.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT = 200
_DIGITS = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
    0x066B: ".",
    0x066C: ",",
}
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
# ASCII-only classes, as in JavaScript: other scripts' digits are mapped above or refused.
_SUFFIX = re.compile(r"^(.*?)\s*(thousand|million|billion|mn|bn|k|m|b)$", re.ASCII)
_PERCENT = re.compile(r"^(.*?)\s*(?:%|percent|per cent|pct)$", re.ASCII)
# A thousands group never starts with 0 (`0,467` is a decimal comma, not 467); `24.` is 24.
_NUMBER = re.compile(
    r"^[+-]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.ASCII
)
# Digits, one comma, digits, and not a thousands separator (checked after _NUMBER): `12,5`, `0,467`.
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$", re.ASCII)

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


@dataclass(frozen=True)
class Invalid:
    """Input that cannot be graded; `reason` is a key of MESSAGES."""

    reason: str

    @property
    def message(self) -> str:
        return MESSAGES[self.reason]


@dataclass(frozen=True)
class Number:
    value: float
    percent_sign: bool


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).translate(_DIGITS)
    return text.strip().lower()


def parse_number(raw: str) -> Number | Invalid:
    """`1,700,000`, `1.7 million`, `1.7m`, `-3`, `3.5e2`, `24%`, `24 percent`, `24.`;
    refuses words, NaN, infinities and decimal commas (`12,5`, `0,467`)."""
    if len(raw) > MAX_INPUT:
        return Invalid("too-long")
    text = _clean(raw)
    if not text:
        return Invalid("empty")
    percent = _PERCENT.match(text)
    if percent:
        text = percent.group(1)
    factor = 1.0
    suffix = _SUFFIX.match(text)
    if suffix and suffix.group(1):
        text, factor = suffix.group(1), _MULTIPLIERS[suffix.group(2)]
    if not _NUMBER.fullmatch(text):
        return Invalid("comma-decimal" if _COMMA_DECIMAL.fullmatch(text) else "not-a-number")
    value = float(text.replace(",", "")) * factor
    if not math.isfinite(value):
        return Invalid("not-finite")
    return Number(value, bool(percent))


def normalise_text(raw: str) -> str:
    """Fold case, width, accents, punctuation and spacing: `Tehrik-e-Taliban` == `tehrik e
    taliban`."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", raw)).lower()
    return "".join(char for char in text if not _dropped(char))


def _dropped(char: str) -> bool:
    # The same set as the browser's /[\p{Mn}\p{P}\p{S}\p{Z}\t\n\v\f\r\ufeff]/u.
    category = unicodedata.category(char)
    return category == "Mn" or category[0] in "PSZ" or char in "\t\n\v\f\r\ufeff"
