"""Merge the output folders of `coursebook grade --shard K/N` into one class's results.

Merging refuses anything that would give a wrong gradebook: a folder that is not a shard, shards
cut N different ways, from different classes or exercises, a shard given twice or missing, a
submission in two shards, a result missing, results graded against different answer keys, limits
or package versions, or against another answer key or package version than merge's own, or
shards graded per student with another class list than merge's `--roster` (or without one). The
rows keep what each shard found: every file graded against its owner's values, and the flags.
Each refusal is one sentence naming the folders involved.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from ..exercise.assignment import Assignment
from ..roster import Roster
from .classroom import write_outputs
from .shard import Manifest, ManifestError, ShardSpec, read_manifest
from .store import ResultStore, key_digest, package_version, parse_terms
from .writers import Row

RESULTS_FOLDER = "results"


def check_shards(folders: list[Path]) -> list[Manifest]:
    """The manifests of `folders`, ordered by shard, once they are shown to cover one class
    exactly."""
    if not folders:
        raise ManifestError("no shard folders given")
    manifests = [read_manifest(Path(folder)) for folder in folders]
    first = manifests[0]
    for manifest in manifests[1:]:
        for what, mine, theirs in (
            ("cut into", manifest.spec.count, first.spec.count),
            ("for exercise", manifest.exercise, first.exercise),
            ("from the class", manifest.class_digest, first.class_digest),
        ):
            if mine != theirs:
                raise ManifestError(
                    f"{manifest.folder} was graded {what} {mine!r} but {first.folder} {what} "
                    f"{theirs!r}: merge shards of one `grade --shard K/N` run only"
                )
    by_index: dict[int, Manifest] = {}
    for manifest in manifests:
        if manifest.spec.index in by_index:
            raise ManifestError(
                f"shard {manifest.spec} is given twice: {by_index[manifest.spec.index].folder} "
                f"and {manifest.folder}"
            )
        by_index[manifest.spec.index] = manifest
    missing = [
        str(ShardSpec(k, first.spec.count))
        for k in range(1, first.spec.count + 1)
        if k not in by_index
    ]
    if missing:
        raise ManifestError(
            f"missing shard{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            f"merge needs all {first.spec.count} shard folders"
        )
    owner: dict[str, Manifest] = {}
    for manifest in by_index.values():
        for key in manifest.keys:
            if key in owner:
                raise ManifestError(
                    f"submission {key} is in shard {owner[key].spec} ({owner[key].folder}) and "
                    f"in shard {manifest.spec} ({manifest.folder}): the shards overlap"
                )
            owner[key] = manifest
    if len(owner) != first.class_size:
        raise ManifestError(
            f"the shards hold {len(owner)} submissions but the class has {first.class_size}"
        )
    return [by_index[k] for k in sorted(by_index)]


def load_rows(manifests: list[Manifest]) -> list[Row]:
    """Every shard's stored results with their submissions; refuses a missing result or results
    graded under different terms."""
    rows = []
    for manifest in manifests:
        store = ResultStore(manifest.folder / RESULTS_FOLDER)
        for submission in manifest.submissions:
            result = store.load(submission.key)
            if result is None:
                raise ManifestError(
                    f"shard {manifest.spec} ({manifest.folder}) has no readable result for "
                    f"{submission.source}: grade that shard again"
                )
            rows.append(Row(submission, result))
    terms = {_terms(row.result.fingerprint) for row in rows} | {
        _terms(m.terms) for m in manifests if m.terms
    }
    if len(terms) > 1:
        raise ManifestError(
            "the shards were graded with different answer keys, limits, sandbox settings or "
            f"package versions ({len(terms)} different): grade every shard with the same command"
        )
    return rows


def _terms(fingerprint: str) -> str:
    """The part of a result's fingerprint that is the same for every submission of one run (the
    roster a shard was graded with is in its manifest only; merge checks it there)."""
    parts = parse_terms(fingerprint)
    parts.pop("roster", None)
    return ";".join(f"{k}={v}" for k, v in sorted(parts.items()))


def check_terms(
    manifests: list[Manifest], rows: list[Row], assignment: Assignment, roster: str = ""
) -> None:
    """Every shard graded with the answer key and limits of the assignment merge is given, by this
    version of the package, and per student with the same class list or without one as merge is
    (each shard's manifest and each of its results say what they were)."""
    expected = {
        "key": key_digest(assignment),
        "limits": assignment.limits.fingerprint(),
        "package": package_version(),
    }
    what = {
        "key": "another answer key (the check file changed since)",
        "limits": "other limits than the check file's",
        "package": "another version of coursebook",
    }
    for manifest in manifests:
        mine = set(manifest.keys)
        fingerprints = [manifest.terms] if manifest.terms else []
        fingerprints += [row.result.fingerprint for row in rows if row.submission.key in mine]
        for fingerprint in fingerprints:
            parts = parse_terms(fingerprint)
            for name, value in expected.items():
                if parts.get(name) != value:
                    raise ManifestError(
                        f"shard {manifest.spec} ({manifest.folder}) was graded with {what[name]} "
                        f"({name} {parts.get(name, 'unknown')}, here {value}): "
                        "grade the shards again with this one, "
                        "or merge with the one they were graded with"
                    )
        _check_roster(manifest, roster)


def _check_roster(manifest: Manifest, roster: str) -> None:
    """A shard graded per student merges with the same class list, one graded without one
    without."""
    graded_with = parse_terms(manifest.terms).get("roster", "")
    if graded_with == roster:
        return
    where = f"shard {manifest.spec} ({manifest.folder})"
    if not roster:
        raise ManifestError(
            f"{where} was graded per student with a class list: give merge the same --roster"
        )
    if not graded_with:
        raise ManifestError(
            f"{where} was graded without a class list, each file against the course's values: "
            "merge it without --roster"
        )
    raise ManifestError(
        f"{where} was graded with another class list (--roster) than the one given here: "
        "merge with the one it was graded with"
    )


def moodle_time(manifests: list[Manifest]) -> datetime | None:
    """The earliest of the shards' Moodle times: no grade typed after any shard's download is
    overwritten."""
    times = []
    for manifest in manifests:
        with contextlib.suppress(ValueError):
            times.append(datetime.fromisoformat(manifest.moodle_time))
    return min(times) if times else None


def merge_shards(
    folders: list[Path],
    assignment: Assignment,
    out_dir: Path,
    *,
    language: str = "en",
    roster: Roster | None = None,
) -> list[Row]:
    """Check the shards, then write the class's outputs into `out_dir` with the same writers as
    `coursebook grade` (gradebook.csv, the Canvas and Moodle files, feedback pages). `roster`: the
    class list the shards were graded per student with."""
    manifests = check_shards(folders)
    if manifests[0].exercise != assignment.checks.exercise:
        raise ManifestError(
            f"the shards graded exercise {manifests[0].exercise!r}, "
            f"not {assignment.checks.exercise!r}"
        )
    rows = load_rows(manifests)
    check_terms(manifests, rows, assignment, roster.digest() if roster is not None else "")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_outputs(rows, assignment, out_dir, now=moodle_time(manifests), language=language)
    return rows
