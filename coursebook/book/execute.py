"""Execute notebooks and store deterministic outputs (what `make outputs` and nbval rely on)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import ExecutionFailed

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _shorten(source: str, lines: int = 6) -> str:
    rows = source.splitlines()
    if len(rows) <= lines:
        return source
    return "\n".join(rows[:3] + ["    ..."] + rows[-2:])


def make_deterministic(nb) -> None:
    """Remove what changes from run to run or cannot outlive the kernel: widget state, widget views,
    timings. A stored widget view names a model no later kernel has, so a trusted notebook would show
    "model not found" in its place; without it Jupyter shows the `text/html` view ("run this cell")."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def execute_notebook(path: str | Path, timeout: int = 300) -> None:
    """Run one notebook in its own folder and store its outputs in place."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index = next((i for i, cell in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in cell.get("outputs", []))), None)
        where = f"cell {index + 1}" if index is not None else "a cell"
        source = _shorten(nb.cells[index].source) if index is not None else ""
        name = getattr(exc, "ename", type(exc).__name__)
        value = getattr(exc, "evalue", str(exc).splitlines()[0] if str(exc) else "")
        raise ExecutionFailed(f"{path}: {where} failed: {name}: {value}\n{source}") from None
    make_deterministic(nb)
    nbformat.write(nb, path)


def find_notebooks(paths) -> list[Path]:
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)
        elif path.suffix == ".ipynb":
            found.append(path)
    return found
