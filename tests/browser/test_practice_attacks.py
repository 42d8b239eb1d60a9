"""The Practice page and the offline site under attack: hostile progress files, a full or missing
localStorage, the instructor edition in a folder of the student's site, a deploy that changes the
assets of pages kept offline.

Properties asserted: no answer lost, no exception on any page, nothing replaced without asking,
a message naming what is wrong, nothing of the instructor edition kept by the student's worker.
"""

from __future__ import annotations

import json
import re
import shutil

from coursebook.book.service_worker import write_worker
from tests.helpers.practice import (
    CH1,
    CH2,
    CH3,
    DATA,
    answer,
    read_build,
    session_items,
    singles,
    summary_table,
    visit,
    worker_ready,
    wrong_key,
)

FILE = "coursebook-progress"


def spec_of(page: str, kind: str) -> dict:
    return next(q["spec"] for q in DATA["questions"] if q["page"] == page
                and q["spec"]["type"] == kind)


def progress_file(pages: dict, practice: dict | None = None, visits: dict | None = None) -> dict:
    return {"format": FILE, "version": 1, "book": DATA["book"], "exported": "2026-12-01T00:00:00Z",
            "pages": pages, "practice": practice or {}, "visits": visits or {}}


def state(response, attempts: int = 1, best: float = 0.0) -> dict:
    return {"response": response, "best": best, "attempts": attempts, "hint": False,
            "explained": False, "closed": False, "revealed": False}


def load(page, path) -> str:
    page.locator(".cb-practice-tools input[type=file]").set_input_files(str(path))
    message = page.locator(".cb-practice-message")
    page.wait_for_function("el => el.textContent !== ''", arg=message.element_handle())
    return message.inner_text()


def load_saying_yes(page, path) -> str:
    """Load a file; if the page asks whether to replace what is here, say yes; the message."""
    page.locator(".cb-practice-tools input[type=file]").set_input_files(str(path))
    message, confirm = page.locator(".cb-practice-message"), page.locator(".cb-practice-confirm")
    page.wait_for_function("([m, c]) => m.textContent !== '' || !c.hidden",
                           arg=[message.element_handle(), confirm.element_handle()])
    if confirm.is_visible():
        confirm.locator(".cb-confirm-yes").click()
        page.wait_for_function("m => m.textContent !== ''", arg=message.element_handle())
    return message.inner_text()


def open_practice(page, url: str) -> None:
    page.goto(f"{url}/book/practice.html")
    page.locator(".cb-practice-tools input[type=file]").wait_for(state="attached")


def test_a_file_with_answers_of_the_wrong_shape_is_refused_by_name(site_url, student, tmp_path):
    """Each field the chapter's quiz runtime reads back, given a type it cannot take: the file is
    refused naming the question, and no chapter page throws afterwards."""
    order, single, matching = spec_of(CH1, "ordering"), spec_of(CH1, "single"), \
        spec_of(CH1, "matching")
    hostile = {
        order["id"]: state('0"],[data-x="'),         # a string where a list of positions goes
        single["id"]: state({"__proto__": {"polluted": 1}}),
        matching["id"]: state([{"x": 1}, "<img src=x onerror=alert(1)>"]),
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(progress_file({CH1: hostile})))
    one = student()
    open_practice(one.page, site_url)
    said = load(one.page, path)
    assert "is damaged" in said and order["id"] in said, said
    assert one.page.locator(".cb-practice-message").get_attribute("role") == "alert"
    one.page.goto(f"{site_url}/{CH1}")
    one.page.locator(".cb-quiz.cb-ready").first.wait_for()
    assert one.page.evaluate("({}).polluted === undefined")
    assert not one.errors, one.errors


def test_prototype_keys_and_markup_in_ids_do_no_harm(site_url, student, tmp_path):
    single = singles(CH1)[0]
    pages = json.loads('{"__proto__": {"x": {"attempts": 1, "best": 1}}, "%s": {'
                       '"__proto__": {"attempts": 1, "best": 1, "response": null},'
                       '"constructor": {"attempts": 1, "best": 1, "response": null},'
                       '"<img src=x onerror=window.hit=1>": {"attempts": 1, "best": 0,'
                       ' "response": null}, "%s": {"attempts": 1, "best": 0, "response": "%s"}}}'
                       % (CH1, single["id"], wrong_key(single)))
    practice = json.loads('{"__proto__": {"box": 2, "due": 1, "last": 0, "missed": true}}')
    visits = json.loads('{"__proto__": {"at": 1, "q": {"__proto__": 5}}}')
    path = tmp_path / "proto.json"
    path.write_text(json.dumps(progress_file(pages, practice, visits)))
    one = student()
    open_practice(one.page, site_url)
    said = load(one.page, path)
    assert "Progress loaded" in said, said
    assert one.page.evaluate("({}).x === undefined && ({}).box === undefined && !window.hit")
    session_items(one.page)
    one.page.goto(f"{site_url}/{CH1}")
    one.page.locator(f"section#cb-{single['id']}.cb-incorrect").wait_for()
    assert one.page.evaluate("({}).attempts === undefined && !window.hit")
    assert not one.errors, one.errors


def fill_storage(page) -> None:
    """Fill this origin's localStorage to within a few characters of its quota."""
    page.evaluate("""() => {
        let i = 0;
        for (let size = 1 << 20; size >= 1; size = size >> 1) {
            const chunk = 'x'.repeat(size);
            for (;;) { try { localStorage.setItem('filler' + i++, chunk); } catch (e) { break; } }
        } }""")


def test_a_full_storage_loses_nothing_on_import(site_url, student, tmp_path):
    one = student()
    one.page.goto(f"{site_url}/{CH1}")
    answer(one.page, singles(CH1)[0]["id"], right=True)
    incoming = {CH2: {s["id"]: state(s["options"][0]) for s in singles(CH2)},
                CH3: {s["id"]: state(s["options"][0]) for s in singles(CH3)}}
    path = tmp_path / "bigger.json"
    path.write_text(json.dumps(progress_file(incoming)))
    open_practice(one.page, site_url)
    mine = summary_table(one.page)
    fill_storage(one.page)
    said = load_saying_yes(one.page, path)
    assert "Nothing was changed" in said and "storage" in said, said
    assert one.page.locator(".cb-practice-message").get_attribute("role") == "alert"
    one.page.reload()
    assert summary_table(one.page) == mine  # the answer given before is still there
    assert not one.errors, one.errors


def test_a_file_too_deep_to_store_is_refused(site_url, student, tmp_path):
    text, other = singles(CH1)[0], spec_of(CH1, "text")
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(progress_file({CH1: {other["id"]: state("DEEP")}}))
                    .replace('"DEEP"', deep))
    one = student()
    one.page.goto(f"{site_url}/{CH1}")
    answer(one.page, text["id"], right=True)
    open_practice(one.page, site_url)
    mine = summary_table(one.page)
    said = load_saying_yes(one.page, path)
    assert "Nothing was changed" in said, said
    one.page.reload()
    assert summary_table(one.page) == mine
    assert not one.errors, one.errors


OURS = "() => window.__errors.filter(e => /coursebook|practice|cb-offline|sw\\.js/.test(e))"


def test_without_localstorage_the_pages_still_work(site_url, student):
    """Storage turned off (the getter throws, as in Chromium with site data blocked). The theme's
    own inline script throws then (pydata-sphinx-theme, not ours); no script of the book does."""
    one = student()
    one.context.add_init_script("""Object.defineProperty(window, 'localStorage', {get() {
        throw new DOMException('The user has disabled storage', 'SecurityError'); }});
        window.__errors = [];
        addEventListener('error',
            e => __errors.push(e.filename + ':' + e.lineno + ' ' + e.message));
        addEventListener('unhandledrejection', e => __errors.push('practice? ' + e.reason));""")
    one.page.goto(f"{site_url}/{CH1}")
    answer(one.page, singles(CH1)[0]["id"], right=False)
    assert one.page.evaluate(OURS) == []
    one.page.goto(f"{site_url}/book/practice.html")
    one.page.locator(".cb-practice-session h2").wait_for()
    one.page.locator(".cb-practice-table").wait_for()
    assert one.page.evaluate(OURS) == []
    assert set(one.errors) <= {"The user has disabled storage"} | {
        e for e in one.errors if e.startswith("Got invalid theme mode")}, one.errors


def test_the_instructor_edition_in_a_folder_of_the_site_is_never_kept(own_site, student):
    """Student edition at /leverage-book/, instructor edition at /leverage-book/instructor/:
    the student's worker controls the instructor's pages but keeps none of their files."""
    url, folder = own_site["url"], own_site["folder"]
    teacher = folder / "instructor"
    shutil.copytree(folder, teacher, ignore=shutil.ignore_patterns("instructor"))
    mark = '<meta name="coursebook-edition" content="instructor">'
    for page in teacher.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'<script defer="defer" src="[^"]*cb-offline\.js[^"]*"></script>', "", text)
        page.write_text(text.replace("<head>", "<head>" + mark, 1), encoding="utf-8")
    (teacher / "_static" / "answers-only.js").write_text("window.answersOnly = 1;")
    ch1 = teacher / CH1
    ch1.write_text(ch1.read_text().replace(
        "</body>", '<script src="../_static/answers-only.js"></script></body>', 1))
    write_worker(teacher, "instructor", read_build(folder)["pages"])
    one = student()
    one.page.goto(f"{url}/{CH1}")
    worker_ready(one.page)
    one.page.goto(f"{url}/instructor/{CH1}")
    one.page.wait_for_function("window.answersOnly === 1")
    one.page.locator(".cb-quiz.cb-ready").first.wait_for()
    one.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    one.page.wait_for_function("[...document.images].every(i => i.complete)")
    kept = one.page.evaluate("""() => caches.keys().then(names => Promise.all(names.map(
        n => caches.open(n).then(c => c.keys()).then(rs => rs.map(r => r.url)))))
        .then(l => l.flat())""")
    assert f"{url}/{CH1}" in kept
    assert not [u for u in kept if "/instructor/" in u], [u for u in kept if "/instructor/" in u]


def test_after_a_deploy_the_kept_pages_work_offline_with_their_new_assets(own_site, student):
    """A deploy changes the quiz runtime (a new ?v= in every page). After the student accepts the
    update, the pages kept offline are the new ones: their new assets must be kept too."""
    one = student()
    url, folder = own_site["url"], own_site["folder"]
    visit(one.page, f"{url}/{CH1}")
    visit(one.page, f"{url}/{CH2}")
    runtime = folder / "_static" / "coursebook.js"
    runtime.write_text(runtime.read_text() + "\n/* second deploy */\n")
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"coursebook\.js\?v=\w+", "coursebook.js?v=deploy2", text),
                        encoding="utf-8")
    chapter = folder / CH1  # a figure redrawn: a new file name in this chapter only
    figure = re.search(r'src="\.\./(_images/(\w+)\.svg)"', chapter.read_text()).group(1)
    redrawn = figure.replace(".svg", "-2.svg")
    shutil.copy(folder / figure, folder / redrawn)
    chapter.write_text(chapter.read_text().replace(figure, redrawn))
    write_worker(folder, "student", read_build(folder)["pages"])
    one.page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    banner = one.page.locator(".cb-update")
    banner.wait_for()
    with one.page.expect_navigation():
        banner.locator("button").click()
    version = read_build(folder)["version"]
    one.page.wait_for_function("v => caches.keys().then(k => k.length === 1 && k[0].endsWith(v))",
                               arg=version, timeout=30_000)
    one.page.wait_for_function("navigator.serviceWorker.controller !== null")
    one.context.set_offline(True)
    own_site["server"].shutdown()
    own_site["server"].server_close()
    own_site["server"] = None
    one.page.goto(f"{url}/{CH1}")  # kept before the deploy, not opened since
    assert "coursebook.js?v=deploy2" in one.page.content()
    one.page.locator(".cb-quiz.cb-ready").first.wait_for(timeout=10_000)
    answer(one.page, singles(CH1)[0]["id"], right=True)
    shown = one.page.evaluate("u => fetch(u).then(r => r.ok).catch(() => false)",
                              f"{url}/{redrawn}")
    assert shown, f"{redrawn}, named by the new {CH1}, is not kept offline"


def test_a_deploy_waiting_for_the_student_does_not_feed_old_data_to_new_pages(own_site, student):
    """Old worker still in charge (the student has not accepted the update), new Practice page
    from the network: its questions must be the new deploy's, not the copy kept from the old."""
    one = student()
    url, folder = own_site["url"], own_site["folder"]
    visit(one.page, f"{url}/book/practice.html")
    one.page.locator(".cb-practice-table").wait_for()
    data_file = folder / "_static" / "practice-data.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    data["chapters"][0]["title"] = "Renamed by the second deploy"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    write_worker(folder, "student", read_build(folder)["pages"])
    one.page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    one.page.locator(".cb-update").wait_for()
    one.page.reload()
    one.page.locator(".cb-practice-table").wait_for()
    assert "Renamed by the second deploy" in one.page.locator(".cb-practice-table").inner_text()
    assert not one.errors, one.errors
