"""The build side of the Practice page and the offline site, without building the book: the quiz
markup the extension collects (as views/static.py writes it), the worker's version and editions."""

from __future__ import annotations

import json
import re

from coursebook.book.practice_ext import quiz_blocks
from coursebook.book.service_worker import site_version, worker_source, write_worker
from coursebook.quiz.bank import load_banks
from coursebook.views.static import quiz_html
from tests.conftest import ROOT

BANK = load_banks(ROOT / "book" / "quizzes")["demo"]


def test_every_question_of_a_block_is_collected_with_its_markup():
    markup = quiz_html(BANK, BANK.questions) + quiz_html(BANK, BANK.questions[:2], instance=2)
    blocks = quiz_blocks("<p>before</p>" + markup + "<p>after</p>")
    assert [b["bank"] for b in blocks] == ["demo", "demo"]
    first = blocks[0]
    assert [q["id"] for q in first["payload"]["questions"]] == [q.id for q in BANK.questions]
    assert list(first["sections"]) == [q.id for q in BANK.questions]
    for qid, section in first["sections"].items():
        assert section.startswith(f'<section class="cb-question" id="cb-{qid}"')
        assert section.endswith("</section>") and section.count("<section") == 1
    assert set(first["payload"]) >= {"policy", "labels", "messages", "title"}


def built(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def build_of(folder) -> dict:
    found = re.search(r"var BUILD = (\{.*?\});\n", (folder / "sw.js").read_text())
    return json.loads(found.group(1))


def test_the_version_follows_the_site_and_ignores_the_worker(tmp_path):
    site = built(tmp_path, {"index.html": "<p>one</p>", "_static/a.css": "p{}"})
    first = site_version(site)
    write_worker(site, "student", {"index.html": "Home"})
    assert site_version(site) == first == build_of(site)["version"]  # sw.js is not part of it
    (site / "_static" / "a.css").write_text("p{color:red}")
    assert site_version(site) != first


def test_titles_cannot_end_the_script_and_editions_are_marked(tmp_path):
    source = worker_source("student", "v1", {"book/x.html": "</script><b>x</b>"})
    assert "</script>" not in source and "<\\/script>" in source
    site = built(tmp_path, {"index.html": "<p>one</p>"})
    write_worker(site, "instructor", {})
    assert build_of(site)["edition"] == "instructor"
