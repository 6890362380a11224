"""Pipeline fixtures: projects of locked notebooks written without running them (for tests
and benchmarks), a project folder, and the CLI called in-process from a chosen folder.

Each notebook's lock is what a snapshot after a clean run would say: its code fingerprints
match the notebook, and its inputs and outputs the files on disk.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.main import main
from jupyter_repro.core.lock import code_section, hash_text, parameters, serialize_lock
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.environment import installed_distributions

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@dataclass
class Spec:
    """A notebook to write: its code cells, the files it reads and writes (with contents)."""

    name: str
    cells: Sequence[str]
    reads: Sequence[str] = ()
    writes: Mapping[str, str] = field(default_factory=dict)
    parameter_cell: str | None = None


def _cell(source: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    metadata: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": hash_text(source)[7:19],
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def write_notebook(path: Path, spec: Spec) -> list[dict[str, Any]]:
    cells = [_cell(spec.parameter_cell, ["parameters"])] if spec.parameter_cell else []
    cells += [_cell(source) for source in spec.cells]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return cells


def _file_entry(root: Path, relpath: str) -> dict[str, Any]:
    data = (root / relpath).read_bytes()
    from blake3 import blake3

    return {"size": len(data), "hash": "blake3:" + blake3(data).hexdigest(), "cells": [0]}


def write_locked(root: Path, spec: Spec, imported: Mapping[str, str] | None = None) -> Path:
    """The notebook, the files it writes, and its lock; files it reads must exist already."""
    notebook = root / spec.name
    cells = write_notebook(notebook, spec)
    for relpath, text in spec.writes.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    code = code_section(cells, None)
    lock_json = {
        "lock_version": 1,
        "notebook": Path(spec.name).name,
        "code": {
            "fingerprint": code.fingerprint,
            "cells": {str(i): h for i, h in code.cells.items()},
            "script": None,
        },
        "kernel": {"name": "python3", "language": "python"},
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": "linux-x86_64",
            "distributions": {},
            "imported": dict(imported or {}),
            "editable": {},
            "variables": {},
        },
        "inputs": {p: {**_file_entry(root, p), "stored": False} for p in spec.reads},
        "outputs": {p: _file_entry(root, p) for p in spec.writes},
        "parameters": parameters(cells),
        "seed": None,
        "execution": {
            "in_order": True,
            "clean_run": True,
            "tracking_complete": True,
            "cells_run": len(cells),
            "missing": [],
        },
        "git": None,
    }
    lock_file = notebook.with_name(notebook.stem + ".repro.json")
    lock_file.write_text(serialize_lock(Lock.from_json(lock_json)), encoding="utf-8")
    return lock_file


def numpy_version() -> str:
    return installed_distributions().get("numpy", "0")


def chain_project(root: Path, count: int, width: int = 1) -> list[str]:
    """`count` notebooks in `width` independent chains: nb_i reads the file nb_(i-width)
    wrote (the first of each chain reads a source file). Returns the notebook names."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "chain"\nversion = "0"\n')
    (root / "data").mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        source = f"data/source_{i}.csv" if i < width else f"data/step_{i - width}.csv"
        if i < width:
            (root / source).write_text(f"x\n{i}\n")
        name = f"nb_{i:03d}.ipynb"
        spec = Spec(
            name,
            [f"text = open('{source}').read()", f"open('data/step_{i}.csv', 'w').write(text)"],
            reads=[source],
            writes={f"data/step_{i}.csv": f"x\n{i}\nstep {i}\n"},
        )
        write_locked(root, spec)
        names.append(name)
    return names


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`jupyter-repro ARGS` in-process, from a given folder: (exit code, stdout, stderr)."""

    def run(*args: object, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
