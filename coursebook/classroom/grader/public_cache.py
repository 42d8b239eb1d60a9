"""The public check file the grader puts in every sandbox, kept between runs.

Building it costs about a tenth of a second of scrypt per accepted answer (49 digests, seconds, for
ex3a): once per answer key, not once per run. The file is public (students hold the same), so the
cache only has to be the grader's own (a folder of this user's that nobody else may change, as the
runtime trees); it is keyed by everything the file is made from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

from ..exercise.checks import public_spec
from ..exercise.fingerprints import COST, FORMAT, VERSION
from ..exercise.task import CheckFile
from .runtime_copy import cache_folder


def cached_public_spec(checks: CheckFile) -> dict:
    """`public_spec(checks)`, from the cache when this answer key was seen before."""
    made_of = json.dumps([FORMAT, VERSION, COST, checks.model_dump(mode="json")], sort_keys=True)
    key = hashlib.sha256(made_of.encode()).hexdigest()[:32]
    folder = cache_folder("checks")
    if folder is not None:
        with contextlib.suppress(OSError, ValueError):
            kept = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            if isinstance(kept, dict) and kept.get("format") == FORMAT:
                return kept
    spec = public_spec(checks)
    if folder is not None:
        with contextlib.suppress(OSError):
            made = folder / f".{key}.{os.getpid()}"
            made.write_text(json.dumps(spec), encoding="utf-8")
            os.replace(made, folder / f"{key}.json")
    return spec
