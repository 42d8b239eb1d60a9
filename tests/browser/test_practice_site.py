"""The Practice page and the offline site, in Chromium as a student meets them.

- Answers in two chapters, a day later (the page's clock moved), a session with the missed ones
  first and the chapters taking turns; option order new each session.
- Progress saved to a file and loaded into a fresh browser profile; foreign and damaged files
  refused with a message; a profile with progress asks before anything is replaced.
- Offline (Playwright's offline mode, and the server stopped too): every visited page, its quizzes
  and explorers work, an unvisited page shows the offline note with links to the visited ones.
- A new deploy (the worker rewritten for a changed site) replaces the cache, after the student
  accepts the update; the old cache is gone. An instructor page is never kept; the instructor
  edition's worker removes the caches and itself.

The offline and deploy tests serve their own copy of the built site (tmp_path), so that stopping
the server or changing files touches nothing shared.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from coursebook.book.service_worker import write_worker
from tests.browser.conftest import SITE
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
    wrong_key,
)

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
AXE = SITE.parents[1] / "vendor" / "axe-core" / "axe.min.js"
SHOTS = SITE.parent / "screenshots"


def answer_two_chapters(page, url: str) -> dict:
    """Chapter 1: one wrong, one right. Chapter 2: one wrong, one Show answer, one right."""
    ch1, ch2 = singles(CH1), singles(CH2)
    page.goto(f"{url}/{CH1}")
    answer(page, ch1[0]["id"], right=False)
    answer(page, ch1[1]["id"], right=True)
    page.goto(f"{url}/{CH2}")
    answer(page, ch2[0]["id"], right=False)
    answer(page, ch2[1]["id"], right=False, reveal=True)
    answer(page, ch2[2]["id"], right=True)
    return {"missed": [ch1[0]["id"], ch2[0]["id"], ch2[1]["id"]],
            "right": [ch1[1]["id"], ch2[2]["id"]]}


def test_a_day_later_the_session_holds_the_missed_ones_first_interleaved(site_url, student):
    one = student()
    one.context.clock.install(time=START)
    done = answer_two_chapters(one.page, site_url)
    a_day_later = datetime.fromtimestamp(START.timestamp() + 86_400 + 60, timezone.utc)
    one.context.clock.set_system_time(a_day_later)
    one.page.goto(f"{site_url}/book/practice.html")
    items = session_items(one.page)
    assert [i["group"] for i in items] == ["missed"] * 3 + ["due"] * 2 + ["new"] * 5
    assert [i["qid"] for i in items[:3]] == done["missed"]  # ch1's, then ch2's: chapters take turns
    assert [i["chapter"] for i in items[:2]] == [f"{site_url}/{CH1}", f"{site_url}/{CH2}"]
    assert [i["qid"] for i in items[3:5]] == done["right"]  # right a day ago: due again
    new_chapters = [i["chapter"] for i in items[5:]]
    assert set(new_chapters) == {f"{site_url}/{CH1}", f"{site_url}/{CH2}"}  # the opened ones only
    assert all(a != b for a, b in zip(new_chapters, new_chapters[1:]))
    # The same runtime and policy: right at the first try closes it and explains.
    first = one.page.locator(".cb-practice-item").first
    first_spec = next(s for s in singles(CH1) if s["id"] == items[0]["qid"])
    first.locator(f'input[value="{first_spec["correct"][0]}"]').check()
    first.locator(".cb-check").click()
    first.locator(".cb-question.cb-correct.cb-closed .cb-explanation").wait_for()
    rows = summary_table(one.page)
    title, count = DATA["chapters"][0]["title"], DATA["chapters"][0]["questions"]
    assert rows[0] == [f"{title} ({count} questions)", "2", "1", "1"]  # 2 answered, 1 due
    chart = one.page.locator(".cb-practice-chart").get_attribute("aria-label")
    assert f"2 answered, 1 right first time, 1 due, of {count}" in chart  # the table's figures
    # A new order of the options each session.
    still_missed = items[1]["qid"]
    orders = {items[1]["options"]}
    for _ in range(5):
        one.page.locator(".cb-practice-new").click()
        orders.add(next(i["options"] for i in session_items(one.page) if i["qid"] == still_missed))
    assert len(orders) > 1
    # "Review this chapter" at the end of a chapter: a session from that chapter only.
    one.page.goto(f"{site_url}/{CH2}")
    one.page.locator(".cb-review-link a").click()
    chapters = {i["chapter"] for i in session_items(one.page)}
    assert chapters == {f"{site_url}/{CH2}"}
    assert not one.errors, one.errors


def test_the_page_loads_its_scripts_and_schedules_with_the_runtimes_scheduler(site_url, student):
    """The Practice page's script is published and takes its scheduler from coursebook.js: a
    question missed in a chapter comes first, and right at the first try it climbs to box 2."""
    one = student()
    spec = singles(CH1)[0]
    one.page.goto(f"{site_url}/{CH1}")
    answer(one.page, spec["id"], right=False)
    one.page.goto(f"{site_url}/book/practice.html")
    items = session_items(one.page)
    assert (items[0]["qid"], items[0]["group"]) == (spec["id"], "missed")
    first = one.page.locator(".cb-practice-item").first
    first.locator(f'input[value="{spec["correct"][0]}"]').check()
    first.locator(".cb-check").click()
    first.locator(".cb-question.cb-correct.cb-closed .cb-explanation").wait_for()
    records = one.page.evaluate("""() => Object.entries(localStorage)
        .filter(([k]) => k.startsWith('coursebook-practice:')).map(([, v]) => JSON.parse(v))""")
    key = next(q["key"] for q in DATA["questions"] if q["page"] == CH1 and q["spec"] is spec)
    assert [r[key]["box"] for r in records] == [2]
    assert not one.errors, one.errors  # a script missing from the build is a 404 here


def test_progress_saved_to_a_file_loads_into_a_fresh_profile(site_url, student, tmp_path):
    one = student(accept_downloads=True)
    answer_two_chapters(one.page, site_url)
    one.page.goto(f"{site_url}/book/practice.html")
    session_items(one.page)
    before = summary_table(one.page)
    with one.page.expect_download() as download:
        one.page.locator(".cb-practice-save").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["format"] == "coursebook-progress"

    fresh = student()
    fresh.page.goto(f"{site_url}/book/practice.html")
    fresh.page.locator(".cb-practice-tools input[type=file]").wait_for(state="attached")
    assert summary_table(fresh.page) != before
    # Refused, with a clear message and nothing changed: a foreign file, a damaged one.
    foreign, damaged = tmp_path / "notes.json", tmp_path / "cut.json"
    foreign.write_text('{"some": "other app"}')
    damaged.write_text(saved.read_text()[:200])
    upload = fresh.page.locator(".cb-practice-tools input[type=file]")
    message = fresh.page.locator(".cb-practice-message")
    upload.set_input_files(str(foreign))
    message.filter(has_text="is not a progress file saved by this book").wait_for()
    assert message.get_attribute("role") == "alert"
    upload.set_input_files(str(damaged))
    message.filter(has_text="not readable JSON").wait_for()
    broken = json.loads(saved.read_text())
    first_page = next(iter(broken["pages"]))
    broken["pages"][first_page][next(iter(broken["pages"][first_page]))]["best"] = 7
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    upload.set_input_files(str(tmp_path / "broken.json"))
    message.filter(has_text="is damaged").wait_for()
    other = json.loads(saved.read_text()) | {"book": "Another book"}
    (tmp_path / "other.json").write_text(json.dumps(other))
    upload.set_input_files(str(tmp_path / "other.json"))
    message.filter(has_text="holds progress for another book").wait_for()
    assert summary_table(fresh.page) != before
    upload.set_input_files(str(saved))
    message.filter(has_text="Progress loaded").wait_for()
    assert summary_table(fresh.page) == before
    fresh.page.goto(f"{site_url}/{CH1}")
    fresh.page.locator(f"section#cb-{singles(CH1)[1]['id']}.cb-correct.cb-closed").wait_for()

    # A profile with progress of its own is asked first; "keep" keeps it.
    other_student = student()
    other_student.page.goto(f"{site_url}/{CH3}")
    answer(other_student.page, singles(CH3)[0]["id"], right=True)
    other_student.page.goto(f"{site_url}/book/practice.html")
    mine = summary_table(other_student.page)
    other_student.page.locator(".cb-practice-tools input[type=file]").set_input_files(str(saved))
    other_student.page.locator(".cb-practice-confirm .cb-confirm-no").click()
    said = other_student.page.locator(".cb-practice-message")
    said.filter(has_text="Nothing was changed").wait_for()
    assert summary_table(other_student.page) == mine
    other_student.page.locator(".cb-practice-tools input[type=file]").set_input_files(str(saved))
    other_student.page.locator(".cb-practice-confirm .cb-confirm-yes").click()
    other_student.page.locator(".cb-practice-message").filter(has_text="Progress loaded").wait_for()
    assert summary_table(other_student.page) == before
    for who in (one, fresh, other_student):
        assert not who.errors, who.errors


def cache_names(page) -> list[str]:
    return page.evaluate("caches.keys()")


def test_offline_every_visited_page_quiz_and_explorer_works(own_site, student):
    one = student()
    url = own_site["url"]
    for path in (CH1, CH2, "book/practice.html"):
        visit(one.page, f"{url}/{path}")
    session_items(one.page)
    one.context.set_offline(True)
    own_site["server"].shutdown()
    own_site["server"].server_close()
    own_site["server"] = None

    one.page.goto(f"{url}/{CH1}")
    answer(one.page, singles(CH1)[0]["id"], right=True)
    explorer = one.page.locator(".cb-explorer.cb-ready").first
    before = explorer.locator(".cb-results").inner_text()
    explorer.locator("input[type=range]").first.fill("0")
    one.page.wait_for_function("([el, old]) => el.innerText !== old",
                               arg=[explorer.locator(".cb-results").element_handle(), before])
    one.page.goto(f"{url}/{CH2}")
    answer(one.page, singles(CH2)[0]["id"], right=False)
    one.page.goto(f"{url}/book/practice.html")
    assert len(session_items(one.page)) == 10
    assert not one.errors, one.errors  # nothing the visited pages need is missing offline

    one.page.goto(f"{url}/{CH3}")
    note = one.page.locator("main.cb-offline-note")
    note.wait_for()
    assert "has not been opened on this device yet" in note.inner_text()
    links = note.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {f"{url}/{CH1}", f"{url}/{CH2}", f"{url}/book/practice.html"} <= set(links)
    assert f"{url}/{CH3}" not in links
    SHOTS.mkdir(parents=True, exist_ok=True)
    one.page.screenshot(path=str(SHOTS / "offline-note.png"))
    note.locator(f'a[href="{url}/{CH1}"]').click()
    one.page.locator(".cb-quiz.cb-ready").first.wait_for()


def test_a_new_deploy_replaces_the_cache_after_the_student_accepts(own_site, student):
    one = student()
    url, folder = own_site["url"], own_site["folder"]
    visit(one.page, f"{url}/{CH1}")
    visit(one.page, f"{url}/{CH2}")
    old = cache_names(one.page)
    assert old == [f"coursebook:{url}/:{read_build(folder)['version']}"]
    other_book = f"coursebook:{url.rsplit('/', 1)[0]}/other-book/:v1"  # same host, another project
    one.page.evaluate("name => caches.open(name).then(() => true)", other_book)

    chapter = folder / CH2
    deployed = "<p id='deployed'>Second deploy</p></main>"
    chapter.write_text(chapter.read_text().replace("</main>", deployed, 1))
    write_worker(folder, "student", read_build(folder)["pages"])  # the build's last step
    new_version = read_build(folder)["version"]
    assert not old[0].endswith(new_version)

    one.page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    banner = one.page.locator(".cb-update")
    banner.wait_for()
    assert "A new version of this book is ready" in banner.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    one.page.screenshot(path=str(SHOTS / "update-ready.png"))
    assert old[0] in cache_names(one.page)  # nothing removed before the student says so
    with one.page.expect_navigation():
        banner.locator("button").click()
    new = f"coursebook:{url}/:{new_version}"
    one.page.wait_for_function("names => caches.keys().then(k => k.sort().join() === names.join())",
                               arg=sorted([new, other_book]), timeout=30_000)  # old gone, other kept
    has_new = one.page.evaluate("""([name, u]) => caches.open(name).then(c => c.match(u))
        .then(r => r.text()).then(t => t.includes('Second deploy'))""", [new, f"{url}/{CH2}"])
    assert has_new  # the page kept offline is the new one, fetched past the HTTP cache
    has_ch1 = one.page.evaluate("u => caches.match(u).then(r => !!r)", f"{url}/{CH1}")
    assert has_ch1  # every page kept before is kept again
    assert not one.errors, one.errors


def test_an_instructor_page_is_never_kept_and_its_worker_removes_itself(own_site, student):
    one = student()
    url, folder = own_site["url"], own_site["folder"]
    (folder / "answers").mkdir()
    solved = (folder / CH1).read_text()
    (folder / "answers" / "ex1a-coercion-threshold.html").write_text(solved)
    mark = '<meta name="coursebook-edition" content="instructor">'
    marked = solved.replace("<head>", "<head>" + mark, 1)
    (folder / CH3).write_text(marked)  # a student page's path, but the instructor edition's page
    visit(one.page, f"{url}/{CH1}")
    for path in ("answers/ex1a-coercion-threshold.html", CH3):
        one.page.goto(f"{url}/{path}")
        one.page.locator(".cb-quiz.cb-ready").first.wait_for()
        one.page.wait_for_function("navigator.serviceWorker.controller !== null")
    kept = one.page.evaluate("() => caches.keys().then(k => caches.open(k[0])).then(c => c.keys())"
                             ".then(rs => rs.map(r => r.url))")
    assert f"{url}/{CH1}" in kept
    assert not [u for u in kept if "answers/" in u or u.endswith(CH3)], kept

    write_worker(folder, "instructor", read_build(folder)["pages"])
    one.page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    one.page.wait_for_function("""() => caches.keys().then(k => k.length === 0)""", timeout=30_000)
    one.page.wait_for_function("""() => navigator.serviceWorker.getRegistration().then(r => !r)""",
                               timeout=30_000)




def test_practice_page_in_light_and_dark_on_a_phone_and_a_desktop(site_url, student):
    """axe finds nothing serious with a session open and an answer checked; screenshots."""
    one = student()
    answer_two_chapters(one.page, site_url)
    saved = one.page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for name, viewport in (("phone", {"width": 390, "height": 844}),
                               ("desktop", {"width": 1280, "height": 900})):
            view = student(color_scheme=scheme)
            view.page.set_viewport_size(viewport)
            view.context.add_init_script(
                "const s = %s; if (!localStorage.length) "
                "for (const k in s) localStorage.setItem(k, s[k]);" % saved)
            view.page.goto(f"{site_url}/book/practice.html")
            items = session_items(view.page)
            first = view.page.locator(".cb-practice-item").first
            spec = next(q["spec"] for q in DATA["questions"] if q["spec"]["id"] == items[0]["qid"])
            first.locator(f'input[value="{wrong_key(spec)}"]').check()
            first.locator(".cb-check").click()
            first.locator(".cb-feedback strong").wait_for()
            view.page.add_style_tag(content="* { transition: none !important; }")
            assert view.page.evaluate("document.documentElement.dataset.theme") == scheme
            view.page.add_script_tag(path=str(AXE))
            # preload off: axe's own re-fetch of @import'ed sheets resolves the theme's
            # "../basic.css" against the page when the sheet came from the service worker (a 404
            # only axe asks for).
            violations = view.page.evaluate("""async () => (await axe.run(document,
                    {resultTypes: ['violations'], preload: false}))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target)}`)""")
            assert violations == [], f"{name} {scheme}"
            widths = view.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], f"{name} {scheme}: the page is wider than the screen"
            view.page.evaluate("window.scrollTo(0, 0)")
            view.page.screenshot(path=str(SHOTS / f"practice-{name}-{scheme}-top.png"))
            first.scroll_into_view_if_needed()
            view.page.screenshot(path=str(SHOTS / f"practice-{name}-{scheme}-question.png"))
            view.page.locator(".cb-practice-progress").scroll_into_view_if_needed()
            view.page.screenshot(path=str(SHOTS / f"practice-{name}-{scheme}-progress.png"))
            assert not view.errors, view.errors
