"""The bad-bank fixtures and the message each must give (the bank tests and the guide's test)."""

from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad_banks"

# fixture -> (line, column, question id, words the message must contain). Each is one authoring
# mistake; the message must say where (file:line:column, question) and what to do, in plain words.
EXPECTED = {
    "unknown-type": (11, 11, "q-bad-type", "unknown question type 'essay'"),
    "missing-prompt": (4, 5, "q-no-prompt", "add `prompt:` to this question"),
    "single-zero-correct": (4, 5, "q-zero", "exactly one correct option, found 0"),
    "single-two-correct": (4, 5, "q-two", "exactly one correct option, found 2"),
    "multiple-no-correct": (4, 5, "q-none", "at least one correct option"),
    "numeric-missing-answer": (4, 5, "q-no-answer", "missing required key `answer`"),
    "numeric-negative-tolerance": (8, 5, "q-negative", "a tolerance must be zero or more"),
    "ordering-repeated": (4, 5, "q-repeat", "'first' appears twice"),
    "matching-unmatched": (4, 5, "q-unmatched", "pair 2 ('L2') is unmatched"),
    "matching-double": (4, 5, "q-double", "'R1' is used twice"),
    "feedback-no-option": (9, 5, "q-feedback", "`feedback` names 'c', which is not an option"),
    "correct-not-an-option": (11, 5, "q-correct", "`correct` names 'e', which is not an option; use one of the option keys"),
    "unknown-key": (9, 5, "q-typo", "unknown key `feedbak`; did you mean `feedback`?"),
    # YAML syntax: a fix in plain words and the nearest question, never the parser's wording
    "invalid-yaml": (6, 18, "q-yaml", "quote this text: it contains `: `"),
    "yaml-tab": (8, 1, "q-tab", "indent with spaces only"),
    "yaml-star": (8, 10, "q-star", "quote this text: it starts with `*`"),
    "duplicate-key": (7, 5, "q-twice", "the key `prompt` appears twice"),
    "yaml-unclosed-quote": (6, 13, "q-quote", "a quotation mark is opened but never closed"),
    "empty-prompt": (6, 13, "q-empty", "`prompt` is empty; write the text"),
    # the copy (line 9), not the original (line 4)
    "duplicate-id-same-file": (9, 9, "q-copied", "duplicate question id: line 4 already uses it"),
    # the right level: the bank, not a question
    "bank-no-title": (1, 1, None, "add `title:` to the bank"),
    "bank-name-underscore": (1, 7, None, "`bank` must be the file's name without `.yml`"),
    "options-as-list": (7, 14, "q-list", "`options` must be a set of `key: text` lines"),
    "year-as-number": (9, 9, "q-year", "`items` is 1945, which YAML reads as a number, not text; put it in quotes"),
    "answer-with-percent-sign": (7, 13, "q-percent-sign", "write `answer: 46.7` and add `percent: true`"),
    # what check-banks let through before
    "numeric-nan-answer": (7, 5, "q-nan", "`answer: .nan` is not a number a student can type"),
    "numeric-infinite-tolerance": (8, 5, "q-inf", "`tolerance: .inf` is not a number"),
    "numeric-mistake-is-answer": (9, 5, "q-mistake", "counts as correct (the answer accepts 0.467 ± 0.00934)"),
    "text-feedback-on-answer": (8, 5, "q-chicken", "`feedback` for 'Chicken!' can never show"),
    "percent-as-fraction": (7, 5, "q-share", "write `answer: 46.7` for 46.7%"),
    "relative-link": (8, 18, "q-link", "the link `ch1-leverage-theory.ipynb` is relative"),
    "id-too-long": (4, 9, "q-" + "x" * 100, "Moodle keeps at most 100"),
}
