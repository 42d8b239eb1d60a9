"""Every page of the built site loads with the network off: no other host, no console error."""

import pytest

from tests.browser.conftest import SITE

PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0] in ("_static", "_sources", "reports", "_images")
)


def test_site_has_pages():
    assert "book/intro.html" in PAGES and "book/quiz-demo.html" in PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(page, site_url, path):
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response.ok
    page.wait_for_timeout(150)  # let deferred scripts (MathJax, quizzes) run
    page.watch.check()
