"""Atomic file writes: a temporary file in the same folder, fsync, rename.

A file we replace keeps its permission bits (a shared notebook stays group-readable); a
new file gets those the process's umask allows, as `open()` and jupyter_server give it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import threading
from pathlib import Path

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the OS allows."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    with _umask_lock:  # elsewhere: set and restore, serialized within this process
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def new_file_mode(default: int = 0o666) -> int:
    """Permission bits of a file created now: `default` less the umask."""
    return default & ~current_umask()


def mode_for(path: Path, default: int = 0o666) -> int:
    """The mode `path` has (we replace it), else the mode a new file gets."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return new_file_mode(default)


_TEMP_PREFIX = os.urandom(4).hex()
_temp_numbers = itertools.count()


def new_temp_file(
    folder: Path | str,
    prefix: str,
    suffix: str = "",
    mode: int = 0o666,
    *,
    make_folder: bool = False,
) -> tuple[int, str]:
    """A new file under a fresh name in `folder`, open for writing: (descriptor, path).

    Created with `mode` less the umask, as the kernel applies it to any new file (mkstemp
    creates 0600, which a working copy must not keep). With `make_folder`, a missing
    folder is made (and only then: most writes go to a folder that exists).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        # A random part per process and a counter: unique without a random read per file.
        name = f"{prefix}{_TEMP_PREFIX}{os.getpid():x}-{next(_temp_numbers)}{suffix}"
        path = os.path.join(folder, name)
        try:
            return os.open(path, flags, mode), path
        except FileExistsError:
            continue
        except FileNotFoundError:
            if not make_folder:
                raise
            os.makedirs(folder, exist_ok=True)
            make_folder = False
    raise FileExistsError(f"{folder}: no free temporary name")  # pragma: no cover


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)  # mkstemp creates 0600
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_if_changed(path: Path, text: str) -> bool:
    """Write atomically only when the content differs (keeps mtimes and git quiet)."""
    from jupyter_repro.io.files import read_regular_bytes

    data = text.encode("utf-8")
    try:
        if read_regular_bytes(path) == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data)
    return True
