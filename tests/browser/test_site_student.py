"""The site as a student sees it (issue 24), measured in a real browser at 390 and 1280 px, light
and dark: nothing here reads a class name to decide a pass; it reads rendered colours, boxes and
pixels.

- dark mode is whole: the page's own background right around every quiz and explorer, figures
  drawn dark;
- on a phone: readouts and table words never split across lines, figure text large enough once
  the figure is open, matching answers not cut, ordering buttons in one place, tap targets 44 px;
- the policy: one line per block, the full text one click away, hints named only where they exist;
- form control borders at 3:1 against what surrounds them;
- the search icon clear of the typed text;
- print: no buttons or sliders, the matching choices listed, fewer pages than the screen layout;
- no "Run this cell" on the site, with or without JavaScript.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image, ImageStat

from tests.helpers.site import CHAPTERS, DESKTOP, PHONE, QUIZ_PAGES, SCREENSHOTS, SITE, open_page

EXPLORER_PAGES = [page for page in QUIZ_PAGES if "cb-explorer" in (SITE / page).read_text()]
FIGURE_PAGES = [page for page in CHAPTERS if re.search(r'<img [^>]*src="[^"]*_images/[^"]+\.svg"', (SITE / page).read_text())]
MATCHING_PAGES = [page for page in QUIZ_PAGES if 'data-type="matching"' in (SITE / page).read_text()]
ORDERING_PAGES = [page for page in QUIZ_PAGES if 'data-type="ordering"' in (SITE / page).read_text()]
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])

# WCAG relative luminance and contrast, from "rgb(a)" strings the browser computes.
COLOUR_JS = """
const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const behind = el => {  // the first opaque background at or above el
  for (let up = el; up; up = up.parentElement) {
    const c = parse(getComputedStyle(up).backgroundColor);
    if (c.a > 0.5) return c;
  }
  return {r: 255, g: 255, b: 255, a: 1};
};
"""


def pixel(page, x: float, y: float) -> tuple[int, int, int]:
    shot = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    return Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))


def luminance(rgb) -> float:
    def lin(v):
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])


# ---------- dark mode is whole ----------

@VIEWPORTS
@pytest.mark.parametrize("path", CHAPTERS)
def test_dark_mode_blocks_sit_on_the_page_background(browser, site_url, path, viewport):
    """The pixels just outside each quiz and explorer card are the page's own dark background."""
    context, page = open_page(browser, site_url, path, viewport=viewport, scheme="dark")
    try:
        page.add_style_tag(content="#pst-header, .bd-header-article, #pst-skip-link, #pst-back-to-top { visibility: hidden !important; }")
        page_bg = page.evaluate(COLOUR_JS + "parse(getComputedStyle(document.body).backgroundColor)")
        page_bg = (page_bg["r"], page_bg["g"], page_bg["b"])
        assert luminance(page_bg) < 0.05, "dark mode did not apply"
        blocks = page.locator(".cb-quiz, .cb-explorer")
        assert blocks.count() > 0
        for index in range(blocks.count()):
            block = blocks.nth(index)
            block.evaluate("b => b.scrollIntoView({block: 'center'})")
            box = block.bounding_box()
            probes = [(box["x"] - 3, box["y"] + box["height"] / 2), (box["x"] + box["width"] + 2, box["y"] + box["height"] / 2),
                      (box["x"] + box["width"] / 2, box["y"] - 3)]
            for x, y in probes:
                if 0 <= x < viewport["width"] and 0 <= y < viewport["height"]:
                    seen = pixel(page, x, y)
                    assert max(abs(a - b) for a, b in zip(seen, page_bg)) <= 6, \
                        f"{block.get_attribute('id')}: {seen} beside the card, page is {page_bg}"
    finally:
        context.close()


@SCHEMES
@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_figures_follow_the_theme(browser, site_url, path, scheme):
    """A figure's pixels are mostly dark in dark mode and mostly light in light mode."""
    context, page = open_page(browser, site_url, path, viewport=DESKTOP, scheme=scheme)
    try:
        figures = page.locator("article img[src*='_images/'][src$='.svg']")
        assert figures.count() > 0
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            image = Image.open(io.BytesIO(figure.screenshot())).convert("L").resize((64, 64))
            mean = ImageStat.Stat(image).mean[0] / 255
            if scheme == "dark":
                assert mean < 0.35, f"figure {index + 1} is light ({mean:.2f}) in dark mode"
            else:
                assert mean > 0.65, f"figure {index + 1} is dark ({mean:.2f}) in light mode"
    finally:
        context.close()


# ---------- phones ----------

LINES_OF = """
const lines = node => {  // distinct line tops of a text range
  const range = document.createRange(); range.selectNodeContents(node);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
};
const words = root => {  // every word of the text nodes under root, with the number of lines it covers
  const out = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code')) continue;  // an identifier may break anywhere
    // a break after a soft hyphen shows a hyphen: the pieces between them count as words
    for (const m of node.textContent.matchAll(/[^\\s\\-\u00ad\u2010-\u2014\\/]+/g)) {  // a break after a hyphen or dash is fine
      // after a soft hyphen Chromium counts the shown hyphen in the next piece's first letter: skip it
      const start = m.index + (node.textContent[m.index - 1] === '\u00ad' && m[0].length > 1 ? 1 : 0);
      const range = document.createRange(); range.setStart(node, start); range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      out.push([m[0], tops.size]);
    }
  }
  return out;
};
"""


@VIEWPORTS
@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_explorer_readouts_never_split_a_value(browser, site_url, path, viewport):
    """Every value (number and unit, or a phrase such as "no mixed equilibrium") sits on one line,
    at the preset, with every slider at its minimum and at its maximum."""
    context, page = open_page(browser, site_url, path, viewport=viewport)
    try:
        for setting in ("preset", "min", "max"):
            if setting != "preset":
                page.evaluate("""end => document.querySelectorAll('.cb-explorer input[type=range]').forEach(i => {
                    i.value = i[end]; i.dispatchEvent(new Event('input', {bubbles: true})); })""", setting)
            split = page.evaluate(LINES_OF + """() => [...document.querySelectorAll('.cb-explorer td, .cb-explorer output')]
                .filter(el => el.textContent.trim() && lines(el) > 1).map(el => el.textContent)""")
            assert split == [], f"values over two lines ({setting}): {split}"
            broken = page.evaluate(LINES_OF + """() => [...document.querySelectorAll('.cb-explorer')]
                .flatMap(b => words(b)).filter(([w, n]) => n > 1).map(([w]) => w)""")
            assert broken == [], f"words broken across lines ({setting}): {broken}"
    finally:
        context.close()


@pytest.mark.parametrize("path", CHAPTERS)
def test_tables_never_break_inside_a_word_on_a_phone(browser, site_url, path):
    context, page = open_page(browser, site_url, path, viewport=PHONE)
    try:
        broken = page.evaluate(LINES_OF + """() => [...document.querySelectorAll('article table')]
            .flatMap(t => words(t)).filter(([w, n]) => n > 1 && w.length < 20).map(([w]) => w)""")
        assert broken == [], f"words split inside table cells: {broken}"
    finally:
        context.close()


FIGURE_TEXT = re.compile(r'<g transform="translate\([^)]*\) ?scale\(([\d.]+) -[\d.]+\)')


def smallest_text_pt(svg: str) -> tuple[float, float]:
    """(the SVG's width in pt, its smallest text size in pt). Matplotlib draws text as paths scaled
    from a 100-unit font: a text group's scale times 100 is its size in points."""
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg).group(1))
    sizes = [float(scale) * 100 for scale in FIGURE_TEXT.findall(svg)]
    assert sizes, "no text found in the figure"
    return width, min(sizes)


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_figure_text_is_legible_on_a_phone(browser, site_url, path):
    """At 390 px, a figure's smallest text is at least 9 CSS px high on screen, where the figure is
    shown or, when it is too small in the page, where a tap on it takes the reader."""
    context, page = open_page(browser, site_url, path, viewport=PHONE)
    try:
        figures = page.evaluate("""() => [...document.querySelectorAll('article img[src*="_images/"][src$=".svg"]')].map(img => ({
            src: img.src, shown: img.getBoundingClientRect().width, link: img.closest('a')?.href ?? null}))""")
        assert figures
        for figure in figures:
            svg = page.evaluate("url => fetch(url).then(r => r.text())", figure["src"])
            width_pt, text_pt = smallest_text_pt(svg)
            in_page = text_pt * 4 / 3 * figure["shown"] / (width_pt * 4 / 3)
            if in_page >= 9:
                continue
            assert figure["link"], f"{figure['src']}: text {in_page:.1f} px on a phone, and no link to open it"
            # opened as on a real phone: a page without a viewport tag would be shrunk to fit 980 px
            phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
            full = phone.new_page()
            full.goto(figure["link"])
            full.wait_for_load_state("load")
            opened = full.evaluate("""() => { const el = document.querySelector('img') ?? document.documentElement;
                return {width: el.getBoundingClientRect().width, scale: window.visualViewport.scale}; }""")
            phone.close()
            on_screen = text_pt * opened["width"] * opened["scale"] / width_pt
            assert on_screen >= 9, f"{figure['src']}: opened full size, its text is {on_screen:.1f} px"
    finally:
        context.close()


def longest_choice_everywhere(page):
    page.evaluate("""() => document.querySelectorAll('.cb-match-row select').forEach(s => {
        const longest = [...s.options].slice(1).sort((a, b) => b.text.length - a.text.length)[0];
        s.value = longest.value; s.dispatchEvent(new Event('change', {bubbles: true})); })""")


@VIEWPORTS
@pytest.mark.parametrize("path", MATCHING_PAGES)
def test_matching_answers_are_shown_whole(browser, site_url, path, viewport):
    """With its longest choice selected, each select is wide or tall enough for the whole text:
    the text's width on one line fits the select's lines times its content width."""
    context, page = open_page(browser, site_url, path, viewport=viewport)
    try:
        longest_choice_everywhere(page)
        cut = page.evaluate("""() => [...document.querySelectorAll('.cb-match-row select')].map(s => {
            const style = getComputedStyle(s), probe = document.createElement('span');
            probe.style.cssText = `font: ${style.font}; white-space: nowrap; position: absolute; visibility: hidden`;
            probe.textContent = s.selectedOptions[0].text; document.body.append(probe);
            const need = probe.getBoundingClientRect().width; probe.remove();
            const content = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;  // the arrow
            const lines = Math.max(1, Math.round((s.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom))
                                                 / parseFloat(style.lineHeight === 'normal' ? 1.2 * parseFloat(style.fontSize) : style.lineHeight)));
            return need <= content * lines + 1 ? null : `${s.id}: "${s.selectedOptions[0].text}" needs ${Math.round(need)} px, has ${lines} x ${Math.round(content)}`;
        }).filter(Boolean)""")
        assert cut == []
    finally:
        context.close()


@VIEWPORTS
@pytest.mark.parametrize("path", ORDERING_PAGES)
def test_ordering_buttons_line_up(browser, site_url, path, viewport):
    """In each ordering question the Up buttons share one x and sit at the same height relative to
    their item (all at the top right, or all on a row under the item's text)."""
    context, page = open_page(browser, site_url, path, viewport=viewport)
    try:
        rows = page.evaluate("""() => [...document.querySelectorAll('.cb-order')].map(list => [...list.children].map(li => {
            const up = li.querySelector('button').getBoundingClientRect(), item = li.getBoundingClientRect();
            const text = li.firstElementChild.getBoundingClientRect();
            return {x: Math.round(up.right), top: Math.round(up.top - item.top), below: up.top >= text.bottom - 1,
                    alone: up.top >= text.bottom - 1 || up.left >= text.right - 1};
        }))""")
        assert rows
        for items in rows:
            assert max(i["x"] for i in items) - min(i["x"] for i in items) <= 1, items
            assert len({i["below"] for i in items}) == 1, items
            if not items[0]["below"]:
                assert max(i["top"] for i in items) - min(i["top"] for i in items) <= 2, items
    finally:
        context.close()


@pytest.mark.parametrize("path", QUIZ_PAGES)
def test_tap_targets_are_44px_high_on_a_phone(browser, site_url, path):
    context, page = open_page(browser, site_url, path, viewport=PHONE)
    try:
        small = page.evaluate("""() => {
          const out = [];
          for (const el of document.querySelectorAll('.cb-quiz :is(button, select, input, summary), .cb-explorer :is(button, input)')) {
            const target = el.matches('[type=radio], [type=checkbox]') ? el.closest('label') : el;
            const r = target.getBoundingClientRect();
            if (!r.width || getComputedStyle(el).visibility === 'hidden') continue;  // not shown
            if (r.height < 44) out.push(`${el.tagName.toLowerCase()} ${el.type ?? ''} ${el.id || el.textContent.trim().slice(0, 30)}: ${r.height.toFixed(1)} px`);
          }
          return out;
        }""")
        assert small == []
    finally:
        context.close()


# ---------- the policy ----------

@pytest.mark.parametrize("path", [p for p in QUIZ_PAGES if "cb-quiz" in (SITE / p).read_text()])
def test_policy_is_one_line_with_the_full_text_a_click_away(browser, site_url, path):
    context, page = open_page(browser, site_url, path, viewport=PHONE)
    try:
        blocks = page.locator(".cb-quiz")
        for index in range(blocks.count()):
            block = blocks.nth(index)
            hints = block.evaluate("b => JSON.parse(b.querySelector('script.cb-payload').textContent).questions.some(q => q.hint)")
            boxes = block.locator(".cb-input").count() > 0
            shown = block.evaluate(LINES_OF + """b => [...b.querySelectorAll('p, summary')]
                .filter(el => el.offsetParent && /best attempt/i.test(el.innerText))
                .map(el => ({lines: lines(el), text: el.innerText}))""")
            assert len(shown) == 1, f"block {index}: the policy is said {len(shown)} times: {shown}"
            assert shown[0]["lines"] <= 2, shown
            assert "Stuck" not in shown[0]["text"]
            block.get_by_text(re.compile("How this quiz works")).click()
            full = block.evaluate("""b => [...b.querySelectorAll('p')].filter(p => p.offsetParent && /cannot be read/.test(p.innerText))
                .map(p => p.innerText)""")
            assert len(full) == 1, "one click does not open the full policy"
            assert ("hint" in full[0].lower()) == hints, f"block {index}: hint mentioned {not hints} wrongly: {full[0]}"
            assert ("Enter" in full[0]) == boxes, full[0]
            assert "Show answer" in full[0] and "best attempt counts" in full[0]
    finally:
        context.close()


# ---------- contrast of control borders ----------

@SCHEMES
@VIEWPORTS
@pytest.mark.parametrize("path", ["book/quiz-demo.html", "book/ch1-leverage-theory.html"])
def test_control_borders_reach_3_to_1(browser, site_url, path, viewport, scheme):
    context, page = open_page(browser, site_url, path, viewport=viewport, scheme=scheme)
    try:
        low = page.evaluate(COLOUR_JS + """(() => {
          const out = [];
          for (const el of document.querySelectorAll('.cb-quiz :is(.cb-input, select, button), .cb-explorer button, .cb-bar-track')) {
            if (!el.getBoundingClientRect().width) continue;
            const style = getComputedStyle(el);
            if (parseFloat(style.borderTopWidth) === 0) { out.push(`${el.className}: no border`); continue; }
            const r = ratio(parse(style.borderTopColor), behind(el.parentElement));
            if (r < 3) out.push(`${el.tagName} ${el.className}: ${r.toFixed(2)}:1`);
          }
          return out;
        })()""")
        assert low == []
    finally:
        context.close()


# ---------- search ----------

@VIEWPORTS
def test_search_icon_leaves_the_text_clear(browser, site_url, viewport):
    context, page = open_page(browser, site_url, "search.html", viewport=viewport)
    try:
        field = page.locator("article form.bd-search input, .bd-search-container form.bd-search input").first
        field.fill("leverage")
        gap = field.evaluate("""input => {
            const icon = input.closest('form').querySelector('i, svg').getBoundingClientRect();
            const r = input.getBoundingClientRect(), textStart = r.left + parseFloat(getComputedStyle(input).paddingLeft);
            return textStart - icon.right; }""")
        assert gap >= 0, f"the icon covers {-gap:.1f} px of the typed text"
        page.goto(f"{site_url}/book/ch1-leverage-theory.html", wait_until="load")
        page.keyboard.press("Control+k")
        dialog = page.locator("#pst-search-dialog input").first
        dialog.wait_for(state="visible")
        dialog.fill("leverage")
        gap = dialog.evaluate("""input => {
            const icon = input.closest('form').querySelector('i, svg').getBoundingClientRect();
            const r = input.getBoundingClientRect(); return r.left + parseFloat(getComputedStyle(input).paddingLeft) - icon.right; }""")
        assert gap >= 0, f"in the Ctrl+K dialog the icon covers {-gap:.1f} px of the typed text"
    finally:
        context.close()


# ---------- print ----------

SCREEN_PAGES_CH1 = 32  # the reviewer's page.pdf of ch1 before the print stylesheet (site-in-browser-2.md)


@pytest.mark.parametrize("path", ["book/ch1-leverage-theory.html", "book/quiz-demo.html"])
def test_a_chapter_prints_as_a_document(browser, site_url, path):
    context, page = open_page(browser, site_url, path, viewport=DESKTOP)
    try:
        page.emulate_media(media="print")
        shown = page.evaluate("""() => {
          const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                                  && getComputedStyle(el).visibility !== 'hidden'; };
          return {
            buttons: [...document.querySelectorAll('article button, article input[type=range], article summary')].filter(visible)
                       .map(b => b.textContent.trim() || b.type),
            questions: [...document.querySelectorAll('.cb-question')].filter(visible).length,
            all: document.querySelectorAll('.cb-question').length,
            options: [...document.querySelectorAll('.cb-option')].filter(visible).length,
            allOptions: document.querySelectorAll('.cb-option').length,
            readouts: [...document.querySelectorAll('.cb-explorer output, .cb-explorer td')].filter(visible).length,
            choiceLists: [...document.querySelectorAll('.cb-match')].map(m => m.parentElement.innerText)
                           .filter(text => /Choices:/.test(text)).length,
            matching: document.querySelectorAll('.cb-match').length,
            keepTogether: [...document.querySelectorAll('.cb-question, .cb-explorer')]
                           .filter(el => getComputedStyle(el).breakInside !== 'avoid').length,
          };
        }""")
        assert shown["buttons"] == [], f"dead controls on paper: {shown['buttons'][:10]}"
        assert shown["questions"] == shown["all"] > 0 and shown["options"] == shown["allOptions"]
        assert shown["choiceLists"] == shown["matching"]
        assert shown["keepTogether"] == 0
        if "cb-explorer" in (SITE / path).read_text():
            assert shown["readouts"] > 0
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages > 1
        if path.startswith("book/ch1"):
            assert pages < SCREEN_PAGES_CH1, f"ch1 prints on {pages} pages"
        (SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"print-{path.split('/')[-1].removesuffix('.html')}.pdf").write_bytes(pdf)
    finally:
        context.close()


# ---------- no "Run this cell" on the site ----------

def test_the_site_never_says_run_this_cell():
    pages = [path for path in QUIZ_PAGES if "Run this cell" in (SITE / path).read_text()]
    assert pages == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_without_javascript_a_note_says_so(browser, site_url, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/book/quiz-demo.html", wait_until="load")
        if javascript:
            page.wait_for_selector(".cb-quiz.cb-ready")
        text = page.locator("article").inner_text()
        assert "Run this cell" not in text
        assert ("JavaScript is off" in text) != javascript
    finally:
        context.close()


def test_payload_policy_is_not_said_twice():
    """The payload carries the rules; the statement is in the page once per block."""
    html = (SITE / "book/quiz-demo.html").read_text()
    blocks = html.count('class="cb-quiz"')
    assert html.count('class="cb-policy"') == blocks
    payload = json.loads(re.search(r'class="cb-payload">(.*?)</script>', html).group(1).replace("<\\/", "</"))
    assert payload["policy"]["show_answer"]["after_hint"] is True


def test_the_instructor_edition_prints_the_answers(browser, site_url):
    """The instructor edition's pages are the student pages plus the answer key (print_answers.py,
    applied by the build): served that way here, each question prints its answer; the screen
    shows none."""
    from coursebook.book.print_answers import add_print_answers

    path = "book/quiz-demo.html"
    instructor = add_print_answers((SITE / path).read_text())
    context = browser.new_context(viewport=DESKTOP)
    try:
        context.route(f"{site_url}/{path}", lambda route: route.fulfill(body=instructor, content_type="text/html"))
        page = context.new_page()
        page.goto(f"{site_url}/{path}", wait_until="load")
        page.wait_for_selector(".cb-quiz.cb-ready")
        count = "() => [...document.querySelectorAll('.cb-question')].filter(q => /Answer:/.test(q.innerText)).length"
        assert page.evaluate(count) == 0
        page.emulate_media(media="print")
        assert page.evaluate(count) == page.locator(".cb-question").count() == 6
    finally:
        context.close()
