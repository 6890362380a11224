"""`no-lock`, `input-changed`, `input-missing`, `env-drift`: the notebook against its lock."""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.lockmodel import Lock, LockedFile
from jupyter_repro.core.rules.evidence import Evidence, finding


def _first_cell(entry: LockedFile, cells: int) -> int | None:
    return next((cell for cell in entry.cells if 0 <= cell < cells), None)


def _inputs(evidence: Evidence, config: ReproConfig, lock: Lock) -> list[Finding]:
    findings: list[Finding] = []
    for path, entry in sorted(lock.inputs.items()):
        now = evidence.inputs_now.get(path)
        if now is None:
            continue  # not looked at (ignored by configuration)
        cell = _first_cell(entry, len(evidence.cells))
        if now.outside:
            findings.append(
                finding(
                    config,
                    "absolute-path",
                    cell,
                    f"locked input {path} is outside the project (not read): copy it into "
                    "the project or declare how to get it",
                )
            )
            continue
        if now.size is None:
            findings.append(finding(config, "input-missing", cell, f"locked input {path} is gone"))
            continue
        locked_size, locked_hash = entry.size, entry.hash
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


def _environment(evidence: Evidence, config: ReproConfig, lock: Lock) -> list[Finding]:
    installed = evidence.installed
    if installed is None:
        return []
    findings: list[Finding] = []
    for name, version in sorted(lock.environment.imported.items()):
        now = installed.get(name)
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
        if config.require_lock and not evidence.lock_unreadable:
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
