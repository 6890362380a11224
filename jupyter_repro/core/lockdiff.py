"""What changed between two locks: code, inputs, outputs, environment, parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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


def _files(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FileChange, ...]:
    changes: list[FileChange] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path) or {}, after.get(path) or {}
        if path not in before:
            changes.append(FileChange(path, "added", None, new.get("size")))
        elif path not in after:
            changes.append(FileChange(path, "removed", old.get("size"), None))
        elif (old.get("hash"), old.get("size")) != (new.get("hash"), new.get("size")):
            changes.append(FileChange(path, "changed", old.get("size"), new.get("size")))
    return tuple(changes)


def _packages(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[PackageChange, ...]:
    old, new = before.get("distributions", {}), after.get("distributions", {})
    imported = set(before.get("imported", {})) | set(after.get("imported", {}))
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


def _values(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[ValueChange, ...]:
    pairs: list[tuple[str, Any, Any]] = []
    env_a, env_b = before.get("environment", {}), after.get("environment", {})
    for key in ("python", "implementation", "platform"):
        pairs.append((key, env_a.get(key), env_b.get(key)))
    pairs.append(("imported", sorted(env_a.get("imported", {})), sorted(env_b.get("imported", {}))))
    pairs.append(("editable", env_a.get("editable"), env_b.get("editable")))
    pairs.append(("variables", env_a.get("variables"), env_b.get("variables")))
    pairs.append(("kernel", before.get("kernel"), after.get("kernel")))
    pairs.append(("seed", before.get("seed"), after.get("seed")))
    params_a, params_b = before.get("parameters", {}), after.get("parameters", {})
    for name in sorted(set(params_a) | set(params_b)):
        pairs.append((f"parameter {name}", params_a.get(name), params_b.get(name)))
    pairs.append(("git", before.get("git"), after.get("git")))
    return tuple(ValueChange(n, a, b) for n, a, b in pairs if a != b)


def diff_locks(before: Mapping[str, Any], after: Mapping[str, Any]) -> LockDiff:
    code_a, code_b = before.get("code", {}), after.get("code", {})
    cells_a, cells_b = code_a.get("cells", {}), code_b.get("cells", {})
    cells: list[tuple[str, ChangeKind]] = []
    for cell in sorted(set(cells_a) | set(cells_b), key=int):
        if cell not in cells_a:
            cells.append((cell, "added"))
        elif cell not in cells_b:
            cells.append((cell, "removed"))
        elif cells_a[cell] != cells_b[cell]:
            cells.append((cell, "changed"))
    script_a, script_b = code_a.get("script") or {}, code_b.get("script") or {}
    return LockDiff(
        code_changed=code_a.get("fingerprint") != code_b.get("fingerprint"),
        cells=tuple(cells),
        script_changed=script_a.get("fingerprint") != script_b.get("fingerprint"),
        inputs=_files(before.get("inputs", {}), after.get("inputs", {})),
        outputs=_files(before.get("outputs", {}), after.get("outputs", {})),
        packages=_packages(before.get("environment", {}), after.get("environment", {})),
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
        detail = ", ".join(f"cell {c} {k}" for c, k in diff.cells) or "cell order"
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
