"""Copying a file's bytes the way the kernel does it fastest, and sharing immutable files.

`copy_data` walks the source's data extents (SEEK_DATA/SEEK_HOLE), so holes stay holes,
and moves each extent with `copy_file_range`: in the kernel, without passing the bytes
through Python, and as a reflink where the filesystem has them. Where the kernel cannot
(another filesystem on an old kernel, a filesystem without the call) it falls back to
reading and writing.

`link_or_copy` is for content-addressed objects only: they are named by their hash and
never written again, so two folders on one filesystem can share one copy, as `git clone`
of a local repository shares its objects.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_repro.io.atomic import new_temp_file
from jupyter_repro.io.files import open_regular, read_chunks

if TYPE_CHECKING:
    from jupyter_repro.io.durable import DurableBatch

_CHUNK = 1 << 20
_LOOK_FOR_HOLES_ABOVE = 64 << 10
# copy_file_range refuses these for a pair of files it cannot copy between: read and write.
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM}
# os.link refuses these where a link cannot be made (other filesystem, no links, limits).
NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP, errno.EACCES}


def data_extents(fd: int, size: int) -> list[tuple[int, int]]:
    """(offset, length) of the parts of the first `size` bytes that are not holes; the
    whole range where the filesystem cannot tell."""
    extents: list[tuple[int, int]] = []
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, os.SEEK_DATA)
            end = os.lseek(fd, start, os.SEEK_HOLE)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # nothing but a hole from here on
                break
            if exc.errno in (errno.EINVAL, errno.EOPNOTSUPP) and offset == 0:
                return [(0, size)]
            raise
        if start >= size:
            break
        end = min(end, size)
        extents.append((start, end - start))
        offset = end
    return extents


def _copy_range(reader: int, writer: int, offset: int, length: int) -> None:
    done = 0
    while done < length:
        try:
            count = os.copy_file_range(reader, writer, length - done, offset + done, offset + done)
        except OSError as exc:
            if exc.errno not in _NO_KERNEL_COPY:
                raise
            _copy_range_by_reading(reader, writer, offset + done, length - done)
            return
        if count == 0:  # the source shrank while being copied: the caller's hash will say
            return
        done += count


def _copy_range_by_reading(reader: int, writer: int, offset: int, length: int) -> None:
    os.lseek(reader, offset, os.SEEK_SET)
    os.lseek(writer, offset, os.SEEK_SET)
    for chunk in read_chunks(reader, length, _CHUNK):
        written = 0
        while written < len(chunk):  # a write may take less than it was given
            written += os.write(writer, chunk[written:])


def copy_data(reader: int, writer: int, size: int) -> None:
    """Make `writer` (a new, empty file) hold the first `size` bytes of `reader`, holes
    kept as holes (in a small file, a hole costs less to copy than to look for)."""
    extents = data_extents(reader, size) if size > _LOOK_FOR_HOLES_ABOVE else [(0, size)]
    for offset, length in extents:
        _copy_range(reader, writer, offset, length)
    if not extents or sum(extents[-1]) < size:  # a hole at the end: the size says it
        os.ftruncate(writer, size)


def missing_folders(folder: Path) -> list[Path]:
    """The folders `mkdir(parents=True)` would create for `folder`, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove the folders `missing_folders` listed (deepest first) that are still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def replace_making_folder(source: Path | str, target: Path) -> None:
    """`os.replace`, making the target's folder when it is missing: trying first costs one
    call where an object folder exists already, as most do."""
    try:
        os.replace(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def hard_link(source: Path | str, target: Path | str) -> bool:
    """Give `source` the name `target` too, making the target's folder when it is missing:
    True when linked, False when `target` exists already. OSError with an errno of
    `NO_LINK` where no link can be made (another filesystem, no links)."""
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except FileNotFoundError:
        if not os.path.exists(source):
            raise
        os.makedirs(os.path.dirname(target), exist_ok=True)  # the first in its folder
        try:
            os.link(source, target)
        except FileExistsError:
            return False
    return True


def link_or_copy(
    source: Path | str,
    target: Path | str,
    mode: int = 0o444,
    *,
    durable: bool = True,
    batch: DurableBatch | None = None,
) -> bool:
    """Put an immutable object's content at `target`, whole or not at all: a hard link
    when `source` is on the same filesystem (True), else a copy written under a temporary
    name and renamed (False). The copy is made durable first when `durable`; with a
    `batch`, it is left under its temporary name for the batch to flush and rename. An
    object already at `target` is kept: under a content-addressed name it can only hold
    the same bytes.
    """
    try:
        hard_link(source, target)
        return True
    except OSError as exc:
        if exc.errno not in NO_LINK:
            raise
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    fd, partial = new_temp_file(folder, ".tmp-", mode=mode)
    try:
        with open_regular(source, follow_symlinks=False) as (reader, info):
            copy_data(reader, fd, info.st_size)
        if durable and batch is None:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        if batch is not None:
            batch.add(partial, target)
        else:
            os.replace(partial, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return False
