"""Cut the theme's Font Awesome webfonts down to the icons the built site shows.

The theme's CSS already draws every `<i class="fa-...">` icon from its webfonts (300 KB as woff2);
the pages use about twenty glyphs. After the build, the icon classes in the HTML and JS and the
icon characters the CSS uses on its own (admonition marks, chevrons) are collected, each font is
subset to them with fontTools into `_static/fonts/`, and the theme's `@font-face` rules in the built
CSS are pointed at the subsets, so there is one face per family and the full files are never
fetched.
"""

from __future__ import annotations

import re
from pathlib import Path

from fontTools import subset

FONTS = {  # theme webfont -> subset written to _static/fonts/
    "fa-solid-900.ttf": "cb-fa-solid-900.woff",
    "fa-regular-400.ttf": "cb-fa-regular-400.woff",
    "fa-brands-400.ttf": "cb-fa-brands-400.woff",
}
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_ESCAPE = re.compile(
    r"\\([ef][0-9a-f]{3})\b|([\ue000-\uf8ff])", re.I
)  # "\f0c9" or the character itself
CLASS_GLYPH = re.compile(r"\s*\.(fa-[a-z0-9-]+):(?::)?(?:before|after)\s*")


def used_code_points(outdir: Path) -> set[int]:
    static = outdir / "_static"
    classes = set()
    for path in [*outdir.rglob("*.html"), *static.rglob("*.js")]:
        classes.update(ICON_CLASS.findall(path.read_text(errors="ignore")))
    points: set[int] = set()
    by_class: dict[str, set[int]] = {}
    for css in static.rglob("*.css"):
        for selectors, declarations in RULE.findall(css.read_text(errors="ignore")):
            escapes = [
                int(code, 16) if code else ord(char)
                for code, char in ICON_ESCAPE.findall(declarations)
            ]
            if not escapes:
                continue
            names = [CLASS_GLYPH.fullmatch(selector) for selector in selectors.split(",")]
            if all(
                names
            ):  # `.fa-bars:before{content:"\f0c9"}`: needed only if a page shows fa-bars
                for match in filter(None, names):
                    by_class.setdefault(match.group(1), set()).update(escapes)
            else:  # an icon the theme's CSS draws itself (a chevron, an admonition mark)
                points.update(escapes)
    for name in classes:
        points.update(by_class.get(name, ()))
    return points


class IconFontError(RuntimeError):
    pass


def point_theme_css_at_subsets(outdir: Path) -> None:
    """`src:url(../vendor/fontawesome/webfonts/fa-solid-900.woff2) format("woff2"),url(...ttf) ...`
    becomes `src:url(../../_static/fonts/cb-fa-solid-900.woff) format("woff")` in the built theme
    CSS."""
    css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    text = css.read_text()
    for source, name in FONTS.items():
        stem = source.rsplit(".", 1)[0]
        pattern = re.compile(
            r"src:url\(\.\./vendor/fontawesome/webfonts/" + re.escape(stem) + r"\.woff2\)[^;}]*"
        )
        text, count = pattern.subn(f'src:url(../fonts/{name}) format("woff")', text)
        if count != 1:
            raise IconFontError(
                f"[coursebook] {css}: expected one @font-face for {stem}, found {count}; has the "
                f"theme changed?"
            )
    css.write_text(text)


def write_subsets(outdir: Path, theme_fonts: Path) -> dict[str, int]:
    """Subset each theme font to the code points in use; returns {file written: size in bytes}."""
    points = used_code_points(outdir)
    target = outdir / "_static" / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for source, name in FONTS.items():
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        font = subset.load_font(str(theme_fonts / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points)
        subsetter.subset(font)
        subset.save_font(font, str(target / name), options)
        sizes[name] = (target / name).stat().st_size
    point_theme_css_at_subsets(outdir)
    return sizes
