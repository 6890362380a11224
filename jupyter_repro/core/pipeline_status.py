"""Fresh or stale, and why: a notebook's lock against the notebook, files and environment now.

Pure. The io layer reads the lock and gathers the facts of now (the notebook's code cells,
the hashes of the files the lock names, the installed distributions); this module says
what differs, and `project_status` marks everything downstream of a stale notebook stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from jupyter_repro.core.pipeline import Pipeline

State = Literal["fresh", "stale"]
# Stable slugs of why a notebook is stale, in the order they are reported.
REASON_KINDS = (
    "no-lock",
    "notebook-missing",
    "code-changed",
    "parameters-changed",
    "seed-changed",
    "input-changed",
    "input-missing",
    "output-changed",
    "output-missing",
    "env-drift",
    "upstream-stale",
)


@dataclass(frozen=True)
class Reason:
    kind: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class Recorded:
    """What a notebook's lock recorded about its last run."""

    code_cells: Mapping[int, str]  # cell index (among all cells) -> code fingerprint
    parameters: Mapping[str, str]
    seed: int | None
    inputs: Mapping[str, str | None]
    outputs: Mapping[str, str | None]
    imported: Mapping[str, str]  # distribution -> version
    python: str | None


@dataclass(frozen=True)
class Current:
    """The same facts now; `files` holds the hash of every file the lock names (None: gone)."""

    exists: bool
    code_cells: Mapping[int, str] = field(default_factory=dict)
    parameter_cells: frozenset[int] = frozenset()
    parameters: Mapping[str, str] = field(default_factory=dict)
    seed: int | None = None
    files: Mapping[str, str | None] = field(default_factory=dict)
    distributions: Mapping[str, str] = field(default_factory=dict)
    python: str | None = None


@dataclass(frozen=True)
class NotebookStatus:
    path: str
    state: State
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "state": self.state,
            "reasons": [r.to_json() for r in self.reasons],
        }


def _ordered(cells: Mapping[int, str]) -> list[tuple[int, str]]:
    return sorted(cells.items())


def code_reasons(recorded: Recorded, now: Current) -> list[Reason]:
    """Code cells changed, added, removed or reordered; parameter cells are judged apart."""
    locked = [digest for _, digest in _ordered(recorded.code_cells)]
    current = _ordered(now.code_cells)
    if locked == [digest for _, digest in current]:
        return []
    known = set(locked)
    changed = [
        index + 1
        for index, digest in current
        if digest not in known and index not in now.parameter_cells
    ]
    kept = {digest for _, digest in current}
    removed = sum(digest not in kept for digest in locked)
    renewed_parameters = sum(
        digest not in known for index, digest in current if index in now.parameter_cells
    )
    # An edited cell drops one old fingerprint and brings one new: that is no removal.
    removed = max(removed - renewed_parameters - len(changed), 0)
    parts = []
    if changed:
        parts.append("cell " + ", ".join(str(i) for i in changed) + " changed or added")
    if removed:
        parts.append(f"{removed} cell{'s' if removed > 1 else ''} removed")
    if not parts and sorted(locked) == sorted(d for _, d in current):
        parts.append("cells reordered")
    return [Reason("code-changed", "; ".join(parts))] if parts else []


def _file_reasons(
    files: Mapping[str, str | None], now: Mapping[str, str | None], what: str
) -> list[Reason]:
    """Files `now` has no entry for (outside the project: never read) are not judged."""
    changed = sorted(p for p, digest in files.items() if now.get(p) and now[p] != digest)
    missing = sorted(p for p in files if p in now and now[p] is None)
    reasons = [Reason(f"{what}-changed", p) for p in changed]
    reasons.extend(Reason(f"{what}-missing", p) for p in missing)
    return reasons


def _environment_reasons(recorded: Recorded, now: Current) -> list[Reason]:
    reasons = []
    if recorded.python and now.python and recorded.python != now.python:
        reasons.append(Reason("env-drift", f"python {recorded.python} -> {now.python}"))
    for name, version in sorted(recorded.imported.items()):
        found = now.distributions.get(name)
        if found != version:
            reasons.append(Reason("env-drift", f"{name} {version} -> {found or 'not installed'}"))
    return reasons


def judge(recorded: Recorded | None, now: Current) -> list[Reason]:
    """Why this notebook's lock no longer describes it (empty: fresh)."""
    if not now.exists:
        return [Reason("notebook-missing", "the notebook is gone")]
    if recorded is None:
        return [Reason("no-lock", "never snapshotted: no lock")]
    reasons = code_reasons(recorded, now)
    for name in sorted({*recorded.parameters, *now.parameters}):
        before, after = recorded.parameters.get(name), now.parameters.get(name)
        if before != after:
            reasons.append(Reason("parameters-changed", f"{name}: {before} -> {after}"))
    if recorded.seed != now.seed:
        reasons.append(Reason("seed-changed", f"{recorded.seed} -> {now.seed}"))
    reasons.extend(_file_reasons(recorded.inputs, now.files, "input"))
    reasons.extend(_file_reasons(recorded.outputs, now.files, "output"))
    reasons.extend(_environment_reasons(recorded, now))
    return reasons


def project_status(pipeline: Pipeline, own: Mapping[str, Sequence[Reason]]) -> list[NotebookStatus]:
    """Each notebook in run order, stale when it has reasons of its own or an upstream is."""
    stale: set[str] = set()
    result = []
    for name in pipeline.order:
        reasons = list(own.get(name, ()))
        ups = [up for up in pipeline.upstream[name] if up in stale]
        reasons.extend(Reason("upstream-stale", up) for up in ups)
        if reasons:
            stale.add(name)
        result.append(NotebookStatus(name, "stale" if reasons else "fresh", tuple(reasons)))
    return result
