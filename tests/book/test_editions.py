"""The default build is the student edition: nothing from answers/ reaches the published site."""

import pytest
import yaml

from tests.conftest import ROOT
from tests.helpers.exercises import NAMES, secret_texts

SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def site_text():
    if not (SITE / "index.html").exists():
        pytest.fail("the book is not built: run `make test` (it builds first) or `make book`")
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in SITE.rglob("*.html"))


@pytest.mark.site
def test_exercises_are_published(site_text):
    assert all((SITE / "exercises" / f"{name}.html").exists() for name in NAMES)
    assert not (SITE / "answers").exists()


@pytest.mark.site
@pytest.mark.parametrize("name", NAMES)
def test_no_solution_text_in_student_site(site_text, name):
    import html

    leaked = [s for s in secret_texts(name) if s in site_text or html.escape(s, quote=False) in site_text]
    assert not leaked, leaked[:3]


def test_publishing_workflow_releases_to_the_student_repository():
    """Instructor-only: the workflow that writes the release and pushes it with a deploy key (the
    script it runs is tested against an empty repository in test_publish.py)."""
    text = (ROOT / ".github" / "workflows" / "publish-student.yml").read_text()
    assert "branches: [main]" in text and "secrets.STUDENT_REPO_DEPLOY_KEY" in text
    assert "coursebook release --print-repository" in text and ".ci/publish-student" in text
    steps = [step.get("name") or step.get("uses") for step in yaml.safe_load(text)["jobs"]["publish"]["steps"]]
    assert steps.index("Check that the deploy key is configured") == 0
    # No actions/checkout of the students' repository: it cannot fetch an empty one.
    assert steps.count("actions/checkout@v6") == 1
