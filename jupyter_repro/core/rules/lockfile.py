"""`no-lock`, `input-changed`, `input-missing`, `env-drift`: the notebook against its lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.rules.evidence import Evidence, finding


def locked_inputs(lock: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    inputs = lock.get("inputs")
    if not isinstance(inputs, Mapping):
        return {}
    return {str(k): v for k, v in inputs.items() if isinstance(v, Mapping)}


def _first_cell(entry: Mapping[str, Any], cells: int) -> int | None:
    readers = entry.get("cells")
    if isinstance(readers, list):
        for cell in readers:
            if isinstance(cell, int) and 0 <= cell < cells:
                return cell
    return None


def _inputs(evidence: Evidence, config: ReproConfig, lock: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for path, entry in sorted(locked_inputs(lock).items()):
        now = evidence.inputs_now.get(path)
        if now is None:
            continue  # not looked at (ignored by configuration)
        cell = _first_cell(entry, len(evidence.cells))
        if now.size is None:
            findings.append(finding(config, "input-missing", cell, f"locked input {path} is gone"))
            continue
        locked_size = entry.get("size")
        locked_hash = entry.get("hash")
        if locked_size is not None and locked_size != now.size:
            findings.append(
                finding(
                    config,
                    "input-changed",
                    cell,
                    f"locked input {path} changed: {locked_size} bytes when locked, {now.size} now",
                )
            )
        elif locked_hash and now.hash and locked_hash != now.hash:
            findings.append(
                finding(
                    config,
                    "input-changed",
                    cell,
                    f"locked input {path} changed: same size, other content",
                )
            )
    return findings


def _environment(evidence: Evidence, config: ReproConfig, lock: Mapping[str, Any]) -> list[Finding]:
    installed = evidence.installed
    environment = lock.get("environment")
    if installed is None or not isinstance(environment, Mapping):
        return []
    imported = environment.get("imported")
    if not isinstance(imported, Mapping):
        return []
    findings: list[Finding] = []
    for name, version in sorted(imported.items()):
        now = installed.get(str(name))
        if now == version:
            continue
        state = "is not installed here" if now is None else f"is {now} here"
        findings.append(
            finding(config, "env-drift", None, f"{name} was {version} when locked and {state}")
        )
    return findings


def check_lock(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    lock = evidence.lock
    if lock is None:
        if config.require_lock:
            return [
                finding(
                    config,
                    "no-lock",
                    None,
                    "no lock beside the notebook: its inputs and environment are not recorded",
                )
            ]
        return []
    return _inputs(evidence, config, lock) + _environment(evidence, config, lock)
