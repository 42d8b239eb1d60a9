"""Every page under book/ is in _toc.yml, and every entry of _toc.yml exists."""

import yaml

from tests.conftest import ROOT


def toc_entries():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                entries.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc.get("parts", []))
    return entries


def pages():
    found = set()
    for path in (ROOT / "book").rglob("*"):
        if path.suffix in (".md", ".ipynb") and not path.name.startswith("_") and ".ipynb_checkpoints" not in path.parts:
            found.add(path.relative_to(ROOT).with_suffix("").as_posix())
    return found


def test_every_entry_exists():
    missing = [e for e in toc_entries() if not any((ROOT / f"{e}{s}").exists() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_every_page_is_listed():
    unlisted = sorted(pages() - set(toc_entries()))
    assert not unlisted, f"pages missing from _toc.yml: {unlisted} (fragments start with an underscore)"
