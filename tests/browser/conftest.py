"""One browser and one static server per test session, against the built site on 127.0.0.1.

Requests to any other host are blocked and recorded, so a page that reaches for a CDN fails.
Outside CI a missing browser skips these tests with a reason; in CI (CI=true) it is an error.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from tests.conftest import ROOT
from tests.helpers.jupyterlab import EXPLORERS, FRONT_ENDS, NOTEBOOKS, SHOTS, Lab, free_port

SITE = ROOT / "_build" / "html"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A page closed mid-download (the browser moves on once a test has what it needs) is not an
        # error; anything else still prints its traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(folder: Path):
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail("the book is not built: run `make test` (it builds first) or `make book`")
    server = serve(SITE)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "no chromium found (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it should not: requests to other hosts, console errors, failed loads."""

    def __init__(self):
        self.external, self.errors = [], []

    def check(self):
        assert not self.external, f"requests to other hosts: {self.external}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    watch = Watch()

    def route(route_, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route_.continue_()
        else:
            watch.external.append(request.url)
            route_.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and watch.errors.append(message.text))
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.on("dialog", lambda dialog: answer_dialog(dialog, watch))
    page.watch = watch
    yield page
    context.close()


def answer_dialog(dialog, watch) -> None:
    """"Leave this page?" is answered Leave, as a student reloading does (JupyterLab asks when a
    kernel message marked the notebook changed after its save; dismissing it would cancel the
    reload). Any other dialog is unexpected: recorded, and dismissed."""
    if dialog.type == "beforeunload":
        dialog.accept()
    else:
        watch.errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def student(browser):
    from tests.helpers.practice import Student  # here: the helper reads the built site on import

    made = []

    def make(**options) -> Student:
        made.append(Student(browser, **options))
        return made[-1]
    yield make
    for one in made:
        one.close()


@pytest.fixture
def own_site(tmp_path):
    """A copy of the built site on its own server (stoppable, changeable), under a project path
    as GitHub Pages serves a project's site: http://host/leverage-book/."""
    folder = tmp_path / "leverage-book"
    shutil.copytree(SITE, folder, ignore=shutil.ignore_patterns("reports", ".doctrees"))
    server = serve(tmp_path)
    url = f"http://127.0.0.1:{server.server_address[1]}/leverage-book"
    holder = {"folder": folder, "url": url, "server": server}
    yield holder
    if holder["server"] is not None:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", params=sorted(FRONT_ENDS))
def lab(request, tmp_path_factory):
    app = request.param
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    # Work on a copy: the front end saves notebooks and progress, the repository must stay untouched.
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    explorers = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from coursebook import explore")]
                                         + [nbformat.v4.new_code_cell(call) for call in EXPLORERS])
    explorers.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(explorers, root / "book" / "explorers.ipynb")
    for name, cells in NOTEBOOKS.items():
        made = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
        made.metadata["kernelspec"] = explorers.metadata["kernelspec"]
        nbformat.write(made, root / "book" / name)
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
    deadline = time.monotonic() + 300  # a loaded machine starts it slowly
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()  # reaped here, or its warning fails whichever test runs next
                log.close()
                pytest.fail(f"{app} did not start: {(base / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    (SHOTS / app).mkdir(parents=True, exist_ok=True)
    yield Lab(app, url, root)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
