"""Attacks on the instructor's grader found by the fresh attack review, each with the property
it broke."""

import os
from pathlib import Path

import nbformat
import pytest
import numpy as np

from coursebook.classroom.exercise.checks import judge, load_check_file
from coursebook.classroom.grader import Limits, Status, Verdict, grade_submission
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=10, startup_grace=25)


def notebook(tmp_path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    path = tmp_path / "submission.ipynb"
    nbformat.write(nb, path)
    return path


def test_numpy_scalars_earn_what_check_gives_them(tmp_path):
    # check() refuses a NumPy float64 or str_ ("convert it with float(...)"); answers/README says
    # both refuse it. The extraction turned them into plain values, so the grader credited what
    # the student's own check() had called the wrong type.
    tasks = {task.id: task for task in CHECKS.tasks}
    share, group = np.float64(0.6) * np.float64(0.4), np.str_("TTP")
    assert not judge(tasks["share"], share).credit and not judge(tasks["group"], group).credit
    path = notebook(tmp_path, "import numpy as np",
                    "share = np.float64(0.6) * np.float64(0.4)\ngroup = np.str_('TTP')")
    result = grade_submission(path, CHECKS, LIMITS)
    assert result.status is Status.OK
    assert result.total == 0, result.tasks
    assert result.tasks["share"].verdict is Verdict.WRONG_TYPE
    assert result.tasks["share"].value_type == "float64"
    assert result.tasks["group"].verdict is Verdict.WRONG_TYPE


FLOOD = """
import sys, time
from IPython import get_ipython
chunk = 'x' * (1 << 20)
def flood(info):
    if '__coursebook_extract' in (info.raw_cell or ''):
        end = time.monotonic() + 12
        while time.monotonic() < end:
            print(chunk)
            sys.stdout.flush()
get_ipython().events.register('pre_run_cell', flood)
share = 0.24
"""

MEASURE = """
import resource, sys
import os
from pathlib import Path
from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader import Limits, grade_submission
checks = load_check_file(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
limits = Limits(cell_timeout=4, total_timeout=10, startup_grace=25)
result = grade_submission(Path(sys.argv[1]), checks, limits)
grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(result.status.value, result.total, grew // 1024)
"""


def test_output_during_the_extraction_cell_is_capped_too(tmp_path):
    # A pre_run_cell hook sees the extraction cell coming and prints for its whole budget: the
    # extraction cell's output was never capped, so the grader's process kept every byte (1 GB in
    # 10 s here; -j workers at once exhaust the instructor's memory) and the row still said ok.
    # (What remains is ZeroMQ's queue of unread messages: bounded, not kept.)
    import subprocess
    import sys

    path = notebook(tmp_path, FLOOD)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path),
                           str(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    status, _total, grew_mb = done.stdout.split()[-3:]
    assert int(grew_mb) < 400, f"the grader's memory grew by {grew_mb} MB ({status})"


def test_writes_to_the_submission_folder_are_bounded_in_total(tmp_path):
    # RLIMIT_FSIZE caps each file, but /submission was a bind of a folder on the instructor's disk:
    # file after file of the maximum size filled it (12 x 1 MB went through under a 1 MB limit).
    path = notebook(tmp_path, "import os\nwritten = 0\nfor i in range(12):\n    try:\n"
                    "        with open(f'/submission/f{i}', 'wb') as f:\n"
                    "            f.write(b'x' * (1 << 20))\n        written += 1\n"
                    "    except OSError:\n        break",
                    "share = 0.24 if written == 12 else None")
    limits = Limits(max_file_mb=1, total_timeout=20, startup_grace=25)
    result = grade_submission(path, CHECKS, limits, work_root=tmp_path / "w")
    assert result.status is Status.OK
    assert result.tasks["share"].points == 0, "12 MB written under a 1 MB file limit"
    assert "/submission and /tmp 1 MB each" in result.detail["disk_limit"]


@pytest.mark.parametrize("as_root", [True, False], ids=["root", "not-root"])
def test_writes_to_the_ipc_folder_are_bounded_in_total(tmp_path, monkeypatch, as_root):
    # /run/kernel is a tmpfs that bubblewrap mounts in the sandbox (--size, bubblewrap >= 0.7), for a
    # root grader and for one that is not: 40 files of 1 MB do not fit, whatever the file limit.
    from coursebook.classroom.grader import sandbox

    if not as_root:
        monkeypatch.setattr(sandbox, "_as_root", lambda: False)  # bwrap in a user namespace
    path = notebook(tmp_path, "import os\nwritten = 0\nfor i in range(40):\n    try:\n"
                    "        with open(f'/run/kernel/f{i}', 'wb') as f:\n"
                    "            f.write(b'x' * (1 << 20))\n        written += 1\n"
                    "    except OSError:\n        break\n"
                    "for i in range(40):\n    if os.path.exists(f'/run/kernel/f{i}'):\n"
                    "        os.remove(f'/run/kernel/f{i}')",  # room again for the answers file
                    "share = 0.24 if written == 40 else None")
    limits = Limits(max_file_mb=1, total_timeout=20, startup_grace=25)
    result = grade_submission(path, CHECKS, limits, work_root=tmp_path / "w")
    assert result.status is Status.OK
    assert "/run/kernel 10 MB (tmpfs)" in result.detail["disk_limit"]
    assert result.tasks["share"].points == 0, "40 MB written in /run/kernel"
    assert result.tasks["share"].verdict is Verdict.NOT_ANSWERED  # the answers file was read


def test_no_command_line_inside_names_the_instructors_folders(tmp_path):
    # /proc/1/cmdline (bwrap, pid 1 of the sandbox) showed the whole bwrap command: the
    # repository's, the venv's, the work root's and the IPC folder's real paths. bwrap now reads
    # its arguments from a descriptor. (/proc/self/mountinfo still lists the binds' sources: the
    # instructor's guide says so.)
    work = tmp_path / "instructors-work-root"
    probe = ("import os\nseen = ''\nfor pid in filter(str.isdigit, os.listdir('/proc')):\n"
             "    try:\n        seen += open(f'/proc/{pid}/cmdline').read()\n"
             "    except OSError:\n        pass\n"
             f"group = 'TTP' if {str(ROOT)!r} in seen or {str(work)!r} in seen else None\n"
             "share = 0.24 if 'bwrap' in seen else None")
    result = grade_submission(notebook(tmp_path, probe), CHECKS, LIMITS, work_root=work)
    assert result.status is Status.OK
    assert result.tasks["share"].points > 0, "the probe saw no bwrap: it proves nothing"
    assert result.tasks["group"].points == 0, "the kernel read the instructor's folder names"
