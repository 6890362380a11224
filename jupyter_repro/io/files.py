"""Reading the files we are given, with one-line errors a user can act on (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError.unreadable(path, "no such file") from None
    except IsADirectoryError:
        raise BadInputError.unreadable(path, "is a directory") from None
    except OSError as exc:
        raise BadInputError.unreadable(path, exc.strerror or str(exc)) from None


def decode_text(raw: bytes, path: Path, what: str) -> str:
    """UTF-8 text; `what` names the expected kind of file ("notebook", "lock", "script")."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError.invalid(path, f"not a {what}: the file is not UTF-8 text") from None


def read_text(path: Path, what: str) -> str:
    return decode_text(read_bytes(path), path, what)


def parse_json(raw: bytes, path: Path, what: str) -> Any:
    text = decode_text(raw, path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError.invalid(
            path, f"not a {what}: invalid JSON at line {exc.lineno} column {exc.colno}"
        ) from None


def require_file(path: Path) -> Path:
    """`path` when it is a file, else the one-line error that says what it is instead."""
    if path.is_file():
        return path
    reason = "is a directory, not a file" if path.is_dir() else "no such file"
    raise BadInputError.unreadable(path, reason)
