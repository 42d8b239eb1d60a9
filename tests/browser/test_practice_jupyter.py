"""`practice()` in JupyterLab 4 and Notebook 7, a real kernel: it reads the progress the chapter
quizzes wrote beside the notebook, the page's scheduler (assets/quiz/practice.js) shows the missed
question first, and the outcome is kept there: the next session, built from it, leaves it out."""

import json

import nbformat

from coursebook.views.progress import FILE_NAME
from tests.helpers.jupyterlab import (SHOTS, current, open_notebook, question, run_all,
                                      stored_progress)

WRONG = {"response": "a", "best": 0.0, "attempts": 1, "hint": False, "explained": False,
         "closed": False, "revealed": False}


def test_practice_in_a_notebook_reads_and_writes_the_chapters_progress(page, lab):
    folder = lab.root / "book"
    (folder / FILE_NAME).write_text(json.dumps({"version": 1, "banks": {"demo": {"demo-single": WRONG}}}))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from coursebook import practice\npractice()")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    nbformat.write(notebook, folder / "practice-live.ipynb")
    open_notebook(page, lab, "practice-live.ipynb")
    run_all(page)
    first = current(page).locator(".cb-live .cb-question").first
    assert first.get_attribute("data-qid") == "demo-single"  # the one answered wrong comes first
    assert current(page).locator(".cb-live .cb-question").count() == 6  # the demo bank's six
    assert "missed last time" in current(page).locator(".jp-OutputArea").first.inner_text()
    spec = json.loads(first.locator("xpath=ancestor::div[contains(@class,'cb-quiz')]")
                      .locator("script.cb-payload").text_content())["questions"][0]
    question(page, "demo-single").locator(f'input[value="{spec["correct"][0]}"]').check()
    question(page, "demo-single").locator(".cb-check").click()
    question(page, "demo-single").locator(".cb-feedback", has_text="Correct").wait_for(timeout=15000)
    saved = stored_progress(folder / FILE_NAME,
                            lambda data: data.get("banks", {}).get("_practice", {})
                            .get("demo/demo-single", {}).get("box") == 2)
    assert saved["banks"]["_practice"]["demo/demo-single"]["box"] == 2
    assert saved["banks"]["demo"]["demo-single"] == WRONG  # the chapter's own answer stays as it was
    (SHOTS / lab.app).mkdir(parents=True, exist_ok=True)
    current(page).locator(".jp-OutputArea").first.screenshot(path=str(SHOTS / lab.app / "practice.png"))
    run_all(page)  # a new session, from the records the kernel kept
    current(page).locator(".cb-live .cb-practice-summary", has_text="5 questions").wait_for(timeout=30000)
    qids = current(page).locator(".cb-live .cb-question").evaluate_all("l => l.map(e => e.dataset.qid)")
    assert len(qids) == 5 and "demo-single" not in qids  # right at the first try: box 2, not due
