"""Commands fail with one clear line and a non-zero exit, never a traceback."""

import re
import signal
import subprocess
import sys
from importlib.metadata import version

import nbformat
import pytest

from coursebook.errors import ExecutionFailed
from tests.conftest import ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "coursebook", *args], capture_output=True, text=True, cwd=cwd)


def test_banks_check_ok():
    completed = run("banks", "check", "book/quizzes")
    assert completed.returncode == 0 and "all valid" in completed.stdout


def test_check_banks_still_works_and_says_where_it_moved():
    completed = run("check-banks", "book/quizzes")
    assert completed.returncode == 0 and "all valid" in completed.stdout
    assert "`coursebook banks check`" in completed.stderr


def test_check_banks_reports_without_traceback():
    completed = run("banks", "check", "tests/fixtures/bad_banks")
    assert completed.returncode == 1
    assert "unknown-key.yml:9:5: question 'q-typo': unknown key `feedbak`" in completed.stderr
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


def test_build_failure_names_notebook_and_cell(tmp_path):
    import nbformat

    from coursebook.book.build import _describe_failure

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "broken.ipynb")
    report = tmp_path / "_build" / "html" / "reports" / "book" / "broken.err.log"
    report.parent.mkdir(parents=True)
    report.write_text("nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n"
                      "------------------\n1 / 0\n------------------\n\n\x1b[31mZeroDivisionError\x1b[39m: division by zero\n")
    message = _describe_failure(tmp_path, tmp_path / "_build" / "html", report)
    assert "book/broken.ipynb: cell 3 failed: ZeroDivisionError: division by zero" in message


def test_execution_cache_emptied_when_the_engine_changes(tmp_path):
    from coursebook.book.build import refresh_execution_cache

    cache = tmp_path / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    refresh_execution_cache(tmp_path)  # no stamp yet: outputs may come from another engine
    assert not cache.exists()
    cache.mkdir()
    refresh_execution_cache(tmp_path)  # same engine and banks: the cache stays
    assert cache.exists()
    (tmp_path / "book" / "quizzes").mkdir(parents=True)
    (tmp_path / "book" / "quizzes" / "new.yml").write_text("bank: new\n")
    refresh_execution_cache(tmp_path)  # a bank changed: quiz outputs must be remade
    assert not cache.exists()


def test_a_kernel_that_does_not_start_is_one_line(tmp_path, capfd, monkeypatch):
    """Under load a kernel can miss its start-up time: one line naming the notebook, no traceback."""
    import json
    import sys

    from coursebook.book.execute import execute_notebook

    # A `python3` kernel that never answers stands in for a machine too busy to start one in time
    # (JUPYTER_PATH is searched before the installed kernels).
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    never = [sys.executable, "-c", "import time; time.sleep(60)", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": never, "display_name": "never starts", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    path = tmp_path / "slow.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, path)
    handlers = [signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)]
    with pytest.raises(ExecutionFailed) as caught:
        execute_notebook(path, startup_timeout=2)
    # nbclient left its own Ctrl-C handler behind when a kernel failed to start: every later
    # Ctrl-C in this process did nothing (a random-order run found it)
    assert [signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)] == handlers
    assert str(caught.value).startswith(f"{path}: the kernel did not start within 2 s")
    assert "\n" not in str(caught.value)
    assert "Traceback" not in capfd.readouterr().err


def test_version():
    completed = run("--version")
    assert completed.returncode == 0 and completed.stdout.strip() == f"coursebook, version {version('coursebook')}"


def test_help_lists_every_command_with_one_line():
    from coursebook.cli import main

    completed = run("--help")
    listing = completed.stdout.split("Commands:")[1]
    shown = dict(re.findall(r"^  (\S+)\s+(.+)$", listing, re.M))
    visible = {name for name, command in main.commands.items() if not command.hidden}
    assert set(shown) == visible and "check-banks" not in shown
    assert all(not line.endswith("...") for line in shown.values()), shown
    assert len(listing.strip().splitlines()) == len(visible)  # one line each


@pytest.mark.parametrize("args, words", [
    (("release",), "name the folder to write the release into"),
    (("grade",), "Missing argument 'SUBMISSIONS'"),
    (("banks", "chek"), "No such command 'chek'"),
    (("export", "--bogus"), "No such option '--bogus'"),
])
def test_usage_errors_are_one_line_with_where_to_look(args, words):
    completed = run(*args)
    assert completed.returncode == 2, completed.stderr
    (line,) = completed.stderr.strip().splitlines()
    assert line.startswith("error: ") and words in line and "--help`" in line

