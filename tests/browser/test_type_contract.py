"""Every question type's JavaScript module, held to one contract in a real browser.

Generated from the example bank (`tests/fixtures/export/every-type.yml`): for every question, a
student's actions fill the controls (Playwright clicks and types, not the module), then the
module's `read` must give the response, Check must grade it wrong, partly right and right, a
reload must write the stored answer back into the controls, Show answer must put the right answer
in the controls (in words too) and move the focus there, and Reset must clear it. The DOM is read
back by Playwright, independently of the module. A second test breaks each type's `read`, `write`
and `grade` in turn, and the contract must fail every time.
"""

from __future__ import annotations

import json

import pytest

from coursebook.quiz.bank import load_bank
from coursebook.views import bundle
from coursebook.views.static import quiz_html
from tests.browser.conftest import serve
from tests.conftest import ROOT

EXAMPLES = load_bank(ROOT / "tests" / "fixtures" / "export" / "every-type.yml")
LABELS = {"incorrect": "Not yet.", "partial": "Partly right.", "correct": "Correct."}


def _rotated(size: int) -> list[int]:
    return list(range(1, size)) + [0]  # nothing in place


def _swapped(size: int) -> list[int]:
    return [1, 0] + list(range(2, size))  # all but two in place


def _far(question) -> str:
    return f"{question.answer + 1000 * (abs(question.answer) + question.absolute_tolerance + 1):g}"


# Per type: the responses a student gives, wrong, partly right (None where the type has no partial
# credit) and right, in the response's shape (the module's `read` must give exactly these).
RESPONSES = {
    "single": lambda q: (next(k for k in q.options if k not in q.correct_keys), None, q.correct_keys[0]),
    "multiple": lambda q: ([k for k in q.options if k not in q.correct_keys][:1], [q.correct_keys[0]],
                           list(q.correct_keys)),
    "numeric": lambda q: (_far(q), None, f"{q.answer:,.10g}" + ("%" if q.percent else "")),
    "ordering": lambda q: (_rotated(len(q.items)), _swapped(len(q.items)), list(range(len(q.items)))),
    "matching": lambda q: (_rotated(len(q.pairs)), _swapped(len(q.pairs)), list(range(len(q.pairs)))),
    "text": lambda q: ("zzqx not it", None, q.answers[0]),
}


def _order(section, target):
    """Move items with the Up buttons, as a student does, until the list reads `target`."""
    for position, item in enumerate(target):
        current = [int(x) for x in section.locator(".cb-order-item").evaluate_all("els => els.map(e => e.dataset.item)")]
        for _ in range(current.index(item) - position):
            section.locator(f".cb-order-item[data-item='{item}'] .cb-up").click()


def _tick(section, keys):
    for box in section.locator("input[type=checkbox]").all():
        box.set_checked(box.get_attribute("value") in keys)


# Per type: how a student fills the controls with a response.
FILL = {
    "single": lambda s, r: s.locator(f"input[value='{r}']").check(),
    "multiple": _tick,
    "numeric": lambda s, r: s.locator(".cb-input").fill(r),
    "ordering": _order,
    "matching": lambda s, r: [s.locator("select").nth(i).select_option(str(c)) for i, c in enumerate(r)],
    "text": lambda s, r: s.locator(".cb-input").fill(r),
}

# What the controls show, read by Playwright from the DOM (not by the module).
SEEN = """section => {
  const type = section.dataset.type, q = sel => [...section.querySelectorAll(sel)];
  if (type === "single") { const c = q("input:checked"); return c.length ? c[0].value : ""; }
  if (type === "multiple") return q("input:checked").map(i => i.value).sort();
  if (type === "numeric" || type === "text") return section.querySelector(".cb-input").value;
  if (type === "ordering") return q(".cb-order-item").map(li => Number(li.dataset.item));
  if (type === "matching") return q("select").map(s => s.value === "" ? null : Number(s.value));
}"""


def _same(question, response):
    return sorted(response) if question.type == "multiple" and isinstance(response, list) else response


def page_with(folder, source: str | None = None) -> str:
    """The example bank as one quiz block on a bare page, with the bundle (or a broken copy)."""
    bundle.write(folder)
    if source is not None:
        (folder / bundle.QUIZ_SCRIPT).write_text(source, encoding="utf-8")
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>contract</title>'
        '<link rel="stylesheet" href="coursebook.css"></head><body><main>'
        + quiz_html(EXAMPLES, EXAMPLES.questions) + '<script src="coursebook.js"></script></main></body></html>',
        encoding="utf-8")
    return "index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folders = {}
    servers = []

    def url(source: str | None = None) -> str:
        if source not in folders:
            folder = tmp_path_factory.mktemp("contract")
            name = page_with(folder, source)
            server = serve(folder)
            servers.append(server)
            folders[source] = f"http://127.0.0.1:{server.server_address[1]}/{name}"
        return folders[source]

    yield url
    for server in servers:
        server.shutdown()
        server.server_close()


def check(page, section, question, response, verdict):
    FILL[question.type](section, response)
    read = section.evaluate("s => CourseBook.readResponse(s, s.dataset.type)")
    assert _same(question, read) == _same(question, response), f"{question.id}: read gave {read!r}"
    section.locator(".cb-check").click()
    feedback = section.locator(".cb-feedback")
    text = feedback.inner_text()
    assert text.startswith(LABELS[verdict]), f"{question.id}: {response!r} gave {text!r}, not {LABELS[verdict]}"
    assert f"cb-{verdict}" in section.get_attribute("class")
    assert page.evaluate("() => document.activeElement.classList.contains('cb-feedback')"), "focus after Check"


def contract(page, url, question):
    page.goto(url)
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.wait_for_selector(".cb-quiz.cb-ready")
    section = page.locator(f".cb-question[data-qid='{question.id}']")
    wrong, partial, right = RESPONSES[question.type](question)
    initial = section.evaluate(SEEN)
    check(page, section, question, wrong, "incorrect")
    if partial is not None:
        check(page, section, question, partial, "partial")
    check(page, section, question, right, "correct")
    assert section.locator(".cb-explanation").is_visible()

    page.reload()  # the stored answer comes back into the controls, graded again
    page.wait_for_selector(".cb-quiz.cb-ready")
    assert _same(question, section.evaluate(SEEN)) == _same(question, right), f"{question.id}: not written back"
    assert LABELS["correct"] in section.locator(".cb-feedback").inner_text()

    page.locator(".cb-reset").click()
    page.locator(".cb-confirm-yes").click()
    assert section.evaluate(SEEN) == initial and section.locator(".cb-feedback").inner_text() == ""
    section.evaluate("(s, r) => CourseBook.writeResponse(s, s.dataset.type, r)", wrong)
    assert _same(question, section.evaluate(SEEN)) == _same(question, wrong), f"{question.id}: write failed"

    # Show answer: after a wrong attempt (and the hint, where there is one), the right answer is in
    # the controls and said in words; the focus goes to the explanation.
    section.locator(".cb-check").click()
    if section.locator(".cb-hint-button").count():
        section.locator(".cb-hint-button").click()
        assert section.locator(".cb-hint .cb-hint-label").inner_text() == "Hint"
    section.locator(".cb-show-answer").click()
    assert _same(question, section.evaluate(SEEN)) == _same(question, right), f"{question.id}: answer not shown"
    words = section.locator(".cb-answer-mark").count() + section.locator(".cb-answer-text").count()
    assert words >= 1, f"{question.id}: the answer is not marked in words"
    assert page.evaluate("() => document.activeElement.classList.contains('cb-explanation')")
    page.reload()  # still shown after a reload
    page.wait_for_selector(".cb-quiz.cb-ready")
    assert _same(question, section.evaluate(SEEN)) == _same(question, right)


@pytest.mark.parametrize("question", EXAMPLES.questions, ids=lambda q: q.id)
def test_every_type_keeps_the_contract(page, site, question):
    contract(page, site(), question)
    page.watch.check()


def test_every_type_has_an_example_responses_and_a_filler():
    types = {question.type for question in EXAMPLES.questions}
    assert types == set(RESPONSES) == set(FILL) == {path.stem for path in bundle.type_modules()}


BREAKS = {  # one deliberate mutation of each entry, applied to one type's module at a time
    "read": ("read: function (section) {", "read: function (section) { return null;"),
    "write": ("write: function (section, response) {", "write: function (section, response) { return;"),
    "grade": ("grade: function (q, r) {", "grade: function (q, r) { return L.result(\"correct\", 1);"),
}


@pytest.mark.parametrize("entry", sorted(BREAKS))
@pytest.mark.parametrize("question_type", sorted(RESPONSES))
def test_a_broken_module_fails_the_contract(page, site, question_type, entry):
    module = (bundle.TYPES / f"{question_type}.js").read_text(encoding="utf-8")
    old, new = BREAKS[entry]
    assert module.count(old) == 1, f"{question_type}.js: no single `{old}` to break"
    source = bundle.quiz_script().replace(module, module.replace(old, new))
    question = next(q for q in EXAMPLES.questions if q.type == question_type)
    with pytest.raises(AssertionError) as failed:
        contract(page, site(source), question)
    print(json.dumps({"type": question_type, "broken": entry, "caught": str(failed.value).splitlines()[0][:90]}))
