"""The contents manager's post-save hook (filled by the snapshot work)."""

from __future__ import annotations

from typing import Any


def register_save_hook(serverapp: Any) -> None:
    return None
