"""Every glossary entry on the built site links back to the pages that use the term."""

import re

import pytest

from tests.conftest import ROOT

GLOSSARY = ROOT / "_build" / "html" / "book" / "glossary.html"
# Reads the built site: `make test` builds it first; `make test-fast` leaves it out.
pytestmark = pytest.mark.site


def test_every_term_links_to_its_uses():
    if not GLOSSARY.exists():
        pytest.fail("the book is not built: run `make test` (it builds first) or `make book`")
    entries = re.findall(r'(<dt id="term-[^"]+".*?</dd>)', GLOSSARY.read_text(encoding="utf-8"), re.S)
    assert len(entries) >= 15
    unused = [re.search(r'id="term-([^"]+)"', entry).group(1) for entry in entries if "cb-used-in" not in entry]
    assert not unused, f"glossary terms no page links to: {unused}"
