"""The published quiz page, answered in a real browser: every type, wrong then right, reload, reset,
the keyboard alone, and accessibility (axe-core, loaded from the local vendor folder)."""

import re

import pytest

from tests.conftest import ROOT

AXE = ROOT / "vendor" / "axe-core" / "axe.min.js"
PATH = "book/quiz-demo.html"


@pytest.fixture
def demo(page, site_url):
    page.goto(f"{site_url}/{PATH}")
    page.wait_for_selector(".cb-quiz.cb-ready")
    return page


def question(page, qid):
    return page.locator(f"#cb-{qid}")


def check(page, qid):
    question(page, qid).locator(".cb-check").click()
    return question(page, qid).locator(".cb-feedback").inner_text()


def score(page):
    return float(page.locator(".cb-score-value").first.inner_text())


def order_items(page, qid):
    return [int(i) for i in question(page, qid).locator(".cb-order-item").evaluate_all("els => els.map(e => e.dataset.item)")]


def sort_ordering(page, qid, keyboard=False):
    """Bubble-sort with the Down buttons, pressing them by mouse or by keyboard."""
    for _ in range(len(order_items(page, qid))):
        for position in range(len(order_items(page, qid)) - 1):
            items = order_items(page, qid)
            if items[position] > items[position + 1]:
                button = question(page, qid).locator(".cb-order-item").nth(position).locator(".cb-down")
                if keyboard:
                    button.focus()
                    page.keyboard.press("Enter")
                else:
                    button.click()


WRONG = {
    "demo-single": lambda p: p.locator("#cb-demo-single-a").check(),
    "demo-multiple": lambda p: p.locator("#cb-demo-multiple-d").check(),
    "demo-numeric": lambda p: p.locator("#cb-demo-numeric-input").fill("100"),
    "demo-text": lambda p: p.locator("#cb-demo-text-input").fill("ISKP"),
    "demo-matching": lambda p: [p.locator(f"#cb-demo-matching-m{i}").select_option(str(3)) for i in range(3)],
}
WRONG_FEEDBACK = {
    "demo-single": "Deterrence aims to stop an action",
    "demo-multiple": "Alternatives lower the cost of defiance",
    "demo-numeric": "You added the two shares",
    "demo-text": "The Islamic State's Khorasan branch",
    "demo-matching": "0 of 3 matched correctly",
}
RIGHT = {
    "demo-single": lambda p: p.locator("#cb-demo-single-b").check(),
    "demo-multiple": lambda p: [p.locator(f"#cb-demo-multiple-{k}").set_checked(k != "d") for k in "abcd"],
    "demo-numeric": lambda p: p.locator("#cb-demo-numeric-input").fill("0.24"),
    "demo-text": lambda p: p.locator("#cb-demo-text-input").fill("tehrik-e-taliban pakistan"),
    "demo-matching": lambda p: [p.locator(f"#cb-demo-matching-m{i}").select_option(str(i)) for i in range(3)],
    "demo-ordering": lambda p: sort_ordering(p, "demo-ordering"),
}


@pytest.mark.parametrize("qid", sorted(RIGHT))
def test_wrong_then_right(demo, qid):
    if qid in WRONG:
        WRONG[qid](demo)
        text = check(demo, qid)
        assert "Not yet." in text and WRONG_FEEDBACK[qid] in text
        assert score(demo) == 0
    else:  # the ordering starts shuffled, so checking it untouched is a wrong answer
        assert "Not yet." in check(demo, qid) or "Partly right." in check(demo, qid)
    RIGHT[qid](demo)
    text = check(demo, qid)
    assert text.startswith("✓") or "Correct." in text
    assert "Correct." in text
    assert score(demo) == 1
    assert question(demo, qid).locator(".cb-explanation").is_visible()
    demo.watch.check()


def test_invalid_numeric_keeps_score(demo):
    RIGHT["demo-numeric"](demo)
    check(demo, "demo-numeric")
    demo.locator("#cb-demo-numeric-input").fill("NaN")
    assert "Enter a number" in check(demo, "demo-numeric")
    assert score(demo) == 1


def test_reload_keeps_progress_and_reset_clears(demo):
    RIGHT["demo-single"](demo)
    check(demo, "demo-single")
    RIGHT["demo-ordering"](demo)
    check(demo, "demo-ordering")
    assert score(demo) == 2
    demo.reload()
    demo.wait_for_selector(".cb-quiz.cb-ready")
    assert score(demo) == 2
    assert demo.locator("#cb-demo-single-b").is_checked()
    assert order_items(demo, "demo-ordering") == [0, 1, 2, 3]
    assert "Correct." in question(demo, "demo-single").locator(".cb-feedback").inner_text()
    demo.locator(".cb-reset").first.click()
    assert score(demo) == 2, "one click must not clear the page: it asks first"
    demo.locator(".cb-confirm-yes").first.click()
    assert score(demo) == 0
    assert not demo.locator("#cb-demo-single-b").is_checked()
    assert question(demo, "demo-single").locator(".cb-feedback").inner_text() == ""
    demo.reload()
    demo.wait_for_selector(".cb-quiz.cb-ready")
    assert score(demo) == 0


def test_keyboard_only(demo):
    kb = demo.keyboard
    # Single choice: focus the radio group, arrow to the second option, Tab to Check, Enter.
    demo.locator("#cb-demo-single-a").focus()
    kb.press("ArrowDown")
    kb.press("Tab")
    kb.press("Enter")
    assert "Correct." in question(demo, "demo-single").locator(".cb-feedback").inner_text()
    # Multiple select: Space on boxes a, b, c; Tab past d to Check.
    demo.locator("#cb-demo-multiple-a").focus()
    for _ in range(3):
        kb.press("Space")
        kb.press("Tab")
    kb.press("Tab")
    kb.press("Enter")
    assert "Correct." in question(demo, "demo-multiple").locator(".cb-feedback").inner_text()
    # Numeric and text: type, Tab to Check, Enter.
    for qid, answer in (("demo-numeric", "24%"), ("demo-text", "TTP")):
        demo.locator(f"#cb-{qid}-input").focus()
        kb.type(answer)
        kb.press("Tab")
        kb.press("Enter")
        assert "Correct." in question(demo, qid).locator(".cb-feedback").inner_text()
    # Ordering: the Up/Down buttons answer Enter.
    sort_ordering(demo, "demo-ordering", keyboard=True)
    question(demo, "demo-ordering").locator(".cb-check").focus()
    kb.press("Enter")
    assert "Correct." in question(demo, "demo-ordering").locator(".cb-feedback").inner_text()
    # Matching: arrow keys move through a focused select's choices.
    for index in range(3):
        select = demo.locator(f"#cb-demo-matching-m{index}")
        select.focus()
        for _ in range(6):
            if select.input_value() == str(index):
                break
            kb.press("ArrowDown")
        assert select.input_value() == str(index)
    question(demo, "demo-matching").locator(".cb-check").focus()
    kb.press("Enter")
    assert "Correct." in question(demo, "demo-matching").locator(".cb-feedback").inner_text()
    assert score(demo) == 6


def test_hint_toggles(demo):
    button = question(demo, "demo-single").locator(".cb-hint-button")
    hint = question(demo, "demo-single").locator(".cb-hint")
    assert not hint.is_visible()
    button.click()
    assert hint.is_visible() and button.get_attribute("aria-expanded") == "true"


def test_feedback_is_announced(demo):
    assert question(demo, "demo-text").locator(".cb-feedback").get_attribute("aria-live") == "polite"


def test_inline_maths_typeset(demo):
    RIGHT["demo-numeric"](demo)
    check(demo, "demo-numeric")
    demo.wait_for_selector("#cb-demo-numeric .cb-explanation mjx-container", timeout=10000)


def test_no_serious_accessibility_violations(demo):
    for qid in ("demo-single", "demo-numeric"):  # scan with feedback showing too
        RIGHT[qid](demo)
        check(demo, qid)
    demo.add_script_tag(path=str(AXE))
    result = demo.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_explorer_updates_with_slider(demo):
    explorer = demo.locator(".cb-explorer").first
    assert "The target complies" in explorer.locator(".cb-results").inner_text()
    explorer.locator('input[data-name="credibility"]').fill("30")
    text = explorer.locator(".cb-results").inner_text()
    assert "The target defies" in text and re.search(r"Expected cost of defiance\s+12", text)
