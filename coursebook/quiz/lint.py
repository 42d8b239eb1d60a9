"""Lint a validated bank for the habits that let a test-wise student (or a renderer) beat it.

Five rules, each reported per bank by `coursebook check-banks`:

1. **Longest-option cue** (fails a bank). For every single- and multiple-choice question we ask
   whether the keyed option is the *uniquely longest* option, counted in characters of the
   option text as written (surrounding whitespace ignored). For a multiple-select question this
   means the single longest option is one of the keyed ones, which is what "pick the longest"
   exploits. A bank fails when this holds for more than `MAX_LONGEST_SHARE` (35 percent) of its
   choice questions. The report also gives the distribution of key positions (1st, 2nd, ...) over
   the choice questions whose options are *not* shuffled, where position is a cue too.

2. **Probable currency** (fails a bank). A `$` followed by a digit opens inline maths in the
   book's Markdown (MyST, Jupyter, the quiz markup and every LMS export), so "US$200" loses its
   text. Write `\\$200`. A `$` counts as maths, not currency, only when it opens a `$...$` span
   closed in the same field whose content has a maths sign (backslash, `^`, `_`, `=` or `{`), as
   in `$0.6 \\times 0.4$`.

3. **A figure written two ways** (fails a bank). Across all the text of one bank (prompts,
   options, feedback, explanations, hints, items, pairs, distractors, mistake feedback):
   - the same whole number written with and without thousands separators ("2,867" and "2867");
     four-digit numbers from 1000 to 2100 without a separator are read as years and skipped;
   - the same percentage written at two precisions that disagree: a shorter form that *truncates*
     the longer one instead of rounding it ("34 percent" beside "34.8 percent", where 34.8 rounds
     to 35). A correct rounding ("35 percent" beside "34.8 percent") is consistent and passes.
     Percentages are read from the text (a number followed by `%`, "percent" or "per cent") and,
     for numeric questions marked `percent: true`, from the keyed answer and the mistake values.

4. **Length rank of the key** (fails a bank). Ruling out the shortest options is the next trick
   once "pick the longest" is gone. For every keyed option of a choice question we take its rank
   by length among that question's options (1 = longest; an option counts as longer only when it
   is strictly longer, so ties are no cue). A question weighs 1: in a multiple-select question
   each of its k keys weighs 1/k. The bank fails when the key is among the two longest in more
   than `MAX_TOP_TWO_SHARE` (60 percent) of its choice questions, or is the shortest (no option
   strictly shorter) in fewer than `MIN_SHORTEST_SHARE` (10 percent). The rule applies to banks
   with at least `MIN_RANKED` (5) choice questions: over fewer, a share is noise (one question
   cannot be both "not among the two shortest" and "sometimes the shortest"), so the report
   prints the ranks of a smaller bank without judging them. Overcorrecting is a cue
   too, so it also fails when the key is among the two *shortest* in more than 60 percent. The
   report prints the distribution of ranks, so an author sees which way to move.

5. **Hint and explanation** (fails a bank). Every question carries a hint (the quizzes tell
   students to open one) and a non-empty explanation. The model already refuses an empty
   explanation; the lint refuses a missing or blank hint, and a hint that gives the key away by
   quoting a keyed option's text whole.

Pure functions over the validated model; the CLI prints the results.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from .bank import bank_file
from .model import Bank, Matching, MultipleSelect, Numeric, Ordering, ShortText, SingleChoice

MAX_LONGEST_SHARE = 0.35
MAX_TOP_TWO_SHARE = 0.60
MIN_SHORTEST_SHARE = 0.10
MAX_BOTTOM_TWO_SHARE = 0.60
MIN_RANKED = 5

_CURRENCY = re.compile(r"(?<!\\)\$(?=\d)")
_MATHS_SIGN = re.compile(r"[\\^_={]")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w]|,\d|\.\d)")
_PERCENT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")


@dataclass(frozen=True)
class Finding:
    """One problem the lint found: the rule broken, where, and what to do."""

    rule: str
    question_id: str | None
    message: str
    line: int | None = None
    """Line of the question in its bank file, when the file was given."""

    def __str__(self) -> str:
        who = f"question {self.question_id!r}: " if self.question_id else ""
        return f"[{self.rule}] {who}{self.message}"


@dataclass
class BankLint:
    """The lint result for one bank."""

    bank: str
    file: str | None = None
    single: int = 0
    multiple: int = 0
    longest_keyed: list[str] = field(default_factory=list)
    """Ids of choice questions whose keyed option is the uniquely longest."""
    positions: Counter = field(default_factory=Counter)
    """Key positions (1-based) over unshuffled choice questions; a multiple-select adds each key."""
    unshuffled: int = 0
    ranks: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    """Weighted count of keyed options by length rank (1 = longest) over the choice questions."""
    top_two: float = 0.0
    """Weighted number of choice questions whose key is among the two longest options."""
    shortest: float = 0.0
    """Weighted number of choice questions whose key is the shortest option."""
    bottom_two: float = 0.0
    """Weighted number of choice questions whose key is among the two shortest options."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def choice(self) -> int:
        return self.single + self.multiple

    @property
    def longest_share(self) -> float:
        return len(self.longest_keyed) / self.choice if self.choice else 0.0

    @property
    def top_two_share(self) -> float:
        return self.top_two / self.choice if self.choice else 0.0

    @property
    def shortest_share(self) -> float:
        return self.shortest / self.choice if self.choice else 0.0

    @property
    def bottom_two_share(self) -> float:
        return self.bottom_two / self.choice if self.choice else 0.0

    @property
    def passed(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        share = (
            f"{len(self.longest_keyed)} of {self.choice} choice questions "
            f"({self.longest_share:.0%})"
        )
        lines = [
            f"{self.bank}: keyed option uniquely longest in {share}; limit {MAX_LONGEST_SHARE:.0%}"
        ]
        if self.choice:
            spread = ", ".join(
                f"{_ordinal(rank)} {_count(count)}" for rank, count in sorted(self.ranks.items())
            )
            lines.append(
                f"  key's length rank (1st = longest): {spread}; among the two longest "
                f"{self.top_two_share:.0%} (limit {MAX_TOP_TWO_SHARE:.0%}), shortest "
                f"{self.shortest_share:.0%} (at least {MIN_SHORTEST_SHARE:.0%}), among the two "
                f"shortest {self.bottom_two_share:.0%} (limit {MAX_BOTTOM_TWO_SHARE:.0%})"
            )
        if self.unshuffled:
            spread = ", ".join(
                f"{_ordinal(pos)} {count}" for pos, count in sorted(self.positions.items())
            )
            noun = "question" if self.unshuffled == 1 else "questions"
            lines.append(f"  key positions in {self.unshuffled} unshuffled choice {noun}: {spread}")
        for finding in self.findings:
            where = (
                f"{self.file}:{finding.line}: "
                if self.file and finding.line
                else (f"{self.file}: " if self.file else "")
            )
            lines.append(f"  {where}{finding}")
        return "\n".join(lines)


def _count(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix}"


def keyed_is_uniquely_longest(question: SingleChoice | MultipleSelect) -> bool:
    lengths = {key: len(text.strip()) for key, text in question.options.items()}
    longest = max(lengths.values())
    leaders = [key for key, length in lengths.items() if length == longest]
    return len(leaders) == 1 and leaders[0] in question.correct_keys


def key_length_ranks(question: SingleChoice | MultipleSelect) -> list[tuple[int, int]]:
    """For each keyed option: its length rank from the longest (1 + options strictly longer) and
    from the shortest (1 + options strictly shorter)."""
    lengths = {key: len(text.strip()) for key, text in question.options.items()}
    return [
        (
            1 + sum(other > lengths[key] for other in lengths.values()),
            1 + sum(other < lengths[key] for other in lengths.values()),
        )
        for key in question.correct_keys
    ]


def hint_findings(
    question: SingleChoice | MultipleSelect | Numeric | Ordering | Matching | ShortText,
) -> list[Finding]:
    """A missing or blank hint, or one that quotes a keyed option whole (rule 5)."""
    hint = (question.hint or "").strip()
    if not hint:
        return [
            Finding(
                "hint",
                question.id,
                "has no hint; add one that points to the idea without giving the answer away",
            )
        ]
    if isinstance(question, (SingleChoice, MultipleSelect)):
        for key in question.correct_keys:
            text = question.options[key].strip().rstrip(".").lower()
            if len(text) >= 12 and text in hint.lower():
                return [
                    Finding(
                        "hint",
                        question.id,
                        f"the hint quotes the keyed option {key!r} whole; "
                        "point to the idea instead",
                    )
                ]
    return []


def _texts(question) -> list[str]:
    """Every piece of text a student can see in one question."""
    texts = [question.prompt, question.explanation, question.hint or ""]
    if isinstance(question, (SingleChoice, MultipleSelect)):
        texts += list(question.options.values()) + list(question.feedback.values())
    elif isinstance(question, Numeric):
        texts += [question.units or ""] + [mistake.feedback for mistake in question.mistakes]
        if question.percent:  # the keyed and mistake values are figures the bank states too
            texts += [
                f"{value:g} percent"
                for value in (question.answer, *(m.value for m in question.mistakes))
            ]
    elif isinstance(question, Ordering):
        texts += question.items
    elif isinstance(question, Matching):
        texts += [pair.left for pair in question.pairs] + question.choices
    elif isinstance(question, ShortText):
        texts += question.answers + list(question.feedback.values())
    return [text for text in texts if text]


def currency_findings(question_id: str | None, text: str) -> list[Finding]:
    """A `$` before a digit that does not open a maths span (see rule 2)."""
    findings = []
    for match in _CURRENCY.finditer(text):
        close = re.compile(r"(?<!\\)\$").search(text, match.end())
        if close and _MATHS_SIGN.search(text[match.end() : close.start()]):
            continue
        snippet = text[max(0, match.start() - 10) : match.end() + 10].replace("\n", " ")
        findings.append(
            Finding(
                "currency",
                question_id,
                f'probable currency `$` before a digit in "...{snippet}...": '
                "it starts maths on the site, in Jupyter and in LMS exports; write `\\$`",
            )
        )
    return findings


def _whole_numbers(text: str):
    for match in _NUMBER.finditer(text):
        if match.group(2) is None:
            yield match.group(1)


def separator_findings(texts_by_question: list[tuple[str, str]]) -> list[Finding]:
    """The same whole number with and without thousands separators (rule 3, first part)."""
    forms: dict[int, dict[str, str]] = {}
    for question_id, text in texts_by_question:
        for written in _whole_numbers(text):
            value = int(written.replace(",", ""))
            if value < 1000 or ("," not in written and 1000 <= value <= 2100):
                continue
            forms.setdefault(value, {}).setdefault(written, question_id)
    findings = []
    for value, written in sorted(forms.items()):
        if len(written) > 1:
            where = "; ".join(f'"{form}" in {qid!r}' for form, qid in written.items())
            bare = next((qid for form, qid in written.items() if "," not in form), None)
            findings.append(
                Finding(
                    "figure-two-ways",
                    bare,
                    f"{value} is written two ways ({where}); "
                    "use one form, with thousands separators",
                )
            )
    return findings


def _truncates_not_rounds(short: str, long: str) -> bool:
    """True when `short` is `long` cut off at short's precision but is not its correct rounding."""
    places = len(short.partition(".")[2])
    exponent = Decimal(1).scaleb(-places)
    long_value, short_value = Decimal(long), Decimal(short)
    truncated = long_value.quantize(exponent, rounding=ROUND_DOWN)
    rounded = long_value.quantize(exponent, rounding=ROUND_HALF_UP)
    return truncated == short_value and rounded != short_value


def precision_findings(texts_by_question: list[tuple[str, str]]) -> list[Finding]:
    """The same percentage at two precisions, the shorter one truncated (rule 3, second part)."""
    seen: dict[str, str] = {}
    for question_id, text in texts_by_question:
        for match in _PERCENT.finditer(text):
            seen.setdefault(match.group(1), question_id)
    findings = []
    for short, short_id in seen.items():
        for long, long_id in seen.items():
            more_precise = len(long.partition(".")[2]) > len(short.partition(".")[2])
            if more_precise and _truncates_not_rounds(short, long):
                findings.append(
                    Finding(
                        "figure-two-ways",
                        short_id,
                        f'"{short} percent" (in {short_id!r}) and '
                        f'"{long} percent" (in {long_id!r}) look like '
                        f"one figure written two ways, and {long} does not round to {short}; "
                        f"write {long} or its rounding",
                    )
                )
    return findings


def _question_lines(path: Path) -> dict[str, int]:
    """Line of each `- id: ...` in a bank file, so findings can point at their question."""
    found: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"\s*-\s*id:\s*['\"]?([a-z0-9-]+)", line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def lint_bank(bank: Bank, path: str | Path | None = None) -> BankLint:
    """Apply the three rules to one validated bank; with its file, findings carry line numbers."""
    result = BankLint(bank.bank, file=str(path) if path else None)
    texts: list[tuple[str, str]] = []
    for question in bank.questions:
        if isinstance(question, (SingleChoice, MultipleSelect)):
            if isinstance(question, SingleChoice):
                result.single += 1
            else:
                result.multiple += 1
            if keyed_is_uniquely_longest(question):
                result.longest_keyed.append(question.id)
            ranked = key_length_ranks(question)
            weight = 1 / len(ranked)
            for rank, from_shortest in ranked:
                result.ranks[rank] += weight
                result.top_two += weight * (rank <= 2)
                result.shortest += weight * (from_shortest == 1)
                result.bottom_two += weight * (from_shortest <= 2)
            if not question.shuffle:
                result.unshuffled += 1
                order = list(question.options)
                result.positions.update(order.index(key) + 1 for key in question.correct_keys)
        result.findings.extend(hint_findings(question))
        for text in _texts(question):
            texts.append((question.id, text))
            result.findings.extend(currency_findings(question.id, text))
    if result.longest_share > MAX_LONGEST_SHARE:
        result.findings.insert(
            0,
            Finding(
                "longest-option",
                None,
                "the keyed option is the uniquely longest in "
                f"{len(result.longest_keyed)} of {result.choice} "
                f"choice questions ({result.longest_share:.0%}), "
                f"above the {MAX_LONGEST_SHARE:.0%} limit: "
                f"lengthen distractors or trim keys in {', '.join(result.longest_keyed)}",
            ),
        )
    result.findings[:0] = _rank_findings(result)
    result.findings.extend(separator_findings(texts))
    result.findings.extend(precision_findings(texts))
    if path:
        lines = _question_lines(Path(path))
        result.findings = [
            replace(f, line=lines.get(f.question_id) if f.question_id is not None else 1)
            for f in result.findings
        ]
    return result


def _rank_findings(result: BankLint) -> list[Finding]:
    """The length-rank rule (rule 4) over a bank already counted."""
    findings: list[Finding] = []
    if result.choice < MIN_RANKED:
        return findings
    if result.top_two_share > MAX_TOP_TWO_SHARE + 1e-9:
        findings.append(
            Finding(
                "length-rank",
                None,
                "the key is among the two longest options in "
                f"{_count(round(result.top_two, 2))} of "
                f"{result.choice} choice questions ({result.top_two_share:.0%}), above the "
                f"{MAX_TOP_TWO_SHARE:.0%} limit: shorten keys or lengthen distractors",
            )
        )
    if result.shortest_share < MIN_SHORTEST_SHARE - 1e-9:
        findings.append(
            Finding(
                "length-rank",
                None,
                f"the key is the shortest option in {_count(round(result.shortest, 2))} of "
                f"{result.choice} choice questions ({result.shortest_share:.0%}), under the "
                f"{MIN_SHORTEST_SHARE:.0%} "
                "floor: a student who rules out the shortest option never loses the key",
            )
        )
    if result.bottom_two_share > MAX_BOTTOM_TWO_SHARE + 1e-9:
        findings.append(
            Finding(
                "length-rank",
                None,
                f"the key is among the two shortest options in "
                f"{_count(round(result.bottom_two, 2))} of "
                f"{result.choice} choice questions ({result.bottom_two_share:.0%}), above the "
                f"{MAX_BOTTOM_TWO_SHARE:.0%} limit: a short option has become the cue",
            )
        )
    return findings


def lint_banks(banks: dict[str, Bank], folder: str | Path | None = None) -> list[BankLint]:
    """Lint every bank; with the folder they came from, findings name file and line."""
    return [
        lint_bank(bank, bank_file(folder, name) if folder else None)
        for name, bank in sorted(banks.items())
    ]
