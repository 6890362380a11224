"""Reading the files we are given, with one-line errors a user can act on (exit 2).

Only regular files are ever read: a FIFO, a device (`/dev/zero`), a socket or a folder
named where a file is expected is refused before a byte is read, and a read never goes
past the size the file had when it was opened. A FIFO is opened without blocking, so
merely naming one can never hang a command or the server.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import stat as stat_module
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_repro.core.credentials import (
    KEY_HEAD_BYTES,
    is_credential_file,
    looks_like_private_key,
)
from jupyter_repro.core.errors import BadInputError

# A notebook, lock or script larger than this is not one we were meant to read whole.
MAX_DOCUMENT_BYTES = 512 << 20
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class NotRegularFileError(OSError):
    """The path names a FIFO, device, socket or folder: never read."""

    def __init__(self, path: object, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({kind})", str(path))
        self.kind = kind


def file_kind(mode: int) -> str:
    if stat_module.S_ISDIR(mode):
        return "a directory"
    if stat_module.S_ISFIFO(mode):
        return "a FIFO"
    if stat_module.S_ISCHR(mode) or stat_module.S_ISBLK(mode):
        return "a device"
    if stat_module.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat_module.S_ISREG(mode) else "not a file"


@contextlib.contextmanager
def open_regular(
    path: Path | str, *, follow_symlinks: bool = True
) -> Iterator[tuple[int, os.stat_result]]:
    """A read-only descriptor of a regular file and its stat; NotRegularFileError otherwise
    (also for a symbolic link, unless `follow_symlinks`).

    Opened non-blocking (a FIFO with no writer would block a plain open forever), then
    checked with fstat on the open descriptor, so a file swapped in between cannot slip by.
    """
    flags = _OPEN_FLAGS if follow_symlinks else _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:
            raise NotRegularFileError(path, "a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat_module.S_ISREG(info.st_mode):
            raise NotRegularFileError(path, file_kind(info.st_mode))
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        yield fd, info
    finally:
        os.close(fd)


def read_chunks(fd: int, limit: int, chunk: int) -> Iterator[memoryview]:
    """At most `limit` bytes from `fd`, in views of one reused buffer of `chunk` bytes.

    Each view is valid until the next one is produced.
    """
    buffer = bytearray(min(chunk, max(limit, 1)))
    view = memoryview(buffer)
    remaining = limit
    while remaining > 0:
        count = os.readv(fd, [view[: min(len(view), remaining)]])
        if count == 0:
            return
        remaining -= count
        yield view[:count]


def read_regular_bytes(path: Path | str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The content of a regular file, bounded by its size at open time and by `limit`.

    Raises OSError (NotRegularFileError for FIFOs, devices and folders; EFBIG when the
    file is larger than `limit`).
    """
    with open_regular(path) as (fd, info):
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit >> 20} MiB", str(path))
        parts = [bytes(view) for view in read_chunks(fd, info.st_size, 1 << 20)]
    return b"".join(parts)


def _reason(exc: OSError) -> str:
    if isinstance(exc, NotRegularFileError):
        return f"is {exc.kind}, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    return exc.strerror or str(exc)


def read_bytes(path: Path) -> bytes:
    try:
        return read_regular_bytes(path)
    except OSError as exc:
        raise BadInputError.unreadable(path, _reason(exc)) from None


def decode_text(raw: bytes, path: Path, what: str) -> str:
    """UTF-8 text; `what` names the expected kind of file ("notebook", "lock", "script")."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError.invalid(path, f"not a {what}: the file is not UTF-8 text") from None


def read_text(path: Path, what: str) -> str:
    return decode_text(read_bytes(path), path, what)


def loads_json(text: str | bytes) -> Any:
    """`json.loads`, with nesting too deep for the parser raised as ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def parse_json(raw: bytes, path: Path, what: str) -> Any:
    text = decode_text(raw, path, what)
    try:
        return loads_json(text)
    except json.JSONDecodeError as exc:
        raise BadInputError.invalid(
            path, f"not a {what}: invalid JSON at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise BadInputError.invalid(path, f"not a {what}: {exc}") from None


def require_file(path: Path) -> Path:
    """`path` when it is a regular file, else the one-line error that says what it is instead."""
    try:
        info = path.stat()
    except OSError as exc:
        raise BadInputError.unreadable(path, _reason(exc)) from None
    if not stat_module.S_ISREG(info.st_mode):
        raise BadInputError.unreadable(path, f"is {file_kind(info.st_mode)}, not a file")
    return path


class OutsideProjectError(OSError):
    """A lock, journal or request named a file outside the project: never opened."""

    def __init__(self, path: object) -> None:
        super().__init__(errno.EACCES, "outside the project: not read", str(path))


class CredentialFileError(OSError):
    """A well-known credential file (netrc, cloud credentials, ssh keys, .env): never read."""

    def __init__(self, path: object) -> None:
        super().__init__(errno.EACCES, "a credential file: not read", str(path))


def project_file(root: Path, key: str) -> Path | None:
    """The file a lock or journal key names when it lies inside the project, else None.

    Decided on the path's text (`..` folded), not by resolving links: it runs for every
    input on every status request, and what it stops is a key that names a place outside
    (`/etc/hostname`, `../../outside/secret.txt`). A link inside the project that leads
    outside is stopped when a file's content is read (`open_project_file`).
    """
    if "\x00" in key:
        return None
    base = _folder_prefix(os.fspath(root))
    full = os.path.normpath(key if os.path.isabs(key) else base + key)
    if not full.startswith(base):
        return None
    return Path(full)


@functools.lru_cache(maxsize=64)
def _folder_prefix(root: str) -> str:
    """`root` absolute and normalized, with a trailing separator."""
    return os.path.normpath(os.path.abspath(root)).rstrip(os.sep) + os.sep


def readable_project_file(root: Path, key: str) -> Path:
    """`project_file`, refusing outside paths and credential files with an OSError."""
    path = project_file(root, key)
    if path is None:
        raise OutsideProjectError(key)
    if is_credential_file(path):
        raise CredentialFileError(key)
    return path


@contextlib.contextmanager
def open_project_file(root: Path, key: str) -> Iterator[tuple[int, os.stat_result]]:
    """`open_regular` of a file of the project, for reading its content into the store or a
    hash. What the key names is checked on its text, and then what was opened on its own
    path: a symbolic link in the project (a cloned repository can hold one) that leads
    outside it, or to a credential file, is refused as the key itself would be. A private
    key is a credential file whatever its name: its first line says what it is.
    """
    path = readable_project_file(root, key)
    with open_regular(path) as (fd, info):
        real = opened_path(fd) or os.path.realpath(path)
        if project_file(Path(_real_folder(os.fspath(root))), real) is None:
            raise OutsideProjectError(key)
        if is_credential_file(real) or looks_like_private_key(os.pread(fd, KEY_HEAD_BYTES, 0)):
            raise CredentialFileError(key)
        yield fd, info


def opened_path(fd: int) -> str | None:
    """The path of the file an open descriptor refers to, links resolved (Linux)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


@functools.lru_cache(maxsize=64)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)
