"""Authenticated REST handlers under /jupyter-repro/."""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from jupyter_repro import __version__
from jupyter_repro.io.project import find_project_root, lock_path
from jupyter_repro.server.paths import resolve_api_path


class ReproHandler(APIHandler):
    """Base: errors go out as JSON `{"message": ...}` the frontend shows."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json")
        reason = self._reason
        exc_info = kwargs.get("exc_info")
        if exc_info is not None and isinstance(exc_info[1], tornado.web.HTTPError):
            reason = exc_info[1].log_message or reason
        self.finish(json.dumps({"message": reason}))

    @property
    def root_dir(self) -> str:
        return str(self.settings["server_root_dir"])


class StatusHandler(ReproHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        api_path = self.get_query_argument("path", "")
        notebook = resolve_api_path(self.root_dir, api_path)
        if not notebook.is_file():
            raise tornado.web.HTTPError(404, f"no notebook at {api_path}")
        root = find_project_root(notebook)
        self.finish(
            json.dumps(
                {
                    "version": __version__,
                    "path": api_path,
                    "project_root": str(root),
                    "locked": lock_path(notebook).is_file(),
                }
            )
        )


def route_table(base_url: str) -> list[tuple[str, type[ReproHandler]]]:
    def route(name: str) -> str:
        return url_path_join(base_url, "jupyter-repro", name)

    return [(route("status"), StatusHandler)]
