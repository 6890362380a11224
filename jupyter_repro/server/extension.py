"""Jupyter server extension: wires the REST handlers, the save hook, the events the Lab
listens to (snapshots, changed inputs) and kernel tracking for every client."""

from __future__ import annotations

from typing import Any

from jupyter_repro.server.events import (
    inputs_changed_event,
    register_events,
    snapshot_event,
    verify_event,
)
from jupyter_repro.server.handlers import (
    CELLS_SETTING,
    INPUTS_SETTING,
    JOBS_SETTING,
    route_table,
)
from jupyter_repro.server.jobs import JobRegistry
from jupyter_repro.server.kernels import track_new_kernels, tracking_enabled
from jupyter_repro.server.live_cells import CellSources
from jupyter_repro.server.renames import register_rename_listener
from jupyter_repro.server.save_hook import register_save_hook
from jupyter_repro.server.watcher import InputWatcher


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", route_table(base_url))
    emit = register_events(serverapp)
    web_app.settings[CELLS_SETTING] = CellSources()
    web_app.settings[INPUTS_SETTING] = InputWatcher(
        lambda path, files: emit(inputs_changed_event(path, files))
    )
    jobs = web_app.settings[JOBS_SETTING] = JobRegistry()
    jobs.listener = lambda job: emit(verify_event(job.path, job.id, job.state))
    worker = register_save_hook(serverapp)
    if worker is not None:
        worker.listener = lambda path, outcome: emit(
            snapshot_event(path, outcome.status, outcome.snapshot)
        )
    register_rename_listener(serverapp)  # locks and history follow renames
    if tracking_enabled(serverapp):
        track_new_kernels(serverapp.kernel_manager)
    serverapp.log.info("jupyter-repro server extension loaded")


def _unload_jupyter_server_extension(serverapp: Any) -> None:
    from jupyter_repro.server.save_hook import flush

    flush(10.0)  # snapshots queued by the last saves are written before the server exits
    web_app = getattr(serverapp, "web_app", None)
    watcher = web_app.settings.get(INPUTS_SETTING) if web_app is not None else None
    if isinstance(watcher, InputWatcher):
        watcher.stop()
