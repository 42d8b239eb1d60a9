"""The explorers' Reset, and the confirmation before a page's answers are cleared, in a real browser."""

import pytest

from tests.browser.conftest import SITE
from tests.helpers.site import QUIZ_PAGES

EXPLORER_PAGES = [page for page in QUIZ_PAGES if "cb-explorer" in (SITE / page).read_text()]


def move_every_slider(block):
    block.evaluate("""block => block.querySelectorAll('input[type=range]').forEach(input => {
        input.value = String(Number(input.value) === Number(input.max) ? input.min : input.max);
        input.dispatchEvent(new Event('input', {bubbles: true}));
    })""")


@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_every_explorer_resets_to_its_preset(page, site_url, path):
    page.goto(f"{site_url}/{path}")
    page.wait_for_selector(".cb-explorer.cb-ready")
    blocks = page.locator(".cb-explorer")
    assert blocks.count() > 0
    for index in range(blocks.count()):
        block = blocks.nth(index)
        preset = block.evaluate("b => JSON.parse(b.querySelector('script.cb-payload').textContent).values")
        before = block.locator(".cb-results").inner_html()
        move_every_slider(block)
        assert block.locator(".cb-results").inner_html() != before, f"{block.get_attribute('id')}: the sliders did nothing"
        block.get_by_role("button", name="Reset").click()
        values = block.evaluate("b => Object.fromEntries([...b.querySelectorAll('input[type=range]')].map(i => [i.dataset.name, Number(i.value)]))")
        assert values == {name: value for name, value in preset.items()}
        assert block.locator(".cb-results").inner_html() == before
        outputs = block.evaluate("b => [...b.querySelectorAll('output')].map(o => o.textContent)")
        assert outputs == block.evaluate("b => [...b.querySelectorAll('input[type=range]')].map(i => i.value + (i.nextElementSibling.textContent.endsWith('%') ? '%' : ''))")
    page.watch.check()


def test_the_chicken_explorer_the_chapter_describes_has_its_reset(page, site_url):
    page.goto(f"{site_url}/book/ch1-leverage-theory.html")
    assert "Reset" in page.locator("#cbx-chicken-default").inner_text()
    assert "Reset, then raise" in page.locator("article").inner_text()


def test_reset_of_the_page_asks_first(page, site_url):
    page.goto(f"{site_url}/book/quiz-demo.html")
    page.wait_for_selector(".cb-quiz.cb-ready")
    page.locator("#cb-demo-single-b").check()
    page.locator("#cb-demo-single .cb-check").click()
    score = page.locator(".cb-score-value").first
    assert score.inner_text() == "1"
    reset = page.locator(".cb-reset").first

    reset.click()
    confirm = page.locator(".cb-confirm").first
    assert confirm.is_visible() and "Clear every answer" in confirm.inner_text()
    confirm.get_by_role("button", name="Keep them").click()
    assert score.inner_text() == "1" and page.locator("#cb-demo-single-b").is_checked()
    assert page.evaluate("document.activeElement.classList.contains('cb-reset')")

    reset.click()
    confirm.get_by_role("button", name="Clear answers").click()
    assert score.inner_text() == "0" and not page.locator("#cb-demo-single-b").is_checked()
    page.reload()
    page.wait_for_selector(".cb-quiz.cb-ready")
    assert page.locator(".cb-score-value").first.inner_text() == "0"
    page.watch.check()


def test_search_still_works_from_any_page(page, site_url):
    """The search index now loads on the search page only: Ctrl+K on a chapter must still find things."""
    page.goto(f"{site_url}/book/ch1-leverage-theory.html")
    page.wait_for_load_state("load")
    page.keyboard.press("Control+k")
    page.keyboard.type("compellence")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=compellence*")
    page.wait_for_selector("#search-results li", timeout=15_000)
    assert page.locator("#search-results li").count() >= 3
    page.watch.check()
