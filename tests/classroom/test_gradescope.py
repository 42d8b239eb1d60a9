"""The Gradescope autograder, run here as Gradescope runs it, without Gradescope.

The zip is built by the CLI, unpacked into a folder laid out as Gradescope's /autograder
(`source/`, `submission/`, `results/`, `submission_metadata.json`, `run_autograder`), its
`setup.sh` installs the package into a fresh virtual environment (apt-get skipped: bubblewrap and
Python 3.11 are here already), and `run_autograder` grades one submission at a time. Every
`results.json` is validated against a JSON Schema written from Gradescope's documentation, and
its scores are compared with `coursebook grade` on the same files.
"""

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from coursebook.classroom.autograder import container
from coursebook.cli import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "scale"
ANSWERS = ROOT / "tests" / "fixtures" / "grading" / "answers"
SCHEMA = json.loads((Path(__file__).with_name("gradescope-results.schema.json")).read_text())
LIMITS = ["--cell-timeout", "5", "--total-timeout", "20"]
TASKS = ["share", "group", "order", "pairs"]
# The Python this suite runs on builds the autograder's environment (Python >= 3.11.5, as setup.sh asks).
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
# What each fixture must score, out of 5 (the same as `coursebook grade`, checked below too).
EXPECTED = {"perfect": (5, "ok"), "partial": (2, "ok"), "empty": (0, "ok"), "crashing": (0, "crashed"),
            "timeout": (0, "timeout"), "hostile": (0, "ok")}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("zip") / "ex0-autograder.zip"
    done = CliRunner().invoke(main, ["autograder", "gradescope", "--exercise", "ex0-fixture", "--answers", str(ANSWERS),
                                     "--out", str(out), *LIMITS])
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="module")
def image(autograder_zip):
    """What Gradescope's image build leaves: /autograder with source/ unpacked and setup.sh run."""
    # Not under /tmp: the sandbox mounts a private /tmp over it, which would hide this environment.
    base = Path(tempfile.mkdtemp(prefix="coursebook-gradescope-", dir="/var/tmp" if Path("/var/tmp").is_dir() else None))
    try:
        base.chmod(0o755)  # an unsandboxed kernel runs as its own uid and must reach the environment
        root = base / "autograder"
        done = container.install(autograder_zip, root, BASE_PYTHON)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "autograder ready: ex0-fixture" in done.stdout
        yield root
    finally:
        shutil.rmtree(base, ignore_errors=True)


def key_digest(root: Path) -> str:
    return hashlib.sha256((root / "source" / "checks" / "ex0-fixture.yml").read_bytes()).hexdigest()


def run_autograder(root: Path, files: dict[str, bytes], namespaces: bool = True) -> tuple[subprocess.CompletedProcess, dict]:
    """One Gradescope run, its results.json checked against the schema from Gradescope's documentation."""
    done, results = container.run(root, files, namespaces=namespaces)
    jsonschema.validate(results, SCHEMA)
    return done, results


def fixture(name: str, root: Path | None = None) -> bytes:
    text = (FIXTURES / f"{name}.ipynb").read_text()
    if root is not None:  # the hostile notebook aims at this root, as it would at /autograder
        text = text.replace("/autograder", str(root))
    return text.encode()


def auto_tests(results: dict) -> list[dict]:
    return [t for t in results["tests"] if "manual-grading" not in t["tags"]]


def test_zip_holds_the_scripts_the_key_and_the_package_only(tmp_path):
    out = tmp_path / "ex3a.zip"
    done = CliRunner().invoke(main, ["autograder", "gradescope", "--exercise", "ex3a-revenue-exposure",
                                     "--answers", str(ROOT / "answers"), "--out", str(out)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        wheel_name = next(n for n in names if n.startswith("wheels/"))
        assert sorted(names) == sorted(["setup.sh", "run_autograder", "coursebook-autograder.json",
                                        "checks/ex3a-revenue-exposure.yml", "constraints.txt", wheel_name])
        assert wheel_name.startswith("wheels/coursebook-0.1.0-") and wheel_name.endswith(".whl")
        for script in ("setup.sh", "run_autograder"):  # Gradescope needs them executable, at the root
            assert (archive.getinfo(script).external_attr >> 16) & 0o111
        assert archive.read("checks/ex3a-revenue-exposure.yml") == (ROOT / "answers/checks/ex3a-revenue-exposure.yml").read_bytes()
        config = json.loads(archive.read("coursebook-autograder.json"))
        assert config["exercise"] == "ex3a-revenue-exposure" and config["package"]["version"] == "0.1.0"
        contents = [archive.read(n) for n in names if n != wheel_name]
        with zipfile.ZipFile(io.BytesIO(archive.read(wheel_name))) as wheel:
            allowed = ("coursebook/", "coursebook-0.1.0.dist-info/", "coursebook-0.1.0.data/data/share/jupyter/")
            assert all(n.startswith(allowed) for n in wheel.namelist())  # code, metadata, its Jupyter settings
            contents += [wheel.read(n) for n in wheel.namelist()]
    blob = b"\n".join(contents)
    # Nothing of the other exercises: no other key, no answer notebook, no title of one.
    for other in (ROOT / "answers" / "checks").glob("*.yml"):
        if other.stem != "ex3a-revenue-exposure":
            title = json.dumps(__import__("yaml").safe_load(other.read_text())["title"])[1:-1].encode()
            assert other.stem.encode() not in blob and title not in blob, other.stem
    assert b'"nbformat"' not in blob  # no notebook of any kind


def test_unknown_exercise_is_one_clear_line(tmp_path):
    done = CliRunner().invoke(main, ["autograder", "gradescope", "--exercise", "nope", "--answers", str(ANSWERS),
                                     "--out", str(tmp_path / "x.zip")])
    assert done.exit_code == 1 and "no check file" in done.output and "ex0-fixture" in done.output
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_submission(image, name):
    before = key_digest(image)
    done, results = run_autograder(image, {f"{name}.ipynb": fixture(name, image)})
    score, status = EXPECTED[name]
    assert done.returncode == 0, done.stderr
    assert results["score"] == score and results["extra_data"]["status"] == status, results["output"]
    tests = auto_tests(results)
    assert [t["name"] for t in tests] == TASKS
    assert sum(t["score"] for t in tests) == results["score"]
    assert all(0 <= t["score"] <= t["max_score"] and t["visibility"] == "visible" for t in tests)
    assert results["extra_data"]["sandboxed"] is True and "ran in the grader's sandbox" in results["output"]
    for test in tests:  # a failed task shows its hint, a passed one none, and no test shows an answer
        shows_hint = test["extra_data"]["verdict"] not in ("correct", "withheld")  # as the feedback page
        assert ("Hint:" in test["output"]) == shows_hint
        for answer in ("0.24", "TTP", "takeover", "influence effect", "compellence"):
            assert answer not in test["output"]
    manual = [t for t in results["tests"] if "manual-grading" in t["tags"]]
    assert len(manual) == 1 and "score" not in manual[0] and manual[0]["extra_data"]["manual_grading"] is True
    assert key_digest(image) == before  # nothing touched the answer key


def test_outputs_explain_crash_and_timeout(image):
    _, crashed = run_autograder(image, {"c.ipynb": fixture("crashing")})
    assert "kernel stopped" in crashed["output"] and "Restart & Run All" in crashed["output"]
    _, timed_out = run_autograder(image, {"t.ipynb": fixture("timeout")})
    assert "time limit" in timed_out["output"] and "5 s" in timed_out["output"] and "scores 0" in timed_out["output"]


def test_written_response_is_reported_for_manual_grading(image):
    _, perfect = run_autograder(image, {"p.ipynb": fixture("perfect")})
    manual = perfect["tests"][-1]
    assert manual["output"] == "Pakistan's leverage is limited by what the Taliban can reroute."
    _, empty = run_autograder(image, {"e.ipynb": fixture("empty")})
    assert "No written response" in empty["tests"][-1]["output"]


def test_hostile_gets_no_credit_and_cannot_forge_results(image):
    done, results = run_autograder(image, {"hostile.ipynb": fixture("hostile", image)})
    assert results["score"] == 0 and results.get("output") != "forged"
    assert [t["name"] for t in auto_tests(results)] == TASKS
    assert all(t["extra_data"]["verdict"] == "not-answered" for t in auto_tests(results))


@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs run_autograder as root, and the no-namespace path "
                    "hands the notebook to a uid of its own, which only root can do; this run is not root")
def test_without_namespaces_it_runs_unsandboxed_and_says_so(image):
    """In a container that forbids namespaces (Docker's default capabilities, as on Gradescope), bubblewrap
    cannot start: graded all the same, unsandboxed, said so, and the hostile notebook still can neither
    read the key (root's alone; the kernel runs under a uid of its own) nor forge the results."""
    before = key_digest(image)
    _, perfect = run_autograder(image, {"p.ipynb": fixture("perfect")}, namespaces=False)
    assert perfect["extra_data"]["sandboxed"] is False
    assert "without the grader's sandbox" in perfect["output"] and "cannot read the answer key" in perfect["output"]
    assert perfect["score"] == 5, perfect["output"]
    _, hostile = run_autograder(image, {"h.ipynb": fixture("hostile", image)}, namespaces=False)
    assert hostile["score"] == 0 and hostile["extra_data"]["sandboxed"] is False
    assert [t["name"] for t in auto_tests(hostile)] == TASKS
    assert all(t["extra_data"]["verdict"] == "not-answered" for t in auto_tests(hostile))
    # The kernel shares the grading process's uid there: killing it loses the result, and earns nothing.
    _, killer = run_autograder(image, {"k.ipynb": fixture("kills-grader")}, namespaces=False)
    assert killer["score"] == 0 and killer["extra_data"]["status"] in ("crashed", "grader-error")
    assert key_digest(image) == before


@pytest.mark.parametrize("files, said", [
    ({"essay.txt": b"my essay"}, "No notebook (.ipynb) was found"),
    ({"a.ipynb": b"{}", "b.ipynb": b"{}"}, "submit exactly one"),
])
def test_no_notebook_or_several(image, files, said):
    _, results = run_autograder(image, files)
    assert results["score"] == 0 and said in results["output"]
    assert all(t["score"] == 0 for t in auto_tests(results))


def test_not_installed_still_leaves_results(tmp_path):
    root = tmp_path / "autograder"
    (root / "results").mkdir(parents=True)
    script = ROOT / "coursebook" / "classroom" / "autograder" / "templates" / "run_autograder"
    done = subprocess.run(["bash", str(script)], env={"AUTOGRADER_ROOT": str(root), "PATH": os.environ["PATH"]},
                          capture_output=True, text=True)
    assert done.returncode == 1 and "setup.sh did not finish" in done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "not at fault" in results["output"]


def test_scores_match_coursebook_grade(image, tmp_path):
    """The same files through `coursebook grade` (same limits) and through run_autograder: same points per task."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in EXPECTED:
        (folder / f"{name}.ipynb").write_bytes(fixture(name, image))
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["grade", str(folder), "--exercise", "ex0-fixture", "--answers", str(ANSWERS),
                                     "--out", str(out), "-j", "2", *LIMITS])
    assert done.exit_code == 0, done.output
    with (out / "gradebook.csv").open(newline="") as handle:
        local = {row["file"]: row for row in csv.DictReader(handle)}
    for name in EXPECTED:
        _, results = run_autograder(image, {f"{name}.ipynb": fixture(name, image)})
        row = local[f"{name}.ipynb"]
        assert float(row["total"]) == results["score"], name
        assert row["status"] == results["extra_data"]["status"], name
        for test in auto_tests(results):
            column = next(c for c in row if c.startswith(f"{test['name']} ("))
            assert float(row[column]) == test["score"], (name, test["name"])


def test_the_package_wheel_is_built_once_per_source_and_kept_only_in_a_folder_of_ours(
        tmp_path, monkeypatch):
    """An autograder built from unchanged code reuses the wheel kept by the hash of its sources;
    code that changed (another hash), or a kept folder another user could write in, builds anew."""
    from coursebook.classroom.autograder import package
    from coursebook.errors import AutograderBuildError

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    key = package._sources_key(package.project_root())
    home = tmp_path / f"cb-runtime-{os.geteuid()}-wheels" / key
    home.mkdir(parents=True)
    kept = home / f"coursebook-{package.package_version()}-py3-none-any.whl"
    kept.write_bytes(b"the wheel kept for these sources")
    built = []

    def pip(command, **_):
        built.append(command)
        return subprocess.CompletedProcess(command, 1, "", "pip was asked")

    monkeypatch.setattr(package.subprocess, "run", pip)
    wheel = package.build_wheel(tmp_path / "out")
    assert wheel.read_bytes() == kept.read_bytes() and built == []
    monkeypatch.setattr(package, "_sources_key", lambda root: key + "-changed")
    with pytest.raises(AutograderBuildError, match="pip was asked"):
        package.build_wheel(tmp_path / "out2")
    monkeypatch.setattr(package, "_sources_key", lambda root: key)
    os.chmod(home.parent, 0o777)
    with pytest.raises(AutograderBuildError, match="pip was asked"):
        package.build_wheel(tmp_path / "out3")
    assert len(built) == 2
