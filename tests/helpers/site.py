"""The built site's pages, and those with a quiz or an explorer (the browser tests)."""

from tests.browser.conftest import SITE

PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0] in ("_static", "_sources", "reports", "_images")
)
QUIZ_PAGES = sorted(page for page in PAGES if "cb-quiz" in (SITE / page).read_text() or "cb-explorer" in (SITE / page).read_text())
