"""The live view's JupyterLab 4 and Notebook 7 on 127.0.0.1: the notebooks each front end opens, the
server's handle, and the page helpers (the `lab` fixture is in tests/browser/conftest.py)."""

import json
import socket
import urllib.request

from tests.conftest import ROOT

SHOTS = ROOT / "_build" / "screenshots" / "live"
# `?reset`: a clean workspace each time, so no other notebook (or its dead kernel) comes back too.
FRONT_ENDS = {"jupyterlab": "/lab/tree/book/{name}?reset", "notebook": "/notebooks/book/{name}"}
EXPLORERS = ['explore("coercion")', 'explore("chicken", preset="donors-taliban")', 'explore("revenue")']


# Three notebooks in one folder, three kernels, one progress file: each shows a different bank, and
# the first shows one bank in two cells (for the score label after a re-run).
PROGRESS = {"one.ipynb": ("demo", "demo-single", "b"), "two.ipynb": ("leverage-theory", "lt-conditional-promise", "a"),
            "three.ipynb": ("reverse-leverage", "rl-premise", "a")}
NOTEBOOKS = {
    "one.ipynb": ["from coursebook import quiz", 'quiz("demo", "demo-single")', 'quiz("demo", "demo-text")'],
    "two.ipynb": ["from coursebook import quiz", 'quiz("leverage-theory", "lt-conditional-promise")'],
    "three.ipynb": ["from coursebook import quiz", 'quiz("reverse-leverage", "rl-premise")'],
    "keys.ipynb": ["from coursebook import quiz, explore", 'quiz("demo")', 'explore("coercion")'],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    def __init__(self, app, url, root):
        self.app, self.url, self.root = app, url, root

    def notebook_url(self, name):
        return self.url + FRONT_ENDS[self.app].format(name=name)

    def start_clean(self):
        """No kernel running and no stored answer, whatever an earlier test left (or failed in)."""
        self.shut_down_kernels()
        (self.root / "book" / "coursebook-progress.json").unlink(missing_ok=True)

    def shut_down_kernels(self):
        """What closing the notebook and coming back tomorrow does: the kernel is gone."""
        sessions = json.load(urllib.request.urlopen(f"{self.url}/api/sessions"))
        for session in sessions:
            request = urllib.request.Request(f"{self.url}/api/sessions/{session['id']}", method="DELETE")
            urllib.request.urlopen(request)


def open_notebook(page, lab, name):
    page.goto(lab.notebook_url(name), timeout=120_000)  # slow to load on a busy machine
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=60000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-KernelName, .jp-Toolbar-kernelName')]"
        ".some(e => e.textContent.includes('Python')) || document.querySelector('.jp-Dialog')", timeout=60000)
    dialog = page.locator(".jp-Dialog button", has_text="Select")
    if dialog.count():  # "Select Kernel" for a notebook whose last kernel is gone
        dialog.click()
    idle(page)


def idle(page):
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').filter(visible=True).first.wait_for(timeout=60000)


def current(page):
    """The notebook on show (the workspace may keep another one open in a hidden tab)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first


def run_all(page):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    try:
        current(page).locator(".cb-live .cb-ready").first.wait_for(timeout=60000)
    except Exception:
        page.screenshot(path=str(SHOTS / "run-all-failed.png"))
        raise
    idle(page)


def question(page, qid):
    return current(page).locator(f".cb-live .cb-question[data-qid='{qid}']")


def stored_progress(path, ready, timeout: float = 30.0) -> dict:
    """The progress file once `ready(data)` holds: the page grades at once, and the kernel writes
    what the page sent it a moment later (later still on a busy machine). A condition wait, never
    a sleep; on the deadline the last reading is returned for the test's own assertion to show."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # not written yet, or caught mid-replace
            data = {}
        if ready(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.1)
