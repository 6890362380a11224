"""Content hashes: blake3, written as "blake3:<hex>" in journals and locks."""

from __future__ import annotations

from pathlib import Path

HASH_PREFIX = "blake3:"
_CHUNK = 1 << 20
_MULTITHREAD_ABOVE = 8 << 20


def hash_bytes(data: bytes) -> str:
    from blake3 import blake3

    return HASH_PREFIX + blake3(data).hexdigest()


def hash_text(text: str) -> str:
    return hash_bytes(text.encode("utf-8"))


def hash_file(path: Path) -> str:
    """Hash a file's content. Large files use blake3's threads, which roughly double its speed."""
    from blake3 import blake3

    size = path.stat().st_size
    if size > _MULTITHREAD_ABOVE:
        hasher = blake3(max_threads=blake3.AUTO)
        hasher.update_mmap(str(path))
        return HASH_PREFIX + hasher.hexdigest()
    hasher = blake3()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return HASH_PREFIX + hasher.hexdigest()
