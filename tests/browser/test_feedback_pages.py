"""The grader's feedback pages in Chromium: readable on a phone and in dark mode, nothing run from a submission."""

import pytest

from coursebook.classroom.grader.feedback import write_pages
from coursebook.classroom.grader.results import Verdict
from tests.helpers.grading import REAL_CHECKS, REAL_RUBRIC, row_for


@pytest.fixture
def pages(tmp_path):
    verdicts = {t.id: Verdict.INCORRECT for t in REAL_CHECKS.tasks}
    verdicts[REAL_CHECKS.tasks[0].id] = Verdict.CORRECT
    row = row_for(REAL_CHECKS, verdicts, written='<img src=x onerror="alert(1)"> =HYPERLINK("x")')
    write_pages([row], REAL_CHECKS, REAL_RUBRIC, 4, tmp_path)
    return tmp_path / "feedback" / f"{row.submission.key}.html", tmp_path / "instructor.html"


@pytest.mark.parametrize("width, scheme", [(1100, "light"), (1100, "dark"), (390, "light")])
def test_student_page_reads_well(browser, pages, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto(pages[0].as_uri())
    assert alerts == []  # the student's text is shown, never run
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    for task in REAL_CHECKS.tasks[1:]:
        assert page.get_by_text(task.hint).is_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    color = page.evaluate("getComputedStyle(document.body).color")
    assert (background, color) == (("rgb(30, 30, 30)", "rgb(221, 221, 221)") if scheme == "dark"
                                   else ("rgba(0, 0, 0, 0)", "rgb(0, 0, 0)"))
    context.close()


def test_instructor_page_shows_the_rubric_as_a_table(browser, pages):
    context = browser.new_context(viewport={"width": 1100, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(pages[1].as_uri())
    assert page.locator("table").first.locator("th").all_inner_texts() == ["Points", "Level", "What the answer does"]
    assert page.get_by_role("cell", name="Excellent").is_visible()
    link = page.get_by_role("link", name="page")
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(138, 180, 248)"  # readable on dark
    context.close()
