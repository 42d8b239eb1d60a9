"""Sphinx extension for the book.

It serves the quiz asset once per site and keeps pages light and accessible.

- Builds the browser assets (`views/bundle.py`) and adds the quiz runtime `coursebook.js` and the
  stylesheet to every page (one cached file each, not inlined per quiz); the explorers' script
  `coursebook-explorers.js` only to pages that show an explorer.
- Drops the ipywidgets state that myst-nb would embed: on the static site quizzes and explorers
  use their `text/html` view, so the state is dead weight (and would pull scripts from a CDN).
- Loads MathJax on exactly the pages that hold maths, quiz and explorer HTML included (Sphinx cannot
  see maths inside cell outputs, and counts a page's toctree children as its own).
- Lists each script once per page, and (through `templates/layout.html`) drops the theme's
  fontawesome.js, script preloads and the search index outside the search page.
- After the build, cuts the icon webfonts down to the glyphs the site shows (`icon_fonts.py`).
- Replaces the stored outputs' "Run this cell" line with a <noscript> note (the site runs them).
- Links each SVG figure to a page of its own (`_images/<name>.html`) that shows it full size, so a
  phone reader can read its text.
- Puts soft hyphens in wide tables' long words (`table_hyphens.py`): a phone shows the hyphen.
- In the instructor edition, adds each question's answer key for print (`print_answers.py`).
- Fixes accessibility in generated markup: quiz question headings take the level after the
  section they sit in; the bibliography's list holds list items, not the deprecated doc-biblioentry.
- Adds "Used in: ..." to every glossary entry, linking each page that cites the term.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from ..views import bundle
from .icon_fonts import write_subsets
from .print_answers import add_print_answers
from .table_hyphens import soft_hyphens

TEMPLATES = Path(__file__).parent / "templates"
FAVICON = Path(__file__).parent / "favicon.svg"  # a lever on its fulcrum
HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.S)
MATHS = (
    "math notranslate"  # Sphinx's maths markup; inside a quiz payload the quotes are JSON-escaped
)
logger = logging.getLogger(__name__)


def _add_paths(app, config) -> None:
    config.templates_path.insert(0, str(TEMPLATES))
    # Without an icon of its own, a browser asks the host for /favicon.ico: a 404 on every visit
    # (on GitHub Pages, another site's root).
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def _add_assets(app) -> None:
    folder = Path(app.doctreedir).parent / "coursebook-assets"
    bundle.write(folder)
    app.config.html_static_path.append(str(folder))


EXPLORER = 'class="cb-explorer"'


def _explorer_script(app, pagename, templatename, context, doctree) -> None:
    """The explorers' code goes only to pages that show one (Sphinx adds it to this page only)."""
    if EXPLORER in context.get("body", ""):
        app.add_js_file(bundle.EXPLORER_SCRIPT, defer="defer")


def has_maths(body: str) -> bool:
    return MATHS in body


def quiz_heading_levels(body: str) -> str:
    """Give each quiz question heading (`h4.cb-title`) the level right under the heading before
    it."""
    level = 1

    def relevel(match):
        nonlocal level
        attributes = match.group(2) or ""
        if 'class="cb-title"' not in attributes:
            level = int(match.group(1))
            return match.group(0)
        own = min(level + 1, 6)
        return f"<h{own}{attributes}>{match.group(3)}</h{own}>"

    return HEADING.sub(relevel, body)


def bibliography_roles(body: str) -> str:
    """docutils marks entries `doc-biblioentry` (deprecated in ARIA) inside a `role="list"`, which
    then has no list items (axe-core's critical `aria-required-children`): make them list items."""
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


FIGURE_IMAGE = re.compile(r'(<figure[^>]*>\s*)(<img [^>]*src="([^"]+\.svg)"[^>]*>)')


def figure_links(body: str) -> str:
    """A tap on a figure opens it full size on a page of its own (`figure_viewer`), where a phone
    shows its text at the size it was drawn, to scroll across; the alt text names the link."""
    return FIGURE_IMAGE.sub(
        lambda m: (
            f'{m.group(1)}<a class="cb-figure-link" '
            f'href="{m.group(3).removesuffix(".svg")}.html">{m.group(2)}'
            '<span class="cb-figure-hint">Open the figure full size</span></a>'
        ),
        body,
    )


VIEWED_FIGURE = re.compile(
    r'<figure([^>]*)>\s*<a class="cb-figure-link" '
    r'href="(?:[^"]*/)?([^"/]+)\.html"><img alt="([^"]*)"'
)


def figure_viewer(name: str, alt: str, back: str) -> str:
    """The full-size page for one figure (`_images/<name>.html`): the SVG at its drawn width."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Figure, full size</title><style>body{margin:0;padding:.5rem;"
        "font:1rem/1.5 system-ui,sans-serif;color:#222;background:#fff}"
        "img{display:block;max-width:none;height:auto}a{color:#0a58ca}</style></head>"
        f'<body><main><p><a href="{back}">Back to the chapter</a>. '
        "Scroll across to see the whole figure.</p>"
        f'<img src="{name}.svg" alt="{alt}"></main></body></html>\n'
    )


def write_figure_viewers(body: str, pagename: str, outdir: Path) -> None:
    folder = outdir / "_images"
    folder.mkdir(parents=True, exist_ok=True)
    for attributes, name, alt in VIEWED_FIGURE.findall(body):
        figure_id = re.search(r'\sid="([^"]*)"', attributes)
        back = f"../{pagename}.html" + (f"#{figure_id.group(1)}" if figure_id else "")
        (folder / f"{name}.html").write_text(figure_viewer(name, alt, back), encoding="utf-8")


NOSCRIPT = re.compile(r'<p class="cb-noscript">.*?</p>')
NO_JS = {
    "cb-quiz": "JavaScript is off in this browser, so these questions cannot be checked here: "
    "turn it on, or open this chapter as a notebook.",
    "cb-explorer": "JavaScript is off in this browser, so this explorer's sliders do nothing "
    "here: turn it on, or open this chapter as a notebook.",
}


def site_noscript(body: str) -> str:
    """The stored outputs' "Run this cell" line is for notebook viewers; on the site it would be
    false, so it becomes a note shown only when JavaScript is off."""

    def note(match: re.Match) -> str:
        before = body[: match.start()]
        quiz = before.rfind('class="cb-quiz"') > before.rfind('class="cb-explorer"')
        text = NO_JS["cb-quiz" if quiz else "cb-explorer"]
        return f'<noscript><p class="cb-nojs">{text}</p></noscript>'

    return NOSCRIPT.sub(note, body)


def instructor_edition(app) -> bool:
    """The instructor edition is the one whose contents include the solved exercises (answers/)."""
    return any(doc.startswith("answers/") for doc in app.env.found_docs)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    metadata = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)
    body = context.get("body", "")
    if doctree is not None and has_maths(body):
        app.env.get_domain("math").data.setdefault("has_equations", {})[pagename] = True
    if "body" in context:
        body = figure_links(bibliography_roles(quiz_heading_levels(body)))
        context["body"] = soft_hyphens(site_noscript(body))
        if instructor_edition(app):
            context["body"] = add_print_answers(context["body"])
        if app.builder.format == "html":
            write_figure_viewers(context["body"], pagename, Path(app.outdir))


def _one_of_each_script(app, pagename, templatename, context, doctree) -> None:
    """Runs after sphinx.ext.mathjax: no MathJax without maths, and no script listed twice."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    keep, seen = [], set()
    for script in scripts:
        filename = str(script.filename or "")
        inline = script.attributes.get("body", "")
        if not has_maths(context.get("body", "")) and (
            "mathjax" in filename.lower() or inline.startswith("window.MathJax")
        ):
            continue
        key = filename or inline
        if key in seen:
            continue
        seen.add(key)
        keep.append(script)
    scripts[:] = keep


def _icon_on_the_redirect(app, exception) -> None:
    """The site's root is the one-line redirect jupyter-book writes: give it the icon too."""
    index = Path(app.outdir) / "index.html"
    if exception is not None or app.builder.format != "html" or not index.exists():
        return
    text = index.read_text(encoding="utf-8")
    if 'rel="icon"' not in text and app.config.html_favicon:
        icon = Path(app.config.html_favicon).name
        index.write_text(f'<link rel="icon" href="_static/{icon}" />\n{text}', encoding="utf-8")


def _subset_icon_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import pydata_sphinx_theme

    fonts = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme"
        / "pydata_sphinx_theme"
        / "static"
        / "vendor"
        / "fontawesome"
        / "webfonts"
    )
    sizes = write_subsets(Path(app.outdir), fonts)
    logger.info(
        "[coursebook] icon fonts cut to the glyphs in use: %s",
        ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in sizes.items()),
    )


def _collect_term_uses(app, doctree) -> None:
    uses = app.env.__dict__.setdefault("coursebook_term_uses", {})
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("reftype") == "term":
            uses.setdefault(node["reftarget"].lower().replace("\u2019", "'"), set()).add(
                app.env.docname
            )


def _forget_doc(app, env, docname) -> None:
    for pages in getattr(env, "coursebook_term_uses", {}).values():
        pages.discard(docname)


def _merge_uses(app, env, docnames, other) -> None:
    for term, pages in getattr(other, "coursebook_term_uses", {}).items():
        env.__dict__.setdefault("coursebook_term_uses", {}).setdefault(term, set()).update(pages)


def _add_backlinks(app, doctree, docname) -> None:
    uses = getattr(app.env, "coursebook_term_uses", {})
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            term = (
                item.next_node(nodes.term).astext().strip().replace("\u2019", "'")
            )  # undo smart quotes
            pages = sorted(page for page in uses.get(term.lower(), ()) if page != docname)
            if not pages:
                continue
            line = nodes.paragraph(classes=["cb-used-in"])
            line += nodes.emphasis(text="Used in: ")
            for number, page in enumerate(pages):
                if number:
                    line += nodes.Text("; ")
                title = app.env.titles[page].astext() if page in app.env.titles else page
                line += nodes.reference(
                    "", title, internal=True, refuri=app.builder.get_relative_uri(docname, page)
                )
            item.next_node(nodes.definition).append(line)


def setup(app):
    app.connect("config-inited", _add_paths)
    app.connect("builder-inited", _add_assets)
    # Before myst-nb (500) adds per-page scripts and sphinx.ext.mathjax (500) decides on MathJax.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _explorer_script, priority=450)
    app.connect("html-page-context", _one_of_each_script, priority=900)
    app.connect("build-finished", _subset_icon_fonts)
    app.connect("build-finished", _icon_on_the_redirect, priority=900)  # after etoc writes it
    app.connect("doctree-read", _collect_term_uses)
    app.connect("env-purge-doc", _forget_doc)
    app.connect("env-merge-info", _merge_uses)
    app.connect("doctree-resolved", _add_backlinks)
    app.add_js_file(bundle.QUIZ_SCRIPT, defer="defer")
    app.add_css_file(bundle.STYLESHEET.name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
