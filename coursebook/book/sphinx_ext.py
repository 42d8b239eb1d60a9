"""Sphinx extension for the book: serve the quiz asset once per site and keep pages offline-ready.

- Adds `views/assets/coursebook.js` and `.css` to every page (one cached file each, not inlined per quiz).
- Drops the ipywidgets state that myst-nb would embed: on the static site quizzes and explorers
  use their `text/html` view, so the state is dead weight (and would pull scripts from a CDN).
- Loads MathJax on pages whose quiz or explorer HTML holds maths, which Sphinx cannot see.
- Adds "Used in: ..." to every glossary entry, linking each page that cites the term.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from ..views.static import ASSETS



def _add_assets(app) -> None:
    app.config.html_static_path.append(str(ASSETS))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    metadata = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)
    body = context.get("body", "")
    # Quiz maths may sit only in a quiz's JSON payload (explanations and hints are drawn by the script).
    if doctree is not None and ('class="math notranslate' in body or 'class=\\"math notranslate' in body):
        app.env.get_domain("math").data.setdefault("has_equations", {})[pagename] = True


def _collect_term_uses(app, doctree) -> None:
    uses = app.env.__dict__.setdefault("coursebook_term_uses", {})
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("reftype") == "term":
            uses.setdefault(node["reftarget"].lower().replace("\u2019", "'"), set()).add(app.env.docname)


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
            term = item.next_node(nodes.term).astext().strip().replace("\u2019", "'")  # undo smart quotes
            pages = sorted(page for page in uses.get(term.lower(), ()) if page != docname)
            if not pages:
                continue
            line = nodes.paragraph(classes=["cb-used-in"])
            line += nodes.emphasis(text="Used in: ")
            for number, page in enumerate(pages):
                if number:
                    line += nodes.Text("; ")
                title = app.env.titles[page].astext() if page in app.env.titles else page
                line += nodes.reference("", title, internal=True, refuri=app.builder.get_relative_uri(docname, page))
            item.next_node(nodes.definition).append(line)


def setup(app):
    app.connect("builder-inited", _add_assets)
    # Before myst-nb (500) adds per-page scripts and sphinx.ext.mathjax (500) decides on MathJax.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("doctree-read", _collect_term_uses)
    app.connect("env-purge-doc", _forget_doc)
    app.connect("env-merge-info", _merge_uses)
    app.connect("doctree-resolved", _add_backlinks)
    app.add_js_file("coursebook.js", defer="defer")
    app.add_css_file("coursebook.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
