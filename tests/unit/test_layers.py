"""The core never imports a view: grading and validation work without IPython or ipywidgets."""

import subprocess
import sys


def test_core_imports_no_widgets():
    code = ("import sys, coursebook.bank, coursebook.grading, coursebook.explorers, coursebook.static;"
            "bad = [m for m in ('ipywidgets', 'IPython') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
