"""`practice()` in a kernel: the session from the notebook's own progress file, the first try's
outcome written back to it (a new kernel reads it), the chapter states left as they were."""

import json

from coursebook.quiz.bank import load_banks
from coursebook.quiz.practice import DAY_MS
from coursebook.views.practice import RECORDS, practice, session
from coursebook.views.progress import FILE_NAME, Progress
from coursebook.views.widgets import QuizWidget
from tests.conftest import ROOT

BANKS = load_banks(ROOT / "book" / "quizzes")


def singles(bank: str) -> list:
    return [q for q in BANKS[bank].questions if q.type == "single"]


def wrong(question) -> dict:
    other = next(key for key in question.options if key not in question.correct_keys)
    return {"response": other, "best": 0.0, "attempts": 1, "hint": False, "explained": False,
            "closed": False, "revealed": False}


def right(question) -> dict:
    return {**wrong(question), "response": question.correct_keys[0], "best": 1.0, "explained": True,
            "closed": True}


def test_missed_questions_come_first_banks_taking_turns_and_the_outcome_is_kept(tmp_path):
    lt, rl = singles("leverage-theory"), singles("reverse-leverage")
    progress = Progress(tmp_path)
    progress.update("leverage-theory",
                    {lt[0].id: wrong(lt[0]), lt[1].id: wrong(lt[1]), lt[2].id: right(lt[2])})
    progress.update("reverse-leverage", {rl[0].id: wrong(rl[0])})
    box = practice(progress=progress)
    widgets = [child for child in box.children if isinstance(child, QuizWidget)]
    shown = [(w.bank.bank, next(iter(w.questions))) for w in widgets]
    assert shown[:3] == [("leverage-theory", lt[0].id), ("reverse-leverage", rl[0].id),
                         ("leverage-theory", lt[1].id)]
    assert (("leverage-theory", lt[2].id)) not in shown  # right an instant ago: not due yet
    assert len(shown) == 10

    first = widgets[0]
    first.check(lt[0].id, lt[0].correct_keys[0])  # right at the first try in practice
    again = Progress(tmp_path)  # a new kernel reads the file
    record = again.states(RECORDS)[f"leverage-theory/{lt[0].id}"]
    assert record["box"] == 2 and record["missed"] is False
    assert again.states("leverage-theory")[lt[0].id] == wrong(lt[0])  # the chapter's: untouched
    saved = json.loads((tmp_path / FILE_NAME).read_text())
    assert RECORDS in saved["banks"]


def test_a_day_later_the_right_answers_are_due(tmp_path):
    lt = singles("leverage-theory")
    progress = Progress(tmp_path)
    progress.update("leverage-theory", {lt[0].id: right(lt[0])})
    now = 1_000 * DAY_MS
    assert lt[0].id not in [i["question"].id for i in session(progress=progress, now=now)]
    later = session(progress=Progress(tmp_path), now=now + DAY_MS)
    assert later[0]["question"].id == lt[0].id and later[0]["group"] == "due"


def test_nothing_answered_says_so(tmp_path):
    box = practice(progress=Progress(tmp_path))
    assert "answer a chapter's questions first" in box.value
