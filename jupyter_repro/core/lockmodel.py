"""The lock as a typed model: what a notebook's results depend on.

`Lock.from_json` is the one parser of lock data (the `io` layer reads the file, checks
nothing else, and hands the parsed JSON here); `Lock.to_json` is the one encoder. The
shipped JSON Schema (`jupyter_repro/schema/lock.schema.json`) is the published contract;
this parser checks the same shapes without importing jsonschema, which costs seconds to
import in an environment with jupyter_server. Unknown keys are ignored, so a lock written
by a later release of the same `lock_version` still reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jupyter_repro.core import shapes
from jupyter_repro.core.shapes import ShapeError, child

LOCK_VERSION = 1


class LockVersionError(ValueError):
    """A lock from another format version: not a shape problem, a version one."""

    def __init__(self, version: object) -> None:
        self.version = version
        if type(version) is int and version > LOCK_VERSION:
            reason = (
                f"lock version {version} is newer than this jupyter-repro reads "
                f"({LOCK_VERSION}): upgrade jupyter-repro"
            )
        else:
            reason = (
                f"lock version {version!r} is not supported (this version reads {LOCK_VERSION})"
            )
        super().__init__(reason)


@dataclass(frozen=True)
class ScriptRef:
    path: str
    fingerprint: str


@dataclass(frozen=True)
class CodeSection:
    """Fingerprint of all code in order, of each code cell (by index among all cells)."""

    fingerprint: str
    cells: Mapping[int, str]
    script: ScriptRef | None = None


@dataclass(frozen=True)
class KernelRef:
    name: str | None
    language: str | None


@dataclass(frozen=True)
class EditableInstall:
    path: str | None
    commit: str | None


@dataclass(frozen=True)
class InstallSource:
    """Where a distribution came from when not from an index (PEP 610 direct_url)."""

    kind: str  # editable, local, vcs or url
    url: str
    commit: str | None = None


@dataclass(frozen=True)
class LockedEnvironment:
    python: str | None = None
    implementation: str | None = None
    platform: str | None = None
    distributions: Mapping[str, str] = field(default_factory=dict)
    imported: Mapping[str, str] = field(default_factory=dict)
    editable: Mapping[str, EditableInstall] = field(default_factory=dict)
    variables: Mapping[str, str | None] = field(default_factory=dict)
    # The imported distributions and all they require, as installed in the kernel, and the
    # members not installed from an index. Empty in locks written before they were recorded.
    closure: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, InstallSource] = field(default_factory=dict)


@dataclass(frozen=True)
class LockedFile:
    """An input or output: size and blake3 as the kernel saw them, the cells that used it.

    `stored` is None for outputs (only inputs are copied into the store)."""

    size: int | None
    hash: str | None
    cells: tuple[int, ...] = ()
    stored: bool | None = None


@dataclass(frozen=True)
class ExecutionSummary:
    in_order: bool
    clean_run: bool
    tracking_complete: bool
    cells_run: int
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class GitState:
    commit: str | None
    dirty: bool | None


@dataclass(frozen=True)
class Lock:
    notebook: str
    code: CodeSection
    kernel: KernelRef
    environment: LockedEnvironment
    inputs: Mapping[str, LockedFile]
    outputs: Mapping[str, LockedFile]
    parameters: Mapping[str, str]
    seed: int | None
    execution: ExecutionSummary
    git: GitState | None = None
    lock_version: int = LOCK_VERSION

    # -- reading -------------------------------------------------------------------------
    @classmethod
    def from_json(cls, data: Any) -> Lock:
        """Parse lock JSON. LockVersionError for another version, ShapeError for a bad shape."""
        top = shapes.obj(data, "")
        version = top.get("lock_version")
        if version != LOCK_VERSION or type(version) is not int:
            raise LockVersionError(version)

        def get(key: str) -> Any:
            return shapes.field(top, key, "")

        git = get("git")
        return cls(
            notebook=_nonempty(get("notebook"), "notebook"),
            code=_code(get("code")),
            kernel=_kernel(get("kernel")),
            environment=_environment(get("environment")),
            inputs=_files(get("inputs"), "inputs", stored=True),
            outputs=_files(get("outputs"), "outputs", stored=False),
            parameters=shapes.string_map(get("parameters"), "parameters"),
            seed=shapes.opt_integer(get("seed"), "seed"),
            execution=_execution(get("execution")),
            git=None if git is None else _git(git),
        )

    # -- writing -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The JSON value of the lock (what `serialize_lock` writes)."""
        env = self.environment
        return {
            "lock_version": self.lock_version,
            "notebook": self.notebook,
            "code": {
                "fingerprint": self.code.fingerprint,
                "cells": {str(i): h for i, h in self.code.cells.items()},
                "script": None
                if self.code.script is None
                else {"path": self.code.script.path, "fingerprint": self.code.script.fingerprint},
            },
            "kernel": {"name": self.kernel.name, "language": self.kernel.language},
            "environment": {
                "python": env.python,
                "implementation": env.implementation,
                "platform": env.platform,
                "distributions": dict(env.distributions),
                "imported": dict(env.imported),
                "editable": {
                    n: {"path": e.path, "commit": e.commit} for n, e in env.editable.items()
                },
                "variables": dict(env.variables),
                **_closure_json(env),
            },
            "inputs": {p: _file_json(f) for p, f in self.inputs.items()},
            "outputs": {p: _file_json(f) for p, f in self.outputs.items()},
            "parameters": dict(self.parameters),
            "seed": self.seed,
            "execution": {
                "in_order": self.execution.in_order,
                "clean_run": self.execution.clean_run,
                "tracking_complete": self.execution.tracking_complete,
                "cells_run": self.execution.cells_run,
                "missing": list(self.execution.missing),
            },
            "git": None
            if self.git is None
            else {"commit": self.git.commit, "dirty": self.git.dirty},
        }

    def without_git(self) -> Lock:
        from dataclasses import replace

        return replace(self, git=None)


def _nonempty(value: Any, where: str) -> str:
    text = shapes.string(value, where)
    if not text:
        raise ShapeError(where, "a non-empty string", value)
    return text


def _blake3(value: Any, where: str) -> str:
    text = shapes.string(value, where)
    if not _is_blake3(text):
        raise ShapeError(where, '"blake3:" and 64 hex digits', value)
    return text


def _opt_blake3(value: Any, where: str) -> str | None:
    return None if value is None else _blake3(value, where)


_BLAKE3 = re.compile(r"blake3:[0-9a-f]{64}")


def _is_blake3(text: str) -> bool:
    return _BLAKE3.fullmatch(text) is not None


def _code(value: Any) -> CodeSection:
    data = shapes.obj(value, "code")
    cells: dict[int, str] = {}
    for key, digest in shapes.obj(shapes.field(data, "cells", "code"), "code/cells").items():
        if not key.isdigit() or (key != "0" and key.startswith("0")):
            raise ShapeError(child("code/cells", key), "a cell index as the key", key)
        cells[int(key)] = _blake3(digest, child("code/cells", key))
    script = shapes.field(data, "script", "code")
    ref = None
    if script is not None:
        raw = shapes.obj(script, "code/script")
        ref = ScriptRef(
            shapes.string(shapes.field(raw, "path", "code/script"), "code/script/path"),
            _blake3(shapes.field(raw, "fingerprint", "code/script"), "code/script/fingerprint"),
        )
    return CodeSection(
        _blake3(shapes.field(data, "fingerprint", "code"), "code/fingerprint"), cells, ref
    )


def _kernel(value: Any) -> KernelRef:
    data = shapes.obj(value, "kernel")
    return KernelRef(
        shapes.opt_string(shapes.field(data, "name", "kernel"), "kernel/name"),
        shapes.opt_string(shapes.field(data, "language", "kernel"), "kernel/language"),
    )


def _environment(value: Any) -> LockedEnvironment:
    where = "environment"
    data = shapes.obj(value, where)

    def get(key: str) -> Any:
        return shapes.field(data, key, where)

    editable: dict[str, EditableInstall] = {}
    for name, entry in shapes.obj(get("editable"), f"{where}/editable").items():
        at = f"{where}/editable/{name}"
        raw = shapes.obj(entry, at)
        editable[name] = EditableInstall(
            shapes.opt_string(shapes.field(raw, "path", at), f"{at}/path"),
            shapes.opt_string(shapes.field(raw, "commit", at), f"{at}/commit"),
        )
    return LockedEnvironment(
        python=shapes.opt_string(get("python"), f"{where}/python"),
        implementation=shapes.opt_string(get("implementation"), f"{where}/implementation"),
        platform=shapes.opt_string(get("platform"), f"{where}/platform"),
        distributions=shapes.string_map(get("distributions"), f"{where}/distributions"),
        imported=shapes.string_map(get("imported"), f"{where}/imported"),
        editable=editable,
        variables=shapes.opt_string_map(get("variables"), f"{where}/variables"),
        **_closure(data, where),
    )


def _closure(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The optional closure fields (absent from older locks)."""
    closure = data.get("closure")
    sources: dict[str, InstallSource] = {}
    for name, entry in shapes.obj(data.get("sources") or {}, f"{where}/sources").items():
        at = f"{where}/sources/{name}"
        raw = shapes.obj(entry, at)
        sources[name] = InstallSource(
            shapes.string(shapes.field(raw, "kind", at), f"{at}/kind"),
            shapes.string(shapes.field(raw, "url", at), f"{at}/url"),
            shapes.opt_string(raw.get("commit"), f"{at}/commit"),
        )
    return {
        "closure": {} if closure is None else shapes.string_map(closure, f"{where}/closure"),
        "sources": sources,
    }


def _closure_json(env: LockedEnvironment) -> dict[str, Any]:
    """Written only when recorded, so older locks read and write back unchanged."""
    if not env.closure and not env.sources:
        return {}
    return {
        "closure": dict(env.closure),
        "sources": {
            n: {"kind": s.kind, "url": s.url, "commit": s.commit} for n, s in env.sources.items()
        },
    }


def _files(value: Any, where: str, *, stored: bool) -> dict[str, LockedFile]:
    result: dict[str, LockedFile] = {}
    for path, entry in shapes.obj(value, where).items():
        at = child(where, path)
        raw = shapes.obj(entry, at)
        result[path] = LockedFile(
            size=shapes.opt_integer(shapes.field(raw, "size", at), f"{at}/size", 0),
            hash=_opt_blake3(shapes.field(raw, "hash", at), f"{at}/hash"),
            cells=shapes.integers(shapes.field(raw, "cells", at), f"{at}/cells", 0),
            stored=shapes.boolean(shapes.field(raw, "stored", at), f"{at}/stored")
            if stored
            else None,
        )
    return result


def _execution(value: Any) -> ExecutionSummary:
    where = "execution"
    data = shapes.obj(value, where)

    def get(key: str) -> Any:
        return shapes.field(data, key, where)

    return ExecutionSummary(
        in_order=shapes.boolean(get("in_order"), f"{where}/in_order"),
        clean_run=shapes.boolean(get("clean_run"), f"{where}/clean_run"),
        tracking_complete=shapes.boolean(get("tracking_complete"), f"{where}/tracking_complete"),
        cells_run=shapes.integer(get("cells_run"), f"{where}/cells_run", 0),
        missing=shapes.strings(get("missing"), f"{where}/missing"),
    )


def _git(value: Any) -> GitState:
    data = shapes.obj(value, "git")
    return GitState(
        shapes.opt_string(shapes.field(data, "commit", "git"), "git/commit"),
        shapes.opt_boolean(shapes.field(data, "dirty", "git"), "git/dirty"),
    )


def _file_json(item: LockedFile) -> dict[str, Any]:
    entry: dict[str, Any] = {"size": item.size, "hash": item.hash, "cells": list(item.cells)}
    if item.stored is not None:
        entry["stored"] = item.stored
    return entry
