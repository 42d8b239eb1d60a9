"""A live kernel: JupyterLab 4 and Notebook 7 on 127.0.0.1 run a notebook and the Python grader answers."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FRONT_ENDS = {"jupyterlab": "/lab/tree/book/quiz-demo.ipynb", "notebook": "/notebooks/book/quiz-demo.ipynb"}


@pytest.fixture(scope="module", params=sorted(FRONT_ENDS))
def lab(request, tmp_path_factory):
    app = request.param
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    # Work on a copy: JupyterLab saves notebooks, and the repository's files must stay untouched.
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "IPYTHONDIR": str(base / "ipython"), "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces")}
    port = free_port()
    log = open(base / "lab.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", app, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         "--IdentityProvider.token=", "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield url + FRONT_ENDS[app]
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_widget_quiz_graded_by_python(page, lab):
    page.goto(lab)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=60000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-KernelName, .jp-Toolbar-kernelName')].some(e => e.textContent.includes('Python'))",
        timeout=60000)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    radio = page.locator(".widget-radio-box label", has_text="Compellence").first
    radio.wait_for(timeout=60000)
    radio.click()
    page.locator(".jupyter-widgets button", has_text="Check").first.click()
    page.wait_for_selector(".jupyter-widgets >> text=Correct.", timeout=30000)
    explanation = page.locator(".jupyter-widgets", has_text="Deterrence protects the status quo").first
    assert explanation.is_visible()
    assert page.locator(".widget-html", has_text="Quiz demo: 1 of 6 points").first.is_visible()
