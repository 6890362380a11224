"""Values the store caches because they are slow to derive (a script's cells as jupytext
reads them, a notebook's paired paths), sealed with a key of this machine's user.

The store is git-ignored, but a commit can still carry files under `.repro/` (`git add
-f`), and `check` in a fresh clone is the gate that keeps a reviewed script in line with
its notebook: a forged entry could make it read a script's cells as the notebook's. Each
entry carries a keyed blake3 of its name and value, under a key kept in the user's data
folder, never in a project: only entries this user's own runs wrote are believed, and
any other is derived again (which only costs time).
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import json
import os
from pathlib import Path
from typing import Any

from jupyter_repro.io.atomic import new_temp_file, write_text_atomic
from jupyter_repro.io.files import read_regular_bytes
from jupyter_repro.io.journals import ensure_store

_KEY_BYTES = 32


def read_cached(store: Path, kind: str, name: str) -> Any | None:
    """The value cached as `kind`/`name` when its seal is this user's, else None."""
    try:
        entry = json.loads(read_regular_bytes(_entry(store, kind, name)))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("seal"), str):
        return None
    value = entry.get("value")
    if not hmac.compare_digest(entry["seal"], _seal(kind, name, value)):
        return None
    return value


def write_cached(store: Path, kind: str, name: str, value: Any) -> None:
    """Cache `value` as `kind`/`name`; a store that cannot be written only costs time."""
    with contextlib.suppress(OSError):
        ensure_store(store)  # git-ignored by its own .gitignore: no tracked file changes
        entry = {"value": value, "seal": _seal(kind, name, value)}
        write_text_atomic(_entry(store, kind, name), json.dumps(entry))


def _entry(store: Path, kind: str, name: str) -> Path:
    return store / "cache" / kind / f"{name}.json"


def _seal(kind: str, name: str, value: Any) -> str:
    from blake3 import blake3

    text = json.dumps([kind, name, value], sort_keys=True, separators=(",", ":"))
    return str(blake3(text.encode(), key=_key()).hexdigest())


@functools.cache
def _key() -> bytes:
    """This user's sealing key, made on first use; a home that cannot be written gives a
    key of this process alone (its entries are then believed by no other run)."""
    from platformdirs import user_data_path

    path = user_data_path("jupyter-repro") / "cache-key"
    with contextlib.suppress(OSError):
        key = read_regular_bytes(path)
        if len(key) == _KEY_BYTES:
            return key
    fresh = os.urandom(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = new_temp_file(path.parent, ".cache-key-", mode=0o600)
        try:
            os.write(fd, fresh)
            os.close(fd)
            with contextlib.suppress(FileExistsError):  # another run made it just now
                os.link(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        key = read_regular_bytes(path)
        return key if len(key) == _KEY_BYTES else fresh
    except OSError:
        return fresh
