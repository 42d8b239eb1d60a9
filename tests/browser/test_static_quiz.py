"""The published quiz page, answered in a real browser under the quiz policy (quiz/policy.json):
every type wrong then right, best attempt kept, hint before Show answer, invalid entries change
nothing, reload, reset with confirmation, the keyboard alone (Enter checks), and accessibility
(axe-core, loaded from the local vendor folder)."""

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
    return round(float(page.locator(".cb-score-value").first.inner_text()), 2)


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
    else:  # the ordering never starts with an item in place, so checking it untouched earns nothing
        assert "0 of 4 in the right place" in check(demo, qid)
    assert score(demo) == 0
    assert not question(demo, qid).locator(".cb-explanation").is_visible()  # a wrong answer never explains
    assert question(demo, qid).locator(".cb-check").is_enabled()  # and the question stays open
    RIGHT[qid](demo)
    text = check(demo, qid)
    assert "Correct." in text
    assert score(demo) == 1
    assert question(demo, qid).locator(".cb-explanation").is_visible()
    assert question(demo, qid).locator(".cb-check").is_disabled()  # right: closed at full marks
    demo.watch.check()


def test_policy_is_stated(demo):
    statement = " ".join(demo.locator(".cb-policy").all_text_contents())  # each block says what applies to it
    assert "best attempt counts" in statement and "Show answer" in statement and "Enter" in statement


def test_best_attempt_kept_and_show_answer(demo):
    q = question(demo, "demo-multiple")
    for key in "ab":
        demo.locator(f"#cb-demo-multiple-{key}").check()
    assert "Partly right." in check(demo, "demo-multiple")
    assert score(demo) == 0.67
    demo.locator("#cb-demo-multiple-b").uncheck()
    demo.locator("#cb-demo-multiple-d").check()
    text = check(demo, "demo-multiple")
    assert "Not yet." in text and "best attempt" in text
    assert score(demo) == 0.67  # a worse retry never lowers the score
    assert not q.locator(".cb-explanation").is_visible()
    q.locator(".cb-hint-button").click()  # every question has a hint, offered before the answer
    q.locator(".cb-show-answer").click()
    assert q.locator(".cb-explanation").is_visible() and q.locator(".cb-check").is_disabled()
    assert "Answer shown." in q.locator(".cb-feedback").inner_text() and score(demo) == 0.67


def test_hint_comes_before_show_answer(demo):
    q = question(demo, "demo-single")
    assert not q.locator(".cb-show-answer").is_visible()
    demo.locator("#cb-demo-single-a").check()
    check(demo, "demo-single")
    assert not q.locator(".cb-show-answer").is_visible()  # the hint is offered first
    q.locator(".cb-hint-button").click()
    assert q.locator(".cb-show-answer").is_visible()


def test_invalid_entries_change_nothing(demo):
    box = demo.locator("#cb-demo-numeric-input")
    box.fill("100")
    check(demo, "demo-numeric")
    for entry, message in (("NaN", "Enter a number"), ("0,467", "decimals with a point"), ("12,5", "decimals with a point")):
        box.fill(entry)
        assert message in check(demo, "demo-numeric")
        assert score(demo) == 0
    demo.reload()
    demo.wait_for_selector(".cb-quiz.cb-ready")
    assert demo.locator("#cb-demo-numeric-input").input_value() == "100"  # the stored answer is the last readable one
    demo.locator("#cb-demo-numeric-input").fill("24.")
    assert "Correct." in check(demo, "demo-numeric") and score(demo) == 1


def test_one_is_one_percent_not_a_mistake(demo):
    demo.locator("#cb-demo-numeric-input").fill("1")
    text = check(demo, "demo-numeric")
    assert "Not yet." in text and "You added the two shares" not in text
    demo.locator("#cb-demo-numeric-input").fill("24 percent")
    assert "Correct." in check(demo, "demo-numeric")


def reset_page(page):
    page.locator(".cb-reset").first.click()
    page.locator(".cb-confirm-yes").first.click()


def test_reload_keeps_progress_and_reset_asks_first(demo):
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
    demo.locator(".cb-confirm-no").first.click()  # changed their mind: nothing is lost
    assert score(demo) == 2
    reset_page(demo)
    assert score(demo) == 0
    assert not demo.locator("#cb-demo-single-b").is_checked()
    assert question(demo, "demo-single").locator(".cb-feedback").inner_text() == ""
    assert question(demo, "demo-single").locator(".cb-check").is_enabled()
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
    # Numeric and text: type, then Enter in the box checks.
    for qid, answer in (("demo-numeric", "24%"), ("demo-text", "TTP")):
        demo.locator(f"#cb-{qid}-input").focus()
        kb.type(answer)
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
            if select.evaluate("s => s.matches(':open')"):  # a customisable select opens on the first arrow
                kb.press("ArrowDown")
                kb.press("Enter")
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
