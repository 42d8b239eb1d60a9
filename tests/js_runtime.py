"""Run the browser's quiz runtime and explorer models in Node, for tests (`tests/js_runtime.js`).

There is no second implementation in Python: where a test needs to know what a grade, a policy
step or a model gives, it asks the JavaScript the site and the live view run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from coursebook.views import bundle
from tests.conftest import ROOT

HARNESS = ROOT / "tests" / "js_runtime.js"


def run(calls: list[list[Any]], source: str | None = None) -> list[Any]:
    """Each call's result, in order; `source` replaces the built bundle (a mutated copy, say)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (it comes with npm, which `make` already needs)")
    text = source if source is not None else bundle.quiz_script() + "\n" + bundle.explorer_script()
    done = subprocess.run([node, str(HARNESS)], input=json.dumps({"bundle": text, "calls": calls}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
