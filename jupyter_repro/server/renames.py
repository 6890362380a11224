"""Follow notebook and folder renames made through the server (the Lab's file browser, REST).

The contents manager emits a `rename` event on jupyter_server's contents event schema
after the file moved (and after jupytext's contents manager moved the paired files); we
listen on the server's event logger and move the lock, the history and the sync record,
off the event loop. A failure is logged, never raised: the rename itself already happened.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from jupyter_repro.server.paths import resolve_api_path


def register_rename_listener(serverapp: Any) -> None:
    contents_manager = serverapp.contents_manager
    schema_id = getattr(contents_manager, "event_schema_id", None)
    event_logger = getattr(serverapp, "event_logger", None)
    if schema_id is None or event_logger is None:
        serverapp.log.warning("jupyter-repro: no contents events here, renames are not followed")
        return
    root_dir = str(serverapp.root_dir)

    async def on_contents_event(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        del logger, schema_id  # jupyter_events passes them by name
        if data.get("action") != "rename":
            return
        old, new = str(data.get("source_path") or ""), str(data.get("path") or "")
        if not old or not new:
            return
        try:
            await asyncio.to_thread(_follow, root_dir, old, new, serverapp.log)
        except Exception:  # a rename already happened: never raise into the event loop
            serverapp.log.exception("jupyter-repro: could not follow the rename of %s", old)

    event_logger.add_listener(schema_id=schema_id, listener=on_contents_event)


def _follow(root_dir: str, old_api: str, new_api: str, log: Any) -> None:
    from jupyter_repro.integrations.renames import follow_folder_rename, follow_rename

    old: Path = resolve_api_path(root_dir, old_api)
    new: Path = resolve_api_path(root_dir, new_api)
    if new.is_dir():  # a folder: every notebook in it moved
        result = follow_folder_rename(old, new)
    elif old_api.endswith(".ipynb") and new_api.endswith(".ipynb"):
        result = follow_rename(old, new)
    else:
        return
    for before, after in result.moved:
        log.info("jupyter-repro: %s -> %s", before, after)
    for kept in result.kept:
        log.warning("jupyter-repro: %s not moved, its new name is taken", kept)
