"""Soft hyphens in the long words of the site's table cells.

On a phone a table of four columns or more has about 85 px a column, less than "constituencies"
needs. A browser
without a hyphenation dictionary (Chromium on Linux, among others) then either widens the table
past the screen or, with `overflow-wrap: anywhere`, breaks the word anywhere and without a hyphen
("Dime/nsion"). A soft hyphen (U+00AD) is invisible unless the line breaks there, and then shows
as a hyphen, so every browser breaks such words where a dictionary (pyphen's en_GB) allows.
Code, maths, scripts and SVG are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.S)
TOKEN = re.compile(r"(<[^>]*>)|([^<]+)")
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)([^>]*?)(/)?\s*>")
LONG_WORD = re.compile(r"[^\W\d_]{8,}")  # letters only: not identifiers, numbers or entities' names
LEAVE_ALONE = {"code", "pre", "kbd", "samp", "script", "style", "svg", "math"}
VOID = {"br", "img", "wbr", "input", "hr", "meta", "link", "source", "col"}
SOFT_HYPHEN = "\u00ad"


@lru_cache(maxsize=1)
def _dictionary():
    import pyphen  # type: ignore[import-untyped]  # pyphen ships no type information

    return pyphen.Pyphen(lang="en_GB", left=3, right=3)


def hyphenate(word: str) -> str:
    return _dictionary().inserted(word, hyphen=SOFT_HYPHEN)


def _cell(content: str) -> str:
    out: list[str] = []
    stack: list[tuple[str, bool]] = []
    for tag, text in TOKEN.findall(content):
        if tag:
            match = TAG.match(tag)
            if match:
                closing, name, attributes, self_closing = match.groups()
                name = name.lower()
                if closing:
                    while stack and stack.pop()[0] != name:
                        pass
                elif not self_closing and name not in VOID:
                    stack.append((name, name in LEAVE_ALONE or "math" in attributes))
            out.append(tag)
        elif any(skip for _, skip in stack) or "\\(" in text or "\\[" in text:
            out.append(text)
        else:
            out.append(LONG_WORD.sub(lambda m: hyphenate(m.group(0)), text))
    return "".join(out)


TABLE = re.compile(r"<table\b.*?</table>", re.S)
FIRST_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
MIN_COLUMNS = 4  # narrower tables fit a phone with whole words; hyphens would only narrow columns


def _table(table: str) -> str:
    row = FIRST_ROW.search(table)
    if row is None or len(re.findall(r"<t[dh]\b", row.group(0))) < MIN_COLUMNS:
        return table
    return CELL.sub(lambda m: m.group(1) + _cell(m.group(2)) + m.group(3), table)


def soft_hyphens(body: str) -> str:
    """The long words in the cells of wide tables (four columns or more), with soft hyphens."""
    return TABLE.sub(lambda m: _table(m.group(0)), body)
