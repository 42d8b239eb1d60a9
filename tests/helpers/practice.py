"""The Practice page's data and a student's steps on it (the browser tests of the Practice page and
of the offline site; the `student` and `own_site` fixtures are in tests/browser/conftest.py)."""

from __future__ import annotations

import json
import re

from tests.browser.conftest import SITE

class _BuiltData:
    """The built site's practice data, read on first use: collecting the tests (make test-fast,
    which leaves the browser tests out) works without a built site."""

    _value: dict | None = None

    def __getitem__(self, key: str):
        if self._value is None:
            path = SITE / "_static" / "practice-data.json"
            self._value = json.loads(path.read_text(encoding="utf-8"))
        return self._value[key]


DATA = _BuiltData()
CH1, CH2, CH3 = ("book/ch1-leverage-theory.html", "book/ch2-reverse-leverage.html",
                 "book/ch3-pakistan-rupture.html")


def singles(page: str) -> list[dict]:
    return [q["spec"] for q in DATA["questions"]
            if q["page"] == page and q["spec"]["type"] == "single"]


class Student:
    """One browser profile, with every console error and failed page script recorded."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 400:
            asker = response.request.headers.get("referer")
            self.errors.append(f"{response.status} {response.url} (asked by {asker})")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def close(self):
        self.context.close()


def wrong_key(spec: dict) -> str:
    return next(k for k in spec["options"] if k not in spec["correct"])


def answer(page, qid: str, right: bool, reveal: bool = False) -> None:
    section = page.locator(f"section#cb-{qid}")
    spec = page.evaluate("""qid => {
        const block = document.getElementById('cb-' + qid).closest('.cb-quiz');
        return window.CourseBook.payload(block).questions.find(q => q.id === qid); }""", qid)
    key = spec["correct"][0] if right else wrong_key(spec)
    section.locator(f'input[value="{key}"]').check()
    section.locator(".cb-check").click()
    section.locator(".cb-feedback strong").wait_for()
    if reveal:
        if section.locator(".cb-hint-button").is_visible():  # the policy: the hint comes first
            section.locator(".cb-hint-button").click()
        section.locator(".cb-show-answer").click()
        section.locator(".cb-explanation").wait_for()


def session_items(page) -> list[dict]:
    page.locator(".cb-practice-item.cb-ready").first.wait_for()
    return page.evaluate("""() => [...document.querySelectorAll('.cb-practice-item')].map(b => ({
        qid: b.querySelector('.cb-question').dataset.qid,
        chapter: b.querySelector('.cb-practice-from a').getAttribute('href'),
        group: [...b.querySelector('.cb-practice-group').classList]
            .find(c => c.startsWith('cb-group-')).slice(9),
        options: [...b.querySelectorAll('.cb-option input')].map(i => i.value).join('')}))""")


def summary_table(page) -> list[list[str]]:
    page.locator(".cb-practice-table").wait_for()
    return page.evaluate("""() => [...document.querySelectorAll('.cb-practice-table tbody tr')].map(
        tr => [...tr.children].map(c => c.textContent))""")


def worker_ready(page) -> None:
    """Wait until the worker controls the page and holds a copy of it and of all it loaded."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_function("""async () => {
        const wanted = [location.href.split('?')[0]].concat(performance.getEntriesByType('resource')
            .map(e => e.name).filter(u => u.startsWith(location.origin) && !u.endsWith('/sw.js')));
        for (const url of wanted) { if (!(await caches.match(url))) return false; }
        return true; }""", timeout=60_000)


def visit(page, url: str) -> None:
    page.goto(url)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy figures load too
    page.wait_for_load_state("networkidle")
    worker_ready(page)


def read_build(folder) -> dict:
    found = re.search(r"var BUILD = (\{.*?\});\n", (folder / "sw.js").read_text())
    return json.loads(found.group(1))
