"""How the frontend and people reach the tracker: the `jupyter_repro` comm and `%repro`.

Comm messages (`data` of comm_open / comm_msg):

    frontend -> kernel                          kernel -> frontend
    comm_open {} or {"action": ...}             {"event": "hello", "version", "journal",
                                                 "notebook", "kernel_id", "seed"}
    {"action": "state", "cells": [{"id",        {"event": "state", "request_id", "state": {...}}
      "index", "source"}], "request_id"?}
    {"action": "hello"}                         {"event": "hello", ...}
    anything else                               {"event": "error", "request_id", "message"}
    (once a cell's journal line is written,     {"event": "cell-finished", "seq",
     to every open comm; sent from the           "execution_count", "cell_id", "status",
     journal thread, which ipykernel allows)     "error", "duration"}
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

TARGET = "jupyter_repro"
PROTOCOL_VERSION = 1


class Channel:
    def __init__(self, tracker: Any) -> None:
        self.tracker = tracker
        self.comms: list[Any] = []
        self.manager: Any = None

    def register(self) -> None:
        kernel = getattr(self.tracker.shell, "kernel", None)
        manager = getattr(kernel, "comm_manager", None)
        if manager is not None:
            manager.register_target(TARGET, self._on_open)
            self.manager = manager

    def unregister(self) -> None:
        if self.manager is not None:
            with contextlib.suppress(KeyError, ValueError):
                self.manager.unregister_target(TARGET, self._on_open)
        self.comms.clear()

    def hello(self) -> dict[str, Any]:
        tracker = self.tracker
        return {
            "event": "hello",
            "version": PROTOCOL_VERSION,
            "journal": str(tracker.journal_path),
            "notebook": str(tracker.notebook) if tracker.notebook else None,
            "kernel_id": tracker.kernel_id,
            "seed": tracker.seed,
        }

    def _on_open(self, comm: Any, message: Any) -> None:
        self.comms.append(comm)
        comm.on_msg(lambda msg: self._on_msg(comm, msg))
        comm.on_close(lambda msg: self.comms.remove(comm) if comm in self.comms else None)
        data = _data(message)
        if data.get("action") and data["action"] != "hello":
            self._answer(comm, data)
        else:
            self._send(comm, self.hello())

    def _on_msg(self, comm: Any, message: Any) -> None:
        self._answer(comm, _data(message))

    def _answer(self, comm: Any, data: dict[str, Any]) -> None:
        action, request_id = data.get("action"), data.get("request_id")
        try:
            if action == "state":
                from jupyter_repro.kernel.live import parse_cells, state_message

                state = state_message(self.tracker, parse_cells(data.get("cells")))
                reply = {"event": "state", "request_id": request_id, "state": state}
            elif action == "hello":
                reply = self.hello()
            else:
                reply = {
                    "event": "error",
                    "request_id": request_id,
                    "message": f"unknown action {action!r}",
                }
        except Exception as exc:
            reply = {
                "event": "error",
                "request_id": request_id,
                "message": f"{type(exc).__name__}: {exc}",
            }
        self._send(comm, reply)

    def _send(self, comm: Any, payload: dict[str, Any]) -> None:
        try:
            comm.send(payload)
        except Exception:
            if comm in self.comms:
                self.comms.remove(comm)

    def cell_finished(self, pending: Any) -> None:
        if not self.comms:
            return
        payload = {
            "event": "cell-finished",
            "seq": pending.seq,
            "execution_count": pending.execution_count,
            "cell_id": pending.cell_id,
            "status": pending.status,
            "error": pending.error,
            "duration": pending.duration,
        }
        for comm in list(self.comms):
            self._send(comm, payload)


def _data(message: Any) -> dict[str, Any]:
    try:
        data = message["content"]["data"]
    except (KeyError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def repro_magic(tracker: Any, line: str) -> None:
    """%repro [status] [--json] | %repro journal"""
    words = line.split()
    command = words[0] if words and not words[0].startswith("-") else "status"
    if command == "journal":
        tracker.flush(5.0)
        sys.stdout.write(f"{tracker.journal_path}\n")
        return
    if command != "status":
        sys.stdout.write("usage: %repro [status] [--json] | %repro journal\n")
        return
    from jupyter_repro.kernel.live import format_state, state_message

    message = state_message(tracker, None)
    if "--json" in words:
        import json

        sys.stdout.write(json.dumps(message, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(format_state(message))


def attach(tracker: Any) -> None:
    channel = Channel(tracker)
    channel.register()
    tracker.channel = channel

    def repro(line: str = "") -> None:
        try:
            repro_magic(tracker, line)
        except Exception as exc:
            sys.stdout.write(f"jupyter-repro: status unavailable: {type(exc).__name__}: {exc}\n")

    tracker.shell.register_magic_function(repro, magic_kind="line", magic_name="repro")


def detach(tracker: Any) -> None:
    channel = getattr(tracker, "channel", None)
    if channel is not None:
        channel.unregister()
    tracker.channel = None
