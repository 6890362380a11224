"""Which notebook this kernel runs, and the kernel's id, as far as the kernel can know."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

NOTEBOOK_ENV = "JUPYTER_REPRO_NOTEBOOK"
_NAMESPACE_KEYS = ("__vsc_ipynb_file__", "__session__")


def _existing(candidate: str, cwd: Path) -> Path | None:
    path = Path(candidate).expanduser()
    if path.is_absolute():
        return path
    for option in (cwd / path, cwd / path.name):
        if option.exists():
            return option
    return None


def notebook_path(environ: Mapping[str, str], user_ns: Mapping[str, Any], cwd: Path) -> Path | None:
    """Headless runs set JUPYTER_REPRO_NOTEBOOK; Jupyter servers JPY_SESSION_NAME (also
    `__session__`); VS Code `__vsc_ipynb_file__`. Relative values are tried from the cwd."""
    candidates = [environ.get(NOTEBOOK_ENV), environ.get("JPY_SESSION_NAME")]
    candidates += [user_ns.get(key) for key in _NAMESPACE_KEYS]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            found = _existing(candidate.strip(), cwd)
            if found is not None and found.suffix in (".ipynb", ".py", ".md", ""):
                return Path(os.path.normpath(found))
    return None


def kernel_id(shell: Any) -> str | None:
    """From the connection file name `kernel-<id>.json` that Jupyter servers give kernels."""
    connection_file = None
    app_module = sys.modules.get("ipykernel.kernelapp")
    if app_module is not None:
        app_class = getattr(app_module, "IPKernelApp", None)
        if app_class is not None and app_class.initialized():
            connection_file = getattr(app_class.instance(), "connection_file", None)
    if not connection_file:
        kernel = getattr(shell, "kernel", None)
        connection_file = getattr(getattr(kernel, "parent", None), "connection_file", None)
    if not isinstance(connection_file, str) or not connection_file:
        return None
    stem = Path(connection_file).stem
    if not stem.startswith("kernel-"):
        return None  # a temporary name (a standalone KernelManager): no id to map
    return stem.removeprefix("kernel-") or None
