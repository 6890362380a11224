"""Content hashes: blake3, written as "blake3:<hex>" in journals and locks.

Files are hashed by reading them in chunks, never through a memory map: a file truncated
by another process while mapped is a SIGBUS that kills the server or the kernel. Only
regular files are hashed, and never past the size they had when opened, so a FIFO or
`/dev/zero` named by a lock cannot hang us. blake3 releases the GIL while it hashes a
large chunk and spreads it over its own threads, so reading stays the only serial part.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_repro.io.files import open_regular, read_chunks

HASH_PREFIX = "blake3:"
_CHUNK = 1 << 20
_LARGE_CHUNK = 8 << 20
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
    from blake3 import blake3

    with open_regular(path) as (fd, info):
        size = info.st_size if limit is None else min(info.st_size, limit)
        if size > _MULTITHREAD_ABOVE:
            hasher = blake3(max_threads=blake3.AUTO)
            chunk = _LARGE_CHUNK
        else:
            hasher, chunk = blake3(), _CHUNK
        for view in read_chunks(fd, size, chunk):
            hasher.update(view)
    return HASH_PREFIX + hasher.hexdigest()
