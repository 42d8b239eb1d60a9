"""Grade students' exercise notebooks: each in its own kernel, in a temporary copy, with limits.

The student's code runs; then one appended cell turns the task variables into plain JSON (exact
types only: a float subclass or an object with a lying __eq__ becomes "unsupported"). The
comparison happens here, in the grader's process, against the instructor's check file, so nothing
defined in the notebook can change a grade. Every submission yields one result, whatever it does.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from ..checks import CheckFile, matches, public_spec
from ..student_edition import WRITTEN_TAG

STATUSES = {
    "ok": "ran to the end without errors",
    "errors": "ran to the end; some cells raised errors",
    "timeout": "a cell ran past the time limit and was interrupted",
    "crashed": "the kernel died (for example os._exit() or memory exhausted)",
    "unreadable": "the file is not a readable notebook",
    "tampered": "the answers could not be read reliably",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission."""

    cell_timeout: int = 30
    """Seconds a single cell may run before it is interrupted."""
    total_timeout: int = 120
    """Seconds the whole notebook may run; later cells get what is left."""
    memory_mb: int = 2048
    """Address-space limit of the kernel process (RLIMIT_AS)."""
    max_output_bytes: int = 2_000_000
    """Outputs beyond this are dropped (a notebook printing forever cannot exhaust the grader)."""
    on_timeout: str = "zero"
    """'zero': a timed-out submission scores 0; 'keep': it keeps points for answers it had set."""


@dataclass
class SubmissionResult:
    student: str
    file: str
    status: str
    message: str = ""
    points: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    max_total: float = 0.0
    written_response: str = ""
    task_notes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


# -- reading ----------------------------------------------------------------------------------

def student_id(path: Path, nb=None) -> str:
    """From notebook metadata (coursebook.student) if set, else the file name without suffix."""
    if nb is not None:
        named = nb.metadata.get("coursebook", {}).get("student")
        if isinstance(named, str) and named.strip():
            return re.sub(r"[^\w.@-]+", "_", named.strip())
    return re.sub(r"[^\w.@-]+", "_", path.stem)


def read_submission(path: Path):
    """The notebook, or a reason it cannot be read (never raises)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror}"
    if not raw.strip():
        return None, "the file is empty"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"the file is not UTF-8 text (byte {exc.start})"
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, f"not a Jupyter notebook: the JSON is broken ({exc.msg}, line {exc.lineno})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "not a Jupyter notebook: it has no list of cells"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad JSON or schema
        return None, f"not a Jupyter notebook: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    if not isinstance(nb.get("cells"), list):
        return None, "not a Jupyter notebook: no cells"
    return nb, ""


def written_response(nb) -> str:
    texts = [cell.source for cell in nb.cells if WRITTEN_TAG in cell.get("metadata", {}).get("tags", [])]
    return "\n\n".join(texts).strip()


# -- running ----------------------------------------------------------------------------------

# Runs last, in the student's kernel. It uses only the built-in types reached through literals
# (a notebook can shadow or patch `type`, `print`, `json.dumps`, `builtins.repr`, but not these),
# and writes strings as UTF-8 hex, so nothing the notebook defines can forge or reshape a value.
# It is tamper-resistant, not a sandbox: see the README on what the grader does not defend against.
EXTRACT = """
def __coursebook_extract(names, nonce):
    import sys as S
    TYPE, FLOAT, INT, STR, LIST, TUPLE, DICT = (0).__class__.__class__, (0.0).__class__, (0).__class__, ''.__class__, [].__class__, ().__class__, {}.__class__
    def enc(value, depth):
        kind = TYPE(value)
        if value is None:
            return 'null'
        if value is True or value is False:
            return 'true' if value is True else 'false'
        if kind is INT:
            return INT.__repr__(value)
        if kind is FLOAT:
            return FLOAT.__repr__(value) if value - value == 0.0 else '{"u":"6e6f6e2d66696e697465"}'
        if kind is STR:
            return '{"h":"' + STR.encode(value, 'utf-8', 'replace').hex() + '"}'
        if depth < 6 and (kind is LIST or kind is TUPLE):
            return '[' + ','.join([enc(item, depth + 1) for item in LIST(value)[:10000]]) + ']'
        if depth < 6 and kind is DICT:
            pairs = LIST(DICT.items(value))[:10000]
            return '{"d":[' + ','.join(['[' + enc(k, depth + 1) + ',' + enc(v, depth + 1) + ']' for k, v in pairs]) + ']}'
        return '{"u":"' + STR.encode(STR(TYPE.__getattribute__(kind, '__name__')), 'utf-8', 'replace').hex() + '"}'
    space = S._getframe(0).f_globals
    found = [enc(name, 0) + ':' + enc(DICT.__getitem__(space, name), 0) for name in names if DICT.__contains__(space, name)]
    S.stdout.write('COURSEBOOK-ANSWERS-' + nonce + ':{' + ','.join(found) + '}\\n')
    S.stdout.flush()
__coursebook_extract(%r, %r)
"""


class LimitedClient(NotebookClient):
    """nbclient with a whole-notebook time budget, a timeout flag and an output cap."""

    def __init__(self, nb, limits: Limits, **kwargs):
        super().__init__(nb, timeout_func=self._budget, interrupt_on_timeout=True, allow_errors=True,
                         record_timing=False, **kwargs)
        self.limits, self.timed_out, self.output_bytes, self.truncated = limits, False, 0, False
        self.deadline = time.monotonic() + limits.total_timeout

    def _budget(self, cell) -> int:
        return max(1, min(self.limits.cell_timeout, int(self.deadline - time.monotonic())))

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        if cell_index == len(self.nb.cells) - 1:  # the grader's own extraction cell is never capped
            return super().output(outs, msg, display_id, cell_index)
        self.output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self.output_bytes > self.limits.max_output_bytes:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_manager(kernel_dir: Path, limits: Limits) -> AsyncKernelManager:
    spec_dir = kernel_dir / "coursebook-limited"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "coursebook.classroom.limited_kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (limited)", "language": "python",
        "env": {"COURSEBOOK_MEMORY_MB": str(limits.memory_mb)},
    }))
    # Async, as nbclient drives it from its event loop (a sync manager deadlocks on interrupt).
    return AsyncKernelManager(kernel_name="coursebook-limited", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))


def grade_submission(path: Path, checks: CheckFile, limits: Limits = Limits()) -> SubmissionResult:
    """Run and grade one submission. Never raises for anything the submission does."""
    started = time.monotonic()
    path = Path(path)
    nb, problem = read_submission(path)
    result = SubmissionResult(student=student_id(path, nb), file=path.name, status="unreadable",
                              max_total=checks.total_points, points={t.id: 0.0 for t in checks.tasks})
    if nb is None:
        result.message = problem
        return result
    result.written_response = written_response(nb)
    with tempfile.TemporaryDirectory(prefix="coursebook-grade-") as tmp:
        work = Path(tmp) / "work"
        (work / "checks").mkdir(parents=True)
        (work / "checks" / f"{checks.exercise}.json").write_text(json.dumps(public_spec(checks)))
        nonce = secrets.token_hex(8)
        variables = sorted({task.variable for task in checks.tasks})
        nb.cells.append(nbformat.v4.new_code_cell(EXTRACT % (variables, nonce)))
        nbformat.write(nb, work / "submission.ipynb")
        client = LimitedClient(nb, limits, km=_kernel_manager(Path(tmp) / "kernels", limits),
                               resources={"metadata": {"path": str(work)}})
        client.owns_km = True  # so nbclient shuts the kernel down however execution ends
        crashed = False
        try:
            # The kernel's own state (IPython history, matplotlib cache) lives outside the working
            # folder, so a notebook that empties its folder cannot break the kernel under it.
            state = Path(tmp) / "state"
            (state / "ipython").mkdir(parents=True)
            client.execute(env={**os.environ, "HOME": str(state), "IPYTHONDIR": str(state / "ipython"),
                                "MPLCONFIGDIR": str(state / "matplotlib"), "MPLBACKEND": "Agg"})
        except DeadKernelError:
            crashed = True
        except Exception as exc:  # a kernel that cannot start, or nbclient's own errors: still a row
            crashed = True
            result.message = f"execution stopped: {type(exc).__name__}: {str(exc)[:200]}"
    answers, tampered = _answers(nb.cells[-1], nonce)
    errors = sum(1 for cell in nb.cells[:-1] for out in cell.get("outputs", []) if out.get("output_type") == "error")
    if crashed:
        result.status = "crashed"
    elif answers is None:
        result.status = "timeout" if client.timed_out and not tampered else "tampered"
    else:
        result.status = "timeout" if client.timed_out else "errors" if errors else "ok"
    notes = [STATUSES[result.status]] if result.status != "errors" else []
    if errors:
        notes.append(f"{errors} cell{'s' if errors != 1 else ''} raised errors")
    if client.truncated:
        notes.append("output over the limit was dropped")
    for task in checks.tasks:
        value = (answers or {}).get(task.variable)
        if task.variable not in (answers or {}) or value is None:
            result.task_notes[task.id] = "not answered"
        elif isinstance(value, dict) and "__unsupported__" in value:
            result.task_notes[task.id] = f"not plain data ({value['__unsupported__']})"
        elif matches(task, value):
            result.points[task.id] = task.points
            result.task_notes[task.id] = "correct"
        else:
            result.task_notes[task.id] = "incorrect"
    if result.status in ("crashed", "tampered") or (result.status == "timeout" and limits.on_timeout == "zero"):
        if any(result.points.values()):
            notes.append("points withheld: " + ("timeout policy is 'zero'" if result.status == "timeout" else result.status))
        result.points = {task_id: 0.0 for task_id in result.points}
    result.total = sum(result.points.values())
    result.message = "; ".join(filter(None, [result.message, *notes]))
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _answers(cell, nonce: str):
    """(answers or None, tampered?) from the extraction cell's printed marker line."""
    marker = f"COURSEBOOK-ANSWERS-{nonce}:"
    lines = [line for out in cell.get("outputs", []) if out.get("output_type") == "stream"
             for line in out.get("text", "").splitlines() if line.startswith(marker)]
    if len(lines) != 1:
        return None, len(lines) > 1
    try:
        raw = json.loads(_keys_as_strings(lines[0][len(marker):]))
        return {name: _decode(value) for name, value in raw.items()}, False
    except (ValueError, TypeError, KeyError):
        return None, True


def _keys_as_strings(text: str) -> str:
    # Top-level names arrive hex-encoded as {"h": ...}: JSON needs plain string keys.
    return re.sub(r'\{"h":"([0-9a-f]*)"\}:', lambda m: json.dumps(bytes.fromhex(m.group(1)).decode("utf-8")) + ":", text)


def _decode(value):
    """Plain data back from the extraction format; anything unsupported stays marked as such."""
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "h" in value:
            return bytes.fromhex(value["h"]).decode("utf-8", "replace")
        if "d" in value:
            pairs = [(_decode(k), _decode(v)) for k, v in value["d"]]
            if all(isinstance(k, str) for k, _ in pairs):
                return dict(pairs)
            return {"__unsupported__": "dict with non-text keys"}
        return {"__unsupported__": bytes.fromhex(value.get("u", "")).decode("utf-8", "replace")}
    return value


def result_to_json(result: SubmissionResult) -> str:
    return json.dumps(asdict(result), ensure_ascii=False, indent=1)


def result_from_json(text: str) -> SubmissionResult:
    return SubmissionResult(**json.loads(text))

