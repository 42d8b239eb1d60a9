"""The live view as students meet it: JupyterLab 4 and Notebook 7 on 127.0.0.1, a real kernel.

Every question type is answered wrong, then right, and checked for feedback, score and policy; no
option label may be clipped and no two controls may overlap; the saved notebook, reopened with a
new kernel, shows its quizzes (never "model not found") and gets its answers back. Screenshots of
every type and every explorer in both front ends are kept under `_build/screenshots/live/`.
"""

import json
import time

import nbformat
import pytest

from tests.helpers.jupyterlab import (EXPLORERS, PROGRESS, SHOTS, current, idle, open_notebook, question,
                                      run_all, stored_progress)


def save(page, path):
    """Save as a student does (File, Save Notebook) and read the file back once it is written."""
    before = path.stat().st_mtime_ns
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator(".lm-Menu-item", has_text="Save Notebook").first.click()
    deadline = time.monotonic() + 20
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            page.screenshot(path=str(SHOTS / "save-failed.png"))
            pytest.fail("the notebook was not saved")
        page.wait_for_timeout(200)  # not time.sleep: the page's request routing runs in this thread
    while True:  # written, but perhaps not to the end yet: read it once it is whole JSON
        try:
            return nbformat.read(path, as_version=4)
        except (ValueError, nbformat.reader.NotJSONError):
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(100)


def check(page, qid, expect):
    """Press Check and wait until the kernel's verdict is drawn."""
    box = question(page, qid).locator(".cb-feedback")
    question(page, qid).locator(".cb-check").click()
    box.filter(has_text=expect).wait_for(timeout=15000)
    return box.inner_text()


def score(page, qid):
    """The running score shown under the block that holds this question."""
    block = current(page).locator(".cb-live .cb-quiz", has=page.locator(f".cb-question[data-qid='{qid}']"))
    return float(block.locator(".cb-score-value").text_content())


def wait_score(page, qid, points):
    block = current(page).locator(".cb-live .cb-quiz", has=page.locator(f".cb-question[data-qid='{qid}']"))
    block.locator(".cb-score-value", has_text=f"{points:g}").wait_for(timeout=60000)


def order(page, qid):
    return [int(i) for i in question(page, qid).locator(".cb-order-item").evaluate_all("els => els.map(e => e.dataset.item)")]


def sort_ordering(page, qid):
    """Bubble-sort with the keyboard: focus a Down button, press Enter; the focus must stay on it."""
    for _ in range(len(order(page, qid))):
        for position in range(len(order(page, qid)) - 1):
            items = order(page, qid)
            if items[position] > items[position + 1]:
                button = question(page, qid).locator(".cb-order-item").nth(position).locator(".cb-down")
                button.focus()
                page.keyboard.press("Enter")
                moved = question(page, qid).locator(".cb-order-item").nth(position + 1).locator(".cb-down")
                assert moved.evaluate("el => el === document.activeElement"), "focus left the moved item"
    status = question(page, qid).locator('[data-role="order-status"]').inner_text()
    assert "position" in status


# qid: (make it wrong, feedback expected, make it right)
STEPS = {
    "demo-single": (lambda q: q.locator("input[value=a]").check(), "Deterrence aims to stop",
                    lambda q: q.locator("input[value=b]").check()),
    "demo-multiple": (lambda q: q.locator("input[value=d]").check(), "Alternatives lower the cost",
                      lambda q: [q.locator(f"input[value={k}]").set_checked(k != "d") for k in "abcd"]),
    "demo-numeric": (lambda q: q.locator(".cb-input").fill("100"), "You added the two shares",
                     lambda q: q.locator(".cb-input").fill("24 percent")),
    "demo-matching": (lambda q: [q.locator("select").nth(i).select_option("3") for i in range(3)], "0 of 3 matched",
                      lambda q: [q.locator("select").nth(i).select_option(str(i)) for i in range(3)]),
    "demo-text": (lambda q: q.locator(".cb-input").fill("ISKP"), "Islamic State",
                  lambda q: q.locator(".cb-input").fill("Tehrik-e-Taliban Pakistan")),
}


LAYOUT_PROBLEMS = """(root, phone) => {
  const out = [];
  const box = root.closest('.cb-quiz, .cb-explorer').getBoundingClientRect();
  for (const el of root.querySelectorAll('input, select, button, label, span')) {
    const r = el.getBoundingClientRect();
    if (el.offsetParent && (r.right > box.right + 1 || r.left < box.left - 1)) out.push(['outside its block', el.outerHTML.slice(0, 60)]);
  }
  for (const el of root.querySelectorAll('.cb-option span, .cb-match-row label, .cb-item-text, button, .cb-slider label, .cb-title, .cb-policy')) {
    if (!el.offsetParent) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(['clipped', el.className, el.textContent.slice(0, 60)]);
  }
  for (const select of root.querySelectorAll('select')) {
    const probe = document.createElement('span');
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;font:' + getComputedStyle(select).font;
    document.body.appendChild(probe);
    // On a desktop every choice is readable in full; a phone's own picker shows long ones.
    for (const option of phone ? [] : select.options) {
      probe.textContent = option.textContent;
      if (probe.getBoundingClientRect().width > select.clientWidth) out.push(['select too narrow', option.textContent.slice(0, 60), select.clientWidth]);
    }
    probe.remove();
    if (select.options[0].textContent !== 'Choose a match') out.push(['no placeholder', select.id]);
  }
  const controls = [...root.querySelectorAll('input, select, button, .cb-option span, .cb-item-text')]
    .filter(el => el.offsetParent).map(el => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
    const [a, r] = controls[i], [b, s] = controls[j];
    if (a.contains(b) || b.contains(a)) continue;
    const overlap = Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1 && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1;
    if (overlap) out.push(['overlap', a.outerHTML.slice(0, 60), b.outerHTML.slice(0, 60)]);
  }
  return out;
}"""


def assert_nothing_clipped_or_overlapping(page, selector=".cb-live .cb-question, .cb-live .cb-explorer", phone=False):
    """Scroll to each block (the notebook draws only what is near the view) and measure it."""
    blocks = current(page).locator(selector)
    assert blocks.count() > 0
    problems = []
    for index in range(blocks.count()):
        block = blocks.nth(index)
        block.scroll_into_view_if_needed()
        problems += block.evaluate(f"root => ({LAYOUT_PROBLEMS})(root, {'true' if phone else 'false'})")
    assert not problems, problems[:5]


def test_every_type_wrong_then_right_and_reopened(page, lab):
    lab.start_clean()
    open_notebook(page, lab, "quiz-demo.ipynb")
    # Before the cells run: the stored view shows questions and "run this cell", nothing else.
    stored = page.locator(".jp-OutputArea-output", has_text="Question 1").first
    stored.wait_for(timeout=30000)
    text = stored.inner_text()
    assert "Run this cell to answer" in text
    assert "Explanation" not in text and "Ask whether the target must change" not in text  # no hint
    run_all(page)
    assert page.locator("text=model not found").count() == 0
    statement = current(page).locator(".cb-live .cb-policy").first.text_content()
    assert "best attempt counts" in statement and "Show answer" in statement
    assert_nothing_clipped_or_overlapping(page)

    earned = 0
    for qid, (wrong, feedback, right) in STEPS.items():
        q = question(page, qid)
        q.scroll_into_view_if_needed()
        wrong(q)
        text = check(page, qid, feedback)
        assert "Not yet." in text
        assert not q.locator(".cb-explanation").is_visible()  # a wrong answer never explains
        assert score(page, qid) == earned
        if q.locator(".cb-hint-button").count():  # the hint comes before any explanation
            assert not q.locator(".cb-show-answer").is_visible()
            q.locator(".cb-hint-button").click()
            q.locator(".cb-hint").wait_for(state="visible")
            q.locator(".cb-show-answer").wait_for(state="visible")
        right(q)
        if qid in ("demo-numeric", "demo-text"):  # Enter in the box checks
            q.locator(".cb-input").press("Enter")
            q.locator(".cb-feedback", has_text="Correct.").wait_for(timeout=15000)
            text = q.locator(".cb-feedback").inner_text()
        else:
            text = check(page, qid, "Correct.")
        earned += 1
        assert "Correct." in text
        q.locator(".cb-explanation").wait_for(state="visible")
        assert q.locator(".cb-check").is_disabled()  # right: closed at full marks
        if qid == "demo-numeric":  # the explanation's maths is drawn (MathML), not shown as source
            assert q.locator(".cb-explanation math").count() == 1 and "\\(" not in q.locator(".cb-explanation").text_content()
        wait_score(page, qid, earned)
        q.screenshot(path=str(SHOTS / lab.app / f"{qid}.png"))

    q = question(page, "demo-ordering")
    q.scroll_into_view_if_needed()
    assert "0 of 4 in the right place" in check(page, "demo-ordering", "Not yet.")  # never starts solved
    sort_ordering(page, "demo-ordering")
    check(page, "demo-ordering", "Correct.")
    q.screenshot(path=str(SHOTS / lab.app / "demo-ordering.png"))
    earned += 1
    wait_score(page, "demo-ordering", earned)
    assert_nothing_clipped_or_overlapping(page)

    saved = save(page, lab.root / "book" / "quiz-demo.ipynb")
    # A browser reload with the kernel still running: the same answers and score.
    page.reload(timeout=120_000)  # JupyterLab reloads slowly on a busy machine
    current(page).locator(".cb-live .cb-quiz.cb-ready").first.wait_for(timeout=60000)
    wait_score(page, "demo-single", earned)
    single = question(page, "demo-single")
    single.scroll_into_view_if_needed()
    assert single.locator("input[value=b]").is_checked() and "Correct." in single.locator(".cb-feedback").text_content()
    assert "widgets" in saved.metadata  # the widget state went into the notebook
    progress = stored_progress(lab.root / "book" / "coursebook-progress.json",
                               lambda data: data.get("banks", {}).get("demo", {}).get("demo-single", {}).get("best") == 1)
    assert progress["banks"]["demo"]["demo-single"]["best"] == 1

    # Next day: a new kernel. The stored quizzes show, waiting; after Run All the answers are back.
    lab.shut_down_kernels()
    fresh = page.context.new_page()
    logs = []
    fresh.on("console", lambda m: logs.append(m.text[:300]))
    open_notebook(fresh, lab, "quiz-demo.ipynb")
    try:  # the stored widgets come back from the notebook's saved state (8 s on a quiet machine)
        current(fresh).locator(".cb-live .cb-quiz").first.wait_for(timeout=90000)
    except Exception:
        fresh.screenshot(path=str(SHOTS / lab.app / "reopen-failed.png"))
        raise AssertionError(f"no stored quiz shown on reopening: {logs[-15:]}") from None
    waiting = current(fresh).locator(".cb-live .cb-quiz").first
    # the stored view has rendered in full before we look for what must not be there
    current(fresh).locator(".cb-live .cb-quiz", has_text="Run this cell to answer").first.wait_for(timeout=90000)
    assert fresh.locator("text=model not found").count() == 0, logs[-15:]
    waiting.scroll_into_view_if_needed()
    assert "Run this cell to answer" in waiting.text_content()
    fresh.screenshot(path=str(SHOTS / lab.app / "reopened-before-run.png"))
    run_all(fresh)
    wait_score(fresh, "demo-single", 6)
    single = question(fresh, "demo-single")
    single.scroll_into_view_if_needed()
    assert single.locator("input[value=b]").is_checked() and "Correct." in single.locator(".cb-feedback").text_content()
    assert order(fresh, "demo-ordering") == [0, 1, 2, 3]

    # Reset this quiz: asks first, then clears the answers and the score.
    block = current(fresh).locator(".cb-live .cb-quiz").first
    block.scroll_into_view_if_needed()
    block.locator(".cb-reset").click()
    block.locator(".cb-confirm-no").click()
    assert block.locator(".cb-score-value").text_content() == "6"
    block.locator(".cb-reset").click()
    block.locator(".cb-confirm-yes").click()
    wait_score(fresh, "demo-single", 5)
    assert not question(fresh, "demo-single").locator("input[value=b]").is_checked()
    fresh.close()


def test_explorers_draw_like_the_site(page, lab):
    open_notebook(page, lab, "explorers.ipynb")
    run_all(page)
    explorers = current(page).locator(".cb-live .cb-explorer")
    for index in range(len(EXPLORERS)):
        explorers.nth(index).scroll_into_view_if_needed()
        current(page).locator(".cb-live .cb-explorer.cb-ready").nth(index).wait_for(timeout=30000)
    assert explorers.count() == len(EXPLORERS)
    styles = explorers.first.evaluate("""block => {
      const get = (sel, prop) => getComputedStyle(block.querySelector(sel))[prop];
      return {axisFill: get('.cb-axis', 'fill'), defiance: get('line.cb-defiance', 'stroke'),
              compliance: get('line.cb-compliance', 'stroke-dasharray')};
    }""")
    assert styles["axisFill"] == "none" and styles["defiance"] not in ("none", "rgb(0, 0, 0)"), styles
    assert styles["compliance"] != "none", styles
    coercion, revenue = explorers.nth(0), explorers.nth(2)
    assert any(text.strip().endswith("%") for text in coercion.locator("output").all_text_contents())  # units
    assert revenue.locator(".cb-bar").count() >= 1  # the site's bars
    for index, name in enumerate(("coercion", "chicken", "revenue")):
        explorers.nth(index).scroll_into_view_if_needed()
        explorers.nth(index).screenshot(path=str(SHOTS / lab.app / f"explorer-{name}.png"))
    # The page computes: moving a slider redraws from the runtime's model.
    revenue.scroll_into_view_if_needed()
    revenue.locator('input[data-name="rerouted"]').fill("50")
    revenue.locator(".cb-results", has_text="about 12%").wait_for(timeout=15000)
    assert_nothing_clipped_or_overlapping(page, ".cb-live .cb-explorer")


def luminance(rgb: str) -> float:
    red, green, blue = (int(part) / 255 for part in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_dark_theme_and_phone_width(browser, lab):
    """The widget follows Jupyter's dark theme and fits a 390-px phone screen."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        open_notebook(page, lab, "quiz-demo.ipynb")
        run_all(page)
        if lab.app == "jupyterlab":  # a phone reader closes the file browser first
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").wait_for(state="detached")
        page.set_viewport_size({"width": 390, "height": 844})  # then read it on a phone
        # the notebook has been laid out again at the phone's width
        page.wait_for_function("() => { const nb = document.querySelector('.jp-Notebook');"
                               " return nb && nb.getBoundingClientRect().width <= 390; }")
        assert_nothing_clipped_or_overlapping(page, phone=True)
        matching = question(page, "demo-matching")
        matching.scroll_into_view_if_needed()
        matching.screenshot(path=str(SHOTS / lab.app / "phone-demo-matching.png"))
        page.set_viewport_size({"width": 1200, "height": 900})
        page.get_by_role("menuitem", name="Settings", exact=True).click()
        page.locator(".lm-Menu-item", has_text="Theme").first.hover()
        page.locator(".lm-Menu-item", has_text="JupyterLab Dark").first.click()
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=15000)
        single = question(page, "demo-single")
        single.scroll_into_view_if_needed()
        block = current(page).locator(".cb-live .cb-quiz", has=page.locator(".cb-question[data-qid='demo-single']"))
        block.locator(".cb-reset").click()  # start the question afresh, whatever earlier tests did
        block.locator(".cb-confirm-yes").click()
        page.wait_for_function("el => !el.disabled", arg=single.locator("input[value=a]").element_handle())
        single.locator("input[value=a]").check()
        check(page, "demo-single", "Not yet.")
        text = single.evaluate("el => getComputedStyle(el).color")
        assert luminance(text) > 0.6, text  # light text on the dark theme, from the theme's variables
        single.screenshot(path=str(SHOTS / lab.app / "dark-demo-single.png"))
        page.locator(".cb-live .cb-explorer").first.scroll_into_view_if_needed()
        page.locator(".cb-live .cb-explorer").first.screenshot(path=str(SHOTS / lab.app / "dark-explorer-coercion.png"))
        # back to the light theme, so the next test in this server starts as a student would
        page.get_by_role("menuitem", name="Settings", exact=True).click()
        page.locator(".lm-Menu-item", has_text="Theme").first.hover()
        page.locator(".lm-Menu-item", has_text="JupyterLab Light").first.click()
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=15000)
    finally:
        context.close()


def test_a_whole_chapter_reads_cleanly(page, lab):
    """Chapter 3 has the longest options and matching choices: every one fits, nothing overlaps."""
    open_notebook(page, lab, "ch3-pakistan-rupture.ipynb")
    run_all(page)
    questions = current(page).locator(".cb-live .cb-question")
    for index in range(questions.count()):  # the notebook draws cells near the view only
        questions.nth(index).scroll_into_view_if_needed()
    current(page).locator(".cb-live .cb-quiz.cb-ready").last.wait_for(timeout=60000)
    assert questions.count() >= 20
    assert_nothing_clipped_or_overlapping(page)
    leaders = question(page, "pr-leaders-statements")
    leaders.scroll_into_view_if_needed()
    leaders.screenshot(path=str(SHOTS / lab.app / "ch3-matching.png"))
    assert page.locator("text=model not found").count() == 0


def cells(page):
    """What the notebook shortcuts would change: the cells' types, and which one is active."""
    return current(page).evaluate("""nb => [[...nb.querySelectorAll('.jp-Cell')].map(c =>
        c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'code'),
        [...nb.querySelectorAll('.jp-Cell')].findIndex(c => c.classList.contains('jp-mod-active'))]""")


KEYS = ["d", "d", "m", "y", "a", "b", "x", "c", "v", "z", "Shift+Enter", "Escape", "ArrowUp", "ArrowDown"]


def test_keys_stay_in_the_quiz_and_arrows_move_the_answer(page, lab):
    """No key pressed in a quiz or explorer control reaches the notebook's shortcuts (d d deleted
    a whole quiz cell, m made it Markdown), and arrows move within radios, selects and sliders."""
    open_notebook(page, lab, "keys.ipynb")
    run_all(page)
    block = current(page).locator(".cb-live .cb-quiz").first
    block.scroll_into_view_if_needed()
    block.locator(".cb-reset").click()  # fresh controls, whatever earlier tests answered
    block.locator(".cb-confirm-yes").click()
    page.wait_for_function("el => !el.disabled", arg=question(page, "demo-single").locator("input").first.element_handle())
    before = cells(page)
    controls = {"radio": question(page, "demo-single").locator("input[value=a]"),
                "checkbox": question(page, "demo-multiple").locator("input").first,
                "select": question(page, "demo-matching").locator("select").first,
                "text box": question(page, "demo-text").locator(".cb-input"),
                "ordering button": question(page, "demo-ordering").locator(".cb-down").first,
                "slider": current(page).locator(".cb-live .cb-explorer input[type=range]").first}
    for name, control in controls.items():
        control.scroll_into_view_if_needed()
        control.focus()  # focus in a cell makes it the active one: that is not a shortcut
        before = cells(page)
        for key in KEYS:
            control.focus()
            where = page.evaluate("() => [document.activeElement.outerHTML.slice(0, 80), !!document.activeElement.closest('[data-lm-suppress-shortcuts]')]")
            page.keyboard.press(key)
            assert cells(page) == before, f"{key} in the {name} reached the notebook ({where})"
            assert page.locator(".jp-Dialog").count() == 0, f"{key} in the {name} opened a dialog"
    # Arrows move the answer, as on the site.
    radio = question(page, "demo-single").locator("input[value=a]")
    radio.check()
    before = cells(page)
    page.keyboard.press("ArrowDown")
    checked = question(page, "demo-single").locator("input:checked").get_attribute("value")
    assert checked != "a" and cells(page) == before
    select = question(page, "demo-matching").locator("select").first
    select.select_option("")
    select.focus()
    before = cells(page)
    page.keyboard.press("ArrowDown")
    assert select.input_value() != "" and cells(page) == before
    slider = current(page).locator(".cb-live .cb-explorer input[type=range]").first
    start = slider.input_value()
    slider.focus()
    before = cells(page)
    page.keyboard.press("ArrowRight")
    assert float(slider.input_value()) == float(start) + 1 and cells(page) == before
    explorer = current(page).locator(".cb-live .cb-explorer").first
    assert explorer.locator("output").first.inner_text().startswith(slider.input_value())


def test_explorer_values_stay_visible_in_an_800_pixel_window(browser, lab):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        open_notebook(page, lab, "explorers.ipynb")
        run_all(page)
        page.set_viewport_size({"width": 800, "height": 900})  # the file browser stays open in JupyterLab
        page.wait_for_timeout(300)
        explorer = current(page).locator(".cb-live .cb-explorer").first
        explorer.scroll_into_view_if_needed()
        hidden = explorer.evaluate("""block => {
          const area = block.closest('.jp-OutputArea-output, .jp-OutputArea') || block;
          const edge = area.getBoundingClientRect().right;
          return [...block.querySelectorAll('output')].filter(o => o.getBoundingClientRect().right > edge + 1)
            .map(o => o.textContent);
        }""")
        assert not hidden, f"slider values past the output's edge: {hidden}"
        explorer.screenshot(path=str(SHOTS / lab.app / "explorer-800px.png"))
    finally:
        context.close()


def test_three_notebooks_answering_in_turn_lose_nothing(browser, lab):
    """Three notebooks open at once (three kernels, one progress file), answered in turn, then every
    kernel shut down: each answer is back after Run All, and every score label is right."""
    lab.start_clean()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pages = {}
    try:
        for name in PROGRESS:
            pages[name] = context.new_page()
            open_notebook(pages[name], lab, name)
            run_all(pages[name])
        wrong = {"b": "a", "a": "b"}
        for name, (bank, qid, key) in PROGRESS.items():  # a wrong answer in each, in turn
            question(pages[name], qid).locator(f"input[value={wrong[key]}]").check()
            check(pages[name], qid, "Not yet.")
        for name, (bank, qid, key) in PROGRESS.items():  # then the right one in each, in turn
            question(pages[name], qid).locator(f"input[value={key}]").check()
            check(pages[name], qid, "Correct.")
            wait_score(pages[name], qid, 1)
        def all_stored(data):
            banks = data.get("banks", {})
            return all(banks.get(b, {}).get(q, {}).get("attempts") == 2 for b, q, _ in PROGRESS.values())

        stored = stored_progress(lab.root / "book" / "coursebook-progress.json", all_stored)["banks"]
        for bank, qid, key in PROGRESS.values():
            assert stored[bank][qid]["best"] == 1 and stored[bank][qid]["attempts"] == 2, (bank, stored.get(bank))
        # The score label of the other block of the same bank, and after re-running one cell.
        one = pages["one.ipynb"]
        labels = current(one).locator(".cb-live .cb-score-value")
        assert labels.all_text_contents() == ["1", "1"]
        second = current(one).locator(".jp-CodeCell").nth(2)
        second.locator(".jp-InputPrompt").click()
        one.keyboard.press("Shift+Enter")
        idle(one)
        current(one).locator(".cb-live .cb-quiz.cb-ready").nth(1).wait_for(timeout=60000)
        one.wait_for_timeout(1000)  # a label drawn wrong and corrected later would show by now
        assert current(one).locator(".cb-live .cb-score-value").all_text_contents() == ["1", "1"]
        for page in pages.values():
            page.close()
        pages = {}
        lab.shut_down_kernels()  # tomorrow: new kernels, in any order
        for name in reversed(list(PROGRESS)):
            page = pages[name] = context.new_page()
            open_notebook(page, lab, name)
            run_all(page)
            bank, qid, key = PROGRESS[name]
            assert question(page, qid).locator(f"input[value={key}]").is_checked(), name
            assert "Correct." in question(page, qid).locator(".cb-feedback").inner_text()
            labels = current(page).locator(".cb-live .cb-score-value").all_text_contents()
            blocks = current(page).locator(".cb-live .cb-quiz").evaluate_all("bs => bs.map(b => b.className)")
            assert labels and all(label == "1" for label in labels), (name, labels, blocks)
    finally:
        context.close()
