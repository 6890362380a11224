"""The run cache's key and entries, and which runs may be cached. Pure.

A key names everything a notebook's results depend on: its normalized code, the hashes of
its inputs, its parameters and seed, its kernel, the environment's hash and the cache
format. Two runs with one key produce the same outputs, so the second need not run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jupyter_repro.core.lock import code_cells, hash_text

CACHE_FORMAT = 1


def normalized_code(cells: Sequence[Mapping[str, Any]]) -> str:
    """The fingerprint of the code cells in order, trailing whitespace and blank cells aside:
    what changes results, not how the file happens to be laid out."""
    sources = []
    for _, source in code_cells(cells):
        lines = [line.rstrip() for line in source.strip().splitlines()]
        if lines:
            sources.append("\n".join(lines))
    return hash_text(json.dumps(sources))


def environment_hash(
    python: str | None,
    implementation: str | None,
    platform: str | None,
    distributions: Mapping[str, str],
) -> str:
    """Python, platform and the full distribution set, as one hash."""
    payload = {
        "python": python,
        "implementation": implementation,
        "platform": platform,
        "distributions": dict(sorted(distributions.items())),
    }
    return hash_text(json.dumps(payload, sort_keys=True))


@dataclass(frozen=True)
class KeyParts:
    code: str
    inputs: Mapping[str, str | None]
    parameters: Mapping[str, Any]
    seed: int | None
    kernel: str | None
    environment: str

    def key(self) -> str | None:
        """The cache key, or None when an input has no hash (it cannot be keyed)."""
        if any(digest is None for digest in self.inputs.values()):
            return None
        payload = {
            "format": CACHE_FORMAT,
            "code": self.code,
            "inputs": dict(sorted(self.inputs.items())),
            "parameters": {k: repr(v) for k, v in sorted(self.parameters.items())},
            "seed": self.seed,
            "kernel": self.kernel,
            "environment": self.environment,
        }
        return hash_text(json.dumps(payload, sort_keys=True))


@dataclass(frozen=True)
class CacheEntry:
    """What a cached run produced: output files and the executed notebook, by content hash,
    and the lock that run wrote."""

    key: str
    notebook: str
    outputs: Mapping[str, str]
    executed: str
    lock: str
    run_id: str | None = None

    def objects(self) -> list[str]:
        return [*self.outputs.values(), self.executed, self.lock]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "key": self.key,
            "notebook": self.notebook,
            "outputs": dict(sorted(self.outputs.items())),
            "executed": self.executed,
            "lock": self.lock,
            "run": self.run_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CacheEntry | None:
        """None for an entry of another format or a malformed one: a miss, not an error."""
        try:
            if data.get("format") != CACHE_FORMAT:
                return None
            outputs = {str(k): str(v) for k, v in dict(data["outputs"]).items()}
            return cls(
                str(data["key"]),
                str(data["notebook"]),
                outputs,
                str(data["executed"]),
                str(data["lock"]),
                data.get("run"),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def not_cacheable(
    *,
    succeeded: bool,
    tracking_complete: bool,
    unattributed: Sequence[str],
    unseeded_random: bool,
    outputs_hashed: bool,
) -> str | None:
    """Why a finished run must not be cached, or None when it may."""
    if not succeeded:
        return "the run failed"
    if unattributed:
        return "it read files that could not be attributed: " + "; ".join(unattributed[:3])
    if not tracking_complete:
        return "tracking was incomplete"
    if unseeded_random:
        return "it draws random numbers with no seed set"
    if not outputs_hashed:
        return "an output file could not be hashed"
    return None
