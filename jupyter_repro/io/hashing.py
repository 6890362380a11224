"""Content hashes: blake3, written as "blake3:<hex>" in journals and locks.

Files are hashed by reading them in chunks, never through a memory map: a file truncated
by another process while mapped is a SIGBUS that kills the server or the kernel. Only
regular files are hashed, and never past the size they had when opened, so a FIFO or
`/dev/zero` named by a lock cannot hang us. For a large file, blake3 (which releases the
GIL and spreads a large chunk over its own threads) hashes one buffer in a helper thread
while the next is read into the other, so reading and hashing overlap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_repro.io.files import open_regular, read_chunks

HASH_PREFIX = "blake3:"
_CHUNK = 1 << 20
_LARGE_CHUNK = 4 << 20
_MULTITHREAD_ABOVE = 8 << 20


def hash_bytes(data: bytes) -> str:
    from blake3 import blake3

    return HASH_PREFIX + blake3(data).hexdigest()


def hash_text(text: str) -> str:
    return hash_bytes(text.encode("utf-8"))


def hash_file(path: Path | str, limit: int | None = None) -> str:
    """Hash a regular file's content, up to its size when opened (and `limit`, if given).

    Raises OSError when the file is missing, unreadable or not a regular file
    (`files.NotRegularFileError`).
    """
    with open_regular(path) as (fd, info):
        return hash_open_file(fd, info.st_size if limit is None else min(info.st_size, limit))


def hash_open_file(fd: int, size: int) -> str:
    """Hash the next `size` bytes of an open regular file."""
    from blake3 import blake3

    if size > _MULTITHREAD_ABOVE:
        hasher = blake3(max_threads=blake3.AUTO)
        _hash_overlapped(fd, size, hasher)
    else:
        hasher = blake3()
        for view in read_chunks(fd, size, _CHUNK):
            hasher.update(view)
    return HASH_PREFIX + hasher.hexdigest()


def _hash_overlapped(fd: int, size: int, hasher: Any) -> None:
    """Read `size` bytes into two buffers in turn, hashing one while the other fills."""
    from concurrent.futures import Future, ThreadPoolExecutor

    buffers = (memoryview(bytearray(_LARGE_CHUNK)), memoryview(bytearray(_LARGE_CHUNK)))
    pending: Future[None] | None = None
    remaining, turn = size, 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jupyter-repro-hash") as pool:
        while remaining > 0:
            buffer = buffers[turn]  # its previous hash finished before the last submit
            count = os.readv(fd, [buffer[: min(_LARGE_CHUNK, remaining)]])
            if count == 0:
                break
            remaining -= count
            if pending is not None:
                pending.result()
            pending = pool.submit(hasher.update, buffer[:count])
            turn = 1 - turn
        if pending is not None:
            pending.result()
