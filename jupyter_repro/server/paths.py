"""Confine API paths to the server root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tornado.web import HTTPError


def resolve_api_path(root_dir: str, api_path: str) -> Path:
    """The file an API path names, refusing anything outside the server root (403)."""
    relative = PurePosixPath(api_path.strip("/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise HTTPError(403, "path outside the server root")
    root = Path(root_dir).resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        raise HTTPError(403, "path outside the server root")
    return target
