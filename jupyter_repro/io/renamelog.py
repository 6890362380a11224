"""The store's record of followed notebook renames: `.repro/renames.jsonl`.

One line per rename, `{"time": ..., "old": ..., "new": ...}`, appended in one write (a
line this short is written whole even by two writers at once). The record is advisory,
like the store's other caches: a line of another shape, or a file grown past any
project's share, is skipped rather than trusted, and costs only the journals of a
renamed notebook.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path, PurePosixPath
from typing import Any

from jupyter_repro.core.renames import Rename
from jupyter_repro.io.project import store_dir

LOG_NAME = "renames.jsonl"
_MAX_BYTES = 4 << 20
_cache: dict[Path, tuple[tuple[int, int], tuple[Rename, ...]]] = {}


def record_rename(project_root: Path, old: str, new: str) -> None:
    """Append that the notebook `old` is now `new` (project-relative POSIX paths)."""
    folder = store_dir(project_root)
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": time.time(), "old": old, "new": new}) + "\n"
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(folder / LOG_NAME, flags, 0o666)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def read_renames(project_root: Path) -> tuple[Rename, ...]:
    """The renames recorded, oldest first; () without any. Read once per change."""
    from jupyter_repro.io.files import read_regular_bytes

    path = store_dir(project_root) / LOG_NAME
    try:
        info = path.stat()
    except OSError:
        return ()
    key = (info.st_size, info.st_mtime_ns)
    cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        raw = read_regular_bytes(path, _MAX_BYTES)
    except OSError:
        return ()
    renames = sorted(
        (r for r in map(_parse, raw.decode("utf-8", "replace").splitlines()) if r),
        key=lambda r: r.time,
    )
    _cache[path] = (key, tuple(renames))
    return tuple(renames)


def _parse(line: str) -> Rename | None:
    try:
        data: Any = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    moment, old, new = data.get("time"), data.get("old"), data.get("new")
    if not isinstance(moment, int | float) or isinstance(moment, bool):
        return None
    if not (isinstance(old, str) and isinstance(new, str) and _relative(old) and _relative(new)):
        return None
    return Rename(float(moment), old, new)


def _relative(value: str) -> bool:
    if not value or "\x00" in value:
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and ".." not in path.parts
