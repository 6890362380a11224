"""Authenticated REST handlers under /jupyter-repro/.

Every route needs Jupyter authentication, confines paths to the server root and answers
errors as JSON `{"message": ...}` that the labextension shows as is. Work that touches
the disk runs in a worker thread so the server's event loop stays responsive. Request
bodies are capped (`MAX_BODY_BYTES`, refused with 413 before they are read whole) and
must be JSON objects nested no deeper than `MAX_BODY_DEPTH`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from jupyter_repro.core.errors import (
    BadInputError,
    ConfigError,
    NotBuiltError,
    ReproError,
    StoreError,
    UsageError,
)
from jupyter_repro.io.files import loads_json
from jupyter_repro.io.notebooks import nesting_exceeds
from jupyter_repro.server import actions
from jupyter_repro.server.jobs import JobRegistry
from jupyter_repro.server.live_cells import CellSources, UnknownSources
from jupyter_repro.server.paths import resolve_api_path
from jupyter_repro.server.status import notebook_status
from jupyter_repro.server.watcher import InputWatcher

T = TypeVar("T")
JOBS_SETTING = "jupyter_repro_jobs"
CELLS_SETTING = "jupyter_repro_cells"
INPUTS_SETTING = "jupyter_repro_inputs"
# The largest body any route needs is the cells of a big notebook (POST status), sources only.
MAX_BODY_BYTES = 32 << 20
MAX_BODY_DEPTH = 64


def http_status(error: ReproError) -> int:
    """One place that maps domain errors to HTTP status codes."""
    if isinstance(error, NotBuiltError):
        return 501
    if isinstance(error, ConfigError):
        return 422
    if isinstance(error, (UsageError, BadInputError)):
        return 400
    if isinstance(error, StoreError):
        return 409
    return 500


@tornado.web.stream_request_body
class ReproHandler(APIHandler):
    """Base: errors go out as JSON `{"message": ...}` the frontend shows.

    The body is streamed in (tornado would otherwise buffer any size the server allows
    before a handler runs) so an oversized one is refused as soon as it is announced.
    """

    _body_chunks: list[bytes] | None = None
    _body_size = 0

    async def prepare(self) -> None:  # type: ignore[override]
        declared = self.request.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(413, _too_large())
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(MAX_BODY_BYTES)
        await super().prepare()

    def data_received(self, chunk: bytes) -> None:
        self._body_size += len(chunk)
        if self._body_size > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(413, _too_large())
        if self._body_chunks is None:
            self._body_chunks = []
        self._body_chunks.append(chunk)

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

    @property
    def jobs(self) -> JobRegistry:
        registry = self.settings.get(JOBS_SETTING)
        if registry is None:
            registry = self.settings[JOBS_SETTING] = JobRegistry()
        assert isinstance(registry, JobRegistry)
        return registry

    def body(self) -> dict[str, Any]:
        raw = b"".join(self._body_chunks or ())
        if not raw:
            return {}
        try:
            data = loads_json(raw)
        except ValueError:  # invalid JSON, or nested too deeply for the parser
            raise tornado.web.HTTPError(400, "the request body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, "the request body must be a JSON object")
        if nesting_exceeds(data, MAX_BODY_DEPTH):
            raise tornado.web.HTTPError(
                400, f"the request body is nested more than {MAX_BODY_DEPTH} levels deep"
            )
        return data

    def notebook(self, api_path: object, must_exist: bool = True) -> Path:
        if not isinstance(api_path, str) or not api_path.strip("/"):
            raise tornado.web.HTTPError(400, "no notebook path given")
        if "\x00" in api_path:
            raise tornado.web.HTTPError(400, "the notebook path contains a NUL character")
        path = resolve_api_path(self.root_dir, api_path)
        if must_exist and not path.is_file():
            raise tornado.web.HTTPError(404, f"no notebook at {api_path}")
        return path

    async def off_loop(self, work: Callable[[], T]) -> T:
        """Run disk work in a thread; domain errors become JSON HTTP errors."""
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work)
        except ReproError as exc:
            raise tornado.web.HTTPError(http_status(exc), exc.message) from None
        except OSError as exc:  # a file the action needed: name it, never a bare 500
            where = exc.filename or "a file of the project"
            raise tornado.web.HTTPError(
                409, f"{where}: {exc.strerror or type(exc).__name__}"
            ) from None

    def reply(self, payload: object, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))


def _too_large() -> str:
    return f"the request body is larger than {MAX_BODY_BYTES >> 20} MiB"


def _kernel_id(value: object) -> str | None:
    return value if isinstance(value, str) and value and "\x00" not in value else None


class StatusHandler(ReproHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        """The status of the notebook as saved on disk."""
        api_path = self.get_query_argument("path", "")
        notebook = self.notebook(api_path)
        kernel_id = _kernel_id(self.get_query_argument("kernel_id", ""))
        self.reply(
            await self.off_loop(lambda: notebook_status(api_path, notebook, None, kernel_id))
        )

    @tornado.web.authenticated
    async def post(self) -> None:
        """The notebook as the browser holds it: `{path, cells, kernel_id, journal, client}`.

        With a `client` id, cells may leave out a `source` that client sent before (see
        server/live_cells.py); 409 asks it to send every source again.
        """
        body = self.body()
        api_path = body.get("path")
        notebook = self.notebook(api_path)
        cells = body.get("cells")
        if cells is not None and not isinstance(cells, list):
            raise tornado.web.HTTPError(400, "cells must be a list")
        client = body.get("client")
        sources = self.settings.get(CELLS_SETTING)
        if cells is not None and isinstance(client, str) and isinstance(sources, CellSources):
            try:
                cells = sources.complete(client, cells)
            except UnknownSources as exc:
                raise tornado.web.HTTPError(409, f"{exc}: send the cell sources again") from None
        kernel_id = _kernel_id(body.get("kernel_id"))
        journal = body.get("journal")
        status = await self.off_loop(
            lambda: notebook_status(
                str(api_path),
                notebook,
                cells,
                kernel_id,
                journal if isinstance(journal, str) and "\x00" not in journal else None,
            )
        )
        self._watch_inputs(str(api_path), status)
        self.reply(status)

    def _watch_inputs(self, api_path: str, status: dict[str, Any]) -> None:
        """From now on, a change to one of these inputs is pushed as an event."""
        watcher = self.settings.get(INPUTS_SETTING)
        if isinstance(watcher, InputWatcher):
            root = Path(str(status.get("project_root", "")))
            names = [row["path"] for row in status.get("inputs") or [] if "path" in row]
            watcher.watch(api_path, [(name, root / name) for name in names])


class LockHandler(ReproHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.notebook(self.get_query_argument("path", ""))
        self.reply(await self.off_loop(lambda: actions.lock_of(notebook)))


class HistoryHandler(ReproHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.notebook(self.get_query_argument("path", ""))
        self.reply(await self.off_loop(lambda: actions.history(notebook)))


class SnapshotHandler(ReproHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        kernel_id = _kernel_id(body.get("kernel_id"))
        self.reply(await self.off_loop(lambda: actions.snapshot(notebook, kernel_id)))


class RestoreHandler(ReproHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        ident = body.get("snapshot")
        if not isinstance(ident, str):
            raise tornado.web.HTTPError(400, "no snapshot id given")
        self.reply(await self.off_loop(lambda: actions.restore(notebook, ident)))


class PairHandler(ReproHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        notebook = self.notebook(self.body().get("path"))
        manager = self.contents_manager  # its notary configuration: pairing keeps trust
        self.reply(await self.off_loop(lambda: actions.pair(notebook, manager)))


class SyncHandler(ReproHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        use = body.get("use")
        self.reply(
            await self.off_loop(
                lambda: actions.sync(
                    notebook, use if isinstance(use, str) else None, self.contents_manager
                )
            )
        )


class VerifyHandler(ReproHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        """The newest verify job of a notebook (404 when there is none)."""
        api_path = self.get_query_argument("path", "")
        job = self.jobs.latest(self.notebook(api_path))
        if job is None:
            raise tornado.web.HTTPError(404, f"no verify job for {api_path}")
        self.reply(job.to_json())

    @tornado.web.authenticated
    def post(self) -> None:
        """Start verifying a notebook from scratch (or join its running job): 202 + the job.

        `{"isolated": true}` reruns in an environment rebuilt from the lock."""
        body = self.body()
        api_path = body.get("path")
        isolated = body.get("isolated") is True
        job = self.jobs.start(str(api_path), self.notebook(api_path), isolated=isolated)
        self.reply(job.to_json(), status=202)


class VerifyJobHandler(ReproHandler):
    @tornado.web.authenticated
    def get(self, job_id: str) -> None:
        job = self.jobs.get(job_id)
        if job is None:
            raise tornado.web.HTTPError(404, f"no verify job {job_id}")
        self.reply(job.to_json())

    @tornado.web.authenticated
    def delete(self, job_id: str) -> None:
        job = self.jobs.cancel(job_id)
        if job is None:
            raise tornado.web.HTTPError(404, f"no verify job {job_id}")
        self.reply(job.to_json())


def route_table(base_url: str) -> list[tuple[str, type[ReproHandler]]]:
    from jupyter_repro.server.pipeline import CompareHandler, LineageHandler

    def route(name: str) -> str:
        return url_path_join(base_url, "jupyter-repro", name)

    return [
        (route("status"), StatusHandler),
        (route("lock"), LockHandler),
        (route("history"), HistoryHandler),
        (route("snapshot"), SnapshotHandler),
        (route("restore"), RestoreHandler),
        (route("pair"), PairHandler),
        (route("sync"), SyncHandler),
        (route("verify"), VerifyHandler),
        (route(r"verify/([0-9a-f]{1,32})"), VerifyJobHandler),
        (route("lineage"), LineageHandler),
        (route("compare"), CompareHandler),
    ]
