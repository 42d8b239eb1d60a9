"""What each built page asks the browser to fetch: no byte a page does not use.

- no fontawesome.js (1.49 MB) and no script preloads; the icon fonts are the cut-down ones;
- MathJax exactly on the pages that hold maths (quiz and explorer HTML included);
- each script once; the search index only on the search page;
- the accessibility fixes made in the markup (quiz heading levels, bibliography roles).
"""

import re

import pytest

from coursebook.book.sphinx_ext import (bibliography_roles, figure_links, quiz_heading_levels,
                                        write_figure_viewers)
from tests.conftest import ROOT

SITE = ROOT / "_build" / "html"
# Read the built site: `make test` builds it first; `make test-fast` leaves these out.
pytestmark = pytest.mark.site
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def pages():
    if not (SITE / "index.html").exists():
        pytest.fail("the book is not built: run `make test` (it builds first) or `make book`")
    return {path.relative_to(SITE).as_posix(): path.read_text(encoding="utf-8")
            for path in SITE.rglob("*.html") if path.relative_to(SITE).parts[0] not in ("_static", "_sources", "reports")}


def scripts(html: str) -> list[str]:
    """Each script as its src, or as its inline text."""
    found = []
    for attributes, body in SCRIPT.findall(html):
        src = re.search(r'src="([^"]+)"', attributes)
        found.append(src.group(1).split("?")[0] if src else body.strip())
    return found


def test_every_page_names_the_book_s_own_icon():
    """Else the browser asks the host for /favicon.ico: a 404 on every visit (a console error)."""
    pages = [p for p in SITE.rglob("*.html") if not p.relative_to(SITE).parts[0].startswith("_")]
    assert len(pages) > 10
    for page in sorted(pages):
        icon = re.search(r'<link rel="icon" href="([^"]+)"', page.read_text(encoding="utf-8"))
        assert icon and (page.parent / icon.group(1)).resolve().is_file(), page


def test_no_fontawesome_script_and_no_preloads():
    for name, html in pages().items():
        assert "fontawesome.js" not in html, name
        assert 'rel="preload"' not in html, name


def test_each_script_once():
    for name, html in pages().items():
        listed = [s for s in scripts(html) if s]
        assert len(listed) == len(set(listed)), f"{name}: {[s[:60] for s in listed if listed.count(s) > 1]}"


def test_mathjax_only_where_there_is_maths():
    with_maths = set()
    for name, html in pages().items():
        maths = "math notranslate" in html
        loads = any("mathjax" in s.lower() and s.endswith(".js") for s in scripts(html))
        assert loads == maths, f"{name}: maths {maths}, MathJax loaded {loads}"
        with_maths |= {name} if maths else set()
    assert "book/ch1-leverage-theory.html" in with_maths and "book/intro.html" not in with_maths


def test_search_index_only_on_the_search_page():
    for name, html in pages().items():
        assert ("searchindex.js" in html) == (name == "search.html"), name


def test_icon_fonts_are_cut_down():
    fonts = sorted((SITE / "_static" / "fonts").glob("cb-fa-*.woff"))
    assert len(fonts) == 3 and all(0 < f.stat().st_size < 20_000 for f in fonts)
    css = (SITE / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    assert "webfonts/fa-solid-900" not in css and "fonts/cb-fa-solid-900.woff" in css


def test_quiz_headings_take_the_level_below_their_section():
    body = ('<h1>Ch</h1><h2>S</h2><h4 class="cb-title" id="q1">Question 1</h4><h4 class="cb-title" id="q2">Q2</h4>'
            '<h3>Sub</h3><h4 class="cb-title" id="q3">Q3</h4><h1>Top</h1><h4 class="cb-title" id="q4">Q4</h4>')
    levels = re.findall(r'<h(\d) class="cb-title" id="(q\d)">', quiz_heading_levels(body))
    assert levels == [("3", "q1"), ("3", "q2"), ("4", "q3"), ("2", "q4")]


def test_built_pages_have_no_skipped_quiz_heading_level():
    for name, html in pages().items():
        level = 1
        for match in re.finditer(r'<h([1-6])(\s[^>]*)?>', html[html.find('<main'):]):
            new = int(match.group(1))
            if 'class="cb-title"' in (match.group(2) or ""):
                assert new <= level + 1, f"{name}: quiz heading h{new} after h{level}"
            level = new


def test_bibliography_entries_are_list_items():
    html = pages()["book/bibliography.html"]
    assert 'role="doc-biblioentry"' not in html and 'role="listitem"' in html
    assert bibliography_roles('<div role="doc-biblioentry">') == '<div role="listitem">'


def test_svg_figures_open_alone(tmp_path):
    linked = figure_links('<figure class="align-default" id="f">\n<img alt="A chart" src="../_images/x.svg" />')
    assert '<a class="cb-figure-link" href="../_images/x.html"><img alt="A chart"' in linked
    write_figure_viewers(linked, "book/ch9", tmp_path)
    viewer = (tmp_path / "_images" / "x.html").read_text()
    assert '<img src="x.svg" alt="A chart">' in viewer and 'href="../book/ch9.html#f"' in viewer
    assert 'name="viewport" content="width=device-width' in viewer
    html = pages()["book/ch1-leverage-theory.html"]
    assert html.count('class="cb-figure-link"') >= 3 and ".png" not in "".join(re.findall(r'<figure.*?</figure>', html, re.S))


def test_every_figure_keeps_its_alt_text():
    for name, html in pages().items():
        for figure in re.findall(r"<figure.*?</figure>", html, re.S):
            alt = re.search(r'<img [^>]*alt="([^"]*)"', figure)
            assert alt and len(alt.group(1)) > 20, f"{name}: a figure without a description"


def test_the_explorers_code_only_where_an_explorer_is():
    """The quiz runtime is on every page (one cached file); the explorers' arithmetic and drawing
    (`coursebook-explorers.js`) only on the pages that show an explorer."""
    with_explorer = without = 0
    for name, html in pages().items():
        loaded = [src for src in scripts(html) if "coursebook-explorers.js" in src]
        if 'class="cb-quiz"' in html or "cb-timeline" in html:
            assert any(src.split("?")[0].endswith("_static/coursebook.js") for src in scripts(html)), name
        if 'class="cb-explorer"' in html:
            with_explorer += 1
            assert len(loaded) == 1, name
        else:
            without += 1
            assert not loaded, name
    assert with_explorer >= 3 and without >= 5
    built = (SITE / "_static" / "coursebook.js").read_text(encoding="utf-8")
    assert "registerType(\"ordering\"" in built and "CB.models = models" not in built
