"""Commands fail with one clear line and a non-zero exit, never a traceback."""

import subprocess
import sys

from tests.conftest import ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "coursebook", *args], capture_output=True, text=True, cwd=cwd)


def test_check_banks_ok():
    completed = run("check-banks", "book/quizzes")
    assert completed.returncode == 0 and "all valid" in completed.stdout


def test_check_banks_reports_without_traceback():
    completed = run("check-banks", "tests/fixtures/bad_banks")
    assert completed.returncode == 1
    assert "unknown-key.yml:10: question 'q-typo': unknown key `feedbak`" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_execute_names_notebook_and_cell(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    completed = run("execute", str(path))
    assert completed.returncode == 1
    assert "broken.ipynb: cell 2 failed: ZeroDivisionError" in completed.stderr
    assert "Traceback" not in completed.stderr
