"""What changed between two locks: code, inputs, outputs, environment, parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from jupyter_repro.core.lockmodel import Lock, LockedEnvironment, LockedFile

ChangeKind = Literal["added", "removed", "changed"]
VersionChange = Literal["added", "removed", "upgraded", "downgraded", "changed"]


@dataclass(frozen=True)
class FileChange:
    path: str
    kind: ChangeKind
    size_before: int | None = None
    size_after: int | None = None


@dataclass(frozen=True)
class PackageChange:
    name: str
    kind: VersionChange
    before: str | None
    after: str | None
    imported: bool = False


@dataclass(frozen=True)
class ValueChange:
    """A scalar that changed: python version, platform, a parameter, the seed, the kernel..."""

    name: str
    before: Any
    after: Any


@dataclass(frozen=True)
class LockDiff:
    code_changed: bool = False
    cells: tuple[tuple[str, ChangeKind], ...] = ()
    script_changed: bool = False
    inputs: tuple[FileChange, ...] = ()
    outputs: tuple[FileChange, ...] = ()
    packages: tuple[PackageChange, ...] = ()
    values: tuple[ValueChange, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (
            self.code_changed
            or self.script_changed
            or self.inputs
            or self.outputs
            or self.packages
            or self.values
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "same": self.empty,
            "code": {
                "changed": self.code_changed,
                "script_changed": self.script_changed,
                "cells": [{"cell": int(c), "change": k} for c, k in self.cells],
            },
            "inputs": [_file_json(c) for c in self.inputs],
            "outputs": [_file_json(c) for c in self.outputs],
            "environment": [
                {
                    "name": p.name,
                    "change": p.kind,
                    "before": p.before,
                    "after": p.after,
                    "imported": p.imported,
                }
                for p in self.packages
            ],
            "values": [{"name": v.name, "before": v.before, "after": v.after} for v in self.values],
        }


def _file_json(change: FileChange) -> dict[str, Any]:
    return {
        "path": change.path,
        "change": change.kind,
        "size_before": change.size_before,
        "size_after": change.size_after,
    }


def _version_key(version: str) -> tuple[Any, ...] | None:
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # packaging is nearly always there; fall back to numeric parts
        parts = re.findall(r"\d+", version)
        return tuple(int(p) for p in parts) if parts else None
    try:
        return (Version(version),)
    except InvalidVersion:
        return None


def compare_versions(before: str, after: str) -> VersionChange:
    old, new = _version_key(before), _version_key(after)
    if old is None or new is None or old == new:
        return "changed"
    return "upgraded" if new > old else "downgraded"


def _files(
    before: Mapping[str, LockedFile], after: Mapping[str, LockedFile]
) -> tuple[FileChange, ...]:
    changes: list[FileChange] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old is None and new is not None:
            changes.append(FileChange(path, "added", None, new.size))
        elif new is None and old is not None:
            changes.append(FileChange(path, "removed", old.size, None))
        elif old is not None and new is not None and (old.hash, old.size) != (new.hash, new.size):
            changes.append(FileChange(path, "changed", old.size, new.size))
    return tuple(changes)


def _packages(before: LockedEnvironment, after: LockedEnvironment) -> tuple[PackageChange, ...]:
    old, new = before.distributions, after.distributions
    imported = set(before.imported) | set(after.imported)
    changes: list[PackageChange] = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        kind: VersionChange
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        else:
            kind = compare_versions(a, b)
        changes.append(PackageChange(name, kind, a, b, name in imported))
    return tuple(changes)


def _values(before: Lock, after: Lock) -> tuple[ValueChange, ...]:
    """Scalars and small sections that changed, as JSON values (they are printed as JSON)."""
    pairs: list[tuple[str, Any, Any]] = []
    json_a, json_b = before.to_json(), after.to_json()
    env_a, env_b = json_a["environment"], json_b["environment"]
    for key in ("python", "implementation", "platform"):
        pairs.append((key, env_a[key], env_b[key]))
    pairs.append(("imported", sorted(env_a["imported"]), sorted(env_b["imported"])))
    for key in ("editable", "variables"):
        pairs.append((key, env_a[key], env_b[key]))
    for key in ("kernel", "seed"):
        pairs.append((key, json_a[key], json_b[key]))
    params_a, params_b = before.parameters, after.parameters
    for name in sorted(set(params_a) | set(params_b)):
        pairs.append((f"parameter {name}", params_a.get(name), params_b.get(name)))
    pairs.append(("git", json_a["git"], json_b["git"]))
    return tuple(ValueChange(n, a, b) for n, a, b in pairs if a != b)


def diff_locks(before: Lock, after: Lock) -> LockDiff:
    cells_a, cells_b = before.code.cells, after.code.cells
    cells: list[tuple[str, ChangeKind]] = []
    for cell in sorted(set(cells_a) | set(cells_b)):
        if cell not in cells_a:
            cells.append((str(cell), "added"))
        elif cell not in cells_b:
            cells.append((str(cell), "removed"))
        elif cells_a[cell] != cells_b[cell]:
            cells.append((str(cell), "changed"))
    script_a, script_b = before.code.script, after.code.script
    return LockDiff(
        code_changed=before.code.fingerprint != after.code.fingerprint,
        cells=tuple(cells),
        script_changed=(script_a and script_a.fingerprint) != (script_b and script_b.fingerprint),
        inputs=_files(before.inputs, after.inputs),
        outputs=_files(before.outputs, after.outputs),
        packages=_packages(before.environment, after.environment),
        values=_values(before, after),
    )


def _size(value: int | None) -> str:
    if value is None:
        return "?"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024  # type: ignore[assignment]
    return str(value)


def describe(diff: LockDiff) -> list[str]:
    """Human lines, one per change; empty when the locks lock the same things."""
    lines: list[str] = []
    if diff.code_changed or diff.cells:
        detail = ", ".join(f"cell {int(c) + 1} {k}" for c, k in diff.cells) or "cell order"
        lines.append(f"code: {detail}")
    if diff.script_changed:
        lines.append("code: paired script changed")
    for label, changes in (("input", diff.inputs), ("output", diff.outputs)):
        for change in changes:
            sizes = {
                "added": _size(change.size_after),
                "removed": _size(change.size_before),
                "changed": f"{_size(change.size_before)} -> {_size(change.size_after)}",
            }
            lines.append(f"{label} {change.kind}: {change.path} ({sizes[change.kind]})")
    for package in diff.packages:
        versions = " -> ".join(v for v in (package.before, package.after) if v is not None)
        mark = " (imported)" if package.imported else ""
        lines.append(f"package {package.kind}: {package.name} {versions}{mark}")
    for value in diff.values:
        if value.name == "editable":
            lines.extend(_editable_lines(value.before or {}, value.after or {}))
        elif value.name == "variables":
            lines.extend(_variable_lines(value.before or {}, value.after or {}))
        elif value.name == "imported":
            added = sorted(set(value.after) - set(value.before))
            removed = sorted(set(value.before) - set(value.after))
            lines.extend(
                f"imports {verb}: {', '.join(names)}"
                for verb, names in (("added", added), ("removed", removed))
                if names
            )
        else:
            lines.append(f"{value.name}: {value.before} -> {value.after}")
    return lines


def _short(commit: object) -> str:
    return str(commit)[:12] if commit else "no commit"


def _editable_lines(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None or new is None:
            lines.append(f"editable install {'added' if old is None else 'removed'}: {name}")
        elif old.get("path") != new.get("path"):
            lines.append(f"editable install {name}: {old.get('path')} -> {new.get('path')}")
        else:
            lines.append(
                f"editable install {name}: commit {_short(old.get('commit'))} -> "
                f"{_short(new.get('commit'))}"
            )
    return lines


def _variable_lines(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    return [
        f"environment variables {verb}: {', '.join(names)}"
        for verb, names in (("added", added), ("removed", removed), ("changed value", changed))
        if names
    ]


def summary(diff: LockDiff) -> str:
    """One short line for `log`: counts of what changed."""
    parts: list[str] = []
    if diff.code_changed or diff.script_changed:
        parts.append("code")
    for label, count in (
        ("input", len(diff.inputs)),
        ("output", len(diff.outputs)),
        ("package", len(diff.packages)),
    ):
        if count:
            parts.append(f"{count} {label}{'s' if count > 1 else ''}")
    parts.extend(v.name for v in diff.values if v.name != "git")
    return ", ".join(parts) or "no change"
