"""Quiz engine benchmark: asset size, click-to-feedback latency per type, page weight of 15 questions.

Prints figures; asserts nothing (targets: the quiz runtime under 10 KB gzipped with the explorers'
code in its own asset, feedback < 5 ms median, 15 questions add < 10 KB gzipped). Needs the built book (make book) and chromium.
Run: .venv/bin/python benchmarks/quiz_benchmark.py
"""

from __future__ import annotations

import gzip
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursebook.quiz.bank import load_banks  # noqa: E402
from coursebook.views import bundle  # noqa: E402
from coursebook.views.static import quiz_html  # noqa: E402
from tests.browser.conftest import BROWSER_ARGS, chromium_path, serve  # noqa: E402



def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def asset_sizes() -> None:
    """The built assets (views/bundle.py): the quiz runtime on every page, the explorers' code only
    on pages with an explorer, and the one stylesheet."""
    parts = {bundle.QUIZ_SCRIPT: bundle.quiz_script(), bundle.EXPLORER_SCRIPT: bundle.explorer_script(),
             bundle.STYLESHEET.name: bundle.stylesheet()}
    targets = {bundle.QUIZ_SCRIPT: "(target < 10,240: the core, on every page)",
               bundle.EXPLORER_SCRIPT: "(pages with an explorer only)", bundle.STYLESHEET.name: ""}
    for name, text in parts.items():
        data = text.encode()
        print(f"  {name:24} {len(data):7,} B raw  {gz(data):6,} B gzipped   {targets[name]}")
    core = gz(parts[bundle.QUIZ_SCRIPT].encode()) + gz(parts[bundle.STYLESHEET.name].encode())
    print(f"  {'quiz page (js + css)':24} {'':7}        {core:6,} B gzipped   (served once per site)")


def page_weight() -> None:
    banks = load_banks(ROOT / "book" / "quizzes")
    questions = [q for bank in banks.values() if bank.bank != "demo" for q in bank.questions][:15]
    by_bank: dict = {}
    for q in questions:
        by_bank.setdefault(next(b for b in banks.values() if q in b.questions).bank, []).append(q)
    one_call = "".join(quiz_html(banks[name], qs) for name, qs in by_bank.items())
    separate = "".join(quiz_html(banks[name], [q]) for name, qs in by_bank.items() for q in qs)
    page = (ROOT / "_build" / "html" / "book" / "intro.html").read_text(encoding="utf-8")
    base = gz(page.encode())
    for label, html in (("15 questions, one block per bank", one_call), ("15 questions, one block each", separate)):
        with_quiz = gz(page.replace("</main>", html + "</main>").encode())
        print(f"  {label:34} adds {with_quiz - base:6,} B gzipped to a {base:,} B page   (target < 10,240)")


def latency() -> None:
    executable = chromium_path()
    if not executable:
        print("  chromium not found: latency not measured")
        return
    from playwright.sync_api import sync_playwright

    server = serve(ROOT / "_build" / "html")
    url = f"http://127.0.0.1:{server.server_address[1]}/book/quiz-demo.html"
    # Wrong answers: a right one closes the question (Check is disabled), a wrong one can be timed
    # twenty times over the same path (read, grade, policy, drawing the feedback).
    answers = {"demo-single": "document.getElementById('cb-demo-single-a').checked = true",
               "demo-multiple": "['a','d'].forEach(k => document.getElementById('cb-demo-multiple-' + k).checked = true)",
               "demo-numeric": "document.getElementById('cb-demo-numeric-input').value = '100'",
               "demo-ordering": "",
               "demo-matching": "[0,1,2].forEach(i => document.getElementById('cb-demo-matching-m' + i).value = '3')",
               "demo-text": "document.getElementById('cb-demo-text-input').value = 'ISKP'"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(".cb-quiz.cb-ready")
        for qid, setup in answers.items():
            timings = page.evaluate(f"""() => {{
                {setup};
                const button = document.querySelector('#cb-{qid} .cb-check'), box = document.querySelector('#cb-{qid} .cb-feedback');
                const times = [];
                for (let i = 0; i < 20; i++) {{
                    box.innerHTML = '';
                    const start = performance.now();
                    button.click();
                    if (!box.textContent) throw new Error('no feedback');
                    times.push(performance.now() - start);
                }}
                return times;
            }}""")
            print(f"  {qid:16} median {statistics.median(timings):.2f} ms  (max {max(timings):.2f} ms, n=20)   (target < 5 ms)")
        browser.close()
    server.shutdown()
    server.server_close()


JUPYTERQUIZ_SNIPPET = r"""
import gzip, json, sys
import jupyterquiz.dynamic.display as d
captured = []
d.display = lambda obj: captured.append(getattr(obj, "data", ""))
questions = []
for i in range(15):
    if i % 2:
        questions.append({"question": f"Question {i}: what share is exposed, in percent?", "type": "numeric", "precision": 1,
                          "answers": [{"type": "range", "range": [23, 25], "correct": True, "feedback": "Right."},
                                      {"type": "default", "feedback": "Multiply the shares."}]})
    else:
        questions.append({"question": f"Question {i}: which is compellence?", "type": "multiple_choice",
                          "answers": [{"answer": "Stop doing X", "correct": True, "feedback": "Right: a change of course."},
                                      {"answer": "Do not start X", "correct": False, "feedback": "That is deterrence."}]})
d.display_quiz(questions)
one = "".join(captured).encode()
captured.clear()
for q in questions:
    d.display_quiz([q])
separate = "".join(captured).encode()
print(json.dumps({"one_call": len(gzip.compress(one, 9)), "separate_calls": len(gzip.compress(separate, 9))}))
"""


def jupyterquiz_reference() -> None:
    """Measured in this run when JUPYTERQUIZ_PYTHON names a Python with jupyterquiz installed."""
    import json
    import os
    import subprocess

    python = os.environ.get("JUPYTERQUIZ_PYTHON")
    if python:
        out = subprocess.run([python, "-c", JUPYTERQUIZ_SNIPPET], capture_output=True, text=True)
        if out.returncode == 0:
            sizes = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  jupyterquiz, 15 questions in one call:      {sizes['one_call']:7,} B gzipped (JS and CSS inlined)")
            print(f"  jupyterquiz, 15 questions in 15 calls:      {sizes['separate_calls']:7,} B gzipped")
        else:
            print(f"  jupyterquiz failed to run: {out.stderr.strip().splitlines()[-1:]}")
    else:
        print("  set JUPYTERQUIZ_PYTHON to a Python with jupyterquiz installed to measure it in the same run.")
    print("  DESIGN.md, this machine: jupyterquiz 8.2 KB JS + 1.1 KB CSS gzipped per call, about 5.7 ms median")
    print("  click to feedback, and an axe-core `label` violation on its numeric inputs.")


if __name__ == "__main__":
    if not (ROOT / "_build" / "html" / "index.html").exists():
        sys.exit("build the book first: make book")
    print("Asset (JS + CSS):")
    asset_sizes()
    print("Page weight:")
    page_weight()
    print("Click to feedback (Performance API, in the browser):")
    latency()
    print("Reference, jupyterquiz:")
    jupyterquiz_reference()
