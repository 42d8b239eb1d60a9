"""`coursebook export`: write question banks as Canvas QTI, Moodle GIFT and Moodle XML files.

Thin on purpose: parse the options, call the library, turn each of our errors into one `error:`
line on stderr (exit 1 for content, 2 for usage). Register it with `main.add_command(export)`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BankError, ExportError, UnknownBankError, UnknownFormatError
from ..quiz.bank import find_banks_dir, get_bank, load_banks
from . import FORMATS, export_bank, format_names


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.command("export", short_help="Export banks as Canvas QTI, Moodle GIFT and Moodle XML.")
@click.argument("banks", nargs=-1)
@click.option("--all", "all_banks", is_flag=True, help="Export every bank in the banks folder.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=("all",),
    show_default=True,
    metavar="FORMAT",
    help=f"One of {', '.join(FORMATS)} or all; repeat for several.",
)
@click.option(
    "--out",
    "out_dir",
    default="lms-export",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write into (created if missing).",
)
@click.option(
    "--moodle-ordering",
    type=click.Choice(["native", "matching"]),
    default="native",
    show_default=True,
    help="Moodle XML: ordering questions as Moodle's ordering type (Moodle 4.4+), "
    "or as matching to positions (any Moodle).",
)
@click.option(
    "--banks",
    "banks_dir",
    type=click.Path(path_type=Path),
    help="Folder of question banks (default: book/quizzes, found from here).",
)
def export(
    banks: tuple[str, ...],
    all_banks: bool,
    formats: tuple[str, ...],
    out_dir: Path,
    moodle_ordering: str,
    banks_dir: Path | None,
) -> None:
    """Export question banks (by name, or --all) for Canvas and Moodle, with a report of each."""
    if bool(banks) == all_banks:
        _fail("name one or more banks, or give --all (not both)", 2)
    try:
        names = format_names(formats)
    except UnknownFormatError as exc:
        _fail(str(exc), 2)
    try:
        folder = banks_dir or find_banks_dir()
        if not folder.is_dir():
            raise UnknownBankError(f"no folder of question banks at {folder}")
        if all_banks:
            chosen = list(load_banks(folder).values())
            if not chosen:
                raise UnknownBankError(f"no question banks (*.yml) in {folder}")
        else:
            chosen = [get_bank(name, folder) for name in dict.fromkeys(banks)]
        written = [
            path
            for bank in chosen
            for path in export_bank(bank, names, out_dir, moodle_ordering=moodle_ordering)
        ]
    except (BankError, UnknownBankError, ExportError) as exc:
        _fail(str(exc))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"exported {len(chosen)} bank{'s' if len(chosen) != 1 else ''} as {', '.join(names)}; "
        f"the *.report.md files list what each question became and anything lost."
    )
