"""Lock files on disk: the one reader and writer of `<stem>.repro.json`.

Reading parses the JSON and hands it to `Lock.from_json`, which checks every field's type
without jsonschema (importing it costs seconds next to jupyter_server, and `check` runs on
every commit). The JSON Schema shipped in `jupyter_repro/schema/` stays the published
contract; `JUPYTER_REPRO_VALIDATE_LOCKS=1` (set by the test suite) also validates every
lock written against it, so the parser and the schema cannot drift apart.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.lockmodel import Lock, LockVersionError
from jupyter_repro.core.shapes import ShapeError
from jupyter_repro.io.atomic import write_if_changed
from jupyter_repro.io.files import parse_json, read_bytes
from jupyter_repro.io.project import lock_path

SCHEMA_RESOURCE = "lock.schema.json"
VALIDATE_ENV = "JUPYTER_REPRO_VALIDATE_LOCKS"


def lock_schema() -> dict[str, Any]:
    """The JSON Schema of locks, as shipped in `jupyter_repro/schema/`."""
    from importlib import resources

    text = resources.files("jupyter_repro.schema").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = lock_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def schema_problem(data: Any) -> str | None:
    """The first reason `data` breaks the published JSON Schema, or None (imports jsonschema)."""
    error = next(iter(_validator().iter_errors(data)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"{where}: {error.message}"


def parse_lock(data: Any, source: object) -> Lock:
    """Lock JSON as a typed `Lock`; BadInputError (exit 2) naming the file and the field."""
    try:
        return Lock.from_json(data)
    except LockVersionError as exc:
        raise BadInputError.invalid(source, str(exc)) from None
    except ShapeError as exc:
        raise BadInputError.invalid(source, f"not a valid lock: {exc}") from None


def read_lock(path: Path) -> Lock:
    """Read and parse a lock file; BadInputError (exit 2) with a one-line reason."""
    return parse_lock(parse_json(read_bytes(path), path, "lock"), path)


def read_lock_for(notebook: Path) -> Lock | None:
    """The lock beside a notebook (or paired script), or None when there is none.

    A lock that exists but cannot be read (a folder, corrupt, newer) is an error, not "no lock".
    """
    path = lock_path(notebook)
    if not os.path.lexists(path):
        return None
    return read_lock(path)


def write_lock(path: Path, lock: Lock) -> bool:
    """Write the lock atomically when its text changed; True when written."""
    # Imported here: reading a lock (push, pull, check) needs none of the building code.
    from jupyter_repro.core.lock import serialize_lock

    text = serialize_lock(lock)
    if os.environ.get(VALIDATE_ENV):
        problem = schema_problem(json.loads(text))
        if problem is not None:  # a bug of ours: the writer broke the published contract
            raise AssertionError(f"lock breaks lock.schema.json: {problem}")
    return write_if_changed(path, text)
