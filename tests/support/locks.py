"""Locks built in tests: a minimal valid lock, changed where a test needs it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jupyter_repro.core.lockmodel import (
    CodeSection,
    ExecutionSummary,
    KernelRef,
    Lock,
    LockedEnvironment,
    LockedFile,
)

EMPTY_HASH = "blake3:" + "0" * 64


def minimal_lock(**changes: Any) -> Lock:
    """A lock of a notebook with no code, no inputs and an unknown environment."""
    lock = Lock(
        notebook="nb.ipynb",
        code=CodeSection(EMPTY_HASH, {}),
        kernel=KernelRef("python3", "python"),
        environment=LockedEnvironment(),
        inputs={},
        outputs={},
        parameters={},
        seed=None,
        execution=ExecutionSummary(True, True, True, 0),
    )
    return replace(lock, **changes)


def files(entries: dict[str, dict[str, Any]]) -> dict[str, LockedFile]:
    """Inputs or outputs written as their JSON, as typed entries."""
    return {
        path: LockedFile(e.get("size"), e.get("hash"), tuple(e.get("cells", ())), e.get("stored"))
        for path, e in entries.items()
    }
