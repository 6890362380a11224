"""The store at `<project root>/.repro/`: content-addressed inputs and snapshot history.

    .repro/.gitignore                      `*`: the store is never committed by accident
    .repro/objects/ab/cdef...              a file's content, named by its blake3 hex
    .repro/history/<notebook key>/<time>-<id>.json
                                           one entry per save that changed the lock

Objects are written to a temporary file while being hashed and renamed only when the
hash is the one expected, so an object's name always matches its content. Zero blocks
are skipped when copying, so a sparse input stays sparse in the store. Only regular
files inside the project, and no credential file, are ever copied in.

Writers of objects and history (snapshots) hold the store's file lock shared, `gc` holds
it exclusively around its mark and sweep: gc never sees an object whose snapshot has not
yet recorded the lock that refers to it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat as stat_module
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote, unquote

from jupyter_repro.core.errors import StoreError
from jupyter_repro.core.lockmodel import Lock, LockVersionError
from jupyter_repro.core.shapes import ShapeError
from jupyter_repro.io.atomic import new_temp_file, write_text_atomic
from jupyter_repro.io.filecopy import missing_folders, remove_folders
from jupyter_repro.io.files import (
    loads_json,
    open_project_file,
    open_regular,
    read_chunks,
    read_regular_bytes,
)
from jupyter_repro.io.hashing import HASH_PREFIX
from jupyter_repro.io.project import store_dir

if TYPE_CHECKING:
    from jupyter_repro.io.durable import DurableBatch

_HEX = re.compile(r"^[0-9a-f]{64}$")
_ENTRY = re.compile(r"^(?P<time>\d{20})-(?P<id>[0-9a-f]{12})\.json$")
_CHUNK = 1 << 20
# Above this, copies out of a download are made while it is hashed, not after.
_COPY_WHILE_HASHING_ABOVE = 8 << 20
_ZEROS = bytes(_CHUNK)
OUTSIDE_DIR = "_outside"
_PROTECTED = frozenset({".git", ".repro", ".hg", ".svn"})
LOCK_FILE = "store.lock"


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    time_ns: int
    notebook: str
    file: Path

    @property
    def time(self) -> str:
        stamp = datetime.fromtimestamp(self.time_ns / 1e9, tz=UTC)
        return stamp.isoformat(timespec="seconds").replace("+00:00", "Z")

    def payload(self) -> tuple[str | None, Lock]:
        """The entry's source ("save", "snapshot" or None when unknown) and its lock."""
        try:
            data = loads_json(read_regular_bytes(self.file))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{self.file}: unreadable history entry: {exc}") from None
        if not isinstance(data, dict) or "lock" not in data:
            raise StoreError(f"{self.file}: history entry without a lock")
        try:
            lock = Lock.from_json(data["lock"])
        except (LockVersionError, ShapeError) as exc:
            raise StoreError(f"{self.file}: history entry with an invalid lock: {exc}") from None
        source = data.get("source")
        return (source if isinstance(source, str) else None), lock

    def read(self) -> Lock:
        """The entry's lock, parsed and checked."""
        return self.payload()[1]


def _copy_sparse(
    reader: int, limit: int, writer: BinaryIO, hasher: Any, *, durable: bool = True
) -> None:
    """Copy at most `limit` bytes, seeking over all-zero chunks (holes), hashing what is
    read when asked; fsync when `durable`."""
    size = 0
    for chunk in read_chunks(reader, limit, _CHUNK):
        if hasher is not None:
            hasher.update(chunk)
        size += len(chunk)
        if chunk == _ZEROS[: len(chunk)]:
            writer.seek(len(chunk), os.SEEK_CUR)
        else:
            writer.write(chunk)
    writer.truncate(size)
    writer.flush()
    if durable:
        os.fsync(writer.fileno())


@contextlib.contextmanager
def store_lock(store_path: Path, *, exclusive: bool) -> Iterator[None]:
    """The store's file lock: shared for snapshots writing objects and history, exclusive
    for gc. Blocks until granted. Where `fcntl` is missing (Windows) it is a no-op."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - POSIX only
        yield
        return
    store_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(store_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def notebook_key(notebook_relpath: str) -> str:
    """A flat, reversible folder name for a notebook path."""
    return quote(notebook_relpath, safe="")


class Store:
    def __init__(self, project_root: Path) -> None:
        self.root = project_root
        self.path = store_dir(project_root)
        self.objects = self.path / "objects"
        self._objects_str = os.fspath(self.objects)
        self.history = self.path / "history"

    def ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        ignore = self.path / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                write_text_atomic(ignore, "*\n")

    # objects ---------------------------------------------------------------------------

    def object_path(self, digest: str) -> Path:
        return Path(self.object_file(digest))

    def object_file(self, digest: str) -> str:
        """Where object `digest` is, as a plain string: a save checks a thousand objects
        and a push links them, and pathlib costs more than the stat or the link."""
        found = self._object_file(digest)
        if found is None:
            raise StoreError(f"not a content hash: {digest!r}")
        return found

    def _object_file(self, digest: str) -> str | None:
        hexdigest = digest.removeprefix(HASH_PREFIX)
        if not digest.startswith(HASH_PREFIX) or not _HEX.match(hexdigest):
            return None
        return f"{self._objects_str}/{hexdigest[:2]}/{hexdigest[2:]}"

    def has(self, digest: str) -> bool:
        found = self._object_file(digest)
        return found is not None and os.path.isfile(found)

    def object_size(self, digest: str) -> int | None:
        """The size of object `digest`, None when the store lacks it."""
        found = self._object_file(digest)
        if found is None:
            return None
        try:
            info = os.stat(found)
        except OSError:
            return None
        return info.st_size if stat_module.S_ISREG(info.st_mode) else None

    def object_intact(self, digest: str, size: int | None) -> bool:
        """The object is there and, when `size` is known, has that size (a cheap stat check
        that catches truncated copies; the hash is checked when the object is read)."""
        there = self.object_size(digest)
        return there is not None and (size is None or there == size)

    def put_file(
        self,
        source: Path,
        digest: str,
        size: int | None = None,
        *,
        batch: DurableBatch | None = None,
    ) -> bool:
        """Copy `source` in as object `digest`; False (nothing kept) when its content differs.

        An object already there with a size other than `size` is a damaged copy: replaced.
        Only regular files of the project are copied (OSError otherwise). With a `batch`,
        the copy takes its name when the batch commits (many copies, one flush).
        """
        from blake3 import blake3

        target = self.object_path(digest)
        if self.object_intact(digest, size):
            return True
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        hasher = blake3(max_threads=blake3.AUTO)
        try:
            with (
                open_project_file(self.root, str(source)) as (reader, info),
                os.fdopen(fd, "wb") as writer,
            ):
                _copy_sparse(reader, info.st_size, writer, hasher, durable=batch is None)
            if HASH_PREFIX + hasher.hexdigest() != digest:
                os.unlink(tmp)
                return False
            os.chmod(tmp, 0o444)
            if batch is None:
                os.replace(tmp, target)
            else:
                batch.add(tmp, target)
            return True
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def adopt(
        self,
        download: Path,
        digest: str,
        batch: DurableBatch,
        *,
        durable: bool = False,
        alongside: Callable[[Path], None] | None = None,
    ) -> Path | None:
        """Take a file already inside the store's folder (a download) in as object `digest`
        when it hashes to it: one read to hash, no second copy. It is renamed into place by
        `batch` once the batch's files are durable (a `durable` download, a hard link to a
        durable file, at once), so a crash never leaves a name without its content. Where
        the object is until then; None, and the file left to the caller, when its content
        differs.

        `alongside(download)` (copying it out) runs before it is renamed: for a large file
        while it is hashed, both reading the same cached pages, so the caller must discard
        its work when None comes back; for a small one after, only when it matched.
        """
        from jupyter_repro.io.hashing import hash_open_file
        from jupyter_repro.io.workers import while_doing

        with open_regular(download, follow_symlinks=False) as (fd, info):

            def matches() -> bool:
                return hash_open_file(fd, info.st_size) == digest

            if alongside is not None and self.copied_while_hashed(info.st_size):
                if not while_doing(lambda: alongside(download), matches):
                    return None
            elif not matches():
                return None
            elif alongside is not None:
                alongside(download)
            if info.st_mode & 0o222:  # a link to a read-only object needs no chmod
                os.fchmod(fd, 0o444)
        # An object already there holds the same bytes: replacing it changes nothing.
        return batch.add(download, self.object_path(digest), flush=not durable)

    def link_in(self, source: Path, digest: str) -> Path | None:
        """Take object `digest` in as a hard link to `source` (a folder remote's object on
        this file system) when `source` hashes to it: nothing is copied, and a link to a
        durable file takes its name at once. Where the object is; None when the content
        differs, or the file was swapped for another between hashing and linking (nothing
        is left linked). OSError with an errno of `filecopy.NO_LINK` where no link can be
        made: the caller copies instead. (A large object goes through `adopt` instead, to
        be copied out while it is hashed.)"""
        from jupyter_repro.io.filecopy import hard_link
        from jupyter_repro.io.hashing import hash_open_file

        target = self.object_path(digest)
        with open_regular(source, follow_symlinks=False) as (fd, info):
            if hash_open_file(fd, info.st_size) != digest:
                return None
            if info.st_mode & 0o222:
                os.fchmod(fd, 0o444)
            linked_now = hard_link(source, target)  # else there already: the same bytes
        if linked_now and not os.path.samestat(os.lstat(target), info):
            os.unlink(target)  # not the file hashed: refuse it as if it did not match
            return None
        return target

    @staticmethod
    def copied_while_hashed(size: int) -> bool:
        """Whether `adopt` copies an object of `size` bytes out while hashing it."""
        return size > _COPY_WHILE_HASHING_ABOVE

    def copy_beside(
        self, digest: str, target: Path, *, verify: bool = True, source: Path | None = None
    ) -> Path:
        """A copy of object `digest` in `target`'s folder under a temporary name, holes kept,
        for the caller to rename onto `target` or remove. With `verify` the copy is hashed
        and must match (an object fetched and checked a moment ago needs not). The copy is
        not synced: it is a working copy, and the store keeps the durable one. `source` is
        where the object is when it is not in place yet (adopted, its batch not committed).

        StoreError when the store lacks the object or its content does not match its name;
        then no copy is left behind.
        """
        from jupyter_repro.io.filecopy import copy_data
        from jupyter_repro.io.hashing import hash_file

        source = self.object_path(digest) if source is None else source
        with contextlib.ExitStack() as stack:
            try:
                reader, info = stack.enter_context(open_regular(source))
            except FileNotFoundError:
                raise StoreError(f"the store lacks {digest} (needed for {target})") from None
            fd, tmp = new_temp_file(target.parent, f".{target.name}.", ".tmp", make_folder=True)
            try:
                try:
                    copy_data(reader, fd, info.st_size)
                finally:
                    os.close(fd)
                if verify and hash_file(tmp) != digest:
                    raise StoreError(
                        f"store object {source} is corrupt (its content does not "
                        f"match its name); {target} not restored"
                    )
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        return Path(tmp)

    def export(self, digest: str, target: Path, *, verify: bool = True) -> None:
        """Write object `digest` to `target` atomically (see `copy_beside`). On failure
        nothing is left behind, not even the folders made for `target`."""
        made = missing_folders(target.parent)
        try:
            copy = self.copy_beside(digest, target, verify=verify)
            try:
                os.replace(copy, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(copy)
                raise
        except BaseException:
            remove_folders(made)
            raise

    def object_files(self) -> Iterator[tuple[str, Path]]:
        """(digest, path) of every object."""
        if not self.objects.is_dir():
            return
        for prefix in sorted(self.objects.iterdir()):
            if not prefix.is_dir():
                continue
            for item in sorted(prefix.iterdir()):
                hexdigest = prefix.name + item.name
                if _HEX.match(hexdigest):
                    yield HASH_PREFIX + hexdigest, item

    # history ---------------------------------------------------------------------------

    def entries(self, notebook_relpath: str) -> list[HistoryEntry]:
        """A notebook's snapshots, oldest first."""
        folder = self.history / notebook_key(notebook_relpath)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        result = []
        for name in names:
            match = _ENTRY.match(name)
            if match:
                result.append(
                    HistoryEntry(match["id"], int(match["time"]), notebook_relpath, folder / name)
                )
        return result

    def notebooks(self) -> list[str]:
        """Project-relative paths of every notebook with a history."""
        try:
            return sorted(unquote(name) for name in os.listdir(self.history))
        except OSError:
            return []

    def record(self, notebook_relpath: str, lock: Lock, source: str) -> str | None:
        """Add a history entry unless the newest one holds the same lock; its id or None."""
        entries = self.entries(notebook_relpath)
        if entries:
            with contextlib.suppress(StoreError):
                if entries[-1].read() == lock:
                    return None
        from jupyter_repro.core.lock import lock_id, serialize_lock

        ident = lock_id(serialize_lock(lock))
        stamp = max(time.time_ns(), entries[-1].time_ns + 1 if entries else 0)
        folder = self.history / notebook_key(notebook_relpath)
        payload = {
            "id": ident,
            "notebook": notebook_relpath,
            "source": source,
            "lock": lock.to_json(),
        }
        # Compact: the C encoder is ten times faster than an indented dump of a big lock.
        write_text_atomic(
            folder / f"{stamp:020d}-{ident}.json",
            json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n",
        )
        return ident

    def find(self, ident: str, notebook_relpath: str | None = None) -> HistoryEntry:
        """The newest entry whose id starts with `ident` (at least 4 hex digits)."""
        ident = ident.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{4,12}", ident):
            raise StoreError(f"{ident!r} is not a snapshot id (4 to 12 hex digits; see `log`)")
        notebooks = [notebook_relpath] if notebook_relpath else self.notebooks()
        found = [e for nb in notebooks for e in self.entries(nb) if e.id.startswith(ident)]
        if not found:
            where = f" of {notebook_relpath}" if notebook_relpath else ""
            raise StoreError(f"no snapshot {ident}{where} in {self.history}")
        if len({(e.notebook, e.id) for e in found}) > 1:
            raise StoreError(f"snapshot id {ident} is ambiguous: give more digits")
        return max(found, key=lambda e: e.time_ns)


class RestoreTargets:
    """Where inputs recorded under their lock keys go under `dest`; refuses anything
    escaping it.

    Inputs that were outside the project (absolute keys) go under `dest/_outside/`, so
    nothing is ever written outside the project root, whatever the lock says. Folders are
    resolved once each: a thousand inputs in one folder cost one resolution, not a
    thousand.
    """

    def __init__(self, dest: Path, project_root: Path) -> None:
        self.dest = dest
        self.root = project_root.resolve()
        self._resolved: dict[Path, tuple[str, ...]] = {}  # folder -> its parts in the root

    def __call__(self, key: str) -> Path:
        posix = PurePosixPath(key)
        if ".." in posix.parts or "\\" in key or "\x00" in key or not key.strip():
            raise StoreError(f"refusing to restore {key!r}: the path leaves the restore folder")
        relative = PurePosixPath(OUTSIDE_DIR, *posix.parts[1:]) if posix.is_absolute() else posix
        if not relative.parts:
            raise StoreError(f"refusing to restore {key!r}: not a file path")
        if (
            any(part in _PROTECTED for part in relative.parts[:-1])
            or relative.parts[0] in _PROTECTED
        ):
            # Git hooks or config, or the store itself: a crafted lock must not reach them.
            raise StoreError(f"refusing to restore {key!r}: it is inside {relative.parts[0]}/")
        target = self.dest.joinpath(*relative.parts)
        # Resolve symlinks in the folders on the way: a link must not lead the write elsewhere.
        folder = self._resolved.get(target.parent)
        if folder is None:
            resolved_folder = target.parent.resolve()
            if resolved_folder != self.root and self.root not in resolved_folder.parents:
                raise StoreError(
                    f"refusing to restore {key!r}: {resolved_folder / target.name} is outside "
                    "the project root"
                )
            folder = self._resolved[target.parent] = resolved_folder.relative_to(self.root).parts
        inside = (*folder, target.name)
        in_store = inside[0] == ".repro" and inside[1:2] != ("restore",)
        if in_store or any(part in _PROTECTED - {".repro"} for part in inside):
            resolved = self.root.joinpath(*inside)
            raise StoreError(f"refusing to restore {key!r}: {resolved} is inside {inside[0]}/")
        return target


def restore_target(dest: Path, key: str, project_root: Path) -> Path:
    """Where one input recorded as `key` goes under `dest` (see `RestoreTargets`)."""
    return RestoreTargets(dest, project_root)(key)


def history_rows(store: Store, relpath: str) -> list[dict[str, Any]]:
    """A notebook's snapshots, oldest first, each with what it changed since the one before."""
    from jupyter_repro.core.lockdiff import describe, diff_locks, summary

    rows: list[dict[str, Any]] = []
    previous: Lock | None = None
    for entry in store.entries(relpath):
        try:
            source, lock = entry.payload()
        except StoreError as exc:
            rows.append(
                {
                    "id": entry.id,
                    "time": entry.time,
                    "source": None,
                    "summary": f"unreadable: {exc.message}",
                    "changes": [],
                    "inputs": 0,
                }
            )
            continue
        if previous is None:
            text, changes = "first snapshot", []
        else:
            diff = diff_locks(previous, lock)
            text, changes = summary(diff), describe(diff)
        rows.append(
            {
                "id": entry.id,
                "time": entry.time,
                "source": source,
                "summary": text,
                "changes": changes,
                "inputs": len(lock.inputs),
            }
        )
        previous = lock
    return rows
