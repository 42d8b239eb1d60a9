"""The command line: `python -m coursebook <command>` (or `coursebook <command>`).

Each command parses its options, calls the library, and turns our errors into one clear line on
stderr with exit code 1 (content or build problems) or 2 (usage, from click).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .bank import find_banks_dir, load_banks
from .errors import BankError, UnknownBankError


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(help="Tools for the leverage course book: build, execute, check banks.")
def main() -> None:
    pass


@main.command("check-banks")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_banks(folder: Path | None) -> None:
    """Validate every question bank (default: book/quizzes)."""
    try:
        banks = load_banks(folder or find_banks_dir())
    except (BankError, UnknownBankError) as exc:
        _fail(str(exc))
    total = sum(len(bank.questions) for bank in banks.values())
    click.echo(f"{len(banks)} banks, {total} questions: all valid.")


@main.command("execute")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--timeout", default=300, show_default=True, help="Seconds allowed per cell.")
def execute(paths, timeout: int) -> None:
    """Re-execute notebooks (files or folders) and store their outputs in place."""
    from tqdm import tqdm

    from .execute import ExecutionFailed, execute_notebook, find_notebooks

    notebooks = find_notebooks(paths)
    failures = []
    for path in tqdm(notebooks, desc="executing", unit="notebook", disable=None):
        try:
            execute_notebook(path, timeout=timeout)
        except ExecutionFailed as exc:
            failures.append(str(exc))
    if failures:
        _fail("\n".join(failures))
    click.echo(f"executed {len(notebooks)} notebooks; outputs stored.")


@main.command("build")
def build() -> None:
    """Build the book (student edition) into _build/html."""
    from .build import BuildFailed, build_book

    try:
        html = build_book()
    except BuildFailed as exc:
        _fail(str(exc))
    click.echo(f"built {html / 'index.html'}")
