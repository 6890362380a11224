"""IPython extension entry points (filled by the kernel-tracking work)."""

from __future__ import annotations

from typing import Any


def load(ipython: Any) -> None:
    return None


def unload(ipython: Any) -> None:
    return None
