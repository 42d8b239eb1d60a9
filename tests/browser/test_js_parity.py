"""The browser's grader and models give exactly what Python gives, and hostile banks run nothing."""

import itertools
import json
import shutil

import pytest
from pydantic import TypeAdapter

from coursebook.models.explorers import EXPLORERS
from coursebook.quiz.model import Question
from coursebook.views.static import client_spec, quiz_html
from tests.browser.conftest import serve
from tests.conftest import ROOT
from tests.helpers.hostile import HOSTILE

VECTORS = json.loads((ROOT / "tests" / "vectors.json").read_text(encoding="utf-8"))
ASSETS = ROOT / "coursebook" / "views" / "assets"


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """A bare page with the site's asset and a hostile bank rendered by the static view."""
    folder = tmp_path_factory.mktemp("harness")
    for name in ("coursebook.js", "coursebook.css"):
        shutil.copy(ASSETS / name, folder / name)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>'
        '<link rel="stylesheet" href="coursebook.css"></head><body><main>'
        + quiz_html(HOSTILE, HOSTILE.questions) + '<script src="coursebook.js"></script></main></body></html>',
        encoding="utf-8")
    server = serve(folder)
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_grader_matches_python_on_every_vector(page, harness):
    page.goto(harness)
    specs = {key: client_spec(TypeAdapter(Question).validate_python(spec)) for key, spec in VECTORS["questions"].items()}
    results = page.evaluate(
        "([specs, cases]) => cases.map(c => CourseBook.grade(specs[c.question], c.response))",
        [specs, VECTORS["cases"]])
    mismatches = []
    for case, got in zip(VECTORS["cases"], results):
        if (got["verdict"], got["feedback"]) != (case["verdict"], case["feedback"]) or abs(got["score"] - case["score"]) > 1e-9:
            mismatches.append((case["question"], str(case["response"])[:30], got))
    assert not mismatches, mismatches


GRIDS = {
    "coercion": {"stake": [0, 10, 50, 99], "replaceable": [0, 20, 50, 100], "credibility": [0, 30, 60, 100],
                 "compliance_cost": [0, 20, 70, 100]},
    "chicken": {"a_win": [0, 4, 10], "a_backdown": [0, 3, 8], "a_crash": [0, 5, 20],
                "b_win": [0, 6, 10], "b_backdown": [2, 8], "b_crash": [1, 5, 10]},
    "revenue": {"customs_share": [0, 55, 60, 100], "pakistan_share": [0, 40, 45, 100], "lost": [0, 50, 100],
                "rerouted": [0, 33, 50, 100]},
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_models_match_python(page, harness, name):
    page.goto(harness)
    grid = GRIDS[name]
    inputs = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    expected = [EXPLORERS[name].compute(**point) for point in inputs]
    got = page.evaluate("([name, inputs]) => inputs.map(x => CourseBook.models[name](x))", [name, inputs])
    mismatches = [(point, e, g) for point, e, g in zip(inputs, expected, got) if e != g]
    assert len(inputs) > 100 and not mismatches, mismatches[:3]


def test_threshold_plot_matches_python(page, harness):
    from coursebook.models.explorers import threshold_svg

    page.goto(harness)
    grid = GRIDS["coercion"]
    inputs = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    outputs = [EXPLORERS["coercion"].compute(**point) for point in inputs]
    got = page.evaluate("outs => outs.map(o => CourseBook.thresholdSvg(o))", outputs)
    mismatches = [(o, g) for o, g in zip(outputs, got) if threshold_svg(o) != g]
    assert not mismatches, mismatches[:2]


def test_hostile_bank_shows_text_and_runs_nothing(page, harness):
    page.goto(harness)
    page.wait_for_selector(".cb-quiz.cb-ready")
    prompt = page.locator("#cb-h-1-prompt").inner_text()
    assert "<script>alert(1)</script>" in prompt
    assert "<img src=x onerror=alert(1)>" in page.locator(".cb-option").first.inner_text()
    page.locator("#cb-h-1-b").check()
    page.locator("#cb-h-1 .cb-check").click()
    feedback = page.locator("#cb-h-1 .cb-feedback")
    assert feedback.locator("a").count() == 0 or "javascript:" not in (feedback.locator("a").first.get_attribute("href") or "")
    page.locator("#cb-h-1-a").check()  # right: the explanation opens (never after a wrong answer)
    page.locator("#cb-h-1 .cb-check").click()
    assert "<iframe src=x>" in page.locator("#cb-h-1 .cb-explanation").inner_text()
    assert page.locator("main img, main iframe").count() == 0
    page.watch.check()  # no alert() dialog, no console error
