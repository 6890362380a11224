"""Run a callback when a given module finishes importing (or now, if it already has).

A `sys.meta_path` finder that answers only for the watched names: it asks the other
finders for the spec and wraps that loader's `exec_module`, so the callback sees the
fully initialized module, in the same cell that imported it. Imports of anything else
cost one dict lookup; once every watched module has loaded the finder removes itself.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType

Callback = Callable[[ModuleType], None]


class ImportWatcher(importlib.abc.MetaPathFinder):
    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._callbacks: dict[str, list[Callback]] = {}
        self._local = threading.local()
        self._on_error = on_error

    def watch(self, name: str, callback: Callback) -> None:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__spec__", None) is not None:
            self._call(name, callback, module)
            return
        self._callbacks.setdefault(name, []).append(callback)
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def stop(self) -> None:
        self._callbacks.clear()
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def _call(self, name: str, callback: Callback, module: ModuleType) -> None:
        try:
            callback(module)
        except Exception as exc:
            self._on_error(f"could not instrument {name}: {type(exc).__name__}: {exc}")

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._callbacks or getattr(self._local, "busy", False):
            return None
        self._local.busy = True
        try:
            spec = importlib.util.find_spec(fullname)
        except (ImportError, ValueError):
            return None
        finally:
            self._local.busy = False
        loader = spec.loader if spec is not None else None
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            if module.__name__ == fullname:
                self._loaded(fullname, module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec

    def _loaded(self, name: str, module: ModuleType) -> None:
        for callback in self._callbacks.pop(name, []):
            self._call(name, callback, module)
        if not self._callbacks and self in sys.meta_path:
            sys.meta_path.remove(self)
