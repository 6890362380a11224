"""The extension's one background thread, and the hash cache it owns.

Jobs run in submission order, so the hash jobs a cell's reads queued are done before
that cell's journal line is built. The thread is registered with the audit recorder,
so its own file I/O (hashing, the journal) is never recorded.

Jobs wait for the kernel to be between cells (at most `PATIENCE` seconds), so they do
not take the GIL from a running cell (forced switches every 5 ms interval); a long cell
still gets the previous cell's line written after `PATIENCE`, so a crash loses at most
the running cell. Jobs keep as few objects alive as they can: in a kernel holding a
large user heap, long-lived objects bring on extra full GC collections (tens of ms each).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from jupyter_repro.core.credentials import is_credential_file
from jupyter_repro.kernel.audit import RECORDER, ReadMark

Job = Callable[[], None]
_CACHE_LIMIT = 50_000
PATIENCE = 0.25
CREDENTIAL_NOTE = "a credential file: never hashed"


class Worker:
    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._on_error = on_error
        self._thread: threading.Thread | None = None
        self.idle = threading.Event()  # set between cells (the tracker clears it in a cell)
        self.idle.set()
        self._hurry = 0  # callers waiting in drain(): run at once

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, args=(ready,), name="jupyter-repro-journal", daemon=True
        )
        self._thread.start()
        ready.wait(5)

    def _loop(self, ready: threading.Event) -> None:
        ident = threading.get_ident()
        RECORDER.own_threads.add(ident)
        ready.set()
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                if not self._hurry:
                    self.idle.wait(PATIENCE)
                try:
                    job()
                except Exception as exc:  # a failed job degrades tracking, never the kernel
                    self._on_error(f"journal worker failed: {type(exc).__name__}: {exc}")
        finally:
            RECORDER.own_threads.discard(ident)

    def submit(self, job: Job) -> None:
        self._queue.put(job)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every job submitted so far has run. False on timeout or no thread."""
        if self._thread is None or not self._thread.is_alive():
            return False
        if threading.get_ident() == self._thread.ident:
            return True
        done = threading.Event()
        self._queue.put(done.set)
        self._hurry += 1
        try:
            return done.wait(timeout)
        finally:
            self._hurry -= 1

    def stop(self, timeout: float = 10.0) -> None:
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        if threading.get_ident() != thread.ident:
            thread.join(timeout)
        self._thread = None


StatKey = tuple[str, int, int, int]


class HashCache:
    """blake3 hashes keyed by (path, inode, size, mtime): an unchanged file is hashed once."""

    def __init__(self, project_root: Path | None = None) -> None:
        self._hashes: dict[StatKey, str] = {}
        # Reads are recorded by the path the cell used; with a project root, a path that
        # is a link leading outside it (or to a credential file) is not hashed.
        self._root = project_root

    @staticmethod
    def key(path: str, info: os.stat_result) -> StatKey:
        return (path, info.st_ino, info.st_size, info.st_mtime_ns)

    def hash(self, path: str) -> tuple[str, StatKey, bool]:
        """(hash, stat key it describes, whether the file changed while being hashed).

        Raises OSError when the file is gone or unreadable.
        """
        before = self.key(path, os.stat(path))
        cached = self._hashes.get(before)
        if cached is not None:
            return cached, before, False
        digest = self._hash_content(path)
        after = self.key(path, os.stat(path))
        if after != before:
            return digest, after, True
        if len(self._hashes) >= _CACHE_LIMIT:
            self._hashes.clear()
        self._hashes[before] = digest
        return digest, before, False

    def _hash_content(self, path: str) -> str:
        """A path inside the project must lead to a file inside it; a path outside is
        recorded as the outside read it is (an `absolute-path`). Neither may lead to a
        credential file."""
        from jupyter_repro.io.files import (
            CredentialFileError,
            open_project_file,
            open_regular,
            opened_path,
            project_file,
        )
        from jupyter_repro.io.hashing import hash_open_file

        if self._root is not None and project_file(self._root, path) is not None:
            with open_project_file(self._root, path) as (fd, info):
                return hash_open_file(fd, info.st_size)
        with open_regular(path) as (fd, info):
            if is_credential_file(opened_path(fd) or os.path.realpath(path)):
                raise CredentialFileError(path)
            return hash_open_file(fd, info.st_size)


def hash_mark(cache: HashCache, mark: ReadMark) -> None:
    """Hash what a cell read, and say so if the file moved since the read's stat."""
    if mark.done:
        return
    if is_credential_file(mark.path):
        mark.note = CREDENTIAL_NOTE  # named as read, its content never described
        mark.done = True
        return
    try:
        digest, key, moving = cache.hash(mark.path)
    except OSError as exc:
        mark.note = f"not hashed: {exc.strerror or type(exc).__name__}"
    else:
        mark.hash = digest
        mark.changed = moving or key[1:] != (mark.inode, mark.size, mark.mtime_ns)
    mark.done = True
