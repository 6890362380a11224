"""Run records: what one execution of a notebook used and produced, and two side by side.

Pure. A record is written by `run`, `verify` and `repro` (io/runrecords); the scalar
results a notebook reports come from its executed cells: the last expression of a cell
tagged `repro-metrics` (a dict of numbers), or scrapbook-style glued scalars.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

METRICS_TAG = "repro-metrics"
SCRAPBOOK_MIME = "application/scrapbook.scrap.json+json"
RECORD_FORMAT = 1


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _tagged_metrics(cell: Mapping[str, Any]) -> dict[str, float | int]:
    for output in cell.get("outputs", []):
        if output.get("output_type") != "execute_result":
            continue
        text = output.get("data", {}).get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return {}
        if isinstance(value, dict):
            return {str(k): n for k, v in value.items() if (n := _number(v)) is not None}
    return {}


def _glued(cell: Mapping[str, Any]) -> dict[str, float | int]:
    found: dict[str, float | int] = {}
    for output in cell.get("outputs", []):
        scrap = output.get("data", {}).get(SCRAPBOOK_MIME)
        if isinstance(scrap, Mapping) and isinstance(scrap.get("name"), str):
            number = _number(scrap.get("data"))
            if number is not None:
                found[scrap["name"]] = number
    return found


def metrics_from_cells(cells: Sequence[Mapping[str, Any]]) -> dict[str, float | int]:
    """Scalar results of an executed notebook; later cells win on a name."""
    metrics: dict[str, float | int] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        if METRICS_TAG in cell.get("metadata", {}).get("tags", []):
            metrics.update(_tagged_metrics(cell))
        metrics.update(_glued(cell))
    return dict(sorted(metrics.items()))


@dataclass(frozen=True)
class RunRecord:
    id: str
    notebook: str
    command: str  # run | verify | repro
    verdict: str  # ok | failed | cached | reproduced | not-reproduced | ...
    started: str  # UTC ISO time
    seconds: float
    git_commit: str | None
    parameters: Mapping[str, Any]
    seed: int | None
    inputs: Mapping[str, str | None]
    outputs: Mapping[str, str | None]
    environment_hash: str | None
    environment: Mapping[str, str] = field(default_factory=dict)  # python, imported dists
    metrics: Mapping[str, float | int] = field(default_factory=dict)
    executed: str | None = None  # the executed notebook, project-relative
    executed_hash: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT,
            "id": self.id,
            "notebook": self.notebook,
            "command": self.command,
            "verdict": self.verdict,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "git_commit": self.git_commit,
            "parameters": dict(self.parameters),
            "seed": self.seed,
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
            "environment_hash": self.environment_hash,
            "environment": dict(sorted(self.environment.items())),
            "metrics": dict(self.metrics),
            "executed": self.executed,
            "executed_hash": self.executed_hash,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        return cls(
            id=str(data["id"]),
            notebook=str(data["notebook"]),
            command=str(data.get("command", "run")),
            verdict=str(data.get("verdict", "")),
            started=str(data.get("started", "")),
            seconds=float(data.get("seconds", 0.0)),
            git_commit=data.get("git_commit"),
            parameters=dict(data.get("parameters") or {}),
            seed=data.get("seed"),
            inputs=dict(data.get("inputs") or {}),
            outputs=dict(data.get("outputs") or {}),
            environment_hash=data.get("environment_hash"),
            environment=dict(data.get("environment") or {}),
            metrics=dict(data.get("metrics") or {}),
            executed=data.get("executed"),
            executed_hash=data.get("executed_hash"),
            error=data.get("error"),
        )


@dataclass(frozen=True)
class Difference:
    section: str  # parameters | inputs | outputs | environment | metrics | run
    name: str
    left: Any
    right: Any

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "name": self.name, "a": self.left, "b": self.right}


def _mapping_differences(
    section: str, left: Mapping[str, Any], right: Mapping[str, Any]
) -> list[Difference]:
    return [
        Difference(section, name, left.get(name), right.get(name))
        for name in sorted({*left, *right})
        if left.get(name) != right.get(name)
    ]


def compare_records(a: RunRecord, b: RunRecord) -> list[Difference]:
    """What differs between two runs, section by section (outputs per cell are io's job)."""
    found = _mapping_differences(
        "run",
        {"notebook": a.notebook, "verdict": a.verdict, "git commit": a.git_commit, "seed": a.seed},
        {"notebook": b.notebook, "verdict": b.verdict, "git commit": b.git_commit, "seed": b.seed},
    )
    found += _mapping_differences("parameters", a.parameters, b.parameters)
    found += _mapping_differences("inputs", a.inputs, b.inputs)
    found += _mapping_differences("outputs", a.outputs, b.outputs)
    if a.environment_hash != b.environment_hash:
        found += _mapping_differences("environment", a.environment, b.environment)
        if not any(d.section == "environment" for d in found):
            found.append(Difference("environment", "hash", a.environment_hash, b.environment_hash))
    found += _mapping_differences("metrics", a.metrics, b.metrics)
    return found
