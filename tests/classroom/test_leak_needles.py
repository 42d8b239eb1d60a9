"""The leak scan's needles skip a secret's expression only where it cannot match.

The scan tests some 100k (file, secret) pairs; each secret carries a cheap test (`Needles`) run
first. A needle that rejected a text the expression matches would hide a leak, so these tests draw
texts built around every real secret's matches, in other letter cases, wrapped in other
characters (Unicode case twins, digits, dots, non-breaking spaces, line breaks), and check that
whenever the expression finds something, the needles let it run.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.leaks import (CASE_TWINS_OF_ASCII, FileView, Needles, answer_secrets,
                                        number_formats, solution_secrets)
from tests.conftest import ROOT

CHECKS = [load_check_file(p) for p in sorted((ROOT / "answers" / "checks").glob("*.yml"))]
SECRETS = [s for c in CHECKS for s in answer_secrets(c)]
SECRETS += [s for nb in sorted((ROOT / "answers").glob("*.ipynb")) for s in solution_secrets(nb)]


def _seeds() -> list[str]:
    """Text each secret matches: its expression's literal parts (numbers, words, code lines)."""
    seeds = set()
    for checks in CHECKS:
        for task in checks.tasks:
            values = task.answer if isinstance(task.answer, list) else [task.answer]
            for value in values:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    seeds |= number_formats(value, task.absolute_tolerance)
                    seeds |= {f"{f} percent" for f in number_formats(value * 100, 1e-9)}
                elif isinstance(value, str):
                    seeds.add(value)
    for secret in SECRETS:
        # The expression's text with its escapes and look-arounds dropped is close to a match.
        literal = re.sub(r"\(\?<?[!=][^)]*\)|\\W\+", " ", secret.pattern.pattern)
        seeds.add(re.sub(r"\\(.)", r"\1", literal).strip())
    return sorted(seeds)


SEEDS = _seeds()
# Besides ASCII: the Unicode classes the expressions treat unlike ASCII: digits `\d` matches
# (Arabic-Indic, full-width, Devanagari), digits and letters only `\w` matches (superscript two,
# sharp s, a ligature, sigma), a combining accent, spaces and separators `\W` matches.
NOISE_CHARACTERS = [*" \n\t.,;:-_()'\"%+0123456789asSkKiIeE\u00a0\u2013", *CASE_TWINS_OF_ASCII,
                    *"\u0663\uff13\u0966\u00b2\u00df\ufb01\u03a3\u0301\u200b\u2028\u3000"]
NOISE = st.text(alphabet=st.sampled_from(NOISE_CHARACTERS), max_size=6)


# The case twin a case-blind expression reads as each of these letters.
TWIN = {"s": "\u017f", "S": "\u017f", "k": "\u212a", "K": "\u212a", "i": "\u0131",
        "I": "\u0130"}


def _recase(text: str, flips: list[int]) -> str:
    """Each character kept (0), upper-cased (1) or, for s, k and i, written as its twin (2)."""
    return "".join(TWIN.get(c, c) if flip == 2 else c.upper() if flip else c
                   for c, flip in zip(text, flips + [0] * len(text)))


@st.composite
def texts(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        seed = draw(st.sampled_from(SEEDS))
        words = re.split(r"(\s+)", seed)
        joined = "".join(draw(st.sampled_from([" ", "\n", " -- ", ", ", "\u00a0", "\u3000\u2014"]))
                         if w.isspace() else w for w in words)
        parts += [draw(NOISE), _recase(joined, draw(st.lists(st.integers(0, 2), max_size=40)))]
    return "".join(parts) + draw(NOISE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_a_needle_never_hides_a_match(text):
    view = FileView(text)
    missed = [s.what for s in SECRETS if s.pattern.search(text) and not s.needles.may_match(view)]
    assert missed == [], (text, missed)


def _disguises(seed: str) -> list[str]:
    spaced = re.sub(r"\s+", lambda m: "\n -- ", seed)
    twins = seed.replace("s", "\u017f").replace("K", "\u212a")  # what re.I reads as s and K
    return [seed, seed.upper(), f"x{seed}.", f"\u0131 {seed}\u00a0", spaced,
            f"({spaced.title()})", twins]


def test_every_seed_in_every_disguise_passes_the_needles_of_what_it_matches():
    """The exhaustive half: each seed, in seven disguises, against every secret."""
    missed = set()
    for seed in SEEDS:
        for text in _disguises(seed):
            view = FileView(text)
            missed |= {(s.what, text) for s in SECRETS
                       if not s.needles.may_match(view) and s.pattern.search(text)}
    assert sorted(missed)[:5] == []


def test_the_seeds_reach_most_secrets():
    """The drawn texts are built from matches: most secrets match their own seeds (else the test
    above would check little)."""
    matched = sum(any(s.pattern.search(seed) for seed in SEEDS) for s in SECRETS)
    assert matched >= 0.9 * len(SECRETS), (matched, len(SECRETS))


def test_needles_do_reject_what_cannot_match():
    """They are a real filter: most secrets are skipped on a chapter page, which holds none."""
    view = FileView((ROOT / "book" / "ch1-leverage-theory.ipynb").read_text(encoding="utf-8"))
    skipped = [s for s in SECRETS if not s.needles.may_match(view)]
    assert len(skipped) >= 0.8 * len(SECRETS)


def test_case_twins_are_every_non_ascii_letter_matched_as_ascii():
    """Recomputes the list the needles rely on: every character outside ASCII that a case-blind
    expression takes for an ASCII letter."""
    letter = re.compile("[a-z]", re.I)
    found = {chr(c) for c in range(128, 0x110000) if letter.fullmatch(chr(c))}
    assert found == set(CASE_TWINS_OF_ASCII)


def test_a_case_twin_in_the_text_makes_every_expression_run():
    secret = re.compile("(?<![\\w-])secret(?![\\w-])", re.I)
    text = "a \u017fecret"  # a long s: the expression matches, lower-casing does not show it
    assert secret.search(text)
    assert Needles(("secret",)).may_match(FileView(text))


def _unicode() -> str:
    return "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)


def test_no_character_outside_ascii_is_any_ascii_character_to_a_case_blind_literal():
    """The text and sentence expressions are case-blind literals (not only letters: `-`, `.`, `%`,
    digits): outside ASCII, only the case twins can match one of them."""
    others = _unicode()
    found = set()
    for code in range(128):
        found |= set(re.compile(re.escape(chr(code)), re.I).findall(others))
    assert found == set(CASE_TWINS_OF_ASCII)


def test_lower_casing_keeps_what_the_needles_compare():
    """What the lower-cased views rely on: outside the case twins, lower-casing a character gives
    one character, never an ASCII one from a character outside ASCII, and never a word character
    (`\\w`) from a character that is none (else a sentence's words would run into a neighbour)."""
    word = re.compile(r"\w")
    changed = [c for c in map(chr, range(0x110000))
               if c.lower() != c and c not in CASE_TWINS_OF_ASCII]
    assert [c for c in changed if len(c.lower()) != 1] == []
    assert [c for c in changed if not c.isascii() and c.lower().isascii()] == []
    assert [c for c in changed if not word.match(c) and word.match(c.lower())] == []
    assert [c for c in changed if word.match(c) and not word.match(c.lower())] == []


def test_every_unicode_digit_is_a_word_character():
    """A number's look-behind and look-ahead (`[\\w.]`) stop at any digit `\\d` matches, so a
    match is a whole number of the text as `\\d+(?:\\.\\d+)*` finds them."""
    assert all(re.fullmatch(r"\w", d) for d in re.findall(r"\d", _unicode()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS),
       around=st.lists(st.characters(blacklist_categories=("Cs",)), min_size=2, max_size=2),
       between=st.characters(blacklist_categories=("Cs",)))
def test_any_character_around_or_between_the_words_of_a_match(seed, around, between):
    """Any code point (not only the listed noise) next to a match or in its word gaps."""
    text = around[0] + re.sub(r"\s+", lambda m: between, seed) + around[1]
    for variant in (text, text.upper(), text.lower(), _recase(text, [2] * len(text))):
        view = FileView(variant)
        missed = [s.what for s in SECRETS
                  if s.pattern.search(variant) and not s.needles.may_match(view)]
        assert missed == [], (variant, missed)
