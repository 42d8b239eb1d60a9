"""LMS export: every file is read back by a parser that is not ours and compared with the bank.

QTI and Moodle XML are parsed with xml.etree; GIFT with gift-pegjs from the npm registry (put into
vendor/gift by `make vendor`, which `make test` runs first; a test never fetches it). The expected
values are worked out here from the bank itself, so a dropped answer, a wrong correct flag, a lost
feedback or a wrong range fails a test. Besides, every file is held to what the LMS checks on import:
QTI against the QTI 1.2 DTD, the manifest against the IMS content-package schema (both shipped in
tests/fixtures/export/schemas, from Instructure's QTIMigrationTool), Moodle grades against Moodle's
list, and Canvas's reading of matching-choice identifiers as Canvas's importer does it.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from coursebook.errors import BankError, ExportError, UnknownFormatError
from coursebook.export import FORMATS, export_bank, gift, moodle_xml, qti
from coursebook.export.common import MOODLE_GRADES
from coursebook.quiz.bank import load_bank, load_banks
from coursebook.export.command import export
from coursebook.quiz.markup import to_html, to_inline_html
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "export" / "every-type.yml"
# An awkward bank: a name starting with a digit, ids with digits, 11 and 13 correct options.
EDGE = ROOT / "tests" / "fixtures" / "export" / "2024-week3.yml"
SCHEMAS = ROOT / "tests" / "fixtures" / "export" / "schemas"
BOOK_BANKS = ROOT / "book" / "quizzes"
# the pin lives in the Makefile, which installs it (`make vendor`)
GIFT_PEGJS = re.search(r"^GIFT_PEGJS_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
VENDOR = ROOT / "vendor" / "gift"
PARSE_GIFT = ROOT / "tests" / "export" / "parse_gift.js"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
MANIFEST = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
# gift-pegjs 1.0.2 leaves its escape placeholders in the right side of a matching pair (its own
# decoder is not applied there); Moodle decodes them. Undo them the way gift-pegjs defines them.
GIFT_PLACEHOLDERS = {"&&092;": "\\", "&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{",
                     "&&125;": "}", "&&126;": "~", "&&010": "\n"}

CANVAS_TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                "numeric": "numerical_question", "matching": "matching_question",
                "ordering": "matching_question", "text": "short_answer_question"}
GIFT_TYPES = {"single": "MC", "multiple": "MC", "numeric": "Numerical", "matching": "Matching",
              "ordering": "Matching", "text": "Short"}
MOODLE_TYPES = {"single": "multichoice", "multiple": "multichoice", "numeric": "numerical",
                "matching": "matching", "ordering": "ordering", "text": "shortanswer"}


# --- expectations, worked out from the bank -------------------------------------------------------

def plain(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", to_inline_html(markdown)))


def expected_ranges(question, value):
    if question.relative_tolerance is not None:
        tolerance = question.relative_tolerance * abs(question.answer)
    else:
        tolerance = question.tolerance or 0.0
    ranges = [(value - tolerance, value + tolerance)]
    if question.percent:
        ranges.append(((value - tolerance) / 100, (value + tolerance) / 100))
    return ranges


def assert_same_ranges(found, expected):
    flat = [bound for pair in sorted(found) for bound in pair]
    assert flat == pytest.approx([bound for pair in sorted(expected) for bound in pair], abs=1e-9)
    assert len(found) == len(expected)


def expected_pairs(question) -> dict[str, str]:
    """Left-hand HTML -> right-hand plain text; for ordering, item -> its position (1 = first)."""
    if question.type == "ordering":
        return {to_inline_html(item): str(index + 1) for index, item in enumerate(question.items)}
    return {to_inline_html(pair.left): plain(pair.right) for pair in question.pairs}


def normalise_pairs(question, pairs: dict[str, str]) -> dict[str, str]:
    if question.type == "ordering":  # position labels read "1 (first)", "2", ...: keep the number
        return {left: right.split()[0] for left, right in pairs.items()}
    return pairs


def moodle_answer(text: str) -> str:
    return text.replace("*", "\\*")


# --- readers for each format ----------------------------------------------------------------------

def read_qti(path: Path):
    with zipfile.ZipFile(path) as archive:
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        resource = manifest.find(f"{MANIFEST}resources/{MANIFEST}resource")
        assert resource.get("type") == "imsqti_xmlv1p2"
        href = resource.find(f"{MANIFEST}file").get("href")
        return ET.fromstring(archive.read(href))


def _texts(element, path):
    return [node.text or "" for node in element.iterfind(path)]


def check_qti(bank, root):
    assessment = root.find(f"{QTI}assessment")
    assert assessment.get("title") == bank.title
    items = assessment.findall(f"{QTI}section/{QTI}item")
    assert [item.get("ident") for item in items] == [q.id for q in bank.questions]
    for question, item in zip(bank.questions, items):
        meta = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                for f in item.iter(f"{QTI}qtimetadatafield")}
        assert meta["question_type"] == CANVAS_TYPES[question.type], question.id
        assert float(meta["points_possible"]) == question.points, question.id
        prompt = item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert prompt.startswith(to_html(question.prompt)), question.id
        feedback = {fb.get("ident"): fb.findtext(f".//{QTI}mattext") for fb in item.iter(f"{QTI}itemfeedback")}
        assert feedback["general_fb"].startswith(to_html(question.explanation)), question.id
        conditions = item.findall(f"{QTI}resprocessing/{QTI}respcondition")
        scoring = [c for c in conditions if c.find(f"{QTI}setvar") is not None]
        CHECK_QTI[question.type](question, item, scoring, conditions, feedback)


def _qti_choice(question, item, scoring, conditions, feedback):
    labels = {label.get("ident"): label.findtext(f".//{QTI}mattext") for label in item.iter(f"{QTI}response_label")}
    assert sorted(labels.values()) == sorted(to_inline_html(text) for text in question.options.values())
    (score,) = scoring
    assert score.findtext(f"{QTI}setvar") == "100"
    condition = score.find(f"{QTI}conditionvar")
    if question.type == "single":
        chosen = {labels[v.text] for v in condition.findall(f"{QTI}varequal")}
    else:
        both = condition.find(f"{QTI}and")
        chosen = {labels[v.text] for v in both.findall(f"{QTI}varequal")}
        refused = {labels[v.text] for v in both.findall(f"{QTI}not/{QTI}varequal")}
        assert chosen | refused == set(labels.values()) and not chosen & refused
    assert chosen == {to_inline_html(question.options[key]) for key in question.correct_keys}
    shown = {}
    for condition in conditions:
        link = condition.find(f"{QTI}displayfeedback")
        if link is not None and link.get("linkrefid") != "general_fb":
            shown[labels[condition.findtext(f".//{QTI}varequal")]] = feedback[link.get("linkrefid")]
    assert shown == {to_inline_html(question.options[k]): to_html(v) for k, v in question.feedback.items()}


def _qti_range(condition):
    var = condition.find(f"{QTI}conditionvar")
    either = var.find(f"{QTI}or")
    if either is None:  # an explicit range
        return float(var.findtext(f"{QTI}vargte")), float(var.findtext(f"{QTI}varlte"))
    exact = float(either.findtext(f"{QTI}varequal"))
    both = either.find(f"{QTI}and")
    if both is None:
        return exact, exact
    low, high = float(both.findtext(f"{QTI}vargte")), float(both.findtext(f"{QTI}varlte"))
    assert low <= exact <= high
    return low, high


def _qti_numeric(question, item, scoring, conditions, feedback):
    assert all(c.findtext(f"{QTI}setvar") == "100" for c in scoring)
    assert_same_ranges([_qti_range(c) for c in scoring], expected_ranges(question, question.answer))
    if question.percent:  # the percent forms are explicit ranges
        assert all(c.find(f"{QTI}conditionvar/{QTI}or") is None for c in scoring)
    for mistake in question.mistakes:  # Canvas has no per-value feedback: it is in the general feedback
        assert to_inline_html(mistake.feedback) in feedback["general_fb"], question.id


def _qti_matching(question, item, scoring, conditions, feedback):
    lids = item.findall(f"{QTI}presentation/{QTI}response_lid")
    pairs, choices = {}, None
    for lid in lids:
        labels = {label.get("ident"): label.findtext(f".//{QTI}mattext") for label in lid.iter(f"{QTI}response_label")}
        choices = choices or labels
        assert labels == choices  # every left offers the same choices
        (condition,) = [c for c in scoring if c.find(f".//{QTI}varequal").get("respident") == lid.get("ident")]
        assert condition.find(f"{QTI}setvar").get("action") == "Add"
        pairs[lid.findtext(f"{QTI}material/{QTI}mattext")] = labels[condition.findtext(f".//{QTI}varequal")]
    assert normalise_pairs(question, pairs) == expected_pairs(question)
    assert sum(float(c.findtext(f"{QTI}setvar")) for c in scoring) == pytest.approx(100, abs=0.05)
    if question.type == "matching":
        assert set(choices.values()) - set(pairs.values()) == {plain(d) for d in question.distractors}
    else:  # the file must not list the items in their solved order
        assert list(pairs) != [to_inline_html(item) for item in question.items]


def _qti_text(question, item, scoring, conditions, feedback):
    (score,) = scoring
    assert _texts(score, f"{QTI}conditionvar/{QTI}varequal") == question.answers
    for wrong, text in question.feedback.items():
        assert to_inline_html(text) in feedback["general_fb"], question.id


CHECK_QTI = {"single": _qti_choice, "multiple": _qti_choice, "numeric": _qti_numeric,
             "matching": _qti_matching, "ordering": _qti_matching, "text": _qti_text}


def check_gift(bank, parsed):
    category, *questions = parsed
    assert category == {"type": "Category", "title": "$course$/top/" + bank.title.replace("/", "//")}
    assert [q["title"] for q in questions] == [q.id for q in bank.questions]
    for question, found in zip(bank.questions, questions):
        assert found["type"] == GIFT_TYPES[question.type], question.id
        assert found["stem"]["format"] == "html"
        assert found["stem"]["text"].startswith(to_html(question.prompt)), question.id
        assert found["globalFeedback"]["text"] == to_html(question.explanation), question.id
        CHECK_GIFT[question.type](question, found)


def _gift_choice(question, found):
    seen = {}
    for choice in found["choices"]:
        seen[choice["text"]["text"]] = choice
    assert set(seen) == {to_inline_html(text) for text in question.options.values()}, question.id
    graded = {}
    for key, text in question.options.items():
        choice = seen[to_inline_html(text)]
        right = key in question.correct_keys
        if question.type == "single":
            assert (choice["isCorrect"], choice["weight"]) == (right, None), question.id
        else:
            assert not choice["isCorrect"]
            graded[key] = (right, choice["weight"])
        fb = choice["feedback"]["text"] if choice["feedback"] else None
        assert fb == (to_html(question.feedback[key]) if key in question.feedback else None), question.id
    if graded:
        assert_book_partial_credit(question, graded)


def _gift_range(answer):
    if answer["type"] == "range":
        return answer["number"] - answer["range"], answer["number"] + answer["range"]
    if answer["type"] == "high-low":
        return answer["numberLow"], answer["numberHigh"]
    return answer["number"], answer["number"]


def _gift_numeric(question, found):
    accepted = [_gift_range(c["text"]) for c in found["choices"] if c["weight"] is None]
    assert all(c["isCorrect"] for c in found["choices"])
    assert_same_ranges(accepted, expected_ranges(question, question.answer))
    wrong = [(_gift_range(c["text"]), c["feedback"]["text"]) for c in found["choices"] if c["weight"] == 0]
    expected = [(r, to_html(m.feedback)) for m in question.mistakes for r in expected_ranges(question, m.value)]
    assert len(wrong) == len(expected) == len(found["choices"]) - len(accepted)
    for (got_range, got_text), (want_range, want_text) in zip(sorted(wrong), sorted(expected)):
        assert got_range == pytest.approx(want_range, abs=1e-9) and got_text == want_text, question.id


def _decode(text: str) -> str:
    for placeholder, char in GIFT_PLACEHOLDERS.items():
        text = text.replace(placeholder, char)
    return text


def _gift_matching(question, found):
    pairs = {p["subquestion"]["text"]: _decode(p["subanswer"]) for p in found["matchPairs"] if p["subquestion"]["text"]}
    extra = [_decode(p["subanswer"]) for p in found["matchPairs"] if not p["subquestion"]["text"]]
    assert normalise_pairs(question, pairs) == expected_pairs(question), question.id
    assert sorted(extra) == sorted(plain(d) for d in getattr(question, "distractors", []))


def _gift_text(question, found):
    answers = [c["text"]["text"] for c in found["choices"] if c["weight"] is None]
    assert answers == [moodle_answer(a) for a in question.answers], question.id
    wrong = {c["text"]["text"]: c["feedback"]["text"] for c in found["choices"] if c["weight"] == 0}
    assert wrong == {moodle_answer(k): to_html(v) for k, v in question.feedback.items()}, question.id


CHECK_GIFT = {"single": _gift_choice, "multiple": _gift_choice, "numeric": _gift_numeric,
              "matching": _gift_matching, "ordering": _gift_matching, "text": _gift_text}


def check_moodle(bank, root, ordering="native"):
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/" + bank.title.replace("/", "//")
    assert [q.findtext("name/text") for q in questions] == [q.id for q in bank.questions]
    for question, found in zip(bank.questions, questions):
        as_matching = question.type == "ordering" and ordering == "matching"
        assert found.get("type") == ("matching" if as_matching else MOODLE_TYPES[question.type]), question.id
        assert found.findtext("idnumber") == question.id
        assert found.find("questiontext").get("format") == "html"
        assert found.findtext("questiontext/text").startswith(to_html(question.prompt)), question.id
        assert found.findtext("generalfeedback/text") == to_html(question.explanation), question.id
        assert float(found.findtext("defaultgrade")) == question.points, question.id
        assert _texts(found, "hint/text") == ([to_html(question.hint)] if question.hint else []), question.id
        (_moodle_matching if as_matching else CHECK_MOODLE[question.type])(question, found)


def _answers(found):
    return [(a.findtext("text") or "", float(a.get("fraction")), a.findtext("feedback/text") or "", a)
            for a in found.findall("answer")]


def _moodle_choice(question, found):
    assert found.findtext("single") == ("true" if question.type == "single" else "false")
    assert found.findtext("shuffleanswers") == ("true" if question.shuffle else "false")
    answers = {text: (fraction, fb) for text, fraction, fb, _ in _answers(found)}
    expected = {to_inline_html(text): (key in question.correct_keys, to_html(question.feedback.get(key)))
                for key, text in question.options.items()}
    assert set(answers) == set(expected), question.id
    fractions = {text: answers[text][0] for text in expected}
    for text, (right, fb) in expected.items():
        assert answers[text][1] == fb, question.id
    assert_book_partial_credit(question, {text: (right, fractions[text]) for text, (right, _) in expected.items()})


def assert_book_partial_credit(question, graded: dict):
    """text -> (is correct, grade in percent). The book gives 1/k per correct option and takes 1/k per
    wrong one; Moodle can only take grades on its list, and the correct ones must add up to 100."""
    k = len(question.correct_keys)
    if question.type == "single":
        assert {grade for right, grade in graded.values() if right} == {100}
        assert {grade for right, grade in graded.values() if not right} <= {0}
        return
    right_grades = [grade for right, grade in graded.values() if right]
    wrong_grades = [grade for right, grade in graded.values() if not right]
    assert sum(right_grades) == pytest.approx(100, abs=0.5), question.id  # Moodle: round(total, 2) == 1
    if any(abs(100 / k - g) < 1e-3 for g in MOODLE_GRADES):
        assert right_grades == pytest.approx([100 / k] * k, abs=1e-4), question.id
        assert wrong_grades == pytest.approx([-100 / k] * len(wrong_grades), abs=1e-4), question.id
    else:  # the nearest split Moodle can hold
        assert max(right_grades) - min(right_grades) <= 5, question.id
        assert all(g < 0 for g in wrong_grades), question.id


def _moodle_numeric(question, found):
    answers = _answers(found)
    ranges = [(float(t) - float(a.findtext("tolerance")), float(t) + float(a.findtext("tolerance")))
              for t, fraction, _, a in answers if fraction == 100]
    assert_same_ranges(ranges, expected_ranges(question, question.answer))
    wrong = sorted((float(t) - float(a.findtext("tolerance")), float(t) + float(a.findtext("tolerance")), fb)
                   for t, fraction, fb, a in answers if fraction == 0)
    expected = sorted((*r, to_html(m.feedback)) for m in question.mistakes for r in expected_ranges(question, m.value))
    assert len(wrong) == len(expected) == len(answers) - len(ranges)
    for got, want in zip(wrong, expected):
        assert got[:2] == pytest.approx(want[:2], abs=1e-9) and got[2] == want[2], question.id


def _moodle_matching(question, found):
    assert found.findtext("shuffleanswers") == "true"
    subs = [(s.findtext("text") or "", s.findtext("answer/text")) for s in found.findall("subquestion")]
    pairs = {left: right for left, right in subs if left}
    assert normalise_pairs(question, pairs) == expected_pairs(question), question.id
    extra = [right for left, right in subs if not left]
    assert sorted(extra) == sorted(plain(d) for d in getattr(question, "distractors", []))


def _moodle_ordering(question, found):
    """Moodle's ordering type: the items in order, `fraction` their position, graded by absolute position."""
    assert found.findtext("gradingtype") == "ABSOLUTE_POSITION" and found.findtext("selecttype") == "ALL"
    answers = [(text, fraction) for text, fraction, _, _ in _answers(found)]
    assert answers == [(to_inline_html(item), position) for position, item in enumerate(question.items, start=1)]
    assert "Give each item its place" not in found.findtext("questiontext/text")


def _moodle_text(question, found):
    assert found.findtext("usecase") == "0"
    answers = _answers(found)
    assert [t for t, fraction, _, _ in answers if fraction == 100] == [moodle_answer(a) for a in question.answers]
    wrong = {t: fb for t, fraction, fb, _ in answers if fraction == 0}
    assert wrong == {moodle_answer(k): to_html(v) for k, v in question.feedback.items()}, question.id


CHECK_MOODLE = {"single": _moodle_choice, "multiple": _moodle_choice, "numeric": _moodle_numeric,
                "matching": _moodle_matching, "ordering": _moodle_ordering, "text": _moodle_text}


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def parse_gift():
    """gift-pegjs, pinned, as `make vendor` installs it into vendor/gift; returns a parse(path) function."""
    node = shutil.which("node")
    if not node:
        pytest.fail("node is needed to check GIFT with gift-pegjs (apt-get install nodejs npm)")
    package = VENDOR / "node_modules" / "gift-pegjs"
    installed = package / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != GIFT_PEGJS:
        pytest.fail(f"gift-pegjs {GIFT_PEGJS} is not in {VENDOR}: run `make vendor` (make test does it first)")

    def parse(path: Path):
        done = subprocess.run([node, str(PARSE_GIFT), str(package), str(path)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return parse


@pytest.fixture(scope="module")
def fixture_bank():
    return load_bank(FIXTURE)


@pytest.fixture(scope="module")
def fixture_files(fixture_bank, tmp_path_factory):
    out = tmp_path_factory.mktemp("every-type")
    return {path.name: path for path in export_bank(fixture_bank, "all", out)}


@pytest.fixture(scope="module")
def edge_bank():
    return load_bank(EDGE)


@pytest.fixture(scope="module")
def edge_files(edge_bank, tmp_path_factory):
    out = tmp_path_factory.mktemp("edge")
    return {path.name: path for path in export_bank(edge_bank, "all", out)}


@pytest.fixture(scope="module")
def book_exports(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    banks = load_banks(BOOK_BANKS)
    return {name: (bank, {p.name: p for p in export_bank(bank, "all", out)}) for name, bank in banks.items()}


# --- the fixture bank: every type, every awkward character ----------------------------------------

def test_fixture_holds_every_type_and_awkward_character(fixture_bank):
    assert {q.type for q in fixture_bank.questions} == set(CANVAS_TYPES)
    text = FIXTURE.read_text(encoding="utf-8")
    for needle in ("~", "=", "#", "{", "}", ":", "\\", '"', "'", "<script>", "$x^2", "Haqqani", "Akhundzada", "امارت"):
        assert needle in text


def test_file_names_say_bank_and_format(fixture_files):
    assert set(fixture_files) == {"every-type.qti.zip", "every-type.gift.txt", "every-type.moodle.xml",
                                  "every-type.report.md"}


def test_qti_round_trip(fixture_bank, fixture_files):
    check_qti(fixture_bank, read_qti(fixture_files["every-type.qti.zip"]))


def test_gift_round_trip_through_gift_pegjs(fixture_bank, fixture_files, parse_gift):
    check_gift(fixture_bank, parse_gift(fixture_files["every-type.gift.txt"]))


def test_moodle_xml_round_trip(fixture_bank, fixture_files):
    check_moodle(fixture_bank, ET.parse(fixture_files["every-type.moodle.xml"]).getroot())


@pytest.mark.parametrize("name", ["every-type.qti.zip", "every-type.gift.txt", "every-type.moodle.xml"])
def test_text_survives(fixture_files, name):
    path = fixture_files[name]
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            data = archive.read("every-type.xml")
    else:
        data = path.read_bytes()
    text = data.decode("utf-8")  # UTF-8 throughout: this raises on anything else
    if not name.endswith(".txt"):  # in XML the HTML is itself escaped once more
        text = "".join(ET.fromstring(data).itertext())
    text = gift_unescape(text) if name.endswith(".txt") else text
    for kept in ("Haqqani", "Akhundzada", "امارت اسلامی", "حقانی", "ذبیح الله مجاهد", "تحریک طالبان پاکستان",
                 "\\(x^2 + \\frac{a}{b}\\)", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"):
        assert kept in text, kept
    assert "<script>" not in text  # raw HTML from a bank is shown as text, never run


def gift_unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def test_gift_escape_covers_every_control_character():
    assert gift.escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_gift_parser_catches_an_unescaped_brace(tmp_path, parse_gift):
    # the round trip is only worth something if the parser objects to what we guard against
    path = tmp_path / "broken.gift.txt"
    path.write_text("::q::Which {set}?{=a ~b}\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="could not parse"):
        parse_gift(path)


def test_export_is_deterministic(fixture_bank, tmp_path):
    first = export_bank(fixture_bank, "all", tmp_path / "one")
    second = export_bank(fixture_bank, "all", tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


# --- the book's banks ------------------------------------------------------------------------------

def test_every_book_bank_round_trips_in_every_format(book_exports, parse_gift):
    assert len(book_exports) >= 5
    for name, (bank, files) in book_exports.items():
        check_qti(bank, read_qti(files[f"{name}.qti.zip"]))
        check_gift(bank, parse_gift(files[f"{name}.gift.txt"]))
        check_moodle(bank, ET.parse(files[f"{name}.moodle.xml"]).getroot())


def report_rows(path: Path) -> list[list[str]]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[2:]]


def test_report_lists_every_question_and_every_loss(book_exports, fixture_bank, fixture_files):
    cases = [(bank, files[f"{name}.report.md"]) for name, (bank, files) in book_exports.items()]
    cases.append((fixture_bank, fixture_files["every-type.report.md"]))
    for bank, path in cases:
        rows = {(row[0], row[2]): row for row in report_rows(path)}
        assert len(rows) == len(bank.questions) * len(FORMATS)
        for question in bank.questions:
            for module in FORMATS.values():
                question_id, _, _, lms_type, notes = rows[(question.id, module.LABEL)]
                assert lms_type, question.id
                # everything the round-trip checks allow to be lost must be listed here
                if question.hint and module.NAME in ("qti", "gift"):
                    assert "hint dropped" in notes, (question.id, module.NAME)
                if question.points != 1 and module.NAME == "gift":
                    assert "points" in notes, question.id
                if question.type == "ordering" and module.NAME != "moodle-xml":
                    assert "ordering became matching" in notes, question.id
                if question.type == "ordering" and module.NAME == "moodle-xml":
                    assert "Moodle's own ordering type (Moodle 4.4 and later)" in notes, question.id
                    assert "--moodle-ordering matching" in notes, question.id
                if question.type == "multiple" and module.NAME == "qti":
                    assert "Canvas Classic scores it as the book does" in notes
                    assert "Partial credit with penalty" in notes
                if question.type == "numeric" and question.percent:
                    assert "explicit ranges" in notes, question.id
                if module.NAME == "qti" and getattr(question, "mistakes", None):
                    assert "moved into the general feedback" in notes, question.id
                if question.type == "text":
                    assert "only ignores case" in notes, question.id


# --- the command and bad input ---------------------------------------------------------------------

def run(*args, **kwargs):
    return CliRunner().invoke(export, list(args), catch_exceptions=False, **kwargs)


def test_command_writes_chosen_formats(tmp_path):
    out = tmp_path / "out"
    result = run("demo", "--format", "gift", "--format", "qti", "--banks", str(BOOK_BANKS), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["demo.gift.txt", "demo.qti.zip", "demo.report.md"]
    assert "Moodle XML" not in (out / "demo.report.md").read_text(encoding="utf-8")


def test_command_exports_all_banks(tmp_path):
    result = run("--all", "--banks", str(BOOK_BANKS), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    names = {p.name for p in tmp_path.iterdir()}
    for bank in load_banks(BOOK_BANKS):
        assert {f"{bank}.qti.zip", f"{bank}.gift.txt", f"{bank}.moodle.xml", f"{bank}.report.md"} <= names


def one_error_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_invalid_bank_is_refused_with_the_book_build_errors(tmp_path):
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "bad_banks" / "unknown-key.yml", banks)
    with pytest.raises(BankError) as raised:
        load_banks(banks)
    result = run("--all", "--banks", str(banks), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == f"error: {raised.value}\n"
    assert "unknown key `feedbak`" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_bank_name(tmp_path):
    line = one_error_line(run("leverage-theroy", "--banks", str(BOOK_BANKS), "--out", str(tmp_path)), 1)
    assert "no question bank named 'leverage-theroy'; did you mean 'leverage-theory'?" in line


def test_unknown_format(tmp_path):
    line = one_error_line(run("demo", "--format", "pdf", "--banks", str(BOOK_BANKS), "--out", str(tmp_path)), 2)
    assert line == "error: unknown export format 'pdf'; use one of: qti, gift, moodle-xml, all"


def test_no_bank_named(tmp_path):
    one_error_line(run("--banks", str(BOOK_BANKS), "--out", str(tmp_path)), 2)


def test_unwritable_output_folder_in_a_real_process(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = "from coursebook.export.command import export; export()"
    done = subprocess.run([sys.executable, "-c", code, "demo", "--banks", str(BOOK_BANKS), "--out", str(blocker / "sub")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot create the output folder {blocker / 'sub'}")


# --- what each LMS checks on import, by third-party schemas and rules -----------------------------

def _local_schemas():
    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):  # imscp_v1p1.xsd imports xml.xsd from w3.org
            if url.endswith("xml.xsd"):
                return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    return parser


@pytest.fixture(scope="session")
def manifest_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "imscp_v1p1.xsd"), _local_schemas()))


@pytest.fixture(scope="session")
def qti_dtd():
    # The QTI 1.2 DTD predates XML namespaces, so it does not declare the `xmlns` Canvas's own
    # exports carry; declaring that one attribute is the only addition to the published DTD.
    text = (SCHEMAS / "ims_qtiasiv1p2.dtd").read_text(encoding="utf-8").split("?>", 1)[1]
    text += '\n<!ATTLIST questestinterop xmlns CDATA #FIXED "http://www.imsglobal.org/xsd/ims_qtiasiv1p2">\n'
    return etree.DTD(io.StringIO(text))


def qti_parts(path: Path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("imsmanifest.xml")
        href = ET.fromstring(manifest).find(f"{MANIFEST}resources/{MANIFEST}resource").get("href")
        return manifest, archive.read(href)


def all_exports(fixture_files, edge_files, book_exports):
    yield "every-type", fixture_files
    yield "2024-week3", edge_files
    for name, (_, files) in book_exports.items():
        yield name, files


def test_qti_is_valid_against_the_qti_dtd_and_the_manifest_against_the_ims_schema(
        fixture_files, edge_files, book_exports, qti_dtd, manifest_schema):
    for name, files in all_exports(fixture_files, edge_files, book_exports):
        manifest, assessment = qti_parts(files[f"{name}.qti.zip"])
        assert manifest_schema.validate(etree.fromstring(manifest)), (name, manifest_schema.error_log)
        assert qti_dtd.validate(etree.fromstring(assessment)), (name, qti_dtd.error_log.filter_from_errors())


def test_the_schemas_catch_what_they_guard_against(qti_dtd, manifest_schema, edge_bank):
    # a validation is only worth something if it fails on the faults it is there for
    manifest = etree.fromstring(qti.manifest_xml(edge_bank, "2024-week3.xml"))
    manifest.set("identifier", "2024-week3-manifest")  # the old identifier: a digit first is not an xs:ID
    assert not manifest_schema.validate(manifest)
    assessment = etree.fromstring(qti.assessment_xml(edge_bank))
    etree.SubElement(assessment.find(f"{QTI}assessment"), "bogus")
    assert not qti_dtd.validate(assessment)


def canvas_match_ids(item) -> list[int]:
    """Canvas's importer (associate_interaction.rb, get_canvas_matches): a matching choice's id is the
    first run of digits in its identifier, `sc['identifier'] =~ /(\\d+)/`, when it has one."""
    first = item.find(f"{QTI}presentation/{QTI}response_lid")
    return [int(re.search(r"\d+", label.get("ident")).group()) if re.search(r"\d+", label.get("ident")) else -i
            for i, label in enumerate(first.iter(f"{QTI}response_label"), start=1)]


def test_canvas_reads_a_distinct_match_id_for_every_choice(fixture_files, edge_files, book_exports):
    checked = 0
    for name, files in all_exports(fixture_files, edge_files, book_exports):
        root = ET.fromstring(qti_parts(files[f"{name}.qti.zip"])[1])
        for item in root.iter(f"{QTI}item"):
            meta = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in item.iter(f"{QTI}qtimetadatafield")}
            if meta["question_type"] == "matching_question":
                ids = canvas_match_ids(item)
                assert len(set(ids)) == len(ids), (name, item.get("ident"), ids)
                checked += 1
    assert checked >= 4  # including w3-match and w3-order, whose ids hold a digit


def moodle_grades_in(path: Path) -> list[float]:
    if path.suffix == ".xml":
        return [float(answer.get("fraction")) for question in ET.parse(path).getroot().iter("question")
                if question.get("type") != "ordering" for answer in question.findall("answer")]
    return [float(weight) for weight in re.findall(r"(?<!\\)%(-?[\d.]+)%", path.read_text(encoding="utf-8"))]


def test_every_moodle_grade_is_on_moodles_list(fixture_files, edge_files, book_exports):
    # Moodle's importer (question/format.php, match grades = error) aborts the whole file on one grade
    # that is not within 1e-5 of a listed fraction
    allowed = [0, *MOODLE_GRADES, *(-grade for grade in MOODLE_GRADES)]
    seen = set()
    for name, files in all_exports(fixture_files, edge_files, book_exports):
        for suffix in (".moodle.xml", ".gift.txt"):
            for grade in moodle_grades_in(files[f"{name}{suffix}"]):
                assert any(abs(grade - ok) < 1e-3 for ok in allowed), (name, suffix, grade)
                seen.add(grade)
    assert {10, 5} <= seen  # the 11- and 13-option questions were exported, with grades from the list


def test_eleven_correct_options_in_moodle(edge_bank, edge_files, parse_gift):
    check_moodle(edge_bank, ET.parse(edge_files["2024-week3.moodle.xml"]).getroot())
    check_gift(edge_bank, parse_gift(edge_files["2024-week3.gift.txt"]))
    check_qti(edge_bank, read_qti(edge_files["2024-week3.qti.zip"]))
    rows = {(row[0], row[2]): row[4] for row in report_rows(edge_files["2024-week3.report.md"])}
    assert "Moodle has no grade of 1/11" in rows[("w3-eleven", "Moodle XML")]
    assert "adding to 100%" in rows[("w3-eleven", "Moodle (GIFT)")]


def test_too_many_correct_options_for_moodle_is_refused_by_name(tmp_path):
    options = {f"o{n}": f"Option {n}" for n in range(22)}
    bank = load_bank_text(tmp_path, "too-many", f"""
  - id: q-many
    type: multiple
    prompt: Which?
    options: {json.dumps(options)}
    correct: {json.dumps(list(options)[:21])}
    explanation: e
""")
    with pytest.raises(ExportError, match="question 'q-many' has 21 correct options"):
        export_bank(bank, "moodle-xml", tmp_path / "out")


def load_bank_text(folder: Path, name: str, questions: str):
    path = folder / f"{name}.yml"
    path.write_text(f"bank: {name}\ntitle: T\nquestions:{questions}", encoding="utf-8")
    return load_bank(path)


def test_moodle_ordering_fallback_is_matching(fixture_bank, tmp_path):
    (path,) = [p for p in export_bank(fixture_bank, "moodle-xml", tmp_path, moodle_ordering="matching")
               if p.suffix == ".xml"]
    check_moodle(fixture_bank, ET.parse(path).getroot(), ordering="matching")
    report = (tmp_path / "every-type.report.md").read_text(encoding="utf-8")
    assert "ordering became matching" in report and "Moodle's own ordering type" not in report
    with pytest.raises(UnknownFormatError):
        moodle_xml.render(fixture_bank, ordering="drag")


def test_command_chooses_the_moodle_ordering_form(tmp_path):
    for form, kind in (("native", "ordering"), ("matching", "matching")):
        out = tmp_path / form
        result = run("demo", "--format", "moodle-xml", "--moodle-ordering", form, "--banks", str(BOOK_BANKS), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        root = ET.parse(out / "demo.moodle.xml").getroot()
        demo = load_bank(BOOK_BANKS / "demo.yml")
        ordering_ids = {q.id for q in demo.questions if q.type == "ordering"}
        assert {q.get("type") for q in root.iter("question") if q.findtext("idnumber") in ordering_ids} == {kind}
