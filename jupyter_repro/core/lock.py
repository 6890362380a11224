"""The lock: what a notebook's results depend on, built from plain data.

Building is pure: the notebook's cells, the kernel's journal, facts about files and the
environment that the `io` layer gathered, and the configuration go in; a JSON-ready dict
comes out. Serialization is deterministic (sorted keys, indent 2, trailing newline, no
timestamps) so that a lock changes only when something it locks changes.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jupyter_repro.core.journal import CellRun, CurrentCell, FileAccess, Journal, match_runs
from jupyter_repro.core.lockmodel import (
    LOCK_VERSION,
    CodeSection,
    EditableInstall,
    ExecutionSummary,
    GitState,
    InstallSource,
    KernelRef,
    Lock,
    LockedEnvironment,
    LockedFile,
    ScriptRef,
)

__all__ = ["LOCK_VERSION", "Lock", "build_lock", "serialize_lock"]
HASH_PREFIX = "blake3:"
PARAMETER_TAGS = ("parameters", "injected-parameters")


def hash_text(text: str) -> str:
    """blake3 of UTF-8 text; pure (hashing is computation, not I/O)."""
    from blake3 import blake3

    return HASH_PREFIX + blake3(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FileFacts:
    """A file as found on disk at snapshot time (hash None when it is gone or unreadable)."""

    size: int | None
    hash: str | None


@dataclass(frozen=True)
class EnvironmentFacts:
    """The kernel's environment, already read from disk by the io layer."""

    python: str | None
    implementation: str | None
    platform: str | None
    distributions: Mapping[str, str]
    module_distributions: Mapping[str, str]  # top-level module -> canonical distribution
    editable: Mapping[str, Mapping[str, str | None]]
    variables: Mapping[str, str | None]
    # The imported distributions and all they require, as installed in the kernel; and
    # where those not installed from an index came from (PEP 610 direct_url facts).
    closure: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class LockInputs:
    """Everything `build_lock` needs. `cells` are nbformat v4 cell dicts."""

    notebook: str
    cells: Sequence[Mapping[str, Any]]
    kernelspec: Mapping[str, Any]
    language: str | None
    environment: EnvironmentFacts
    journal: Journal | None = None
    files: Mapping[str, FileFacts] = field(default_factory=dict)
    script: tuple[str, str] | None = None  # (project-relative path, fingerprint)
    git: GitState | None = None
    missing: Sequence[str] = ()
    ignored_inputs: frozenset[str] = frozenset()
    stored_hashes: frozenset[str] = frozenset()


def cell_source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def code_cells(cells: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(index among all cells, source) of each code cell."""
    return [(i, cell_source(c)) for i, c in enumerate(cells) if c.get("cell_type") == "code"]


def code_section(cells: Sequence[Mapping[str, Any]], script: tuple[str, str] | None) -> CodeSection:
    """Fingerprints of each code cell and of all code in order (markdown does not count)."""
    sources = code_cells(cells)
    return CodeSection(
        fingerprint=hash_text(json.dumps([s for _, s in sources])),
        cells={i: hash_text(s) for i, s in sources},
        script=None if script is None else ScriptRef(script[0], script[1]),
    )


def _matched(runs: Iterable[CellRun], cells: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """seq -> index of the current cell each run executed (core.journal.match_runs)."""
    current = [
        CurrentCell(i, source, c.get("id") if isinstance(c.get("id"), str) else None)
        for i, source in code_cells(cells)
        for c in (cells[i],)
    ]
    return match_runs(runs, current)


@dataclass
class _Access:
    latest: FileAccess
    cells: set[int] = field(default_factory=set)


def _accessed_files(
    journal: Journal, where: Mapping[int, int], ignored: frozenset[str]
) -> tuple[dict[str, _Access], dict[str, _Access]]:
    """path -> latest access and the cells that made it, for reads and writes.

    A file the notebook wrote before it read it is generated, not an input.
    """
    reads: dict[str, _Access] = {}
    writes: dict[str, _Access] = {}
    for run in sorted(journal.runs, key=lambda r: r.seq):
        index = where.get(run.seq)
        for kind, accesses in ((reads, run.reads), (writes, run.writes)):
            for access in accesses:
                if access.path in ignored:
                    continue
                if kind is reads and access.path in writes and access.path not in reads:
                    continue
                entry = kind.setdefault(access.path, _Access(access))
                entry.latest = access
                if index is not None:
                    entry.cells.add(index)
    return reads, writes


def _file_entry(
    path: str,
    access: FileAccess,
    cells: set[int],
    facts: Mapping[str, FileFacts],
    stored: frozenset[str] | None,
) -> LockedFile:
    fact = facts.get(path)
    size = access.size if access.hash else (fact.size if fact else access.size)
    digest = access.hash or (fact.hash if fact else None)
    in_store = None if stored is None else digest is not None and digest in stored
    return LockedFile(size, digest, tuple(sorted(cells)), in_store)


def files_sections(
    journal: Journal | None,
    cells: Sequence[Mapping[str, Any]],
    facts: Mapping[str, FileFacts],
    ignored: frozenset[str] = frozenset(),
    stored: frozenset[str] = frozenset(),
) -> tuple[dict[str, LockedFile], dict[str, LockedFile]]:
    """The lock's `inputs` and `outputs`. Hashes are those the kernel saw; disk facts fill gaps."""
    if journal is None:
        return {}, {}
    where = _matched(journal.runs, cells)
    reads, writes = _accessed_files(journal, where, ignored)
    inputs = {p: _file_entry(p, a.latest, a.cells, facts, stored) for p, a in reads.items()}
    outputs = {p: _file_entry(p, a.latest, a.cells, facts, None) for p, a in writes.items()}
    return inputs, outputs


def wanted_files(journal: Journal | None, ignored: frozenset[str] = frozenset()) -> list[str]:
    """Paths whose disk facts `files_sections` may need (inputs and outputs)."""
    if journal is None:
        return []
    paths: dict[str, None] = {}
    for run in journal.runs:
        for access in (*run.reads, *run.writes):
            if access.path not in ignored:
                paths[access.path] = None
    return list(paths)


def parameters(cells: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Simple `name = expression` assignments of papermill's parameter cells, as source text.

    An `injected-parameters` cell (papermill puts it after `parameters`) overrides.
    """
    result: dict[str, str] = {}
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", ())
        if cell.get("cell_type") != "code" or not any(t in PARAMETER_TAGS for t in tags):
            continue
        source = cell_source(cell)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        result[target.id] = ast.get_source_segment(source, node.value) or ""
    return result


def execution_section(
    journal: Journal | None, cells: Sequence[Mapping[str, Any]], missing: Sequence[str]
) -> ExecutionSummary:
    """In order? One clean run from a fresh kernel? Tracking complete? What the lock lacks."""
    code = code_cells(cells)
    if journal is None:
        counts = [cells[i].get("execution_count") for i, _ in code]
        ran = [c for c in counts if isinstance(c, int)]
        in_order = ran == sorted(ran) and len(set(ran)) == len(ran)
        clean = bool(ran) and ran == list(range(1, len(code) + 1))
        return ExecutionSummary(in_order, clean, False, len(ran), tuple(sorted(set(missing))))
    runs = sorted(journal.runs, key=lambda r: r.seq)
    where = _matched(runs, cells)
    latest: dict[int, int] = {}
    for run in runs:
        index = where.get(run.seq)
        if index is not None:
            latest[index] = run.seq
    by_seq = [index for index, _ in sorted(latest.items(), key=lambda item: item[1])]
    in_order = by_seq == sorted(by_seq)
    nonblank = [i for i, source in code if source.strip()]
    clean = (
        [where.get(r.seq) for r in runs] == nonblank
        and all(r.status == "ok" for r in runs)
        and bool(runs)
    )
    lacks = list(missing)
    lacks.extend(f"tracking incomplete: {reason}" for reason in journal.incomplete)
    if any(r.seq not in where for r in runs):
        lacks.append("some recorded runs belong to cells no longer in the notebook")
    for run in runs:
        cell = f"cell {where[run.seq] + 1}" if run.seq in where else "a deleted cell"
        lacks.extend(f"{cell}: {reason}" for reason in run.unattributed)
    complete = journal.tracking_complete and not any(r.unattributed for r in runs)
    return ExecutionSummary(in_order, clean, complete, len(runs), tuple(sorted(set(lacks))))


def imported_modules(journal: Journal | None) -> set[str]:
    if journal is None:
        return set()
    return {m.split(".", 1)[0] for run in journal.runs for m in run.imports}


def environment_section(env: EnvironmentFacts, modules: Iterable[str]) -> LockedEnvironment:
    imported: dict[str, str] = {}
    for module in modules:
        dist = env.module_distributions.get(module)
        if dist is not None and dist in env.distributions:
            imported[dist] = env.distributions[dist]
    return LockedEnvironment(
        python=env.python,
        implementation=env.implementation,
        platform=env.platform,
        distributions=dict(env.distributions),
        imported=imported,
        editable={
            name: EditableInstall(info.get("path"), info.get("commit"))
            for name, info in env.editable.items()
        },
        variables=dict(env.variables),
        closure=dict(env.closure),
        sources={
            name: InstallSource(str(info.get("kind")), str(info.get("url")), info.get("commit"))
            for name, info in env.sources.items()
        },
    )


def build_lock(data: LockInputs) -> Lock:
    """The lock of one notebook. Same data in, same lock out."""
    inputs, outputs = files_sections(
        data.journal, data.cells, data.files, data.ignored_inputs, data.stored_hashes
    )
    kernelspec = data.kernelspec
    missing = list(data.missing)
    if data.journal is None:
        missing.append("no journal: inputs, outputs and imported distributions unknown")
    header_seed = data.journal.header.seed if data.journal else None
    name, language = kernelspec.get("name"), kernelspec.get("language") or data.language
    return Lock(
        notebook=data.notebook,
        code=code_section(data.cells, data.script),
        kernel=KernelRef(
            name if isinstance(name, str) else None,
            language if isinstance(language, str) else None,
        ),
        environment=environment_section(data.environment, imported_modules(data.journal)),
        inputs=inputs,
        outputs=outputs,
        parameters=parameters(data.cells),
        seed=header_seed,
        execution=execution_section(data.journal, data.cells, missing),
        git=data.git,
    )


def serialize_lock(lock: Lock) -> str:
    """Deterministic text: sorted keys, indent 2, trailing newline."""
    return json.dumps(lock.to_json(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def lock_id(text: str) -> str:
    """A snapshot's id: the first 12 hex digits of its lock text's hash."""
    return hash_text(text)[len(HASH_PREFIX) :][:12]


def same_but_git(old: Lock, new: Lock) -> bool:
    """True when two locks differ at most in `git`.

    The commit moves every time the lock itself is committed; rewriting the lock for that
    alone would make every commit dirty the next save. The recorded commit is the one in
    effect when the locked content last changed.
    """
    return old.without_git() == new.without_git()
