"""Sphinx extension: the Practice page's data and assets, "Review this chapter", offline reading.

- While reading, collects every quiz block a page shows (its payload and each question's markup,
  exactly as the page has them) into the environment.
- After the build, writes `_static/practice-data.json`: the pages with quizzes in book order, their
  questions, and the policy, labels and messages the quiz runtime needs. The Practice page
  (`book/practice.md`) reads it; nothing scrapes pages in the browser.
- Adds `practice.js`/`practice.css` to the Practice page only, a "Review this chapter" link at the
  end of every page with a quiz, and `cb-offline.js` (the service worker's registration, under
  2 KB) to every page of the student edition.
- Writes `sw.js` at the site's root (`service_worker.py`). An edition holding `answers/` pages is
  the instructor's: it gets no registration, a worker that removes itself, and every page is
  marked so that a student's worker never keeps it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging

from .service_worker import write_worker

PRACTICE_PAGE = "book/practice"
DATA_FILE = "practice-data.json"
BLOCK = re.compile(
    r'<div class="cb-quiz" id="[^"]*" data-bank="([^"]+)">'
    r'<script type="application/json" class="cb-payload">(.*?)</script>(.*?)'
    r'<(?:p|details) class="cb-policy">',
    re.S,
)
SECTION = re.compile(
    r'<section class="cb-question" id="[^"]*" data-qid="([^"]+)".*?</section>', re.S
)
logger = logging.getLogger(__name__)


def quiz_blocks(markup: str) -> list[dict]:
    """[{"bank", "payload", "sections": {qid: markup}}] for each quiz block in a page's HTML."""
    blocks = []
    for match in BLOCK.finditer(markup):
        payload = json.loads(match.group(2))
        sections = {m.group(1): m.group(0) for m in SECTION.finditer(match.group(3))}
        blocks.append({"bank": match.group(1), "payload": payload, "sections": sections})
    return blocks


def is_instructor(env) -> bool:
    return any(doc.startswith("answers/") for doc in env.found_docs)


def _collect(app, doctree) -> None:
    found = []
    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "") and 'class="cb-quiz"' in node.astext():
            found += quiz_blocks(node.astext())
    store = app.env.__dict__.setdefault("coursebook_quizzes", {})
    store.pop(app.env.docname, None)
    if found:
        store[app.env.docname] = found


def _forget(app, env, docname) -> None:
    getattr(env, "coursebook_quizzes", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    theirs = getattr(other, "coursebook_quizzes", {})
    env.__dict__.setdefault("coursebook_quizzes", {}).update(
        {doc: blocks for doc, blocks in theirs.items() if doc in docnames}
    )


def book_order(env, root: str) -> list[str]:
    """Every document reached from the root's toctrees, depth first (the contents' order)."""
    order, stack = [], [root]
    while stack:
        doc = stack.pop(0)
        if doc in order:
            continue
        order.append(doc)
        stack[:0] = env.toctree_includes.get(doc, [])
    return order + sorted(set(env.found_docs) - set(order))


def _title(env, doc: str) -> str:
    return env.titles[doc].astext() if doc in env.titles else doc


def practice_data(env, root: str, book: str) -> dict:
    chapters, questions, seen = [], [], set()
    shared: dict[str, Any] = {}
    for doc in book_order(env, root):
        blocks = getattr(env, "coursebook_quizzes", {}).get(doc)
        if not blocks or doc == PRACTICE_PAGE:
            continue
        page, count = doc + ".html", 0
        for block in blocks:
            payload = block["payload"]
            shared = shared or {k: payload[k] for k in ("policy", "labels", "messages")}
            for spec in payload["questions"]:
                key = f"{block['bank']}/{spec['id']}"
                if key in seen or spec["id"] not in block["sections"]:
                    continue
                seen.add(key)
                count += 1
                questions.append(
                    {
                        "key": key,
                        "page": page,
                        "bank": block["bank"],
                        "bankTitle": payload["title"],
                        "spec": spec,
                        "html": block["sections"][spec["id"]],
                    }
                )
        if count:
            chapters.append({"page": page, "title": _title(env, doc), "questions": count})
    return {**shared, "book": book, "chapters": chapters, "questions": questions}


def _page_context(app, pagename, templatename, context, doctree) -> None:
    instructor = is_instructor(app.env)
    if instructor:
        context["metatags"] = (
            context.get("metatags", "") + '\n<meta name="coursebook-edition" content="instructor">'
        )
    else:
        app.add_js_file("cb-offline.js", defer="defer")
    if pagename == PRACTICE_PAGE:
        app.add_js_file("practice.js", defer="defer")
        app.add_css_file("practice.css")
        return
    body = context.get("body", "")
    if PRACTICE_PAGE in app.env.found_docs and 'class="cb-quiz"' in body and "body" in context:
        target = app.builder.get_relative_uri(pagename, PRACTICE_PAGE)
        context["body"] = body + (
            f'<p class="cb-review-link"><a href="{target}?chapter={pagename}.html">'
            "Review this chapter</a>: "
            "a practice session from this chapter's questions, the ones you missed first.</p>"
        )


def _finish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir, env = Path(app.outdir), app.env
    data = practice_data(env, app.config.root_doc, app.config.html_title or app.config.project)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (outdir / "_static" / DATA_FILE).write_text(text, encoding="utf-8")
    edition = "instructor" if is_instructor(env) else "student"
    pages = {
        doc + ".html": _title(env, doc) for doc in env.found_docs if not doc.startswith("answers/")
    }
    pages.update({"genindex.html": "Index", "search.html": "Search"})
    write_worker(outdir, edition, pages)
    logger.info(
        "[coursebook] practice data: %d questions from %d pages; sw.js for the %s edition",
        len(data["questions"]),
        len(data["chapters"]),
        edition,
    )


def setup(app):
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _forget)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _finish, priority=900)  # after the icon fonts are cut (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
