"""A finished cell as `post_run_cell` saw it: raw facts for the worker to complete.

Plain slotted classes, no dataclasses: this module is imported at kernel start.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_repro.core.journal import RunStatus
    from jupyter_repro.kernel.audit import CellAccesses

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


class PendingRun:
    __slots__ = (
        "accesses",
        "cell_id",
        "cwd",
        "duration",
        "error",
        "execution_count",
        "imports",
        "seq",
        "source",
        "started",
        "status",
        "write_stats",
    )

    def __init__(
        self,
        *,
        seq: int,
        execution_count: int | None,
        cell_id: str | None,
        source: str,
        started: float,
        duration: float,
        status: RunStatus,
        error: str | None,
        accesses: CellAccesses,
        write_stats: dict[str, tuple[int, int, int] | None],  # path -> (size, mtime_ns, inode)
        imports: tuple[str, ...],
        cwd: str,
    ) -> None:
        self.seq = seq
        self.execution_count = execution_count
        self.cell_id = cell_id
        self.source = source
        self.started = started
        self.duration = duration
        self.status = status
        self.error = error
        self.accesses = accesses
        self.write_stats = write_stats
        self.imports = imports
        self.cwd = cwd


def new_top_level_modules(names: Iterable[str]) -> tuple[str, ...]:
    """Top-level modules among newly imported ones, minus the standard library."""
    return tuple(sorted(n for n in names if "." not in n and n not in _STDLIB))
