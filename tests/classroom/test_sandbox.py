"""Hostile kernels against the sandboxed grader: properties, not messages.

Every attack notebook (`tests/fixtures/grading/make_kernel_attacks.py`) answers nothing honestly,
so any credit is unearned. They run two at a time (as `grade -j 2` does), beside honest
submissions, with a listener on the host's loopback, a decoy results folder and a secret in the
grader's environment. After the run: a row for each, no unearned credit, nothing outside touched,
no process left, and the grader still here.
"""

import hashlib
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader import Limits, Status, SubmissionResult, grade_submission, sandbox_problem
from tests.conftest import ROOT
from tests.fixtures.grading.make_kernel_attacks import ATTACKS, INNOCENT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
SUBMISSIONS = FIXTURE / "submissions"
CHECKS = load_check_file(FIXTURE / "answers" / "checks" / "ex0-fixture.yml")
LIMITS = Limits(cell_timeout=4, total_timeout=8, startup_grace=25)
SECRET = "0.24"  # the `share` answer, planted in the grader's environment

ENDS_IN_TIME = {"k-swallow-interrupt", "k-ignore-sigint", "k-busy-in-c", "k-fork-bomb", "k-stop-self"}
# student -> statuses the row may have. Totals: attacks 0, innocent 5 (full marks).
EXPECTED = {name: {Status.OK, Status.ERRORS} for name in ATTACKS}
EXPECTED.update({name: {Status.TIMEOUT} for name in ENDS_IN_TIME})
EXPECTED.update({"k-kill-everything": {Status.CRASHED, Status.ERRORS, Status.OK},
                 "k-stop-every-pid": {Status.OK, Status.TIMEOUT},
                 "k-huge-single-output": {Status.OUTPUT_LIMIT, Status.MEMORY},
                 "k-memory-children": {Status.OK, Status.ERRORS},
                 "k-sibling-kernel": {Status.OK, Status.ERRORS, Status.TIMEOUT}})
EXPECTED.update({name: {Status.OK} for name in INNOCENT})
HONEST = ["perfect", "partial"]



def test_bubblewrap_works_here():
    assert sandbox_problem() == ""  # .ci/run installs it; the README says how


def snapshot(paths) -> dict[str, str]:
    """Every file and folder under `paths` with a hash of its content (None for a folder)."""
    seen = {}
    for top in map(Path, paths):
        for path in sorted([top, *top.rglob("*")] if top.is_dir() else [top]):
            if "__pycache__" in path.parts:
                continue  # written by this very test run's imports
            if path.is_file():
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.exists():
                seen[str(path)] = None
    return seen


def leftover_processes(work_root: Path) -> list[str]:
    """Processes a submission could have left: the attacks' markers, or anything of this test's sandboxes."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            comm = Path(entry.path, "comm").read_text().strip()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        try:  # bwrap takes its arguments from a descriptor: it is found by the folder it started in
            cwd = os.readlink(Path(entry.path, "cwd"))
        except OSError:
            cwd = ""
        if comm.startswith("cbattack") or "sleep 606" in cmdline or str(work_root) in cmdline + cwd:
            found.append(f"{entry.name} {comm} {cmdline[:120]}")
    return found


class Listener:
    """TCP listeners on the host (loopback and all interfaces) that record any connection."""

    def __init__(self):
        self.hits, self.sockets = [], []
        for host, port in (("127.0.0.1", 47613), ("0.0.0.0", 47614)):
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((host, port))
            server.listen()
            server.settimeout(0.5)
            self.sockets.append(server)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop.is_set():
            for server in self.sockets:
                try:
                    conn, peer = server.accept()
                    self.hits.append(peer)
                    conn.close()
                except OSError:
                    pass

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for server in self.sockets:
            server.close()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    decoys = tmp_path_factory.mktemp("instructor") / "results"
    decoys.mkdir()
    (decoys / "decoy-alice.json").write_text('{"total": 5}')
    bashrc = Path(os.path.expanduser("~/.bashrc"))
    watched = [FIXTURE, ROOT / "answers", decoys, bashrc]
    before = snapshot(watched)
    bashrc_text = bashrc.read_bytes() if bashrc.exists() else None
    listener = Listener()
    work_root = tmp_path_factory.mktemp("sandboxes")
    os.environ["COURSEBOOK_TEST_SECRET"] = SECRET
    names = [*EXPECTED, *HONEST]
    try:
        def grade(name):
            return grade_submission(SUBMISSIONS / f"{name}.ipynb", CHECKS, LIMITS, work_root=work_root)

        with ThreadPoolExecutor(2) as pool:
            results = dict(zip(names, pool.map(grade, names)))
    finally:
        os.environ.pop("COURSEBOOK_TEST_SECRET", None)
        listener.close()
        after = snapshot(watched)
        if bashrc_text is not None and bashrc.read_bytes() != bashrc_text:
            bashrc.write_bytes(bashrc_text)  # undo a successful attack on the machine running the tests
    time.sleep(1)  # a process that outlived its sandbox would still be there a second later
    return results, before, after, listener.hits, leftover_processes(work_root), work_root


def test_corpus_size():
    assert len(ATTACKS) + len(INNOCENT) >= 25
    assert all((SUBMISSIONS / f"{name}.ipynb").is_file() for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_row(attacked, name):
    results, *_ = attacked
    result = results[name]
    assert isinstance(result, SubmissionResult) and result.sandboxed
    assert result.status in EXPECTED[name], (result.status, result.detail)
    assert result.total == (5 if name in INNOCENT else 0), {k: v.verdict for k, v in result.tasks.items()}


def test_honest_neighbours_keep_their_grades(attacked):
    results, *_ = attacked
    assert (results["perfect"].status, results["perfect"].total) == (Status.OK, 5)
    assert (results["partial"].status, results["partial"].total) == (Status.OK, 3)


def test_nothing_outside_written(attacked):
    _, before, after, *_ = attacked
    assert {k: v for k, v in after.items() if before.get(k, "new") != v} == {}
    assert set(before) == set(after)


def test_no_connection_reached_the_host(attacked):
    *_, hits, _, _ = attacked
    assert hits == []


def test_no_process_left(attacked):
    *_, left, _ = attacked
    assert left == []


def test_no_sandbox_folder_left(attacked):
    *_, work_root = attacked
    assert list(work_root.iterdir()) == []


def test_hard_limit_kills_a_kernel_that_ignores_interrupts(attacked):
    results, *_ = attacked
    for name in ("k-swallow-interrupt", "k-ignore-sigint", "k-busy-in-c", "k-stop-self"):
        assert results[name].seconds < LIMITS.hard_timeout + 15, (name, results[name].seconds)


def grade_pair(first: str, second: str, *, sandbox: bool = True):
    """Grade two submissions at once (as -j 2 does), the second starting while the first runs."""
    with ThreadPoolExecutor(2) as pool:
        one = pool.submit(grade_submission, SUBMISSIONS / f"{first}.ipynb", CHECKS, LIMITS, sandbox=sandbox)
        time.sleep(1)
        two = pool.submit(grade_submission, SUBMISSIONS / f"{second}.ipynb", CHECKS, LIMITS, sandbox=sandbox)
        return one.result(), two.result()


def test_a_kernel_cannot_reach_its_running_neighbour():
    neighbour, thief = grade_pair("k-slow-neighbour", "k-sibling-kernel")
    assert (neighbour.status, neighbour.total) == (Status.OK, 5)
    assert thief.total == 0


def test_timeout_policy_keep(tmp_path):
    nb = (SUBMISSIONS / "infinite-loop.ipynb")
    kept = grade_submission(nb, CHECKS, Limits(cell_timeout=3, total_timeout=8, on_timeout="keep"))
    zeroed = grade_submission(nb, CHECKS, Limits(cell_timeout=3, total_timeout=8))
    assert (kept.status, kept.total) == (Status.TIMEOUT, 5)
    assert (zeroed.status, zeroed.total) == (Status.TIMEOUT, 0)
