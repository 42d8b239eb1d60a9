"""Page weight and time to a usable page: our site beside a default Jupyter Book 1 page built in the same run.

Prints figures; asserts nothing. Targets (issue 15), compressed bytes over the wire, everything a
first visit fetches (HTML, CSS, JS, images, fonts):
  a chapter without maths <= 400 KB; a chapter with maths <= 700 KB; a second chapter after the
  first (cached assets) <= 150 KB; plus the time until a quiz is clickable on a slow mobile link.
Issue 26: the Practice page's first visit (its questions' data included) < 300 KB; what offline
reading adds to every chapter (the service worker's registration) < 2 KB.

How: both sites are served from 127.0.0.1 by one server that gzips text (level 6, as GitHub Pages
and most hosts do) and sends `Cache-Control: max-age=600` (GitHub Pages' value). Chromium, through
the DevTools protocol, counts `encodedDataLength` (bytes on the wire, headers included) for every
response. The default book's MathJax, which it takes from a CDN, is answered from our vendored copy
of the same file (and counted); any other request to another host is blocked and reported.

Needs the built book (`make book`) and chromium. Run: .venv/bin/python benchmarks/page_weight.py [-v]
"""

from __future__ import annotations

import base64
import functools
import gzip
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import BROWSER_ARGS, chromium_path  # noqa: E402

SITE = ROOT / "_build" / "html"
MATHJAX = ROOT / "vendor" / "site" / "_static" / "mathjax"
TEXT = (".html", ".css", ".js", ".svg", ".json", ".txt", ".map")
SLOW_MOBILE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
KB = 1024
VERBOSE = "-v" in sys.argv  # list the largest responses of each measured visit


class GzipHandler(SimpleHTTPRequestHandler):
    """A static host as students meet one: gzip for text, a short cache lifetime for everything."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in TEXT and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build_default_book(folder: Path) -> Path:
    """`jupyter-book create` then `jupyter-book build`: the page a new project gets out of the box."""
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    subprocess.run([jb, "create", str(folder)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([jb, "build", str(folder)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder / "_build" / "html"


class Visit:
    """One browser profile (so a second page can reuse the first page's cache)."""

    def __init__(self, browser, throttle: bool = False):
        # Service workers off: a page the book's worker serves never reaches this page's network
        # log (the second-page figure would read 0); what the worker costs is printed on its own.
        self.context = browser.new_context(viewport={"width": 390, "height": 844},
                                           service_workers="block")
        self.blocked: list[str] = []
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        # Other hosts are intercepted through the DevTools protocol, not Playwright's routing, which would
        # switch the HTTP cache off (and with it the second-page measurement). Every other host is https.
        self.cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "https://*"}]})
        self.cdp.on("Fetch.requestPaused", self._route)
        if throttle:
            self.cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE)
        self.bytes: dict[str, float] = {}
        self.urls: dict[str, str] = {}
        self.cdp.on("Network.responseReceived", lambda e: self.urls.__setitem__(e["requestId"], e["response"]["url"]))
        self.cdp.on("Network.loadingFinished", lambda e: self.bytes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def _route(self, event):
        url, request_id = event["request"]["url"], event["requestId"]
        local = MATHJAX / url.split("/mathjax@3/es5/", 1)[1].split("?")[0] if "/mathjax@3/es5/" in url else None
        if local is not None and local.is_file():  # the default book's CDN MathJax: the same file, from our copy
            body = local.read_bytes()
            text = local.suffix in TEXT
            headers = {"Content-Type": "application/javascript" if text else "font/woff2", "Cache-Control": "max-age=600",
                       "Access-Control-Allow-Origin": "*", **({"Content-Encoding": "gzip"} if text else {})}
            self.cdp.send("Fetch.fulfillRequest", {
                "requestId": request_id, "responseCode": 200,
                "responseHeaders": [{"name": k, "value": v} for k, v in headers.items()],
                "body": base64.b64encode(gzip.compress(body, 6) if text else body).decode()})
        else:
            self.blocked.append(url)
            self.cdp.send("Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"})

    def open(self, url: str, ready: str | None = None) -> dict:
        """Bytes of this navigation (after scrolling to the end, so lazy images count) and timings."""
        self.bytes.clear()
        start = time.perf_counter()
        self.page.goto(url, wait_until="domcontentloaded")
        dom = time.perf_counter() - start
        usable = None
        if ready:
            self.page.wait_for_selector(ready, state="visible", timeout=180_000)
            usable = time.perf_counter() - start
        self.page.wait_for_load_state("load", timeout=180_000)
        loaded = time.perf_counter() - start
        self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        self.page.wait_for_load_state("networkidle", timeout=180_000)
        if VERBOSE:
            for request_id, size in sorted(self.bytes.items(), key=lambda item: -item[1])[:12]:
                print(f"      {size / KB:7.1f} KB  {self.urls.get(request_id, '?')[-90:]}")
        return {"bytes": sum(self.bytes.values()), "requests": len(self.bytes), "dom": dom, "usable": usable, "load": loaded}

    def close(self):
        self.context.close()


def weigh(browser, url: str, second: str | None = None) -> tuple[dict, dict | None, list[str]]:
    visit = Visit(browser)
    first = visit.open(url)
    then = visit.open(second) if second else None
    blocked = visit.blocked
    visit.close()
    return first, then, blocked


def time_to_usable(browser, url: str, ready: str | None, runs: int = 3) -> dict:
    results = []
    for _ in range(runs):
        visit = Visit(browser, throttle=True)
        results.append(visit.open(url, ready))
        visit.close()
    results.sort(key=lambda r: r["usable"] or r["load"])
    return results[len(results) // 2]  # the median run


def offline_cost() -> None:
    """What offline reading adds to a chapter (issue 26), gzip 6 as served."""
    def gz(data: bytes) -> float:
        return len(gzip.compress(data, 6)) / KB

    chapter = (SITE / "book" / "ch2-reverse-leverage.html").read_text(encoding="utf-8")
    tag = next(line for line in chapter.splitlines() if "cb-offline.js" in line).strip()
    review = chapter[chapter.index('<p class="cb-review-link">'):].split("</p>", 1)[0] + "</p>"
    registration = gz((SITE / "_static" / "cb-offline.js").read_bytes())
    rows = [
        ("cb-offline.js (registration, update notice), once per site", registration,
         "met" if registration < 2 else "MISSED"),
        ("its <script> tag, in every page", len(tag.encode()) / KB, "(raw)"),
        ("the Review this chapter link, in pages with quizzes", len(review.encode()) / KB, "(raw)"),
        ("sw.js, fetched by the browser once per site and version",
         gz((SITE / "sw.js").read_bytes()), ""),
        ("practice-data.json (the Practice page only)",
         gz((SITE / "_static" / "practice-data.json").read_bytes()), ""),
    ]
    print("\nOffline reading on every chapter (compressed; target: the registration < 2 KB)")
    for label, size, note in rows:
        print(f"  {label:60} {size:6.2f} KB  {note}")


def main() -> None:
    if not (SITE / "book" / "intro.html").exists():
        sys.exit("build the book first: make book")
    executable = chromium_path()
    if executable is None:
        sys.exit("no chromium found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="jb-default-"))
    try:
        print("Building a default Jupyter Book 1 (jupyter-book create + build) for comparison ...", flush=True)
        default_site = build_default_book(scratch / "book")
        ours, ours_url = serve(SITE)
        default, default_url = serve(default_site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
            rows = [
                ("our chapter without maths (ch2), first visit", f"{ours_url}/book/ch2-reverse-leverage.html", None, 400),
                ("our chapter with maths (ch1), first visit", f"{ours_url}/book/ch1-leverage-theory.html", None, 700),
                ("our intro, first visit", f"{ours_url}/book/intro.html", None, None),
                ("our practice page, first visit", f"{ours_url}/book/practice.html", None, 300),
                ("our ch2 after ch1 (cached assets)", f"{ours_url}/book/ch1-leverage-theory.html",
                 f"{ours_url}/book/ch2-reverse-leverage.html", 150),
                ("default JB1 intro, first visit", f"{default_url}/intro.html", None, None),
                ("default JB1 notebook page (maths), first visit", f"{default_url}/notebooks.html", None, None),
                ("default JB1 second page after the intro", f"{default_url}/intro.html", f"{default_url}/markdown.html", None),
            ]
            print(f"\nFirst-visit weight, compressed bytes on the wire (gzip 6), 390x844 window")
            print(f"  {'page':50} {'requests':>8} {'KB':>8}  target")
            for label, url, second, target in rows:
                first, then, blocked = weigh(browser, url, second)
                measured = then if then else first
                verdict = "" if target is None else f"<= {target} KB  {'met' if measured['bytes'] <= target * KB else 'MISSED'}"
                print(f"  {label:50} {measured['requests']:8} {measured['bytes'] / KB:8.1f}  {verdict}")
                if blocked:
                    print(f"  {'':50} (blocked {len(blocked)} request(s) to other hosts, not counted: {blocked[0]} ...)")

            offline_cost()

            print(f"\nTime to a usable page at a slow mobile profile (1.6 Mbit/s down, 150 ms latency), median of 3, cold cache")
            print(f"  {'page':50} {'DOM ready':>10} {'usable':>10} {'load':>8}")
            for label, url, ready in (
                ("our intro (no quiz: usable = load)", f"{ours_url}/book/intro.html", None),
                ("our ch1 (usable = first quiz's Check clickable)", f"{ours_url}/book/ch1-leverage-theory.html",
                 ".cb-quiz.cb-ready .cb-check"),
                ("default JB1 intro", f"{default_url}/intro.html", None),
            ):
                result = time_to_usable(browser, url, ready)
                usable = result["usable"] if result["usable"] is not None else result["load"]
                print(f"  {label:50} {result['dom']:9.1f}s {usable:9.1f}s {result['load']:7.1f}s")
            browser.close()
        for server in (ours, default):
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
