"""The CI-matrix grading template (.github/workflows/grade.yml): its shape, and its shell steps run here.

actionlint checks every workflow in tests/book/test_workflows.py; this checks what the template
must do: a hand-run trigger taking the exercise and the archive's location, one grading job per
matrix entry with K/N taken from the matrix itself, a merge job after them all, and the gradebook
uploaded as an artifact.
"""

import re
import subprocess

import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "grade.yml"
LIMIT_FLAGS = {"--cell-timeout", "--total-timeout", "--memory-mb", "--max-output-mb", "--on-timeout"}


def load():
    data = yaml.safe_load(WORKFLOW.read_text())
    return data, data[True] if True in data else data["on"]  # YAML 1.1 reads `on` as true


def step(job, name):
    return next(s for s in job["steps"] if s.get("name") == name)


def test_triggered_by_hand_with_exercise_and_archive_location():
    data, on = load()
    assert list(on) == ["workflow_dispatch"]
    inputs = on["workflow_dispatch"]["inputs"]
    assert inputs["exercise"]["required"] is True
    assert {"release_tag", "asset"} <= set(inputs)
    fetch = step(data["jobs"]["shard"], "Fetch the submissions")
    assert fetch["env"]["SUBMISSIONS_URL"] == "${{ secrets.SUBMISSIONS_URL }}"
    assert "gh release download" in fetch["run"] and "curl --fail" in fetch["run"]
    assert data["permissions"] == {"contents": "read"}


def test_matrix_of_shards_then_one_merge_uploading_the_gradebook():
    data, _ = load()
    shard, merge = data["jobs"]["shard"], data["jobs"]["merge"]
    assert len(shard["strategy"]["matrix"]["shard"]) >= 2 and shard["strategy"]["fail-fast"] is False
    assert merge["needs"] == "shard"
    merge_run = step(merge, "Merge the shards (refuses a missing or overlapping shard)")["run"]
    assert "coursebook gradebook merge shards/shard-*" in merge_run and "--out gradebook" in merge_run
    uploads = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[-1]["with"]["path"] == "gradebook/"
    assert "gradebook-${{ inputs.exercise }}" == uploads[-1]["with"]["name"]
    installs = [s["run"] for job in (shard, merge) for s in job["steps"] if "pip install" in s.get("run", "")]
    assert len(installs) == 2 and all("-c constraints.txt" in run for run in installs)
    assert "bubblewrap" in step(shard, "Install bubblewrap (the grader's sandbox)")["run"]


def test_each_matrix_job_grades_its_own_shard(tmp_path):
    """The grading step's shell, run with a stand-in for the package: job i of n grades shard i+1/n."""
    data, _ = load()
    grade = step(data["jobs"]["shard"], "Grade this shard")
    stub = tmp_path / ".venv" / "bin" / "python"
    stub.parent.mkdir(parents=True)
    stub.write_text('#!/bin/sh\necho "$@"\n')
    stub.chmod(0o755)
    seen = []
    for index in range(4):
        script = grade["run"].replace("${{ matrix.shard }}", str(index + 1))
        assert "${{" not in script
        env = {"PATH": "/usr/bin:/bin", "EXERCISE": "ex3a-revenue-exposure", "SHARD": f"{index}/4"}
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.split())
    for index, argv in enumerate(seen):
        assert argv[:3] == ["-m", "coursebook", "grade"]
        assert argv[argv.index("--shard") + 1] == f"{index + 1}/4"
        assert argv[argv.index("--exercise") + 1] == "ex3a-revenue-exposure"
        assert argv[argv.index("--out") + 1] == f"shard-{index + 1}"
        # the limits come from the check file, the same for every shard: no shard states its own
        assert not [a for a in argv if a.split("=")[0] in LIMIT_FLAGS], argv
    assert re.search(r"SHARD: \$\{\{ strategy\.job-index \}\}/\$\{\{ strategy\.job-total \}\}", WORKFLOW.read_text())
