"""Progress is never lost: several kernels (processes) share one folder's progress file; a file
that is not progress is reported and kept aside, never silently replaced."""

import json
import subprocess
import sys

from coursebook.views.progress import FILE_NAME, Progress

STATE = {"response": "b", "best": 1, "attempts": 1, "hint": False, "explained": True, "closed": True,
         "revealed": False}

KERNEL = """
import sys
from pathlib import Path
from coursebook.views.progress import Progress
folder, bank, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
progress = Progress(folder)
progress.states(bank)  # what a notebook reads when its cells run
for number in range(count):
    state = {"response": str(number), "best": 0.5, "attempts": number + 1}
    progress.update(bank, {f"{bank}-q{number}": state})
"""


def test_three_kernels_answering_at_once_lose_nothing(tmp_path):
    kernels = [subprocess.Popen([sys.executable, "-c", KERNEL, str(tmp_path), bank, "40"])
               for bank in ("ch1", "ch2", "ch3")]
    assert [kernel.wait(timeout=120) for kernel in kernels] == [0, 0, 0]
    banks = json.loads((tmp_path / FILE_NAME).read_text())["banks"]
    assert {bank: len(states) for bank, states in banks.items()} == {"ch1": 40, "ch2": 40, "ch3": 40}
    assert not list(tmp_path.glob(".coursebook-progress-*"))  # no temporary file left behind


def test_a_kernel_started_earlier_does_not_write_back_its_old_copy(tmp_path):
    one, two = Progress(tmp_path), Progress(tmp_path)  # two notebooks, both run before any answer
    one.states("ch1"), two.states("ch2")
    one.update("ch1", {"q1": STATE})
    two.update("ch2", {"q2": STATE})
    one.update("ch1", {"q3": STATE})
    banks = Progress(tmp_path)
    assert set(banks.states("ch1")) == {"q1", "q3"} and set(banks.states("ch2")) == {"q2"}


def test_a_corrupt_file_is_kept_aside_and_reported(tmp_path):
    (tmp_path / FILE_NAME).write_text('{"banks": {"ch1": {"q1": ')  # a crash, an editor's half-save
    progress = Progress(tmp_path)
    assert progress.states("ch1") == {}
    kept = list(tmp_path.glob("coursebook-progress.unreadable-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == '{"banks": {"ch1": {"q1": '
    assert "not valid JSON" in progress.notice and kept[0].name in progress.notice
    progress.update("ch1", {"q2": STATE})
    (tmp_path / FILE_NAME).write_text("[]")  # and again: the first copy is not overwritten
    Progress(tmp_path).states("ch1")
    assert len(list(tmp_path.glob("coursebook-progress.unreadable-*.json"))) == 2


def test_a_hand_edited_file_keeps_its_readable_answers(tmp_path):
    edited = {"version": 1, "banks": {"ch1": {"q1": STATE, "q2": {**STATE, "best": 100}, "q3": "full marks"},
                                      "ch2": {"q4": STATE}}}
    (tmp_path / FILE_NAME).write_text(json.dumps(edited))
    progress = Progress(tmp_path)
    assert progress.states("ch1") == {"q1": STATE} and progress.states("ch2") == {"q4": STATE}
    assert "2 entries are not question states" in progress.notice
    (kept,) = tmp_path.glob("coursebook-progress.unreadable-*.json")
    assert json.loads(kept.read_text()) == edited  # the student's file, exactly as it was
    assert json.loads((tmp_path / FILE_NAME).read_text())["banks"]["ch1"] == {"q1": STATE}


def test_an_unwritable_folder_keeps_answers_in_the_kernel_and_says_so(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):  # a read-only folder (root ignores chmod, so the fault is injected)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("coursebook.views.progress.tempfile.mkstemp", refuse)
    progress = Progress(tmp_path)
    progress.update("ch1", {"q1": STATE})
    assert progress.current("ch1") == {"q1": STATE} and "not saved" in progress.notice
    assert not (tmp_path / FILE_NAME).exists()


def test_reading_leaves_no_file_behind(tmp_path):
    Progress(tmp_path).states("ch1")  # running a notebook (the book's build) with no answers yet
    assert list(tmp_path.iterdir()) == []
