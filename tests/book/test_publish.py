"""The publishing script the workflow runs, against an empty students' repository (a local bare
repository stands in for GitHub): the first publish works, and a second one with nothing new for
students pushes nothing. Instructor-only (not copied into the release)."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.release


def _git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_publish_into_an_empty_repository_then_nothing_when_unchanged(tmp_path):
    bare = tmp_path / "students.git"
    _git("init", "--quiet", "--bare", str(bare))
    assert _git("for-each-ref", cwd=bare) == "", "the students' repository starts empty"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("COURSEBOOK", "GIT_"))},
           "PYTHON": sys.executable}

    def publish():
        return subprocess.run([str(ROOT / ".ci" / "publish-student"), bare.as_uri(), str(tmp_path / "work"),
                               "--stock-exercises"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=1800)

    first = publish()
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    tag = (tmp_path / "work" / "RELEASE").read_text().strip()
    assert "Published" in first.stdout and tag.startswith("v")
    assert _git("tag", cwd=bare) == tag
    assert _git("rev-list", "--count", "main", cwd=bare) == "1"
    clone = tmp_path / "clone"
    _git("clone", "--quiet", "--branch", tag, bare.as_uri(), str(clone))
    assert (clone / "README.md").exists() and not (clone / "answers").exists()
    assert tag in (clone / "exercises" / "ex1a-coercion-threshold.ipynb").read_text()

    second = publish()
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "already up to date" in second.stdout
    assert _git("rev-list", "--count", "main", cwd=bare) == "1" and _git("tag", cwd=bare) == tag
