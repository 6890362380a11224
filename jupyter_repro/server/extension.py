"""Jupyter server extension: wires the save hook and the REST handlers."""

from __future__ import annotations

from typing import Any

from jupyter_repro.server.handlers import route_table
from jupyter_repro.server.renames import register_rename_listener
from jupyter_repro.server.save_hook import register_save_hook


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", route_table(base_url))
    register_save_hook(serverapp)
    register_rename_listener(serverapp)  # locks and history follow renames
    serverapp.log.info("jupyter-repro server extension loaded")


def _unload_jupyter_server_extension(serverapp: Any) -> None:
    from jupyter_repro.server.save_hook import flush

    flush(10.0)  # snapshots queued by the last saves are written before the server exits
