"""Turning what the hooks saw during a cell into a journal `CellRun`, off the hot path.

`post_run_cell` hands a `PendingRun` (raw facts, no hashing, no parsing) to the worker;
`RunFinisher.finish` adds what is slow: content hashes, the names the cell defines and
uses (cached by source hash), files named on `!` shell lines, project-relative paths.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence

from jupyter_repro.core.credentials import is_credential_file
from jupyter_repro.core.journal import AccessMode, CellRun, FileAccess
from jupyter_repro.kernel.audit import (
    RECORDER,
    CellAccesses,
    ReadMark,
    argument_paths,
    in_folder,
    program_name,
    split_command,
)
from jupyter_repro.kernel.pending import PendingRun
from jupyter_repro.kernel.worker import CREDENTIAL_NOTE, HashCache, hash_mark

_SHELL_LINE = re.compile(r"^\s*(?:[A-Za-z_][\w, ]*=\s*)?!{1,2}(?P<cmd>.+)$")
_SHELL_MAGIC = re.compile(r"^\s*%%(?:bash|sh|script\b.*)\s*$")
_LINE_MAGIC = re.compile(r"^\s*(?:[A-Za-z_]\w*\s*=\s*)?%(?:sx|system)\s+(?P<cmd>.+)$")
_NOT_USER_MODULES = ("_", "jupyter_repro", "blake3")
_CHILD_NOTE = "a child process was started"


_access = FileAccess  # positional on the per-cell path: no keyword dict built


class RunFinisher:
    """Builds the journal's `CellRun` of each finished cell, on the worker thread."""

    def __init__(
        self, project_root: str, ignore_globs: tuple[str, ...] = (), cache: HashCache | None = None
    ) -> None:
        self.project_root = project_root
        self.ignore_globs = ignore_globs
        self.cache = cache if cache is not None else HashCache()
        self._names: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {}
        self.names_missing = False

    def relative(self, path: str) -> str:
        root = self.project_root.rstrip(os.sep) + os.sep
        if path.startswith(root):
            return path[len(root) :].replace(os.sep, "/")
        return path.replace(os.sep, "/")

    def ignored(self, relative: str) -> bool:
        return any(fnmatch.fnmatch(relative, glob) for glob in self.ignore_globs)

    def hash_read(self, mark: ReadMark) -> None:
        hash_mark(self.cache, mark)

    def finish(self, pending: PendingRun, source_hash: str) -> CellRun:
        """The journal record of a finished cell."""
        accesses = pending.accesses
        shell_commands = shell_lines(pending.source)
        if shell_commands:
            self._shell_reads(accesses, shell_commands, pending.cwd)
        defines, uses = self.names(source_hash, pending.source)
        reads = [
            self._read_access(m)
            for m in accesses.reads.values()
            if not self.ignored(self.relative(m.path))
        ]
        writes = [
            self._write_access(path, via, pending.write_stats.get(path))
            for path, via in accesses.writes.items()
            if not self.ignored(self.relative(path))
        ]
        unattributed = list(accesses.unattributed)
        if shell_commands:
            unattributed = [n for n in unattributed if not n.startswith(_CHILD_NOTE)]
            unattributed += [
                f"shell command `{program_name(split_command(c))}` ran: files it read beyond "
                "its arguments are not tracked"
                for c in shell_commands
            ]
        return CellRun(
            seq=pending.seq,
            execution_count=pending.execution_count,
            cell_id=pending.cell_id,
            source_hash=source_hash,
            source=pending.source,
            started=pending.started,
            duration=pending.duration,
            status=pending.status,
            error=pending.error,
            defines=defines,
            uses=uses,
            reads=tuple(sorted(reads, key=lambda a: a.path)),
            writes=tuple(sorted(writes, key=lambda a: a.path)),
            unattributed=tuple(unattributed),
            imports=tuple(m for m in pending.imports if not m.startswith(_NOT_USER_MODULES)),
        )

    def names(self, source_hash: str, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if source_hash not in self._names:
            self._names[source_hash] = analyze_names(source)
            if self._names[source_hash] is None:
                self.names_missing = True
        return self._names[source_hash] or ((), ())

    def _read_access(self, mark: ReadMark) -> FileAccess:
        if not mark.done:
            self.hash_read(mark)  # a read recorded after the cell's hash jobs were queued
        note = mark.note or ("changed between the read and the hash" if mark.changed else None)
        mode: AccessMode = "readwrite" if mark.readwrite else "read"
        return _access(
            self.relative(mark.path),
            mode,
            mark.size,
            mark.mtime_ns / 1e9,
            mark.hash,
            mark.via,
            mark.changed,
            note,
        )

    def _write_access(self, path: str, via: str, end: tuple[int, int, int] | None) -> FileAccess:
        relative = self.relative(path)
        if end is None:
            return _access(relative, "write", via=via, note="gone when the cell ended")
        size, mtime_ns, inode = end
        if is_credential_file(path):
            return _access(relative, "write", via=via, note=CREDENTIAL_NOTE)
        try:
            digest, key, moving = self.cache.hash(path)
        except OSError as exc:
            return _access(
                relative,
                "write",
                size,
                mtime_ns / 1e9,
                via=via,
                note=f"not hashed: {exc.strerror or type(exc).__name__}",
            )
        changed = moving or key[1:] != (inode, size, mtime_ns)
        note = "changed after the cell ended, before it was hashed" if changed else None
        return _access(relative, "write", size, mtime_ns / 1e9, digest, via, changed, note)

    def _shell_reads(self, accesses: CellAccesses, commands: Sequence[str], cwd: str) -> None:
        for command in commands:
            words = split_command(command)
            for word in words[1:]:
                if "$" in word or "{" in word:
                    continue
                for candidate in argument_paths(word):
                    full = os.path.normpath(os.path.join(cwd, candidate))
                    if not in_folder(full, self.project_root) or full in accesses.reads:
                        continue  # only the project's files named on a command line
                    if not os.path.isfile(full):
                        continue
                    filt = RECORDER.path_filter
                    if filt is not None and filt.ignored(full):
                        continue
                    mark = RECORDER.record_read(accesses, full, "shell")
                    if mark is not None and not mark.done:
                        self.hash_read(mark)


def shell_lines(source: str) -> list[str]:
    """Commands a cell runs through the shell: `!cmd`, `x = !cmd`, `%sx cmd`, `%%bash` bodies."""
    if "!" not in source and "%" not in source:
        return []
    lines = source.splitlines()
    if lines and _SHELL_MAGIC.match(lines[0]):
        return [line for line in lines[1:] if line.strip() and not line.lstrip().startswith("#")]
    commands: list[str] = []
    for line in lines:
        match = _SHELL_LINE.match(line) or _LINE_MAGIC.match(line)
        if match and not line.lstrip().startswith("!="):
            commands.append(match.group("cmd").strip())
    return commands


def analyze_names(source: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(defines, uses) of a cell, sorted, or None when the static analysis is not available.

    Keeps nothing but two tuples of strings: the full scan (AST facts for the rules) is
    dropped at once. Objects that outlive the cell in a kernel holding a large user heap
    push the garbage collector into extra full collections, each costing tens of ms.
    """
    try:
        from jupyter_repro.core import names as static_names
    except ImportError:
        return None
    scan = getattr(static_names.scan_cell, "__wrapped__", None)  # bypass its lru_cache
    found = scan(source).names if callable(scan) else static_names.analyze_cell(source)
    return tuple(sorted(found.defines)), tuple(sorted(found.uses))
