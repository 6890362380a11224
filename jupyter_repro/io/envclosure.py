"""The closure of a kernel's imported distributions, read from that kernel's metadata.

Requirements come from the `*.dist-info/METADATA` files on the search path the kernel
recorded, and markers are evaluated with the marker environment the kernel recorded in
its journal header, so a server on another interpreter still locks the kernel's closure.
Metadata is read once per search path state (folder mtimes), so repeated saves are cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.core.closure import dependency_closure
from jupyter_repro.io.environment import (
    distribution_dirs,
    install_source,
    marker_environment,
    requires_of,
)

_lock = threading.Lock()
# (search path, folder mtimes) -> canonical name -> Requires-Dist lines; one state per path.
_requires_cache: dict[tuple[str, ...], tuple[tuple[int, ...], dict[str, list[str]]]] = {}


def _requires_reader(
    search_path: tuple[str, ...], stamps: tuple[int, ...], dirs: Mapping[str, Path]
) -> Callable[[str], list[str]]:
    with _lock:
        cached = _requires_cache.get(search_path)
        if cached is None or cached[0] != stamps:
            cached = (stamps, {})
            _requires_cache[search_path] = cached
    cache = cached[1]

    def requires(name: str) -> list[str]:
        with _lock:
            known = cache.get(name)
        if known is None:
            folder = dirs.get(name)
            known = requires_of(folder) if folder is not None else []
            with _lock:
                cache[name] = known
        return known

    return requires


_closure_cache: dict[tuple[Any, ...], tuple[dict[str, str], dict[str, Any], list[str]]] = {}


def closure_facts(
    search_path: tuple[str, ...],
    stamps: tuple[int, ...],
    roots: Sequence[str],
    installed: Mapping[str, str],
    kernel_markers: object,
) -> tuple[dict[str, str], dict[str, Any], list[str]]:
    """(closure pins, non-index sources of its members, notes); cached per path state."""
    key = (search_path, stamps, tuple(sorted(roots)), repr(kernel_markers))
    with _lock:
        cached = _closure_cache.get(key)
    if cached is None:
        cached = _closure_facts(search_path, stamps, roots, installed, kernel_markers)
        with _lock:
            if len(_closure_cache) > 64:
                _closure_cache.clear()
            _closure_cache[key] = cached
    pins, sources, notes = cached
    return dict(pins), dict(sources), list(notes)


def _closure_facts(
    search_path: tuple[str, ...],
    stamps: tuple[int, ...],
    roots: Sequence[str],
    installed: Mapping[str, str],
    kernel_markers: object,
) -> tuple[dict[str, str], dict[str, Any], list[str]]:
    notes: list[str] = []
    if isinstance(kernel_markers, Mapping):
        markers = {str(k): str(v) for k, v in kernel_markers.items()}
    else:
        markers = marker_environment()
        notes.append(
            "kernel marker environment unknown: requirement markers evaluated for the "
            "snapshotting interpreter"
        )
    dirs = distribution_dirs(search_path)
    requires = _requires_reader(search_path, stamps, dirs)
    closure = dependency_closure(roots, installed, requires, markers)
    if closure.unsatisfied:
        notes.append(
            "required but not installed in the kernel's environment: "
            + ", ".join(closure.unsatisfied)
        )
    sources: dict[str, Any] = {}
    for name in closure.pins:
        source = install_source(dirs[name]) if name in dirs else None
        if source is not None:
            sources[name] = source
    return closure.pins, sources, notes
