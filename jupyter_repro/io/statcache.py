"""Hashes of files keyed by what a stat says: (path, inode, size, mtime) -> blake3.

A stat costs microseconds, hashing costs a pass over the file: a file whose stat record
is unchanged since it was last hashed is never hashed again. The cache lives in memory
and is persisted in the store (`.repro/statcache.json`) so that the CLI and the server
share it. It is advisory: a lost or corrupt cache only costs re-hashing.

A store's cache hashes only files of its own project: whatever a lock or journal names,
nothing outside the project and no credential file is opened through it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.files import (
    loads_json,
    open_project_file,
    read_regular_bytes,
    readable_project_file,
)
from jupyter_repro.io.hashing import hash_file, hash_open_file

CACHE_NAME = "statcache.json"
CACHE_VERSION = 1


@dataclass(frozen=True)
class Stat:
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Stat:
        st = path.stat()
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


class StatCache:
    """Thread-safe map of absolute path -> (stat, hash), persisted on `save()`."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        # The project root: the store's cache file is `<root>/.repro/statcache.json`.
        self.root = file.parent.parent if file is not None else None
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Stat, str]] = {}
        self._dirty = False
        self._loaded_mtime: int | None = None
        if file is not None:
            self._load()

    def _load(self) -> None:
        assert self.file is not None
        try:
            mtime = self.file.stat().st_mtime_ns
            data = loads_json(read_regular_bytes(self.file))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return
        entries = data.get("entries", {})
        if not isinstance(entries, dict):
            return
        for path, record in entries.items():
            try:
                inode, size, mtime_ns, digest = record
                self._entries[path] = (Stat(int(inode), int(size), int(mtime_ns)), str(digest))
            except (TypeError, ValueError):
                continue
        self._loaded_mtime = mtime

    def lookup(self, path: Path, stat: Stat) -> str | None:
        """The cached hash when the file's stat record is unchanged, else None."""
        with self._lock:
            entry = self._entries.get(str(path))
        if entry is not None and entry[0] == stat:
            return entry[1]
        return None

    def remember(self, path: Path, stat: Stat, digest: str) -> None:
        with self._lock:
            if self._entries.get(str(path)) != (stat, digest):
                self._entries[str(path)] = (stat, digest)
                self._dirty = True

    def hash(self, path: Path, stat: Stat | None = None) -> tuple[Stat, str]:
        """Stat and hash of a file, hashing only when the stat record is new.

        The stat is taken again after hashing: a file that changed meanwhile is not cached.
        Raises OSError when the file cannot be read, is not a regular file, lies outside
        the project or is a credential file (`files.OutsideProjectError`,
        `files.CredentialFileError`).
        """
        if self.root is not None:
            readable_project_file(self.root, str(path))
        before = Stat.of(path) if stat is None else stat
        cached = self.lookup(path, before)
        if cached is not None:
            return before, cached
        if self.root is None:
            digest = hash_file(path)
        else:
            with open_project_file(self.root, str(path)) as (fd, info):
                digest = hash_open_file(fd, info.st_size)
        after = Stat.of(path)
        if after == before:
            self.remember(path, after, digest)
        return after, digest

    def paths(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def prune(self, keep: Iterable[str]) -> None:
        """Forget entries not in `keep` (absolute paths)."""
        wanted = set(keep)
        with self._lock:
            for path in [p for p in self._entries if p not in wanted]:
                del self._entries[path]
                self._dirty = True

    def save(self) -> None:
        """Persist atomically when something changed; failures only cost future re-hashing."""
        if self.file is None:
            return
        with self._lock:
            if not self._dirty:
                return
            data = {
                "version": CACHE_VERSION,
                "entries": {
                    p: [s.inode, s.size, s.mtime_ns, h]
                    for p, (s, h) in sorted(self._entries.items())
                },
            }
            self._dirty = False
        try:
            write_text_atomic(self.file, json.dumps(data, separators=(",", ":")))
        except OSError:
            with self._lock:
                self._dirty = True


_CACHES: dict[str, StatCache] = {}
_CACHES_LOCK = threading.Lock()


def stat_cache_for(store: Path) -> StatCache:
    """The process-wide cache of a store: loaded once, shared by every snapshot."""
    key = os.fspath(store)
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = StatCache(store / CACHE_NAME)
            _CACHES[key] = cache
        return cache
