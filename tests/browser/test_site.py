"""Every page of the built site, as students meet it: offline, in light and dark mode, on a phone.

- loads with the network off: no other host, no console error;
- axe-core finds no serious or critical violation, in light mode and in dark mode;
- at 390 and 1280 px no quiz or explorer block (nor anything in it, with every hint open) is wider
  than its box, no table or figure is wider than its container, and nothing widens the page;
- the icons come from the cut-down webfonts, not from fontawesome.js or the full fonts.
"""

import pytest

from tests.conftest import ROOT
from tests.helpers.site import CHAPTERS, DESKTOP, PAGES, PHONE, QUIZ_PAGES, SCREENSHOTS, open_page

AXE = ROOT / "vendor" / "axe-core" / "axe.min.js"
# Lesser findings the issue named, held at zero too: quiz headings, the sidebar landmark, the
# bibliography's roles, empty table headers.
NAMED_RULES = ["heading-order", "region", "aria-deprecated-role", "aria-allowed-role", "empty-table-header"]


def test_site_has_pages():
    assert "book/intro.html" in PAGES and "book/quiz-demo.html" in PAGES
    assert {"book/ch1-leverage-theory.html", "book/ch4-who-holds-leverage.html"} <= set(QUIZ_PAGES)


def settled(page) -> None:
    """Wait, on conditions, until every quiz and explorer is wired and MathJax has typeset."""
    page.wait_for_function("() => !document.querySelector("
                           "'.cb-quiz:not(.cb-ready), .cb-explorer:not(.cb-ready)')")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise)"
                  " ? MathJax.startup.promise.then(() => true) : true")


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(page, site_url, path):
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response.ok
    settled(page)  # the page's scripts (quizzes, explorers, MathJax) have done their work
    page.watch.check()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious(browser, site_url, path, scheme):
    context, page = open_page(browser, site_url, path, scheme=scheme)
    try:
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => { const NAMED = %s;
            return (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical' || NAMED.includes(v.id))
            .map(v => `${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`); }""" % NAMED_RULES)
        assert violations == [], f"{path} in {scheme} mode"
    finally:
        context.close()


OVERFLOW = """() => {
  // Open every hint (it must not squeeze or push anything out), then measure.
  document.querySelectorAll('.cb-hint-button[aria-expanded=false]').forEach(b => b.click());
  const out = [];
  const tooWide = el => el.scrollWidth > el.clientWidth + 1;
  document.querySelectorAll('.cb-quiz, .cb-explorer').forEach(block => {
    if (tooWide(block)) out.push(`${block.id}: content ${block.scrollWidth} px in a ${block.clientWidth} px block`);
    const box = block.getBoundingClientRect();
    block.querySelectorAll('*').forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > box.right + 1 || r.left < box.left - 1))
        out.push(`${block.id}: <${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}"> sticks out by ${Math.round(Math.max(r.right - box.right, box.left - r.left))} px`);
    });
    for (let up = block.parentElement; up && !up.matches('article'); up = up.parentElement)
      if (tooWide(up)) out.push(`${block.id}: its container ${up.className} scrolls (${up.scrollWidth} > ${up.clientWidth})`);
  });
  document.querySelectorAll('.cb-actions').forEach(row => row.querySelectorAll('button').forEach(b => {
    const s = getComputedStyle(b);  // more than one line of text: the button wrapped
    if (b.getBoundingClientRect().height > 1.5 * parseFloat(s.lineHeight) + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + 2)
      out.push(`${row.closest('section').id}: button "${b.textContent}" wraps`);
  }));
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) out.push(`the page is ${page.scrollWidth} px wide in a ${page.clientWidth} px window`);
  return out;
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("path", QUIZ_PAGES)
def test_quizzes_and_explorers_fit(browser, site_url, path, viewport):
    context, page = open_page(browser, site_url, path, viewport=viewport)
    try:
        assert page.locator(".cb-quiz, .cb-explorer").count() > 0
        assert page.evaluate(OVERFLOW) == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("path", PAGES)
def test_nothing_widens_the_page(browser, site_url, path, viewport):
    context, page = open_page(browser, site_url, path, viewport=viewport)
    try:
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{path} is {width[0]} px wide at {viewport['width']} px"
        figures = page.evaluate("""() => [...document.querySelectorAll('article img')]
            .filter(img => img.getBoundingClientRect().right > document.querySelector('article').getBoundingClientRect().right + 1)
            .map(img => img.src)""")
        assert figures == []
        # A table must fit its box (the theme would let it scroll sideways inside it, out of sight).
        tables = page.evaluate("""() => [...document.querySelectorAll('article table')]
            .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
            .map(t => `${t.scrollWidth} px table in ${t.parentElement.clientWidth} px: ${t.rows[0].textContent.replace(/\\s+/g, ' ').slice(0, 60)}`)""")
        assert tables == []
    finally:
        context.close()


def test_icons_come_from_the_cut_down_fonts(browser, site_url):
    fetched = []
    context, page = open_page(browser, site_url, "book/ch1-leverage-theory.html", requests=fetched)
    try:
        icons = page.evaluate("""async () => {
          await document.fonts.ready;
          return [...document.querySelectorAll('i[class*="fa-"]')].filter(i => i.offsetParent).map(i => {
            const style = getComputedStyle(i, '::before');
            const glyph = style.content.replace(/"/g, '');
            const family = style.fontFamily.replace(/"/g, '');
            // the theme's face and ours share the name; only ours may load (the theme's files are never fetched)
            const loaded = [...document.fonts].some(f => f.family.replace(/"/g, '') === family && f.weight === style.fontWeight && f.status === 'loaded');
            return {cls: i.className, glyph: glyph.length === 1, loaded, width: i.getBoundingClientRect().width};
          });
        }""")
        assert icons, "no icon visible on the page"
        for icon in icons:
            assert icon["glyph"] and icon["loaded"] and icon["width"] > 4, icon
        assert not [url for url in fetched if "fontawesome" in url or "webfonts/fa-" in url]
        assert any("/_static/fonts/cb-fa-solid-900.woff" in url for url in fetched)
    finally:
        context.close()


# The theme's sticky header would sit over the element in a scrolled element screenshot.
NO_STICKY = "#pst-header, .bd-header-article, #pst-skip-link { visibility: hidden !important; }"
VIEWS = {"light": (DESKTOP, "light"), "dark": (DESKTOP, "dark"), "phone": (PHONE, "light"), "phone-dark": (PHONE, "dark")}
ANSWER_FIRST_QUESTION = """section => {
  const type = section.dataset.type;
  if (type === 'single' || type === 'multiple') section.querySelector('input').checked = true;
  if (type === 'numeric' || type === 'text') section.querySelector('.cb-input').value = type === 'numeric' ? '1' : 'x';
  if (type === 'matching') section.querySelectorAll('select').forEach(s => { s.selectedIndex = s.options.length - 1; });
  section.querySelector('.cb-hint-button')?.click();
  section.querySelector('.cb-check').click();
}"""


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("path", CHAPTERS)
def test_screenshots_of_first_quiz_and_explorer(browser, site_url, path, view):
    """Answered (feedback, explanation and hint open), then saved under _build/screenshots/ for a person
    to look at; axe-core checks the answered quiz too, since feedback only appears after a click."""
    viewport, scheme = VIEWS[view]
    context, page = open_page(browser, site_url, path, viewport=viewport, scheme=scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.split("/")[-1].removesuffix(".html")
    try:
        quiz = page.locator(".cb-quiz").first
        quiz.locator(".cb-question").first.evaluate(ANSWER_FIRST_QUESTION)
        assert quiz.locator(".cb-feedback").first.inner_text().strip()
        quiz.screenshot(path=SCREENSHOTS / f"{name}-quiz-{view}.png", style=NO_STICKY)
        explorers = page.locator(".cb-explorer")
        if explorers.count():
            explorers.first.screenshot(path=SCREENSHOTS / f"{name}-explorer-{view}.png", style=NO_STICKY)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(['.cb-quiz', '.cb-explorer'].flatMap(s => [...document.querySelectorAll(s)]),
            {resultTypes: ['violations']})).violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)""")
        assert violations == []
    finally:
        context.close()
