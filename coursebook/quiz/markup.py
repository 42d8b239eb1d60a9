"""Markdown to safe HTML for prompts, options and feedback, shared by the live and static views.

Raw HTML in a bank is escaped, never passed through, so `<script>` shows as text. Inline maths
(`$...$`) becomes MathJax's `\\(...\\)` markup, which the book's MathJax (or JupyterLab) typesets.
"""

from __future__ import annotations

import html
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin


def _math_inline(content: str, config=None) -> str:
    return f'<span class="math notranslate nohighlight">\\({html.escape(content)}\\)</span>'


def _math_block(content: str, config=None) -> str:
    return f'<div class="math notranslate nohighlight">\\[{html.escape(content)}\\]</div>'


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).use(
    dollarmath_plugin, allow_space=True, double_inline=True
)
for _rule in ("math_inline", "math_inline_double"):
    _MARKDOWN.add_render_rule(
        _rule, lambda self, tokens, idx, options, env: _math_inline(tokens[idx].content)
    )
_MARKDOWN.add_render_rule(
    "math_block", lambda self, tokens, idx, options, env: _math_block(tokens[idx].content)
)
_MARKDOWN.add_render_rule(
    "math_block_label", lambda self, tokens, idx, options, env: _math_block(tokens[idx].content)
)


@lru_cache(maxsize=4096)
def to_html(text: str | None) -> str:
    """Block HTML (paragraphs) for a Markdown string; empty for None."""
    return _MARKDOWN.render(text).strip() if text else ""


@lru_cache(maxsize=4096)
def to_inline_html(text: str | None) -> str:
    """Inline HTML (no wrapping paragraph), for option labels."""
    return _MARKDOWN.renderInline(text).strip() if text else ""


_PLAIN_TOKENS = {"text", "code_inline", "math_inline", "math_inline_double"}


@lru_cache(maxsize=4096)
def plain_text(text: str | None) -> str:
    """The words of inline Markdown without its markup, for places that cannot hold HTML (an
    <option>, an aria-label). Read from the same parser as `to_inline_html`, so a literal `*`
    stays."""
    if not text:
        return ""
    words = []
    for block in _MARKDOWN.parseInline(text):
        for token in block.children or ():
            if token.type in _PLAIN_TOKENS:
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return "".join(words).strip()
