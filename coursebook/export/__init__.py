"""Export question banks to the LMS: Canvas (QTI 1.2) and Moodle (GIFT, Moodle XML).

Every format module has the same small interface: NAME, LABEL, SUFFIX, `describe(question)` (the
LMS type and what is lost, for the report) and `render(bank) -> bytes`. The library never prints:
it returns the paths it wrote and raises ExportError or UnknownFormatError on bad input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import ExportError, UnknownFormatError
from ..quiz.model import Bank
from . import gift, moodle_xml, qti, report

FORMATS = {module.NAME: module for module in (qti, gift, moodle_xml)}
REPORT_SUFFIX = ".report.md"

__all__ = ["FORMATS", "ExportError", "UnknownFormatError", "export_bank", "format_names"]


def format_names(formats: str | Iterable[str]) -> list[str]:
    """`all`, one name, or several, as an ordered list of known names without repeats."""
    requested = [formats] if isinstance(formats, str) else list(formats)
    names: list[str] = []
    for name in requested:
        if name == "all":
            names.extend(FORMATS)
        elif name in FORMATS:
            names.append(name)
        else:
            raise UnknownFormatError(
                f"unknown export format {name!r}; use one of: {', '.join(FORMATS)}, all"
            )
    return list(dict.fromkeys(names))


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(
        path.name + ".part"
    )  # a failed write never leaves half a file under the real name
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


def options_for(module, moodle_ordering: str) -> dict:
    """The keyword options one format takes: only Moodle XML has a choice (its ordering form)."""
    return {"ordering": moodle_ordering} if module is moodle_xml else {}


def export_bank(
    bank: Bank,
    formats: str | Iterable[str],
    out_dir: str | Path,
    *,
    moodle_ordering: str = "native",
) -> list[Path]:
    """Write `bank` in each requested format, plus its report, into out_dir; return the paths.

    `moodle_ordering`: "native" writes ordering questions as Moodle's ordering type (Moodle 4.4 and
    later); "matching" writes them as matching to positions, which every Moodle version imports.
    """
    modules = [FORMATS[name] for name in format_names(formats)]
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the output folder {out_dir}: {exc.strerror or exc}"
        ) from None
    paths = []
    for module in modules:
        path = out_dir / f"{bank.bank}{module.SUFFIX}"
        _write(path, module.render(bank, **options_for(module, moodle_ordering)))
        paths.append(path)
    path = out_dir / f"{bank.bank}{REPORT_SUFFIX}"
    _write(
        path,
        report.render(bank, [(module, options_for(module, moodle_ordering)) for module in modules]),
    )
    return paths + [path]
