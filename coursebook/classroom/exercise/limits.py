"""Resource limits for one submission, and their fingerprint (resume re-grades when they change)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

SETTINGS = ("cell_timeout", "total_timeout", "memory_mb", "max_output_mb", "on_timeout")
"""The limits an author or instructor sets: the check file's `limits:` keys, `grade`'s options."""


@dataclass(frozen=True)
class Limits:
    cell_timeout: int = 30
    """Seconds one cell may run before it is interrupted (nbclient's per-cell timeout)."""
    total_timeout: int = 120
    """Seconds all the submission's cells may run together; cells past it are not run."""
    memory_mb: int = 2048
    """Address space of each process in the sandbox (RLIMIT_AS)."""
    max_output_bytes: int = 2_000_000
    """Outputs beyond this are dropped and the row says `output-limit`."""
    max_processes: int = 64
    """Processes and threads the submission may have at once (RLIMIT_NPROC): bounds a fork bomb."""
    max_file_mb: int = 200
    """Largest file the submission may write (RLIMIT_FSIZE), and the size of its private /tmp."""
    on_timeout: Literal["zero", "keep"] = "zero"
    """'zero': a timed-out submission scores 0; 'keep': it keeps the points of answers it had
    set."""

    startup_grace: int = 60
    """Seconds for the sandboxed kernel to start and for the answers to be read, beyond
    total_timeout."""

    def __post_init__(self):
        for name in (
            "cell_timeout",
            "total_timeout",
            "memory_mb",
            "max_output_bytes",
            "max_processes",
            "max_file_mb",
            "startup_grace",
        ):
            if not isinstance(getattr(self, name), int) or getattr(self, name) <= 0:
                raise ValueError(
                    f"limit {name} must be a positive whole number, not {getattr(self, name)!r}"
                )
        if self.on_timeout not in ("zero", "keep"):
            raise ValueError(f"on_timeout must be 'zero' or 'keep', not {self.on_timeout!r}")

    @property
    def hard_timeout(self) -> int:
        """Wall-clock seconds after which the whole sandbox is killed, whatever the kernel does."""
        return self.total_timeout + self.startup_grace

    @classmethod
    def from_settings(cls, *layers: Mapping[str, Any]) -> Limits:
        """Limits from `SETTINGS`-keyed layers, each given (not None) value overriding earlier ones.

        `max_output_mb` becomes `max_output_bytes`; raises ValueError for an unknown key.
        """
        chosen: dict[str, Any] = {}
        for layer in layers:
            unknown = set(layer) - set(SETTINGS)
            if unknown:
                raise ValueError(
                    f"unknown limit {sorted(unknown)[0]!r}; the limits are {', '.join(SETTINGS)}"
                )
            chosen.update({key: value for key, value in layer.items() if value is not None})
        if "max_output_mb" in chosen:
            chosen["max_output_bytes"] = int(chosen.pop("max_output_mb") * 1_000_000)
        return cls(**chosen)

    def fingerprint(self) -> str:
        """Stable across runs and Python versions; changes when any limit changes."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]
