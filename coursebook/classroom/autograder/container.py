"""Run an autograder zip here as Gradescope runs it, without Gradescope (for tests and the
benchmark).

`install` lays out a folder as Gradescope lays out /autograder (the zip unpacked into `source/`,
`run_autograder` copied to the root) and runs `setup.sh` with apt-get skipped; `run` puts one
submission in `submission/`, writes `submission_metadata.json`, runs `run_autograder` from the root
and returns the `results.json` it wrote. What Gradescope adds around this (its Docker image and
container, the upload of results) is not reproduced.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

METADATA = {
    "id": 1,
    "created_at": "2026-12-01T10:00:00+00:00",
    "submission_method": "upload",
    "users": [{"email": "student@example.edu", "id": 7, "name": "Test Student"}],
    "previous_submissions": [],
}


# Docker's default capabilities: no CAP_SYS_ADMIN, so a container cannot create namespaces.
DOCKER_CAPABILITIES = (
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
)


def like_docker(argv: list[str]) -> list[str]:
    """`argv` run as root with Docker's default capabilities and its own PID namespace, as
    Gradescope's container runs run_autograder: bubblewrap inside cannot create namespaces. A Python
    kept in a private home folder (pyenv under /root) is shown alone there, as an image's Python in
    /usr would be."""
    cmd = ["bwrap", "--dev-bind", "/", "/", "--unshare-pid", "--proc", "/proc", "--die-with-parent"]
    home, prefix = Path.home().resolve(), Path(os.path.realpath(sys.base_prefix))
    if home in prefix.parents:
        cmd += ["--perms", "0755", "--tmpfs", str(home)]
        for folder in reversed(
            [p for p in prefix.parents if home in p.parents]
        ):  # traversable, as /usr is
            cmd += ["--perms", "0755", "--dir", str(folder)]
        cmd += ["--ro-bind", str(prefix), str(prefix)]
    cmd += ["--cap-drop", "ALL"]
    for capability in DOCKER_CAPABILITIES:
        cmd += ["--cap-add", f"CAP_{capability}"]
    return [*cmd, "--", *argv]


def install(
    autograder_zip: Path, root: Path, python: str, *, timeout: float = 1800
) -> subprocess.CompletedProcess:
    """Unpack and set up the autograder in `root` (which must not exist yet)."""
    (root / "source").mkdir(parents=True)
    root.chmod(
        0o755
    )  # an unsandboxed kernel runs under a uid of its own and must reach the environment
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the mode bits; Gradescope keeps them
            (root / "source" / info.filename).chmod((info.external_attr >> 16) & 0o777 or 0o644)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    env = {
        **os.environ,
        "AUTOGRADER_ROOT": str(root),
        "COURSEBOOK_SYSTEM_PACKAGES": "0",
        "COURSEBOOK_PYTHON": python,
    }
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run(
    root: Path, files: dict[str, bytes], *, namespaces: bool = True, timeout: float = 600
) -> tuple[subprocess.CompletedProcess, dict]:
    """One submission: fresh `submission/` and `results/`, then `run_autograder`;
    (process, results.json). namespaces=False runs it as in a Docker container that forbids them
    (see `like_docker`)."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    for name, data in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    (root / "submission_metadata.json").write_text(json.dumps(METADATA))
    env = {
        "AUTOGRADER_ROOT": str(root),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
    }
    argv = [str(root / "run_autograder")]
    done = subprocess.run(
        argv if namespaces else like_docker(argv),
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done, json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
