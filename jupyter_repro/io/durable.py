"""Making many new files durable at once, then giving them their names.

A store object must never exist under its name without its content, so each was written
under a temporary name, fsynced, and renamed, one after another. On a journaled file
system (ext4, xfs) every fsync waits for a journal commit: a thousand small objects cost
a thousand commits, several times the copying itself. A batch writes every file under its
temporary name, fsyncs them all at once from many threads (the file system serves the
waiting fsyncs with shared commits), and only then renames them into place: a crash
before the flush leaves temporary names only, after it whole files. (syncfs would be one
call, but it also waits for every other dirty file of the file system, such as the
working copies a pull writes beside the store.)
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from jupyter_repro.io.filecopy import replace_making_folder

# fsyncs in flight: enough for the file system to fold their commits together.
_FLUSHING_THREADS = 16


class DurableBatch:
    """Files written under temporary names, renamed to their final names by `commit` once
    all are durable. Safe across threads."""

    def __init__(self) -> None:
        self._moves: list[tuple[str, str]] = []
        self._guard = threading.Lock()

    def add(self, temporary: str | Path, final: str | Path, *, flush: bool = True) -> Path:
        """Queue `temporary` to become `final`; where the file is until the commit. A file
        whose content is durable already (`flush=False`: a hard link to a durable file)
        takes its name at once."""
        if not flush:
            replace_making_folder(temporary, Path(final))
            return Path(final)
        with self._guard:
            self._moves.append((os.fspath(temporary), os.fspath(final)))
        return Path(temporary)

    def commit(self) -> None:
        """Flush every file to disk, then rename each into place (making its folder)."""
        with self._guard:
            moves, self._moves = self._moves, []
        flush_files(temporary for temporary, _ in moves)
        for temporary, final in moves:
            replace_making_folder(temporary, Path(final))

    def settle(self) -> None:
        """`commit`, and when that fails, `discard` what is left: for a `finally`, so the
        files that were written whole are kept even when the work stopped part way."""
        try:
            self.commit()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Remove the files not committed."""
        with self._guard:
            moves, self._moves = self._moves, []
        for temporary, _ in moves:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def flush_files(paths: Iterable[str]) -> None:
    """Make the content of these files durable: an fsync of each, many at a time."""
    from jupyter_repro.io.workers import for_each_in_threads

    files = list(paths)
    if not files:
        return
    for_each_in_threads(_fsync, files, min(_FLUSHING_THREADS, len(files)))


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
