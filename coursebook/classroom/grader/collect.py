"""Find the submissions in a folder or an LMS zip, and who each belongs to.

Identity comes only from where the LMS put the file, never from inside the notebook:
- Canvas names each file `name_userid_submissionid_file.ipynb` (`name_LATE_userid_...` when late);
- Moodle's "download submissions in folders" gives
  `Full Name_12345_assignsubmission_file_/file.ipynb` (or, flat,
  `Full Name_12345_assignsubmission_file_file.ipynb`); 12345 is the assignment's participant
  number, which Moodle's grading worksheet uses as `Participant 12345`;
- anything else is identified by its path without the extension.

Every file is a submission with its own result key, so two files that look alike (`Jane Doe.ipynb`
and `Jane_Doe.ipynb`, or `alice.txt` beside `alice.ipynb`) never share a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from ...errors import GradingInputError
from .archive import ArchiveLimits, Entry, unpack

# Canvas: `name_[late_]userid_submissionid_file`; Canvas keeps `_` in the name, and the file name
# after the ids is the student's own, so the ids are the FIRST `_<digits>_<digits>_` after the name.
CANVAS = re.compile(
    r"^(?P<name>[^/]+?)_(?:(?P<late>(?i:late))_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$"
)
# Moodle: `Full Name_<participant>_assignsubmission_<plugin>_` starts a folder (or, flat, a file
# name). Moodle turns `_` in the full name into spaces, so the name holds no `_`: the first match is
# Moodle's.
MOODLE_PREFIX = re.compile(
    r"^(?P<name>[^_/]+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
)
# Every place in a Canvas file name where `_[late_]<digits>_<digits>_` starts (overlapping). Canvas
# strips `_<digits>_` from a name, but only before it drops the name's other punctuation, so a
# student who may edit their sortable name can still plant one ("Evil_102 _9 _, Mallory" becomes
# `evil_102_9_mallory_113_456_…`); their own file name after the ids may hold one too.
CANVAS_IDS = re.compile(r"(?=_(?:(?i:late)_)?(\d+)_\d+_)")
IGNORED = ("__MACOSX", ".DS_Store")


def _skipped_file(name: str) -> bool:
    """A hidden file is not a submission (an editor's or the system's), except a hidden notebook:
    a student's `.hw1.ipynb` gets its row (macOS's `._` copies beside real files do not)."""
    if name in IGNORED or name.startswith("._"):
        return True
    return name.startswith(".") and not name.lower().endswith(".ipynb")


@dataclass(frozen=True)
class Submission:
    """One file handed in, and whose it is."""

    key: str
    """Unique, stable and file-system safe: names the stored result and the feedback page."""
    source: str
    """Where it came from (path inside the folder or archive), printable: odd bytes shown as
    \\xNN."""
    path: Path | None
    """The file to grade; None when it was refused (see `refusal`)."""
    student: str
    """The student as the LMS names them (Canvas: its lastfirst name; Moodle: the full name)."""
    lms: str = ""
    """'canvas', 'moodle', or '' (identified by file name only)."""
    lms_id: str = ""
    """Canvas user ID, or Moodle participant number."""
    submission_id: str = ""
    late: bool = False
    refusal: Entry | None = None
    """For an archive entry that was not unpacked: the entry and the reason."""
    ambiguous: str = ""
    """A Canvas file name holding the ids of several users (`102, 113`): whose it is is unknown,
    so it has no LMS identity (no Canvas grade, nobody's on a roster) and its row says so; a class
    list naming only one of them settles it (`resolve_ambiguous`)."""


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(name: str) -> str:
    """A file name as text that can be written anywhere: undecodable bytes and control characters
    (a name holding a terminal escape or a line break) become \\xNN."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def result_key(source: str) -> str:
    """Readable prefix plus a hash of the whole source, so look-alike names get distinct keys."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._-")[:60] or "submission"
    return f"{slug}-{hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def _moodle(match) -> dict:
    name = match["name"].strip()
    if name == "Participant":  # blind marking: Moodle hides the name, the number stays
        name = f"Participant {match['participant']}"
    return {"student": name, "lms": "moodle", "lms_id": match["participant"]}


def identify(source: str) -> dict:
    """Student, LMS and ids from a path as the LMS wrote it (`/`-separated).

    Only the part the LMS itself wrote counts, and that is the first path component: Moodle's
    folder or flat file name, or Canvas's (flat) file name. Whatever comes below it is named by
    the student (inside a Moodle folder, or in a plain folder per login), so a file or folder named
    the way an LMS names another participant's moves nothing."""
    parts = PurePosixPath(source).parts
    first = parts[0] if parts else source
    match = MOODLE_PREFIX.match(first)
    if match:
        return _moodle(match)
    # Canvas's zip is flat: a Canvas name below the first component is a student's own choice.
    match = CANVAS.match(first) if len(parts) <= 1 else None
    users = sorted({found[1] for found in CANVAS_IDS.finditer(first)}, key=lambda i: (len(i), i))
    if match and len(users) > 1:  # a planted pair of ids (see CANVAS_IDS): nobody's for sure
        return {"student": match["name"], "ambiguous": ", ".join(users)}
    if match:
        return {
            "student": match["name"],
            "lms": "canvas",
            "lms_id": match["user"],
            "submission_id": match["submission"],
            "late": bool(match["late"]),
        }
    stem = str(PurePosixPath(source).with_suffix("")) if PurePosixPath(source).suffix else source
    return {"student": stem}


def resolve_ambiguous(submissions: list[Submission], canvas_ids: set[str]) -> list[Submission]:
    """With a class list: an ambiguous Canvas file (`Submission.ambiguous`) whose ids name exactly
    one user on the list is that user's (a date such as `_2024_05_` in a file name is nobody's
    ID); one naming several listed users stays nobody's."""
    out = []
    for submission in submissions:
        listed = [i for i in submission.ambiguous.split(", ") if i in canvas_ids]
        if submission.ambiguous and len(listed) == 1:
            submission = replace(submission, lms="canvas", lms_id=listed[0], ambiguous="")
        out.append(submission)
    return out


def nested_lms_names(submissions: list[Submission]) -> list[str]:
    """Files named the way Canvas or Moodle name them, but below a first folder that is not an
    LMS's: identified by that folder only (`identify`). Honest when the LMS's zip was unpacked
    one folder too deep; a student's plant in their own folder otherwise."""
    return [
        s.source
        for s in submissions
        if not s.lms
        and not s.ambiguous
        and any(identify(part).get("lms") for part in PurePosixPath(s.source).parts[1:])
    ]


def _submission(
    source: str, path: Path | None, seen: set[str], refusal: Entry | None = None
) -> Submission:
    unique = source
    copy = 2
    while unique in seen:  # one archive can hold the same name twice
        unique, copy = f"{source} #{copy}", copy + 1
    seen.add(unique)
    return Submission(
        key=result_key(unique), source=unique, path=path, refusal=refusal, **identify(source)
    )


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


def collect(
    source: Path, unpack_to: Path, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> list[Submission]:
    """Every file in a folder (recursively) or a zip, each with its identity, in a stable order."""
    if source.is_dir():
        return _from_folder(source)
    if source.is_file() and zipfile.is_zipfile(source):
        return _from_archive(source, unpack_to, limits)
    if source.is_file() and source.suffix == ".ipynb":  # one notebook: a class of one
        return [_submission(printable(source.name), source, set())]
    raise GradingInputError(f"{source}: neither a folder nor a zip file, nor a notebook (.ipynb)")


def _from_folder(folder: Path) -> list[Submission]:
    found: list[Submission] = []
    seen: set[str] = set()

    def unreadable(error: OSError) -> None:
        # a folder that cannot be listed still shows up, as a row
        source = printable(Path(error.filename).relative_to(folder).as_posix())
        found.append(_submission(source + "/", None, seen, Entry(source + "/", None, "unlistable")))

    for root, dirs, files in os.walk(folder, followlinks=False, onerror=unreadable):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in IGNORED
            and not os.path.islink(os.path.join(root, d))
        )
        linked = [
            d
            for d in os.listdir(root)
            if os.path.islink(os.path.join(root, d)) and os.path.isdir(os.path.join(root, d))
        ]
        for name in sorted(files + linked):
            if _skipped_file(name):
                continue
            path = Path(root) / name
            source = printable(path.relative_to(folder).as_posix())
            if path.is_symlink():  # a link could point at the instructor's files: never follow it
                found.append(_submission(source, None, seen, Entry(source, None, "link")))
            elif not _regular(path):  # a FIFO, socket or device: opening it could wait forever
                found.append(_submission(source, None, seen, Entry(source, None, "not-a-file")))
            else:
                found.append(_submission(source, path, seen))
    return found


def _regular(path: Path) -> bool:
    """Is it a regular file? (lstat only: nothing is opened.) An unreadable entry counts as one, so
    that it becomes a row saying it cannot be read."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return True


def _from_archive(archive: Path, unpack_to: Path, limits: ArchiveLimits) -> list[Submission]:
    seen: set[str] = set()
    found = []
    for entry in unpack(archive, unpack_to, limits):
        name = printable(entry.name)
        refusal = None if entry.path else replace(entry, name=name)
        found.append(_submission(name, entry.path, seen, refusal))
    return found


MOODLE_GRACE = timedelta(seconds=60)
"""Moodle keeps a grade changed in Moodle more than 60 s after a worksheet row's time."""


def downloaded_at(source: Path, submissions: list[Submission]) -> datetime:
    """When the submissions were downloaded, as far as the files tell, minus Moodle's 60 s grace:
    the worksheet's `Last modified (grade)`, so any grade typed in Moodle after the download is
    kept.

    A zip: its modification time (the browser writes it as it downloads). A folder: the newest
    modification time of its files (unzipping keeps the entries' times, all before the download).
    Never later than now."""
    now = datetime.now(UTC)
    times = []
    try:
        if source.is_dir():
            for submission in submissions:
                if submission.path is not None:
                    with contextlib.suppress(OSError):
                        times.append(submission.path.lstat().st_mtime)
        else:
            times.append(source.stat().st_mtime)
    except OSError:
        pass
    when = datetime.fromtimestamp(max(times), UTC) if times else now
    return min(when, now) - MOODLE_GRACE
