"""A hostile bank, drawn by the static view and the site's runtime in a real browser, runs nothing."""

import pytest

from coursebook.views import bundle
from coursebook.views.static import quiz_html
from tests.browser.conftest import serve
from tests.helpers.hostile import HOSTILE



@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """A bare page with the site's asset and a hostile bank rendered by the static view."""
    folder = tmp_path_factory.mktemp("harness")
    bundle.write(folder)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>'
        '<link rel="stylesheet" href="coursebook.css"></head><body><main>'
        + quiz_html(HOSTILE, HOSTILE.questions) + '<script src="coursebook.js"></script></main></body></html>',
        encoding="utf-8")
    server = serve(folder)
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_hostile_bank_shows_text_and_runs_nothing(page, harness):
    page.goto(harness)
    page.wait_for_selector(".cb-quiz.cb-ready")
    prompt = page.locator("#cb-h-1-prompt").inner_text()
    assert "<script>alert(1)</script>" in prompt
    assert "<img src=x onerror=alert(1)>" in page.locator(".cb-option").first.inner_text()
    page.locator("#cb-h-1-b").check()
    page.locator("#cb-h-1 .cb-check").click()
    feedback = page.locator("#cb-h-1 .cb-feedback")
    assert feedback.locator("a").count() == 0 or "javascript:" not in (feedback.locator("a").first.get_attribute("href") or "")
    page.locator("#cb-h-1-a").check()  # right: the explanation opens (never after a wrong answer)
    page.locator("#cb-h-1 .cb-check").click()
    assert "<iframe src=x>" in page.locator("#cb-h-1 .cb-explanation").inner_text()
    assert page.locator("main img, main iframe").count() == 0
    page.watch.check()  # no alert() dialog, no console error
