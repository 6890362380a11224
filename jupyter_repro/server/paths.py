"""Confine API paths to the server root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tornado.web import HTTPError

from jupyter_repro.io.project import real_path


def resolve_api_path(root_dir: str, api_path: str) -> Path:
    """The file an API path names, refusing anything outside the server root (403)."""
    relative = PurePosixPath(api_path.strip("/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise HTTPError(403, "path outside the server root")
    root = real_path(Path(root_dir))
    target = real_path(root / relative)  # a link loop stays a path: the read says what it is
    if target != root and root not in target.parents:
        raise HTTPError(403, "path outside the server root")
    return target
