"""A remote that is a folder of this machine (`file://` URLs and plain paths).

It answers the few calls `RemoteStore` makes of an fsspec filesystem, with the operating
system's own: fsspec's local backend copies every object byte by byte and costs 75 ms to
import, while a folder on the same filesystem as the store can share each object with a
hard link (objects are immutable) and copy the rest in the kernel (`io.filecopy`).
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.filecopy import link_or_copy
from jupyter_repro.io.files import read_regular_bytes

if TYPE_CHECKING:
    from jupyter_repro.io.durable import DurableBatch

LOCAL_PROTOCOLS = ("file", "local")


def is_local_url(url: str) -> bool:
    scheme = urlsplit(url).scheme
    return scheme in ("", *LOCAL_PROTOCOLS)


def local_path(url: str) -> str:
    """The folder a `file://` URL (or plain path) names; UsageError for another host's."""
    parts = urlsplit(url)
    if parts.scheme not in LOCAL_PROTOCOLS:
        return os.path.abspath(url)
    if parts.netloc not in ("", "localhost"):
        raise UsageError(
            f"{url}: a file:// URL names a folder of this machine (file:///path), "
            f"not of {parts.netloc}"
        )
    return os.path.abspath(unquote(parts.path) or "/")


def _size(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:  # gone since listed: it sorts as the smallest
        return 0


def local_workers() -> int:
    """Copies in flight between folders of this machine: one per core (each is the
    kernel's work, and more threads only contend for the cores)."""
    return max(2, os.cpu_count() or 2)


class LocalFolder:
    """fsspec's calls, as `RemoteStore` uses them, on local paths."""

    protocol = LOCAL_PROTOCOLS

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def find(self, path: str, detail: bool = False) -> Any:
        """Every file under `path`, recursively ([] when it does not exist); with `detail`,
        path -> {"size": bytes}, as fsspec gives it."""
        found: dict[str, dict[str, int]] = {}
        stack = [path]
        while stack:
            try:
                with os.scandir(stack.pop()) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        else:
                            found[entry.path] = {"size": _size(entry) if detail else 0}
            except (FileNotFoundError, NotADirectoryError):
                continue
        return found if detail else list(found)

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        os.makedirs(path, exist_ok=exist_ok)

    def put_file(self, lpath: str, rpath: str) -> None:
        shutil.copyfile(lpath, rpath)

    def get_file(self, rpath: str, lpath: str) -> None:
        shutil.copyfile(rpath, lpath)

    def mv(self, path1: str, path2: str) -> None:
        os.replace(path1, path2)

    def rm_file(self, path: str) -> None:
        os.unlink(path)

    def cat_file(self, path: str) -> bytes:
        return read_regular_bytes(path)

    def share(
        self, source: str, target: str, *, durable: bool = True, batch: DurableBatch | None = None
    ) -> bool:
        """Put an object at `target`, whole or not at all: linked where it can be (True),
        else copied (`filecopy.link_or_copy`)."""
        return link_or_copy(source, target, durable=durable, batch=batch)
