"""A remote copy of the store, reached through fsspec (file://, memory://, s3://, gs://, az://).

The remote has the store's layout:

    <url>/objects/ab/cdef...                  a file's content, named by its blake3 hex
    <url>/history/<notebook key>/<time>-<id>.json

Objects are uploaded under a temporary name in their folder and renamed once complete, so
an interrupted push never leaves a partial object under its hash: the next push sends it
again. A download is kept only when its content hashes to its name; from a folder on the
store's file system the object is hard-linked after hashing, never copied. History entries
are accepted only when their id is their lock's. Credentials are never taken from or
written to anything of ours: each backend finds its own (environment, profile, instance
role).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from jupyter_repro.core.errors import ReproError, StoreError, UsageError
from jupyter_repro.io.filecopy import NO_LINK
from jupyter_repro.io.hashing import HASH_PREFIX
from jupyter_repro.io.localfolder import LocalFolder, is_local_url, local_path, local_workers
from jupyter_repro.io.store import Store, notebook_key
from jupyter_repro.io.workers import largest_first

if TYPE_CHECKING:
    from jupyter_repro.core.runcache import CacheEntry
    from jupyter_repro.io.durable import DurableBatch

# Optional backends and the extra that brings each.
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "az": "azure", "abfs": "azure"}
# Transfers in flight: many for a network remote, where each waits on the network; one
# per core for a folder, where each is work for the kernel.
WORKERS = 8
Progress = Callable[[int], None]


class RemoteError(ReproError):
    """The remote cannot be reached, refuses us, or holds something corrupt."""


def _transport_errors(local: bool) -> tuple[type[BaseException], ...]:
    """What backends raise for a network or permission failure (not our bugs)."""
    errors: list[type[BaseException]] = [OSError]
    if local:
        return tuple(errors)
    with contextlib.suppress(ImportError):
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    return tuple(errors)


def check_url(url: str) -> None:
    """Refuse URLs that carry credentials or name a backend that is not installed."""
    parts = urlsplit(url)
    if parts.password or (parts.username and parts.scheme not in ("", "file")):
        raise UsageError(
            f"{parts.scheme}://...: credentials in a remote URL are never stored; "
            "use the backend's own credentials (environment, profile, role)"
        )
    if is_local_url(url):
        local_path(url)  # a file:// URL naming another host is refused when added
        return
    import fsspec

    protocol = parts.scheme or "file"
    try:
        fsspec.get_filesystem_class(protocol)
    except ImportError:
        extra = EXTRAS.get(protocol, protocol)
        raise UsageError(
            f"{url}: the {protocol}:// backend is not installed: "
            f"pip install 'jupyter-repro[{extra}]'"
        ) from None
    except ValueError:
        raise UsageError(f"{url}: unknown storage protocol {protocol!r}") from None


@dataclass(frozen=True)
class Plan:
    """What a push or pull will move, what is already there, and what cannot move."""

    objects: list[str]
    entries: list[Path]
    present: int
    unavailable: list[str]  # needed, but the source lacks them

    @property
    def total(self) -> int:
        return len(self.objects) + len(self.entries)

    def to_json(self) -> dict[str, Any]:
        return {
            "objects": len(self.objects),
            "already_present": self.present,
            "history": len(self.entries),
            "unavailable": sorted(self.unavailable),
        }


class RemoteStore:
    """The store's objects and history at an fsspec URL."""

    def __init__(self, name: str, url: str) -> None:
        check_url(url)
        self.name = name
        self.url = url
        self.local = is_local_url(url)
        self.workers = local_workers() if self.local else WORKERS
        self._errors = _transport_errors(self.local)
        self.fs: Any
        if self.local:
            self.fs, self.root = LocalFolder(), local_path(url)
        else:
            import fsspec

            try:
                self.fs, self.root = fsspec.core.url_to_fs(url)
            except self._errors as exc:
                raise self._failure("cannot open", exc) from None
        self.root = self.root.rstrip("/") or "/"
        self._reachable = False
        self._linking = False  # pulls link objects in: a folder on the store's file system
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.bucketed = bool(set(protocols) & set(EXTRAS))

    def _failure(self, doing: str, exc: BaseException) -> RemoteError:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, OSError) and exc.strerror and exc.filename:  # not "[Errno 22] ..."
            reason = f"{exc.filename}: {exc.strerror}"
        return RemoteError(f"remote {self.name} ({self.url}): {doing}: {reason}")

    def _key(self, digest: str) -> str:
        hexdigest = digest.removeprefix(HASH_PREFIX)
        return f"{self.root}/objects/{hexdigest[:2]}/{hexdigest[2:]}"

    # listings ---------------------------------------------------------------------------

    def _check_reachable(self) -> None:
        """The remote's folder (or, on an object store, its bucket) must exist."""
        if self._reachable:
            return
        try:
            anchor = self.root.lstrip("/").split("/", 1)[0] if self.bucketed else self.root
            if not (self.fs.isdir(self.root) or (anchor and self.fs.exists(anchor))):
                raise FileNotFoundError(f"{anchor or self.root} does not exist")
        except self._errors as exc:
            raise self._failure(_unreachable(exc, self.local), exc) from None
        self._reachable = True

    def _find(self, folder: str, *, sizes: bool = False) -> Any:
        """Every file under `folder` of the remote, in one listing: paths, or with `sizes`
        path -> fsspec's details of it."""
        self._check_reachable()
        try:
            return self.fs.find(f"{self.root}/{folder}", detail=sizes)
        except FileNotFoundError:
            return {} if sizes else []
        except self._errors as exc:
            raise self._failure("cannot list", exc) from None

    def objects(self) -> dict[str, int]:
        """digest -> size of every complete object on the remote (one listing, not one
        call each)."""
        found = {}
        for path, info in self._find("objects", sizes=True).items():
            folder, name = str(path).rsplit("/", 2)[-2:]
            if not name.startswith(".") and len(folder) == 2:
                found[HASH_PREFIX + folder + name] = _listed_size(info)
        return found

    def history(self) -> set[str]:
        """`<notebook key>/<entry file>` of every history entry on the remote."""
        base = f"{self.root}/history/"
        return {
            p.split(base, 1)[-1]
            for p in self._find("history")
            if p.endswith(".json") and not p.rsplit("/", 1)[-1].startswith(".")
        }

    # transfers --------------------------------------------------------------------------

    def _upload(self, source: Path, target: str) -> None:
        folder = target.rsplit("/", 1)[0]
        partial = f"{folder}/.tmp-{os.urandom(8).hex()}"
        try:
            self.fs.makedirs(folder, exist_ok=True)
            self.fs.put_file(os.fspath(source), partial)
            self.fs.mv(partial, target)
        except BaseException:
            with contextlib.suppress(*self._errors):
                self.fs.rm_file(partial)
            raise

    def _upload_object(self, store: Store, digest: str, batch: DurableBatch) -> None:
        if self.local:  # a link, or a copy the batch renames once it is durable
            self.fs.share(store.object_file(digest), self._key(digest), batch=batch)
        else:
            self._upload(store.object_path(digest), self._key(digest))

    def _download(
        self, store: Store, digest: str, batch: DurableBatch, alongside: Callable[[Path], None]
    ) -> Path | None:
        """Fetch an object into the store (a link where it can be, taking its name at once;
        else a copy queued in `batch`) and run `alongside(path)` on it as `Store.adopt`
        does; where it is until the batch commits, or None when its content is not its
        name's (nothing kept)."""
        key = self._key(digest)
        # A small object of a folder remote on this file system is linked under its name at
        # once; a large one goes the way below (linked too), to be copied out as it is hashed.
        if self._linking and not store.copied_while_hashed(os.stat(key).st_size):
            try:
                arrived = store.link_in(Path(key), digest)
            except OSError as exc:
                if exc.errno not in NO_LINK:
                    raise
                self._linking = False  # (a bind mount, a file system without links)
            else:
                if arrived is not None:
                    alongside(arrived)
                return arrived
        # Else into the store's folder under a name of ours first (its copies are made from
        # that very file): the store copies in only files of the project, and a remote
        # (even a file:// one) is not.
        partial = store.path / f".pull-{os.urandom(8).hex()}"
        try:
            linked = False
            if self.local:
                linked = self.fs.share(key, os.fspath(partial), durable=False)
            else:
                self.fs.get_file(key, os.fspath(partial))
            arrived = store.adopt(partial, digest, batch, durable=linked, alongside=alongside)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
        if arrived is None:  # refused: its content is not its name's
            os.unlink(partial)
        return arrived

    def _parallel(self, work: Callable[[str], None], items: list[str], progress: Progress) -> None:
        from jupyter_repro.io.workers import for_each_in_threads

        def one(item: str) -> None:
            work(item)
            progress(1)

        try:  # nothing new starts after a failure
            for_each_in_threads(one, items, self.workers)
        except self._errors as exc:
            raise self._failure("transfer failed", exc) from None

    def plan_push(self, store: Store, digests: Iterable[str], entries: Iterable[Path]) -> Plan:
        """What the remote lacks: objects the store has, and history entries."""
        if not self.bucketed:  # folders of object stores are implied; buckets are not ours
            try:
                self.fs.makedirs(self.root, exist_ok=True)
            except self._errors as exc:
                raise self._failure(_unreachable(exc, self.local), exc) from None
        wanted = set(digests)
        there = self.objects() if wanted else {}
        missing = sorted(wanted.difference(there))
        here = {d: size for d in missing if (size := store.object_size(d)) is not None}
        known = self.history()
        return Plan(
            objects=largest_first(here),
            entries=[e for e in entries if f"{e.parent.name}/{e.name}" not in known],
            present=len(wanted) - len(missing),
            unavailable=[d for d in missing if d not in here],
        )

    def push(self, store: Store, plan: Plan, progress: Progress) -> None:
        """Send what `plan_push` found missing: objects, made durable together, before
        the history entries that name them."""
        from jupyter_repro.io.durable import DurableBatch

        batch = DurableBatch()
        try:
            self._parallel(lambda d: self._upload_object(store, d, batch), plan.objects, progress)
        finally:  # the objects sent whole are kept: the next push sends only the rest
            batch.settle()
        by_key = {f"{self.root}/history/{e.parent.name}/{e.name}": e for e in plan.entries}
        self._parallel(lambda k: self._upload(by_key[k], k), sorted(by_key), progress)

    # run cache ----------------------------------------------------------------------------

    def push_runcache(self, store: Store, files: Iterable[Path], progress: Progress) -> int:
        """Send the run-cache entry files the remote lacks (their objects go with `push`)."""
        base = f"{self.root}/runcache/"
        there = {p.split(base, 1)[-1] for p in self._find("runcache")}
        wanted = {f"{f.parent.name}/{f.name}": f for f in files}
        missing = sorted(k for k in wanted if k not in there)
        self._parallel(lambda k: self._upload(wanted[k], base + k), missing, progress)
        return len(missing)

    def pull_runcache(self, store: Store, notebooks: set[str] | None) -> list[CacheEntry]:
        """Copy in the run-cache entries the store lacks (of those notebooks, or all); the
        entries to fetch objects for. An entry not named by its own key is refused."""
        from jupyter_repro.io.atomic import write_bytes_atomic
        from jupyter_repro.io.runcache import CACHE_DIR, read_entry

        base = f"{self.root}/runcache/"
        fetched: list[CacheEntry] = []
        for name in sorted(p.split(base, 1)[-1] for p in self._find("runcache")):
            folder, _, file = name.partition("/")
            if not re.fullmatch(r"[0-9a-f]{2}", folder) or not _CACHE_NAME.match(file):
                raise StoreError(f"remote {self.name}: runcache/{name} is not a cache entry name")
            target = store.path / CACHE_DIR / folder / file
            if target.is_file():
                continue
            try:
                data = self.fs.cat_file(base + name)
            except self._errors as exc:
                raise self._failure(f"cannot read cache entry {name}", exc) from None
            store.ensure()
            write_bytes_atomic(target, data)
            entry = read_entry(target)
            if entry is None or not file.startswith(folder):
                target.unlink()
                raise StoreError(f"remote {self.name}: runcache/{name} is not a cache entry")
            if notebooks is not None and entry.notebook not in notebooks:
                target.unlink()  # another notebook's: not asked for
                continue
            fetched.append(entry)
        return fetched

    def pull_history(self, store: Store, notebook_keys: Iterable[str] | None) -> int:
        """Copy in the history entries the store lacks (for those notebooks, or all)."""
        keys = None if notebook_keys is None else set(notebook_keys)
        fetched = 0
        for name in sorted(self.history()):
            key, _, entry = name.partition("/")
            if keys is not None and key not in keys:
                continue
            if not _safe_history_name(key, entry):
                raise StoreError(f"remote {self.name}: history/{name} is not a history entry name")
            target = store.history / key / entry
            if target.is_file():
                continue
            store.ensure()
            try:
                data = self.fs.cat_file(f"{self.root}/history/{name}")
            except self._errors as exc:
                raise self._failure(f"cannot read history entry {name}", exc) from None
            _write_entry(target, data, f"remote {self.name}: history/{name}")
            fetched += 1
        return fetched

    def plan_pull(self, store: Store, digests: Iterable[str]) -> Plan:
        """The objects the store lacks, split into those the remote has and the rest."""
        wanted = set(digests)
        if store.objects.is_dir():
            lacking = sorted(d for d in wanted if not store.has(d))
        else:  # a fresh clone's store: no need to look for each
            lacking = sorted(wanted)
        there = self.objects() if lacking else {}
        return Plan(
            objects=largest_first({d: there[d] for d in lacking if d in there}),
            entries=[],
            present=len(wanted) - len(lacking),
            unavailable=[d for d in lacking if d not in there],
        )

    def pull(
        self,
        store: Store,
        plan: Plan,
        progress: Progress,
        then: Callable[[str, Path], None] = lambda digest, path: None,
    ) -> None:
        """Fetch the planned objects; each is kept only if it hashes to its name, and
        `then(digest, path)` runs on it (at `path`) in the same worker: after it arrived
        intact, or for a large object while it is being hashed (a refused object fails
        the pull, and the caller discards what `then` made). They enter the store
        together, made durable at once, when the fetching ends (also when it fails part
        way: what arrived intact is kept)."""
        from jupyter_repro.io.durable import DurableBatch

        batch = DurableBatch()

        def fetch(digest: str) -> None:
            if self._download(store, digest, batch, lambda path: then(digest, path)) is None:
                raise StoreError(
                    f"remote {self.name}: object {self._key(digest)} does not match its hash "
                    f"{digest}: refused (local files kept as they were)"
                )

        if plan.objects:
            store.ensure()  # the store's .gitignore comes first: a clone's store is new
            self._linking = self.local and _same_device(self.root, store.path)
        try:
            self._parallel(fetch, plan.objects, progress)
        finally:  # the objects that arrived intact are kept: the next pull fetches the rest
            batch.settle()


def _same_device(folder: str, other: Path) -> bool:
    try:
        return os.stat(folder).st_dev == os.stat(other).st_dev
    except OSError:  # the listing that follows says what is wrong
        return False


def _unreachable(exc: BaseException, local: bool) -> str:
    """Why the remote cannot be used: not there, or (a service) refusing these credentials."""
    if not local and (isinstance(exc, PermissionError) or _status_code(exc) in (401, 403)):
        return "refused (the credentials the backend found are not accepted)"
    return "unreachable"


def _status_code(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)  # botocore's ClientError
    meta = response.get("ResponseMetadata") if isinstance(response, dict) else None
    code = meta.get("HTTPStatusCode") if isinstance(meta, dict) else None
    return code if isinstance(code, int) else None


def _listed_size(info: Any) -> int:
    size = info.get("size") if isinstance(info, dict) else None
    return size if isinstance(size, int) and size >= 0 else 0


_ENTRY_NAME = re.compile(r"^\d{20}-[0-9a-f]{12}\.json$")
_CACHE_NAME = re.compile(r"^[0-9a-f]{64}\.json$")


def _safe_history_name(key: str, entry: str) -> bool:
    """A remote names entries; none may lead a write outside the store's history."""
    notebook = PurePosixPath(unquote(key))
    return (
        bool(_ENTRY_NAME.match(entry))
        and notebook_key(str(notebook)) == key
        and not notebook.is_absolute()
        and ".." not in notebook.parts
    )


def _write_entry(target: Path, data: bytes, label: str) -> None:
    """Write a history entry, refusing one whose id is not its lock's (corrupt or forged)."""
    from jupyter_repro.core.lock import lock_id
    from jupyter_repro.io.atomic import write_bytes_atomic

    try:
        payload = json.loads(data)
        lock = payload["lock"]
        ident = payload["id"]
    except (ValueError, KeyError, TypeError):
        raise StoreError(f"{label}: not a history entry: refused") from None
    # The id hashes the lock as serialize_lock writes it; hashing the JSON received (not a
    # re-encoding of its parse) keeps entries of later releases, with more keys, checkable.
    text = json.dumps(lock, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    if not isinstance(lock, dict) or lock_id(text) != ident:
        raise StoreError(f"{label}: its id does not match its lock: refused")
    if not target.name.endswith(f"-{ident}.json"):
        raise StoreError(f"{label}: its name does not match its id: refused")
    write_bytes_atomic(target, data)
