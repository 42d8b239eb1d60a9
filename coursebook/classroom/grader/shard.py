"""Cut a class into N disjoint, deterministic slices (shards) for a CI matrix, and record each cut.

A student's shard is a hash of who they are (the LMS's identity), never their position in the list:
re-running a shard grades the same students, and a late file added to the class lands in its
student's shard without moving anybody else. Each graded shard leaves a manifest (`shard.json`)
that lets `coursebook gradebook merge` prove the shards fit together: same class, same exercise,
every submission in exactly one shard.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .archive import Entry
from .collect import Submission

MANIFEST = "shard.json"
MANIFEST_VERSION = 1
MAX_SHARDS = 1000


@dataclass(frozen=True)
class ShardSpec:
    index: int
    """K: which slice, counted from 1."""
    count: int
    """N: how many slices the class is cut into."""

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        """`"2/5"` -> ShardSpec(2, 5); ValueError with a one-line message otherwise."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
        if not match:
            raise ValueError(f"--shard must look like K/N (for example 2/5), not {text!r}")
        index, count = int(match[1]), int(match[2])
        if not 1 <= count <= MAX_SHARDS:
            raise ValueError(f"--shard {text}: N must be between 1 and {MAX_SHARDS}")
        if not 1 <= index <= count:
            raise ValueError(f"--shard {text}: K must be between 1 and N ({count})")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def identity(submission: Submission) -> str:
    """Who handed the file in, as the LMS says: all of one student's files share a shard."""
    if submission.lms and submission.lms_id:
        return f"{submission.lms}:{submission.lms_id}"
    return f"name:{submission.student}"


def shard_of(submission: Submission, count: int) -> int:
    """The 1-based shard of this submission among `count`."""
    digest = hashlib.sha256(identity(submission).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select(submissions: list[Submission], spec: ShardSpec) -> list[Submission]:
    """The submissions of shard `spec`, in their original order."""
    return [s for s in submissions if shard_of(s, spec.count) == spec.index]


def class_digest(submissions: list[Submission]) -> str:
    """Names the whole class as collected (every file's key), so shards of different classes
    never merge."""
    return hashlib.sha256("\n".join(sorted(s.key for s in submissions)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Manifest:
    spec: ShardSpec
    exercise: str
    class_digest: str
    class_size: int
    submissions: tuple[Submission, ...]
    """Who this shard graded, as collected (without paths: they were this run's own unpacked
    copies)."""
    folder: Path
    terms: str = ""
    """What the shard was graded under (store.terms: answer key, limits, sandbox, package
    version)."""
    moodle_time: str = ""
    """The Moodle worksheet's `Last modified (grade)` this shard used (ISO, UTC)."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.submissions)

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MANIFEST_VERSION,
                "shard": str(self.spec),
                "exercise": self.exercise,
                "class_digest": self.class_digest,
                "class_size": self.class_size,
                "submissions": [_identity_data(s) for s in self.submissions],
                "terms": self.terms,
                "moodle_time": self.moodle_time,
            },
            indent=1,
        )


def _identity_data(submission: Submission) -> dict:
    data = asdict(submission)
    data["path"] = None
    if data["refusal"] is not None:
        data["refusal"]["path"] = None
    return data


def _identity_from(data: dict) -> Submission:
    refusal = data.get("refusal")
    return Submission(
        **{**data, "path": None, "refusal": Entry(**refusal) if refusal is not None else None}
    )


def write_manifest(
    out_dir: Path,
    spec: ShardSpec,
    exercise: str,
    everyone: list[Submission],
    selected: list[Submission],
    *,
    terms: str = "",
    moodle_time: str = "",
) -> Path:
    """Record which slice of which class `out_dir` holds, and under which terms it was graded
    (written after grading, atomically)."""
    manifest = Manifest(
        spec,
        exercise,
        class_digest(everyone),
        len(everyone),
        tuple(selected),
        out_dir,
        terms,
        moodle_time,
    )
    target = out_dir / MANIFEST
    partial = out_dir / f".{MANIFEST}.partial"
    partial.write_text(manifest.to_json(), encoding="utf-8")
    partial.replace(target)
    return target


def clear_manifest(out_dir: Path) -> None:
    """Before a run: a folder holds a manifest only for a shard that finished grading."""
    (out_dir / MANIFEST).unlink(missing_ok=True)


class ManifestError(ValueError):
    """A folder given to merge is not a graded shard, or the shards do not fit together."""


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not path.is_file():
        raise ManifestError(
            f"{folder}: no {MANIFEST}; is it the --out folder of `coursebook grade --shard K/N`?"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {MANIFEST_VERSION}")
        return Manifest(
            ShardSpec.parse(data["shard"]),
            str(data["exercise"]),
            str(data["class_digest"]),
            int(data["class_size"]),
            tuple(_identity_from(d) for d in data["submissions"]),
            folder,
            str(data.get("terms", "")),
            str(data.get("moodle_time", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{path}: not a readable shard manifest ({exc})") from None
