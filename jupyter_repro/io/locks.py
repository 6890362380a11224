"""Lock files on disk: read and validate against the shipped JSON Schema, write atomically."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.lock import LOCK_VERSION, serialize_lock
from jupyter_repro.io.atomic import write_if_changed
from jupyter_repro.io.files import parse_json, read_bytes
from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.io.project import lock_path

SCHEMA_RESOURCE = "lock.schema.json"
_VALID_CACHE_SIZE = 256
_valid_contents: set[str] = set()


def lock_schema() -> dict[str, Any]:
    """The JSON Schema of locks, as shipped in `jupyter_repro/schema/`."""
    text = resources.files("jupyter_repro.schema").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = lock_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def lock_problem(data: Any) -> str | None:
    """The first reason `data` is not a valid lock, or None."""
    error = next(iter(_validator().iter_errors(data)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"{where}: {error.message}"


def validate_lock(data: Any, source: object) -> dict[str, Any]:
    version = data.get("lock_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version != LOCK_VERSION:
        raise BadInputError.invalid(
            source, f"lock version {version} is not supported (this version reads {LOCK_VERSION})"
        )
    problem = lock_problem(data)
    if problem is not None:
        raise BadInputError.invalid(source, f"not a valid lock: {problem}")
    result: dict[str, Any] = data
    return result


def read_lock(path: Path) -> dict[str, Any]:
    """Parse and validate a lock file; BadInputError (exit 2) with a one-line reason."""
    raw = read_bytes(path)
    data = parse_json(raw, path, "lock")
    # Validating a lock with a thousand inputs takes jsonschema ~100 ms, and the UI polls:
    # content already found valid in this process is not validated again.
    digest = hash_bytes(raw)
    if digest in _valid_contents:
        result: dict[str, Any] = data
        return result
    checked = validate_lock(data, path)
    if len(_valid_contents) >= _VALID_CACHE_SIZE:
        _valid_contents.clear()
    _valid_contents.add(digest)
    return checked


def read_lock_for(notebook: Path) -> dict[str, Any] | None:
    """The lock beside a notebook (or paired script), or None when there is none."""
    path = lock_path(notebook)
    return read_lock(path) if path.is_file() else None


def write_lock(path: Path, lock: Mapping[str, Any]) -> bool:
    """Write the lock atomically when its text changed; True when written."""
    return write_if_changed(path, serialize_lock(lock))
