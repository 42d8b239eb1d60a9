"""The built site's pages, and those with a quiz or an explorer (the browser tests)."""

from tests.browser.conftest import SITE
from tests.conftest import ROOT

PAGES = sorted(
    path.relative_to(SITE).as_posix()
    for path in SITE.rglob("*.html")
    if not path.relative_to(SITE).parts[0] in ("_static", "_sources", "reports", "_images")
)
QUIZ_PAGES = sorted(page for page in PAGES if "cb-quiz" in (SITE / page).read_text() or "cb-explorer" in (SITE / page).read_text())
CHAPTERS = [page for page in QUIZ_PAGES if page.startswith("book/ch") or page.endswith("quiz-demo.html")]
SCREENSHOTS = ROOT / "_build" / "screenshots"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def open_page(browser, site_url, path, *, viewport=DESKTOP, scheme="light", requests=None):
    """A fresh context per view: the theme reads the colour scheme (its default mode is `auto`)."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.route("**/*", lambda route, request: route.continue_() if request.url.startswith(("http://127.0.0.1", "data:"))
                  else route.abort())
    page = context.new_page()
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_url}/{path}", wait_until="load")
    if 'http-equiv="Refresh"' in (SITE / path).read_text():  # index.html sends the reader on to the intro
        page.wait_for_url(lambda url: not url.endswith(path))
        page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.cb-quiz:not(.cb-ready), .cb-explorer:not(.cb-ready)')")
    # The theme animates colours when it applies the mode; measure the settled page, with its fonts.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return context, page
