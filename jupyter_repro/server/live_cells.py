"""The cell sources each browser tab sent last, so that later status requests send only
what changed.

A tab names itself with a random `client` id. Each cell it posts carries its id, type,
execution count and tags; its `source` only when the tab has not sent that source before.
Cells without a source take the one remembered for that client and cell id. A server that
does not know a source (it restarted, or forgot an old tab) says so and the tab sends
everything once more.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

CAPACITY = 128  # browser tabs remembered


class UnknownSources(Exception):
    """A cell came without a source this server does not remember."""


class CellSources:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._clients: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def complete(self, client: str, cells: list[Any]) -> list[Any]:
        """The cells with every source filled in; remembers them as the client's newest."""
        with self._lock:
            known = self._clients.get(client, {})
            completed: list[Any] = []
            for cell in cells:
                if isinstance(cell, Mapping) and "source" not in cell:
                    cell_id = cell.get("id")
                    if not isinstance(cell_id, str) or cell_id not in known:
                        raise UnknownSources(f"no source known for cell {cell_id!r}")
                    completed.append({**cell, "source": known[cell_id]})
                else:
                    completed.append(cell)
            self._clients.pop(client, None)
            self._clients[client] = {
                str(c["id"]): str(c.get("source", ""))
                for c in completed
                if isinstance(c, Mapping) and isinstance(c.get("id"), str)
            }
            while len(self._clients) > self._capacity:
                self._clients.popitem(last=False)
            return completed
