"""Helpers to build notebook projects on disk for the check tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import CellRun, JournalHeader, encode_line
from jupyter_repro.io.hashing import hash_bytes, hash_text

# The corpus notebooks are wrong on purpose: `pytest --repro tests/` must not collect them.
collect_ignore_glob = ["corpus/*"]

CellSpec = tuple[str, int | None]
ZERO_HASH = "blake3:" + "0" * 64


def _nbformat() -> Any:
    """nbformat, imported when a test writes a notebook: collecting tests stays light."""
    import nbformat

    return nbformat


def write_notebook(
    path: Path,
    cells: Sequence[CellSpec],
    ids: Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Path:
    nb = _nbformat().v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            **(metadata or {}),
        }
    )
    for index, (source, count) in enumerate(cells):
        cell = _nbformat().v4.new_code_cell(source, execution_count=count)
        cell.id = ids[index] if ids else f"cell-{index}"
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_nbformat().writes(nb), encoding="utf-8")
    return path


def run(seq: int, source: str, count: int | None, cell_id: str | None, **fields: Any) -> CellRun:
    return CellRun(
        seq=seq,
        execution_count=count,
        cell_id=cell_id,
        source_hash=hash_text(source),
        source=source,
        started=1000.0 + seq,
        duration=0.01,
        status="ok",
        **fields,
    )


def write_journal(root: Path, notebook: str, runs: Sequence[CellRun]) -> Path:
    header = JournalHeader(
        kernel_id="k1",
        notebook=notebook,
        project_root=str(root),
        cwd=str(root),
        started=1000.0,
        pid=1,
    )
    folder = root / ".repro" / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "k1.jsonl"
    path.write_text("\n".join(encode_line(item) for item in [header, *runs]) + "\n")
    return path


def write_lock(
    notebook: Path,
    inputs: dict[str, bytes] | None = None,
    imported: dict[str, str] | None = None,
    root: Path | None = None,
) -> Path:
    root = root or notebook.parent
    lock = {
        "lock_version": 1,
        "notebook": notebook.name,
        "code": {"fingerprint": ZERO_HASH, "cells": {}, "script": None},
        "kernel": {"name": "python3", "language": "python"},
        "environment": {
            "python": "3.11.7",
            "implementation": "CPython",
            "platform": "linux",
            "distributions": dict(imported or {}),
            "imported": dict(imported or {}),
            "editable": {},
            "variables": {},
        },
        "inputs": {
            name: {"size": len(data), "hash": hash_bytes(data), "cells": [0], "stored": False}
            for name, data in (inputs or {}).items()
        },
        "outputs": {},
        "parameters": {},
        "seed": None,
        "execution": {
            "in_order": True,
            "clean_run": True,
            "tracking_complete": True,
            "cells_run": 1,
            "missing": [],
        },
        "git": None,
    }
    for name, data in (inputs or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    path = notebook.with_name(notebook.stem + ".repro.json")
    path.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (its own root) that declares numpy and pandas."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndependencies = ["numpy", "pandas"]\n'
    )
    return tmp_path


@pytest.fixture
def check_json(
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., tuple[int, list[dict[str, Any]]]]:
    from jupyter_repro.cli.main import main

    def call(*args: str) -> tuple[int, list[dict[str, Any]]]:
        code = main(["check", "--format", "json", *args])
        out = capsys.readouterr().out
        return code, json.loads(out)["notebooks"]

    return call
