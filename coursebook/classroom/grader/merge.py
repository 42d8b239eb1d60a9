"""Merge the output folders of `coursebook grade --shard K/N` into one class's results.

Merging refuses anything that would give a wrong gradebook: a folder that is not a shard, shards
cut N different ways, from different classes or exercises, a shard given twice or missing, a
submission in two shards, a result missing, or results graded against different answer keys or
limits. Each refusal is one sentence naming the folders involved.
"""

from __future__ import annotations

from pathlib import Path

from ..exercise.assignment import Assignment
from .classroom import write_outputs
from .shard import Manifest, ManifestError, ShardSpec, read_manifest
from .store import ResultStore
from .writers import Row

RESULTS_FOLDER = "results"


def check_shards(folders: list[Path]) -> list[Manifest]:
    """The manifests of `folders`, ordered by shard, once they are shown to cover one class exactly."""
    if not folders:
        raise ManifestError("no shard folders given")
    manifests = [read_manifest(Path(folder)) for folder in folders]
    first = manifests[0]
    for manifest in manifests[1:]:
        for what, mine, theirs in (("cut into", manifest.spec.count, first.spec.count),
                                   ("for exercise", manifest.exercise, first.exercise),
                                   ("from the class", manifest.class_digest, first.class_digest)):
            if mine != theirs:
                raise ManifestError(f"{manifest.folder} was graded {what} {mine!r} but {first.folder} {what} "
                                    f"{theirs!r}: merge shards of one `grade --shard K/N` run only")
    by_index: dict[int, Manifest] = {}
    for manifest in manifests:
        if manifest.spec.index in by_index:
            raise ManifestError(f"shard {manifest.spec} is given twice: {by_index[manifest.spec.index].folder} "
                                f"and {manifest.folder}")
        by_index[manifest.spec.index] = manifest
    missing = [str(ShardSpec(k, first.spec.count)) for k in range(1, first.spec.count + 1) if k not in by_index]
    if missing:
        raise ManifestError(f"missing shard{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
                            f"merge needs all {first.spec.count} shard folders")
    owner: dict[str, Manifest] = {}
    for manifest in by_index.values():
        for key in manifest.keys:
            if key in owner:
                raise ManifestError(f"submission {key} is in shard {owner[key].spec} ({owner[key].folder}) and "
                                    f"in shard {manifest.spec} ({manifest.folder}): the shards overlap")
            owner[key] = manifest
    if len(owner) != first.class_size:
        raise ManifestError(f"the shards hold {len(owner)} submissions but the class has {first.class_size}")
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
                raise ManifestError(f"shard {manifest.spec} ({manifest.folder}) has no readable result for "
                                    f"{submission.source}: grade that shard again")
            rows.append(Row(submission, result))
    terms = {_terms(row.result.fingerprint) for row in rows}
    if len(terms) > 1:
        raise ManifestError("the shards were graded with different answer keys, limits or sandbox settings "
                            f"({len(terms)} different): grade every shard with the same command")
    return rows


def _terms(fingerprint: str) -> str:
    """The part of a result's fingerprint that is the same for every submission of one run."""
    parts = dict(part.split("=", 1) for part in fingerprint.split(";") if "=" in part)
    parts.pop("file", None)
    return ";".join(f"{k}={v}" for k, v in sorted(parts.items()))


def merge_shards(folders: list[Path], assignment: Assignment, out_dir: Path) -> list[Row]:
    """Check the shards, then write the class's outputs into `out_dir` with the same writers as
    `coursebook grade` (gradebook.csv, the Canvas and Moodle files, feedback pages)."""
    manifests = check_shards(folders)
    if manifests[0].exercise != assignment.checks.exercise:
        raise ManifestError(f"the shards graded exercise {manifests[0].exercise!r}, "
                            f"not {assignment.checks.exercise!r}")
    rows = load_rows(manifests)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_outputs(rows, assignment, out_dir)
    return rows
