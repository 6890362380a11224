"""Every Python kernel this server starts loads the kernel extension from its first cell.

Whatever client asks for the kernel (JupyterLab, Notebook 7, VS Code connected to this
server, a REST client), the server's kernel manager launches it; we add IPython's
`InteractiveShellApp.extra_extensions` to the launch arguments of kernels whose kernelspec
language is Python. Restarts reuse the launch arguments, so they are tracked too. The
labextension's silent `%load_ext` then finds the extension loaded and does nothing.

A kernel whose environment lacks jupyter-repro logs one warning at start and runs
untracked, as before. `--JupyterRepro.track_kernels=False` turns this off.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

EXTENSION_ARGUMENT = "--InteractiveShellApp.extra_extensions=jupyter_repro"
CONFIG_SECTION = "JupyterRepro"


def tracking_enabled(serverapp: Any) -> bool:
    """`--JupyterRepro.track_kernels=False` (or the config file) turns kernel auto-load off."""
    section = getattr(serverapp, "config", {}).get(CONFIG_SECTION, {})
    value = section.get("track_kernels", True) if isinstance(section, Mapping) else True
    return str(value).lower() not in ("false", "0", "no")


def _language(kernel_manager: Any, kernel_name: str | None) -> str | None:
    name = kernel_name or getattr(kernel_manager, "default_kernel_name", None)
    specs = getattr(kernel_manager, "kernel_spec_manager", None)
    if name is None or specs is None:
        return None
    try:
        spec = specs.get_kernel_spec(name)
    except Exception:  # an unknown kernel name: the launch itself reports it
        return None
    if inspect.isawaitable(spec):  # a gateway's remote kernelspecs: not ours to launch
        if inspect.iscoroutine(spec):
            spec.close()
        return None
    language = getattr(spec, "language", None)
    return language.lower() if isinstance(language, str) else None


def with_extension(kernel_manager: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Launch arguments that load the extension, for a Python kernel; others unchanged."""
    if _language(kernel_manager, kwargs.get("kernel_name")) != "python":
        return kwargs
    extra = list(kwargs.get("extra_arguments") or [])
    if EXTENSION_ARGUMENT not in extra:
        extra.append(EXTENSION_ARGUMENT)
    return {**kwargs, "extra_arguments": extra}


def track_new_kernels(kernel_manager: Any) -> bool:
    """Wrap the kernel manager's `start_kernel` (once); False when it has none."""
    start = getattr(kernel_manager, "start_kernel", None)
    if start is None or getattr(start, "_jupyter_repro", False):
        return start is not None

    @functools.wraps(start)
    async def start_kernel(*args: Any, **kwargs: Any) -> Any:
        return await start(*args, **with_extension(kernel_manager, kwargs))

    start_kernel._jupyter_repro = True  # type: ignore[attr-defined]
    kernel_manager.start_kernel = start_kernel
    return True
