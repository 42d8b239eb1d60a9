"""Unpack an LMS zip safely: bounded in size, file count and compression ratio, no links, no
paths out.

Nothing from an entry's name reaches the disk: each entry is written as `<index>-<short safe name>`
inside the unpack folder, so `../`, absolute paths, 300-byte names and undecodable bytes cannot
escape it or fail on it. An entry that breaks a rule is not unpacked and comes back with the
reason as data (the writers add English); the other entries are still unpacked.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...errors import GradingInputError

CHUNK = 1 << 16
SKIPPED = ("__MACOSX/", ".DS_Store")
"""Archive noise added by macOS's compressor, never a student's file: not unpacked, no row."""


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what one archive may unpack to."""

    max_total_bytes: int = 1 << 30
    """All entries together (1 GiB)."""
    max_entry_bytes: int = 100 << 20
    """One entry (100 MiB: far above any notebook a student writes)."""
    max_files: int = 5000
    """Entries unpacked; the rest are refused together, in one row."""
    max_ratio: float = 50.0
    """Unpacked size over compressed size, checked once an entry passes `ratio_floor_bytes`."""
    ratio_floor_bytes: int = 1 << 20
    """Small entries may compress well (a short notebook of repeated text); a bomb cannot stay
    small."""


@dataclass(frozen=True)
class Entry:
    """One archive entry: unpacked to `path`, or refused with a `reason` code and its numbers."""

    name: str
    """The entry's name as the LMS wrote it (decoded for display; never used as a path)."""
    path: Path | None
    reason: str = ""
    """'' (unpacked), 'link', 'outside', 'encrypted', 'entry-size', 'ratio', 'total-size',
    'too-many', 'unreadable', or, for a folder of submissions, 'unlistable' (a sub-folder that
    cannot be read) and 'not-a-file' (a FIFO, socket or device, never opened)."""
    limit: float = 0
    count: int = 0
    """For 'too-many': how many entries were not unpacked."""


def entry_name(info: zipfile.ZipInfo) -> str:
    """The name as the student's system meant it: zips without the UTF-8 flag often still hold
    UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _outside(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"^[A-Za-z]:", name))


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def disk_name(index: int, name: str) -> str:
    """A short, safe file name that keeps the entry's extension (so `.ipynb` stays `.ipynb`)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    suffix = re.sub(r"[^A-Za-z0-9.]", "", PurePosixPath(base).suffix)[:16]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(base).stem).strip("._")[:48] or "entry"
    return f"{index:05d}-{stem}{suffix}"


def unpack(archive: Path, into: Path, limits: ArchiveLimits = ArchiveLimits()) -> list[Entry]:
    """Every file entry of `archive`, in archive order, unpacked into `into` or refused with a
    reason."""
    try:
        zipped = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise GradingInputError(f"{archive}: not a readable zip file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise GradingInputError(
            f"{archive}: an entry name is marked UTF-8 but is not (byte {exc.start}); "
            "re-download the archive from the LMS"
        ) from None
    into.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []
    total = 0
    with zipped:
        members = [
            m
            for m in zipped.infolist()
            if not m.is_dir() and not any(s in m.filename for s in SKIPPED)
        ]
        for index, info in enumerate(members):
            name = entry_name(info)
            if index >= limits.max_files:
                entries.append(
                    Entry(name, None, "too-many", limits.max_files, len(members) - index)
                )
                break
            refusal = _refusal(info, name, limits, total)
            if refusal:
                entries.append(Entry(name, None, *refusal))
                continue
            target = into / disk_name(index, name)
            written, refusal = _copy(zipped, info, target, limits, total)
            total += written
            entries.append(Entry(name, None, *refusal) if refusal else Entry(name, target))
    return entries


def _refusal(info: zipfile.ZipInfo, name: str, limits: ArchiveLimits, total: int):
    """(reason, limit) when the entry's header alone rules it out, else None."""
    if _is_link(info):
        return "link", 0
    if _outside(name):
        return "outside", 0
    if info.flag_bits & 0x1:
        return "encrypted", 0
    if info.file_size > limits.max_entry_bytes:
        return "entry-size", limits.max_entry_bytes
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        return "ratio", limits.max_ratio
    if total + info.file_size > limits.max_total_bytes:
        return "total-size", limits.max_total_bytes
    return None


def _copy(
    zipped: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ArchiveLimits, total: int
):
    """Stream one entry to disk, counting as it goes (headers can lie): (bytes written, refusal
    or None)."""
    written, refusal = 0, None  # refusal: (reason, the limit passed)
    try:
        with zipped.open(info) as source, target.open("xb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > limits.max_entry_bytes:
                    refusal = ("entry-size", float(limits.max_entry_bytes))
                elif written > limits.ratio_floor_bytes and written > limits.max_ratio * max(
                    info.compress_size, 1
                ):
                    refusal = ("ratio", limits.max_ratio)
                elif total + written > limits.max_total_bytes:
                    refusal = ("total-size", limits.max_total_bytes)
                if refusal:
                    break
                sink.write(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):
        refusal = ("unreadable", 0)  # a corrupt entry (bad CRC, unknown compression): its own row
    if refusal:
        target.unlink(missing_ok=True)
        return 0, refusal
    return written, None
