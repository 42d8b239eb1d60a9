"""The GitHub workflows pass actionlint, so a typo fails here rather than after a push."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_workflows_lint_clean():
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is not installed: run make test (it installs the test extras)"
    files = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(files) >= 2
    completed = subprocess.run([actionlint, *files], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_deploy_workflow_publishes_pages():
    text = (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    for needle in ("actions/configure-pages", "actions/upload-pages-artifact", "path: _build/html",
                   "actions/deploy-pages", "pages: write", "id-token: write", "concurrency:", "_build/.jupyter_cache"):
        assert needle in text


def test_ci_runs_the_readme_command():
    readme, ci = (ROOT / "README.md").read_text(), (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("##")[0] and "make test" in ci
