"""jupyter-repro: reproducible Jupyter notebooks.

This module is imported by every kernel that loads the extension, so it imports
nothing heavy: each entry point below defers to its layer.
"""

from __future__ import annotations

from typing import Any

__all__ = ["__version__", "load_ipython_extension", "unload_ipython_extension"]

try:
    from jupyter_repro._version import __version__
except ImportError:  # a source checkout that was never built
    __version__ = "0.0.0+unknown"


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext jupyter_repro`: start journaling this kernel's cell runs."""
    from jupyter_repro.kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from jupyter_repro.kernel.extension import unload

    unload(ipython)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_repro.server.extension"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-repro"}]
