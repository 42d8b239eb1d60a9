"""Sphinx extension for the book: serve the quiz asset once per site and keep pages offline-ready.

- Adds `assets/coursebook.js` and `.css` to every page (one cached file each, not inlined per quiz).
- Drops the ipywidgets state that myst-nb would embed: on the static site quizzes and explorers
  use their `text/html` view, so the state is dead weight (and would pull scripts from a CDN).
- Loads MathJax on pages whose quiz or explorer HTML holds maths, which Sphinx cannot see.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).parent / "assets"


def _add_assets(app) -> None:
    app.config.html_static_path.append(str(ASSETS))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    metadata = getattr(app.env, "nb_metadata", {}).get(pagename, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)
    if doctree is not None and 'class="math notranslate' in context.get("body", ""):
        app.env.get_domain("math").data.setdefault("has_equations", {})[pagename] = True


def setup(app):
    app.connect("builder-inited", _add_assets)
    # Before myst-nb (500) adds per-page scripts and sphinx.ext.mathjax (500) decides on MathJax.
    app.connect("html-page-context", _page_context, priority=400)
    app.add_js_file("coursebook.js", defer="defer")
    app.add_css_file("coursebook.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
