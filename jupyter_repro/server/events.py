"""jupyter-repro's events on the Jupyter server's event bus (jupyter_events).

The labextension listens on the server's event stream (`/api/events/subscribe`, JupyterLab's
`serviceManager.events`) instead of polling: it asks for a notebook's status again only when
an event says something about that notebook changed, and for a verify job when it moved
on. Events are emitted from worker threads (the snapshot worker, the input watcher, verify
jobs) and handed to the server's event loop, where jupyter_events runs its listeners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

SCHEMA_ID = "https://events.jupyter-repro.org/jupyter_repro/notebook/v1"
Action = Literal["snapshot", "inputs-changed", "verify"]

SCHEMA: dict[str, Any] = {
    "$id": SCHEMA_ID,
    "version": "1",
    "title": "jupyter-repro notebook changes",
    "personal-data": True,
    "description": (
        "Something that changes a notebook's reproducibility status happened outside the "
        "browser: the snapshot of a save finished, or input files the notebook read changed "
        "on disk. Frontends ask /jupyter-repro/status again when they see one."
    ),
    "type": "object",
    "required": ["action", "path"],
    "properties": {
        "action": {
            "enum": ["snapshot", "inputs-changed", "verify"],
            "description": "snapshot: the save worker finished (see status); "
            "inputs-changed: recorded input files changed on disk; "
            "verify: a verify job moved on (see /jupyter-repro/verify/<job>).",
        },
        "path": {"type": "string", "description": "API path of the notebook."},
        "status": {
            "enum": ["written", "unchanged", "incomplete", "failed", "skipped"],
            "description": "What the snapshot did (action snapshot only).",
        },
        "snapshot": {"type": ["string", "null"], "description": "The new snapshot's id."},
        "job": {"type": "string", "description": "The verify job's id (action verify)."},
        "state": {
            "enum": ["running", "done", "failed", "cancelled"],
            "description": "The verify job's state (action verify).",
        },
        "files": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The input files that changed (action inputs-changed only).",
        },
    },
}

Emit = Callable[[dict[str, Any]], None]


def register_events(serverapp: Any) -> Emit:
    """Register the schema with the server's event logger; a thread-safe emitter of events.

    Servers without an event bus (jupyter_server < 2) get an emitter that does nothing:
    the frontend then only refreshes on its own actions.
    """
    event_logger = getattr(serverapp, "event_logger", None)
    if event_logger is None:
        return lambda data: None
    event_logger.register_event_schema(SCHEMA)

    def emit(data: dict[str, Any]) -> None:
        def on_loop() -> None:
            try:
                event_logger.emit(schema_id=SCHEMA_ID, data=data)
            except Exception as exc:  # an event must never take its emitter down
                serverapp.log.warning("jupyter-repro: event not emitted: %r", exc)

        loop = getattr(serverapp, "io_loop", None)  # set once the server runs
        if loop is None:
            return
        loop.add_callback(on_loop)  # thread-safe: listeners run on the server's loop

    return emit


def snapshot_event(api_path: str, status: str, snapshot: str | None) -> dict[str, Any]:
    return {"action": "snapshot", "path": api_path, "status": status, "snapshot": snapshot}


def inputs_changed_event(api_path: str, files: Sequence[str]) -> dict[str, Any]:
    return {"action": "inputs-changed", "path": api_path, "files": list(files)}


def verify_event(api_path: str, job_id: str, state: str) -> dict[str, Any]:
    return {"action": "verify", "path": api_path, "job": job_id, "state": state}
