"""Every phrase the book quotes from one of its two seed sources appears in that source, and every
figure the book attributes to one of them is a figure the source gives.

The sources are the plain-text copies in ``../shared/sources`` beside the repository (the clone
CI tests in has a copy there too). They are the ground truth, so their absence is a failure, not a
skip.

How a quotation is attributed (the markup authors follow, see the instructor's guide):

* Quotations from sources are written in double quotes, straight ("...") or curly (“...”).
  Single quotes are for scare quotes and for quotations inside quotations.
* A quotation belongs to the source named nearest to it in the same sentence: the first
  ``{cite}`key``` that follows it in the sentence, else the nearest attribution word before it
  ("USIP", "Malejacq and Terpstra", "Lawfare", ...), else the nearest one after it. A sentence
  with no attribution at all inherits the last one named earlier in its paragraph. In the quiz
  banks, which have no citation roles, the names carry the attribution.
* A sentence that names another author or outlet for the quotation ({cite}`ap2022nadim`, "ANI",
  "Biden says" ...) attributes it there, and it is not checked against the seeds.
* ``[...]`` marks an editorial insertion and ``...`` (or …) an omission; each remaining fragment
  must appear in the source, in order.

Figures: in a sentence attributed to a seed, every number with a thousands separator or a
decimal point, every percentage and every "N million" must appear in that source, unless it is
one of the book's own computations listed in ``DERIVED`` with the working that produces it, or the
sentence marks the arithmetic as the book's own ("our calculation", "our arithmetic", "our
scenarios", "our estimate").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

SOURCES = ROOT.parent / "shared" / "sources"
SOURCE_FILES = {
    "malejacq2023leverage": "lawfare-2023-leverage-failed.txt",
    "usip2023pakistan": "usip-2023-pakistan-taliban.txt",
}

# Attribution words (lower case) and the bibliography key each one points to. A key that is not a
# seed (None) attributes the quotation elsewhere, so it is not checked.
NAMES = {
    "usip": "usip2023pakistan",
    "malejacq": "malejacq2023leverage",
    "terpstra": "malejacq2023leverage",
    "lawfare": "malejacq2023leverage",
    "ani": None, "dawn": None, "reuters": None, "afp": None, "ap": None, "voa": None,
    "rfe/rl": None, "anadolu": None, "business recorder": None, "the national": None,
    "biden": None, "nadim": None, "bugti": None, "mujahid": None, "unhcr": None,
    "schelling": None, "baldwin": None, "galtung": None, "hirschman": None, "pape": None,
    "keohane": None, "drezner": None, "levitsky": None, "putnam": None, "fearon": None,
    "svensson": None, "dunning": None, "elliott": None, "hufbauer": None, "buchanan": None,
    "farrell": None, "killick": None, "collier": None, "snyder": None, "russell": None,
}

# Figures the book computes from a source's numbers rather than quotes: value -> working.
DERIVED = {
    "19.2": "327,000 / 1.7 million deportees (USIP's two figures)",
    "24": "60 percent of revenue x 40 percent of customs from Pakistan (the chapter 3 explorer)",
    "3.5": "2,867 deaths / 815 days",
    "2.8": "2,267 deaths / 815 days",
    "20,000": "10 percent of a US$200,000 consignment (the fee in a worked example)",
    "200,000": "the consignment value in the same worked example",
    "2,267": "the figure the press reports of Kakar's statement give, set beside USIP's",
    "6": "the rerouting explorer's worked example",
    "22": "low reading of USIP's shares: 40 percent x 55 percent",
    "27": "high reading of USIP's shares: 45 percent x 60 percent",
    "0.40": "USIP's 'more than 40 percent' written as a fraction (glossary: revenue exposure)",
    "0.60": "USIP's 'nearly 60 percent' written as a fraction (glossary: revenue exposure)",
}
OUR_WORKING = re.compile(r"\bour (?:calculation|arithmetic|scenarios|estimate)", re.I)

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
INLINE_CODE = re.compile(r"`[^`\n]+`")


def _drop_inline_code(text: str) -> str:
    """Inline code is not prose (ids, strings in exercises); citation roles are kept."""
    roles = CITE.findall(text)
    text = CITE.sub("\x00", text)
    text = INLINE_CODE.sub(" ", text)
    for key in roles:
        text = text.replace("\x00", f"{{cite}}`{key}`", 1)
    return text
FENCE = re.compile(r"^[ \t]*(`{3,})([^\n]*)\n(.*?)^[ \t]*\1(?!`)[ \t]*$", re.S | re.M)
# Directives whose body is prose a reader sees: their text is checked like any other. Every other
# fence (code, math, includes, the bibliography) is dropped.
PROSE_DIRECTIVES = {"{admonition}", "{glossary}", "{list-table}", "{note}", "{tip}",
                    "{important}", "{warning}", "{dropdown}", "{sidebar}", "{margin}",
                    "{seealso}", "{epigraph}"}


def _drop_code(text: str) -> str:
    """Drop code and math fences; keep the prose inside directives (glossary, admonitions)."""
    def replace(match: re.Match[str]) -> str:
        name, _, title = match.group(2).strip().partition(" ")
        if name not in PROSE_DIRECTIVES:
            return " "
        body = re.sub(r"^[ \t]*:[\w-]+:.*$", "", match.group(3), flags=re.M)
        return f"\n\n{title}\n\n{body}\n\n"
    return FENCE.sub(replace, text)


QUOTE = re.compile(r"\"([^\"\n]{3,400}?)\"|“([^”]{3,400}?)”")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”)]*\s+(?=[A-Z(*\"“])|\n\s*\n|\n\s*[-*|] ")
FIGURE = re.compile(
    r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+(?=\s*(?:%|percent|per cent|million)))"
    r"(\s*(?:%|percent|per cent|million))?"
)


@dataclass(frozen=True)
class Quoted:
    where: str
    text: str
    source: str


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("—", "-").replace("–", "-").replace("\u00a0", " ")
    text = re.sub(r"[*_'\"]", "", text)  # emphasis, and quotation marks nested or not
    return re.sub(r"\s+", " ", text).strip().lower()


def _source_text(key: str) -> str:
    return _normal((SOURCES / SOURCE_FILES[key]).read_text(encoding="utf-8"))


def _markers(sentence: str):
    """(position, key, is_cite) for every attribution in a sentence."""
    found = [(m.start(), key.strip(), True) for m in CITE.finditer(sentence)
             for key in m.group(1).split(",")[:1]]
    lowered = sentence.lower()
    for name, key in NAMES.items():
        for match in re.finditer(rf"(?<![\w/]){re.escape(name)}(?![\w/])", lowered):
            found.append((match.start(), key, False))
    return sorted(found)


def _attribute(sentence: str, start: int, end: int) -> str | None:
    markers = _markers(sentence)
    after = [m for m in markers if m[0] >= end]
    before = [m for m in markers if m[0] < start]
    if after and after[0][2]:
        return after[0][1]
    if before:
        return before[-1][1]
    if after:
        return after[0][1]
    return None


def _sentences(text: str):
    text = _drop_code(text)
    text = _drop_inline_code(text)
    return [part for part in SENTENCE_END.split(text) if part and part.strip()]


def _paragraphs(text: str):
    text = _drop_code(text)
    text = _drop_inline_code(text)
    return [part for part in re.split(r"\n\s*\n|\n\s*[-*|] |\n\|", text) if part.strip()]


def quotations(where: str, text: str):
    for paragraph in _paragraphs(text):
        sentences = _sentences(paragraph)
        for number, sentence in enumerate(sentences):
            for match in QUOTE.finditer(sentence):
                key = _attribute(sentence, match.start(), match.end())
                if key is None and not _markers(sentence):
                    earlier = [m for s in sentences[:number] for m in _markers(s)]
                    key = earlier[-1][1] if earlier else None
                if key in SOURCE_FILES:
                    yield Quoted(where, match.group(1) or match.group(2), key)


def figures(where: str, text: str):
    for sentence in _sentences(text):
        keys = {key for _, key, _ in _markers(sentence)}
        seeds = keys & set(SOURCE_FILES)
        if not seeds:
            continue
        if OUR_WORKING.search(sentence):
            continue
        sentence = CITE.sub(" ", sentence)
        for match in FIGURE.finditer(sentence):
            yield where, match.group(0).strip(), match.group(1), sorted(seeds), sentence.strip()


def found_in(quote: str, source_text: str) -> bool:
    pieces = re.split(r"\[[^\]]*\]|\.\.\.|…", _normal(quote))
    position = 0
    for piece in (p.strip(" ,.;:'\"") for p in pieces):
        if not piece:
            continue
        at = source_text.find(piece, position)
        if at < 0:
            return False
        position = at + len(piece)
    return True


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def texts():
    """(where, text) for every page, bank, glossary entry and rubric a student or teacher reads."""
    folders = [ROOT / "book", ROOT / "answers"]
    for folder in folders:
        for notebook in sorted(folder.glob("*.ipynb")):
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            for number, cell in enumerate(cells):
                if cell["cell_type"] == "markdown":
                    yield f"{notebook.relative_to(ROOT)} cell {number}", "".join(cell["source"])
    for page in sorted((ROOT / "book").glob("**/*.md")):
        yield str(page.relative_to(ROOT)), page.read_text(encoding="utf-8")
    for bank in sorted((ROOT / "book" / "quizzes").glob("*.yml")):
        data = yaml.safe_load(bank.read_text(encoding="utf-8"))
        for question in data["questions"]:
            for text in _strings(question):
                yield f"{bank.relative_to(ROOT)} {question['id']}", text


def _number(text: str) -> str:
    return text.replace(",", "")


def figure_in(value: str, unit: str, source_text: str) -> bool:
    digits = _number(value)
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", source_text)
    return re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d]|\.\d)", plain) is not None


@pytest.fixture(scope="module")
def sources():
    missing = [name for name in SOURCE_FILES.values() if not (SOURCES / name).is_file()]
    if missing:
        pytest.fail(f"the seed sources are missing from {SOURCES}: {', '.join(missing)} "
                    "(clone the project so that shared/ sits beside the repository)")
    return {key: _source_text(key) for key in SOURCE_FILES}


def test_every_quotation_from_a_source_is_in_that_source(sources):
    checked = list(quote for where, text in texts() for quote in quotations(where, text))
    assert len(checked) > 40, "the quotation finder found too few quotations to be working"
    wrong = [f"{q.where}: \"{q.text}\" is not in {q.source}" for q in checked
             if not found_in(q.text, sources[q.source])]
    assert not wrong, "\n".join(wrong)


def test_every_figure_given_for_a_source_is_in_that_source(sources):
    checked = list(figure for where, text in texts() for figure in figures(where, text))
    assert len(checked) > 20, "the figure finder found too few figures to be working"
    wrong = []
    for where, shown, value, seeds, sentence in checked:
        if _number(value) in {_number(d) for d in DERIVED}:
            continue
        if not any(figure_in(value, shown, sources[key]) for key in seeds):
            wrong.append(f"{where}: {shown} is not in {' or '.join(seeds)}: {sentence[:160]}")
    assert not wrong, "\n".join(wrong)


def test_a_misquotation_or_a_wrong_source_is_caught(sources):
    """The attack: put words in a source's mouth, or give one source's words to the other."""
    planted = [
        ("USIP calls the expulsions \"a humanitarian catastrophe\" {cite}`usip2023pakistan`.",
         False),
        ("USIP calls the decision \"controversial\" {cite}`usip2023pakistan`.", True),
        ("Malejacq and Terpstra call aid \"inefficient and counterproductive\".", True),
        ("Malejacq and Terpstra write of \"a major increase in violence\".", False),
        ("Biden placed human rights at \"the center of [U.S.] foreign policy\" "
         "{cite}`malejacq2023leverage`.", True),
        ("Nadim cited \"serious complaints\" {cite}`afp2022ngo`.", None),
    ]
    for text, expected in planted:
        found = list(quotations("planted", text))
        if expected is None:
            assert found == [], text
        else:
            assert len(found) == 1, text
            assert found_in(found[0].text, sources[found[0].source]) is expected, text


def test_quotations_inside_directives_are_checked(sources):
    """The glossary and admonitions are fenced directives; a code fence is not prose."""
    glossary = ("```{glossary}\nExpulsion\n  USIP calls it \"a humanitarian catastrophe\" "
                "{cite}`usip2023pakistan`.\n```\n")
    admonition = ("```{admonition} USIP on the \"land grab\"\n:class: note\n"
                  "USIP writes of \"an audacious attempt\" {cite}`usip2023pakistan`.\n```\n")
    code = "```python\nprint(\"USIP says a humanitarian catastrophe\")\n```\n"
    found = [q.text for q in quotations("planted", glossary + admonition + code)]
    assert found == ["a humanitarian catastrophe", "land grab", "an audacious attempt"]
    assert [found_in(text, sources["usip2023pakistan"]) for text in found] == [False, True, True]


def test_a_wrong_figure_for_a_source_is_caught(sources):
    wrong = [f for f in figures("planted", "USIP reports that 2.7 million were targeted and 27,000 "
                                "returned {cite}`usip2023pakistan`.")]
    assert [value for _, _, value, _, _ in wrong] == ["2.7", "27,000"]
    usip = sources["usip2023pakistan"]
    assert not any(figure_in(value, shown, usip) for _, shown, value, _, _ in wrong)
    right = list(figures("planted", "USIP reports 1.7 million targeted {cite}`usip2023pakistan`."))
    assert right and all(figure_in(v, s, sources["usip2023pakistan"]) for _, s, v, _, _ in right)
