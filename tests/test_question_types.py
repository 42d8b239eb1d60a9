"""A question type is one unit: its schema entry and spec, one JavaScript module, its export
entries and its example; no layer falls through to another type's code.

The list of types is read from the schema (`QUESTION_TYPES`, derived from the `Question` union). For
each type and each layer (static HTML and spec, its JS module, the widget, GIFT, QTI, Moodle XML, the
export report, the authors' guide) one test runs that layer on an example of the type; a type
missing from a layer fails the test named after that layer, with the file to edit in the message.
What the module does in a real page is tested by `tests/browser/test_type_contract.py`.
"""

from __future__ import annotations

import re

import pytest
import yaml

from coursebook.errors import UnknownQuestionType
from coursebook.export import gift, moodle_xml, qti, report
from coursebook.export.common import Mapping
from coursebook.quiz.bank import load_bank
from coursebook.quiz.model import QUESTION_TYPES, Bank, ShortText
from coursebook.views import bundle, static, widgets
from tests import js_runtime
from tests.conftest import ROOT

EXAMPLES = ROOT / "tests" / "fixtures" / "export" / "every-type.yml"
GUIDE = ROOT / "book" / "authoring-quizzes.md"
MODULE_ENTRIES = ["answer", "grade", "read", "showAnswer", "write"]


class _AnyFormat:
    """A stand-in export format, so the report's own type table is what a test exercises."""

    LABEL = "Any format"

    @staticmethod
    def describe(question):
        return Mapping("any", ())


def one_question_bank(question) -> Bank:
    return Bank.model_construct(bank="types", title="Types", questions=[question])


def js_layer(question):
    """The type's own module, `views/assets/quiz/types/<type>.js`, registered with every entry."""
    module = bundle.TYPES / f"{question.type}.js"
    where = f"views/assets/quiz/types/{question.type}.js"
    if not module.exists():
        raise UnknownQuestionType(f"JS (a new module {where})", question.type)
    (entries,) = js_runtime.run([["entries", question.type]])
    missing = [entry for entry in MODULE_ENTRIES if entry not in (entries or [])]
    if missing:
        raise UnknownQuestionType(f"JS ({where} registers no {', '.join(missing)})", question.type)


def guide_layer(question):
    """The guide's example of this type, which must itself be a valid question."""
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    examples = [block for block in blocks if re.search(rf"^\s+type: {re.escape(question.type)}\s*$", block, re.M)]
    if not examples:
        raise UnknownQuestionType("the authors' guide (book/authoring-quizzes.md)", question.type)
    return examples


# layer -> a call that runs the layer on one question (raising UnknownQuestionType if it has no entry)
LAYERS = {
    "static HTML": lambda q: (static.client_spec(q), static.question_html(q, 1)),
    "JS": js_layer,
    # the live widget shows the site's own HTML and script, so it has no type code of its own
    "widget": lambda q: widgets.quiz_widget(one_question_bank(q), [q]),
    "GIFT": lambda q: (gift.describe(q), gift.question_text(q)),
    "QTI": lambda q: (qti.describe(q), qti.render(one_question_bank(q))),
    "Moodle XML": lambda q: (moodle_xml.describe(q), moodle_xml.render(one_question_bank(q)),
                             moodle_xml.render(one_question_bank(q), ordering="matching")),
    "export report": lambda q: report.render(one_question_bank(q), [(_AnyFormat, {})]),
    "authors' guide": guide_layer,
}


@pytest.fixture(scope="module")
def examples():
    return {question.type: question for question in load_bank(EXAMPLES).questions}


def test_the_example_bank_has_every_type(examples):
    missing = [name for name in QUESTION_TYPES if name not in examples]
    assert not missing, f"add an example of each new type to {EXAMPLES.relative_to(ROOT)}: {missing}"


@pytest.mark.parametrize("question_type", QUESTION_TYPES)
@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_has_every_type(layer, question_type, examples):
    if question_type not in examples:
        pytest.fail(f"no example of {question_type!r} in {EXAMPLES.relative_to(ROOT)}")
    try:
        LAYERS[layer](examples[question_type])
    except UnknownQuestionType as exc:
        pytest.fail(f"{layer}: {exc}")


def test_the_guides_examples_are_valid_questions(tmp_path, examples):
    for question_type in QUESTION_TYPES:
        for block in guide_layer(examples[question_type]):
            path = tmp_path / "guide.yml"
            path.write_text("bank: guide\ntitle: Guide\nquestions:\n" + block, encoding="utf-8")
            assert load_bank(path).questions[0].type == question_type


@pytest.fixture
def seventh_type():
    """A question of a type no layer knows, as a seventh type is before its entries are written."""
    return ShortText.model_construct(id="q-essay", type="essay", prompt="Why?", explanation="Because.",
                                     answers=["a"], feedback={}, hint=None, points=1.0)


@pytest.mark.parametrize("layer", LAYERS)
def test_an_unknown_type_is_refused_loudly_never_handled_as_another(layer, seventh_type):
    with pytest.raises(UnknownQuestionType) as raised:
        LAYERS[layer](seventh_type)
    assert raised.value.question_type == "essay"
    assert "no entry for question type 'essay'" in str(raised.value)


def test_schema_types_come_from_the_question_union():
    # the guide's summary line lists them too: keep it in step with the schema
    line = next(line for line in GUIDE.read_text(encoding="utf-8").splitlines() if "type: single" in line and "|" in line)
    assert [part.strip() for part in line.split("#", 1)[1].split("|")] == list(QUESTION_TYPES)
    assert yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["bank"] == "every-type"


# Beyond the files the refusals name: the schema, the example, and the two tests that hold a
# per-type entry (the browser contract's responses, the export round trip's checkers).
ALWAYS = {"coursebook/quiz/model.py", "tests/fixtures/export/every-type.yml",
          "tests/browser/test_type_contract.py", "tests/export/test_export.py"}


def test_the_readme_counts_the_files_a_new_type_touches(seventh_type, capsys):
    """The files a seventh type needs: those its refusals name, plus the schema, example and tests."""
    named = set()
    for layer, run in LAYERS.items():
        try:
            run(seventh_type)
        except UnknownQuestionType as exc:
            named.update(re.findall(r"([\w/-]+\.(?:py|js|md))\b", str(exc)))
    files = {name if name.startswith(("book/", "tests/")) else "coursebook/" + name.split("coursebook/")[-1]
             for name in named} | ALWAYS
    assert "coursebook/views/assets/quiz/types/essay.js" in files and "book/authoring-quizzes.md" in files
    assert not any(name.endswith("scoring.py") for name in files)
    with capsys.disabled():
        print(f"\na new question type touches {len(files)} files:\n  " + "\n  ".join(sorted(files)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"a new type touches **{len(files)} files**" in readme, sorted(files)
    for name in files:
        assert name.replace("essay", "<type>") in readme, f"the README's recipe does not name {name}"
