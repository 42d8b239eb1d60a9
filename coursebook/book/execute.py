"""Execute notebooks and store deterministic outputs (what `make outputs` and nbval rely on)."""

from __future__ import annotations

import atexit
import logging
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import ExecutionFailed
from ..kernel_signals import kept_stop_signals

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _shorten(source: str, lines: int = 6) -> str:
    rows = source.splitlines()
    if len(rows) <= lines:
        return source
    return "\n".join(rows[:3] + ["    ..."] + rows[-2:])


def make_deterministic(nb) -> None:
    """Remove what changes from run to run or cannot outlive the kernel: widget state, widget views,
    timings. A stored widget view names a model no later kernel has, so a trusted notebook would
    show
    "model not found" in its place; without it Jupyter shows the `text/html` view ("run this
    cell")."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


# nbclient logs a kernel that fails to start before raising; the raised error is reported instead.
_QUIET = logging.getLogger("coursebook.execute")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _run(client: NotebookClient) -> None:
    """Execute, with the kernel's own stderr in a file: a kernel stopped while it starts prints a
    traceback there, which is not ours to show."""
    with tempfile.TemporaryFile() as kernel_stderr, kept_stop_signals():
        try:
            client.execute(stderr=kernel_stderr)
        except BaseException:
            # nbclient has cleaned up already; its exit hook would then fail with a traceback
            atexit.unregister(client._cleanup_kernel)
            raise


def execute_notebook(
    path: str | Path, timeout: int = 300, startup_timeout: int | None = None
) -> None:
    """Run one notebook in its own folder and store its outputs in place.

    The kernel has `startup_timeout` seconds to start (default: `timeout`, as a busy machine can
    take over a minute); one that does not is reported as ExecutionFailed, one line.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    startup = timeout if startup_timeout is None else startup_timeout
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        startup_timeout=startup,
        log=_QUIET,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        _run(client)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index = next(
            (
                i
                for i, cell in enumerate(nb.cells)
                if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            ),
            None,
        )
        where = f"cell {index + 1}" if index is not None else "a cell"
        source = _shorten(nb.cells[index].source) if index is not None else ""
        name = getattr(exc, "ename", type(exc).__name__)
        value = getattr(exc, "evalue", str(exc).splitlines()[0] if str(exc) else "")
        raise ExecutionFailed(f"{path}: {where} failed: {name}: {value}\n{source}") from None
    except (RuntimeError, TimeoutError) as exc:  # the kernel did not start (or answer) in time
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExecutionFailed(
            f"{path}: the kernel did not start within {startup} s ({first}); "
            "the machine may be busy: run the command again"
        ) from None
    make_deterministic(nb)
    nbformat.write(nb, path)


def find_notebooks(paths) -> list[Path]:
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts
            )
        elif path.suffix == ".ipynb":
            found.append(path)
    return found
