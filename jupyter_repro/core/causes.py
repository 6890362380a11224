"""Inputs and environment against the lock, and the likely cause of each differing cell.

Pure: the lock is the typed `Lock` read from `<stem>.repro.json`, current file hashes and
installed versions are handed in by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from jupyter_repro.core.compare import CellComparison
from jupyter_repro.core.findings import cell_label
from jupyter_repro.core.lockmodel import LockedFile

_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
# Each source of randomness with what seeds it.
_RANDOMNESS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (
        re.compile(r"\b(?:np|numpy)\.random\.(?!seed|default_rng|RandomState|Generator|PCG64)\w+"),
        re.compile(r"\b(?:np|numpy)\.random\.seed\s*\(\s*\w"),
    ),
    (
        re.compile(
            r"(?<![\w.])random\.(?:random|randint|choice|choices|shuffle|sample|uniform|"
            r"gauss|normalvariate|randrange|getrandbits)\b"
        ),
        re.compile(r"(?<![\w.])random\.seed\s*\(\s*\w"),
    ),
    (re.compile(r"\bdefault_rng\(\s*\)|\bRandomState\(\s*\)"), None),
    (re.compile(r"\btorch\.(?:rand|randn|randint|randperm)\w*"), re.compile(r"\bmanual_seed\s*\(")),
    (re.compile(r"\b(?:secrets\.\w+|os\.urandom|uuid\.uuid[14])"), None),
    (re.compile(r"\.sample\((?![^)]*random_state)"), None),
)
_TIMING_MAGIC = re.compile(r"^\s*%%?(?:timeit|time)\b", re.MULTILINE)
# `rng = np.random.default_rng()`: a generator made without a seed, by name.
_UNSEEDED_GENERATOR = re.compile(
    r"^\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<call>(?:[\w.]+\.)?"
    r"(?:default_rng|RandomState|Generator\(\s*PCG64|Random))\(\s*\)",
    re.MULTILINE,
)
_CLOCK = re.compile(
    r"\b(?:time\.(?:time|time_ns|perf_counter|monotonic|ctime|localtime|gmtime|strftime)\s*\(|"
    r"datetime\.(?:now|today|utcnow)\s*\(|date\.today\s*\(|pd\.Timestamp\.now\s*\(|"
    r"pd\.Timestamp\(\s*['\"](?:now|today)|np\.datetime64\(\s*['\"](?:now|today))"
)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def compare_inputs(
    locked: Mapping[str, LockedFile], current_hashes: Mapping[str, str | None]
) -> list[dict[str, Any]]:
    """Each locked input with its status: same, changed or missing (current hash None)."""
    items = []
    for path in sorted(locked):
        record = locked[path]
        current = current_hashes.get(path)
        status = "missing" if current is None else "same" if current == record.hash else "changed"
        items.append(
            {
                "path": path,
                "status": status,
                "locked": record.hash,
                "current": current,
                "cells": sorted(record.cells),
            }
        )
    return items


def compare_environment(
    locked_imported: Mapping[str, str], installed: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The distributions the notebook imported, locked version against installed version."""
    current = {_canonical(name): version for name, version in installed.items()}
    items = []
    for name in sorted(locked_imported):
        version = current.get(_canonical(name))
        status = (
            "missing"
            if version is None
            else "same"
            if version == locked_imported[name]
            else "changed"
        )
        items.append(
            {
                "distribution": name,
                "status": status,
                "locked": locked_imported[name],
                "current": version,
            }
        )
    return items


def imported_modules(source: str) -> set[str]:
    return set(_IMPORT.findall(source))


def _generator_cause(index: int, sources: Sequence[str]) -> str | None:
    """Draws in this cell from an unseeded generator an earlier cell made: name that cell."""
    source = sources[index] if index < len(sources) else ""
    for maker in range(index - 1, -1, -1):
        for match in _UNSEEDED_GENERATOR.finditer(sources[maker]):
            name = match.group("name")
            if re.search(rf"(?<![\w.]){re.escape(name)}\.\w+\s*\(", source):
                return (
                    f"unseeded generator `{name}` made in {cell_label(maker)} "
                    f"({match.group('call')}())"
                )
    return None


def _source_causes(index: int, sources: Sequence[str]) -> list[str]:
    source = sources[index] if index < len(sources) else ""
    if _TIMING_MAGIC.search(source):
        return ["timing output of %timeit or %time (masked by the `timings` normalizer)"]
    upstream = "\n".join(sources[: index + 1])
    causes = []
    generator = _generator_cause(index, sources)
    if generator is not None:
        causes.append(generator)
    for use_pattern, seed_pattern in _RANDOMNESS:
        random_use = use_pattern.search(source)
        if random_use and (seed_pattern is None or not seed_pattern.search(upstream)):
            causes.append(f"unseeded randomness in the cell ({random_use.group(0).rstrip('(')})")
            break
    clock_use = _CLOCK.search(source)
    if clock_use:
        causes.append(f"clock use in the cell ({clock_use.group(0).rstrip('( ')})")
    return causes


def _input_causes(index: int, inputs: Sequence[Mapping[str, Any]]) -> list[str]:
    causes = []
    for item in inputs:
        if item["status"] == "same":
            continue
        readers = [c for c in item.get("cells", []) if c <= index]
        if readers or not item.get("cells"):
            where = (
                " (read by this cell)"
                if readers == [index]
                else f" (read by {', '.join(cell_label(r) for r in readers)})"
                if readers
                else ""
            )
            causes.append(f"input {item['path']} {item['status']}{where}")
    return causes


def _environment_causes(
    index: int, sources: Sequence[str], environment: Sequence[Mapping[str, Any]]
) -> list[str]:
    drifted = [e for e in environment if e["status"] != "same"]
    if not drifted:
        return []
    modules = {_canonical(m) for s in sources[: index + 1] for m in imported_modules(s)}
    specific = [e for e in drifted if _canonical(e["distribution"]) in modules]
    chosen = specific or drifted
    return [
        f"package {e['distribution']} {e['locked']} -> {e['current'] or 'not installed'}"
        for e in chosen
    ]


def attach_causes(
    cells: Sequence[CellComparison],
    sources: Sequence[str],
    inputs: Sequence[Mapping[str, Any]] = (),
    environment: Sequence[Mapping[str, Any]] = (),
    nondeterministic: frozenset[int] = frozenset(),
) -> list[CellComparison]:
    """Name the likely causes of each differing cell, most specific first.

    `sources` are the sources of all cells (indices count all cells), `nondeterministic`
    the cells whose outputs differed between two reruns of the same code and data.
    """
    result = []
    for cell in cells:
        if cell.status != "differs":
            result.append(cell)
            continue
        causes = []
        if cell.cell in nondeterministic:
            causes.append("nondeterministic: the outputs differ between two reruns")
        causes += _input_causes(cell.cell, inputs)
        causes += _source_causes(cell.cell, sources)
        causes += _environment_causes(cell.cell, sources, environment)
        result.append(
            replace(cell, causes=tuple(causes), nondeterministic=cell.cell in nondeterministic)
        )
    return result
