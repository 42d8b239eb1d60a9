"""`practice()` in a kernel: the kernel hands the page the candidates (the specs the site's page
gets), the stored states and Leitner records, and keeps what the page sends back, after checking
its shape; it builds no session itself (assets/quiz/practice.js does, tests/quiz/ and
tests/browser/test_practice_jupyter.py)."""

import json

from coursebook.quiz.bank import load_banks
from coursebook.views import static
from coursebook.views.practice import PracticeWidget, practice
from coursebook.views.progress import FILE_NAME, RECORDS, Progress
from tests.conftest import ROOT

BANKS = load_banks(ROOT / "book" / "quizzes")
RECORD = {"box": 2, "due": 3, "missed": False, "last": 1}


def wrong(question) -> dict:
    other = next(key for key in question.options if key not in question.correct_keys)
    return {"response": other, "best": 0.0, "attempts": 1, "hint": False, "explained": False,
            "closed": False, "revealed": False}


def singles(bank: str) -> list:
    return [q for q in BANKS[bank].questions if q.type == "single"]


def payload(markup: str) -> dict:
    start = markup.index('class="cb-payload">') + len('class="cb-payload">')
    return json.loads(markup[start:markup.index("</script>", start)])


def test_the_page_gets_every_question_of_the_opened_banks_with_the_sites_spec(tmp_path):
    lt = singles("leverage-theory")
    progress = Progress(tmp_path)
    progress.update("leverage-theory", {lt[0].id: wrong(lt[0])})
    progress.update(RECORDS, {f"leverage-theory/{lt[1].id}": RECORD})
    widget = practice(progress=progress)
    bank = BANKS["leverage-theory"]
    assert [q["key"] for q in widget.questions] == [f"leverage-theory/{q.id}" for q in bank.questions]
    for shown, question in zip(widget.questions, bank.questions, strict=True):
        assert payload(shown["html"])["questions"] == [static.client_spec(question)]
    assert widget.states == {"leverage-theory": {lt[0].id: wrong(lt[0])}}
    assert widget.records == {f"leverage-theory/{lt[1].id}": RECORD}
    assert widget.kind == "practice" and widget.size == 10 and widget.chapter == ""


def test_one_chapter_can_be_practised_before_any_answer(tmp_path):
    widget = practice("reverse-leverage", progress=Progress(tmp_path))
    assert {q["bank"] for q in widget.questions} == {"reverse-leverage"}
    assert widget.chapter == "reverse-leverage"


def test_nothing_answered_gives_the_page_no_candidates(tmp_path):
    assert practice(progress=Progress(tmp_path)).questions == []


def test_what_the_page_sends_is_kept_in_the_file_and_nothing_else(tmp_path):
    lt, rl = singles("leverage-theory"), singles("reverse-leverage")
    progress = Progress(tmp_path)
    progress.update("leverage-theory", {lt[0].id: wrong(lt[0])})
    widget = PracticeWidget(progress=progress)
    key = f"leverage-theory/{lt[0].id}"
    widget._on_message(widget, {"type": "practice", "records": {
        key: RECORD,
        f"leverage-theory/{lt[1].id}": {**RECORD, "box": 9},  # not a record: ignored
        f"reverse-leverage/{rl[0].id}": RECORD,  # not a candidate: ignored
        "../elsewhere": RECORD,
    }, "states": {
        "leverage-theory": {lt[2].id: wrong(lt[2]), "no-such-question": wrong(lt[2])},
        "reverse-leverage": {rl[0].id: wrong(rl[0])},  # not a candidate bank: ignored
        RECORDS: {key: wrong(lt[0])},
    }})
    again = Progress(tmp_path)  # a new kernel reads the file
    assert again.states(RECORDS) == {key: RECORD}
    assert again.states("leverage-theory") == {lt[0].id: wrong(lt[0]), lt[2].id: wrong(lt[2])}
    saved = json.loads((tmp_path / FILE_NAME).read_text())
    assert set(saved["banks"]) == {"leverage-theory", RECORDS}
    assert again.notice == ""  # records are not "damaged states" to the file's reader


def test_a_message_that_is_not_practice_changes_nothing(tmp_path):
    lt = singles("leverage-theory")
    progress = Progress(tmp_path)
    progress.update("leverage-theory", {lt[0].id: wrong(lt[0])})
    before = (tmp_path / FILE_NAME).read_text()
    widget = PracticeWidget(progress=progress)
    for junk in ("text", ["a"], {"type": "practice", "records": "x", "states": 3},
                 {"type": "save", "states": {lt[0].id: {}}}):
        widget._on_message(widget, junk)
    assert (tmp_path / FILE_NAME).read_text() == before
