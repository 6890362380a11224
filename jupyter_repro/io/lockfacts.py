"""Facts a lock needs from disk: the kernel's environment (the paired script: io.pairpaths).

The environment is read from the search path the kernel recorded in its journal, so the
server describes the kernel's interpreter, not its own. Reading it is cached on the
search path and the modification times of its folders (installing or removing a
distribution changes its folder's mtime), so repeated saves cost a few stats.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.core.lock import EnvironmentFacts
from jupyter_repro.io.envclosure import closure_facts
from jupyter_repro.io.environment import (
    editable_installs,
    installed_distributions,
    interpreter_summary,
    module_distributions,
)
from jupyter_repro.io.git import head_commit
from jupyter_repro.io.project import relative_to_root

# Variables that differ between every shell or process: recording their names only churns.
# Variables known to change what numerical and data code computes. Only these names are
# recorded (with no value unless allowlisted): a lock listing every variable of a machine
# would change from one contributor to the next and name things that are nobody's business.
RESULT_AFFECTING_VARIABLES = frozenset(
    {
        "PYTHONHASHSEED",
        "PYTHONPATH",
        "TZ",
        "LANG",
        "LC_ALL",
        "LC_NUMERIC",
        "LC_TIME",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "MKL_CBWR",
        "CUDA_VISIBLE_DEVICES",
        "CUBLAS_WORKSPACE_CONFIG",
        "TF_DETERMINISTIC_OPS",
        "TF_CUDNN_DETERMINISTIC",
        "PYTORCH_CUDA_ALLOC_CONF",
        "POLARS_MAX_THREADS",
        "ARROW_DEFAULT_MEMORY_POOL",
    }
)

_cache_lock = threading.Lock()
_dist_cache: dict[tuple[str, ...], tuple[tuple[int, ...], dict[str, str], dict[str, str]]] = {}
_module_cache: dict[tuple[tuple[str, ...], tuple[int, ...], str], str | None] = {}


def _mtimes(search_path: Sequence[str]) -> tuple[int, ...]:
    stamps = []
    for entry in search_path:
        try:
            stamps.append(os.stat(entry or ".").st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return tuple(stamps)


def _distributions(
    search_path: tuple[str, ...],
) -> tuple[tuple[int, ...], dict[str, str], dict[str, str]]:
    stamps = _mtimes(search_path)
    with _cache_lock:
        cached = _dist_cache.get(search_path)
    if cached is not None and cached[0] == stamps:
        return cached
    entry = (stamps, installed_distributions(search_path), editable_installs(search_path))
    with _cache_lock:
        _dist_cache[search_path] = entry
    return entry


def _module_map(
    search_path: tuple[str, ...], stamps: tuple[int, ...], modules: Iterable[str]
) -> dict[str, str]:
    wanted = sorted(set(modules))
    with _cache_lock:
        unknown = [m for m in wanted if (search_path, stamps, m) not in _module_cache]
    if unknown:
        found = module_distributions(unknown, search_path)
        with _cache_lock:
            for module in unknown:
                _module_cache[(search_path, stamps, module)] = found.get(module)
    with _cache_lock:
        pairs = {m: _module_cache.get((search_path, stamps, m)) for m in wanted}
    return {m: d for m, d in pairs.items() if d is not None}


def recorded_variables(
    names: Iterable[str], allowlist: Sequence[str], values: Mapping[str, Any]
) -> dict[str, str | None]:
    """Result-affecting and allowlisted names; a value only for an allowlisted name.

    Secrets never land in a lock: a variable that is not allowlisted is at most a name.
    """
    allowed = set(allowlist)
    result: dict[str, str | None] = {}
    for name in sorted(set(names) & (RESULT_AFFECTING_VARIABLES | allowed)):
        value = values.get(name) if name in allowed else None
        result[name] = value if isinstance(value, str) else None
    return result


def environment_facts(
    kernel_env: Mapping[str, Any] | None,
    modules: Iterable[str],
    allowlist: Sequence[str],
    project_root: Path,
) -> tuple[EnvironmentFacts, list[str]]:
    """The kernel's environment (this interpreter's when the kernel's is unknown) and notes."""
    notes: list[str] = []
    env = dict(kernel_env or {})
    if not env.get("path"):
        notes.append(
            "kernel environment unknown: recorded the environment of the snapshotting interpreter"
        )
        env = {**interpreter_summary(), **{k: v for k, v in env.items() if v}}
    search_path = tuple(str(p) for p in env.get("path", ()))
    stamps, distributions, editable = _distributions(search_path)
    variables = env.get("variables")
    if isinstance(variables, Mapping):
        names: Iterable[str] = variables
        values: Mapping[str, Any] = variables
    elif isinstance(variables, list):
        names, values = [str(v) for v in variables], {}
    else:
        names, values = os.environ, os.environ
    imported = _module_map(search_path, stamps, modules)
    # Only editable installs the notebook imported: their code is part of what it ran.
    editable_facts: dict[str, dict[str, str | None]] = {}
    for name, source in sorted(editable.items()):
        if name not in imported.values():
            continue
        commit = head_commit(Path(source)) if Path(source).is_dir() else None
        editable_facts[name] = {
            "path": relative_to_root(Path(source), project_root),
            "commit": commit,
        }
    closure, sources, closure_notes = closure_facts(
        search_path, stamps, sorted(set(imported.values())), distributions, env.get("markers")
    )
    notes.extend(closure_notes)
    facts = EnvironmentFacts(
        closure=closure,
        sources=sources,
        python=env.get("python"),
        implementation=env.get("implementation"),
        platform=env.get("platform"),
        distributions=distributions,
        module_distributions=imported,
        editable=editable_facts,
        variables=recorded_variables(names, allowlist, values),
    )
    return facts, notes
