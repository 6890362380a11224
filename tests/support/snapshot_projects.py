"""Fixtures for the snapshot tests: projects, notebooks and journals on disk."""

from __future__ import annotations

import itertools
import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import CellRun, FileAccess, JournalHeader, encode_line
from jupyter_repro.io.environment import interpreter_summary
from jupyter_repro.io.hashing import hash_file, hash_text
from jupyter_repro.io.project import journal_dir

_seq = itertools.count(1)


def _nbformat() -> Any:
    """nbformat, imported when a test writes a notebook: collecting tests stays light."""
    import nbformat

    return nbformat


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    return root


def git_init(root: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "start"], cwd=root, check=True, env=env)


def write_notebook(path: Path, sources: Sequence[str], markdown_first: bool = True) -> Any:
    """A v4 notebook with a markdown cell first (so cell indices differ from code order)."""
    nb = _nbformat().v4.new_notebook()
    cells = [_nbformat().v4.new_markdown_cell("# Analysis")] if markdown_first else []
    for index, source in enumerate(sources):
        cell = _nbformat().v4.new_code_cell(source)
        cell.id = f"cell-{index}"
        cells.append(cell)
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _nbformat().write(nb, path)
    return nb


def access(root: Path, relpath: str, mode: str = "read") -> FileAccess:
    path = root / relpath
    stat = path.stat()
    return FileAccess(
        relpath,
        mode,
        stat.st_size,
        stat.st_mtime,  # type: ignore[arg-type]
        hash_file(path),
    )


def run_of(
    nb: Any,
    index: int,
    reads: Sequence[FileAccess] = (),
    writes: Sequence[FileAccess] = (),
    imports: Sequence[str] = (),
    status: str = "ok",
    unattributed: Sequence[str] = (),
) -> CellRun:
    """A run of the notebook's cell at `index` (counting all cells)."""
    cell = nb.cells[index]
    seq = next(_seq)
    return CellRun(
        seq=seq,
        execution_count=seq,
        cell_id=cell.id,
        source_hash=hash_text(cell.source),
        source=cell.source,
        started=time.time(),
        duration=0.01,
        status=status,
        reads=tuple(reads),  # type: ignore[arg-type]
        writes=tuple(writes),
        imports=tuple(imports),
        unattributed=tuple(unattributed),
    )


def write_journal(
    root: Path,
    runs: Sequence[CellRun],
    notebook: str | None = "analysis.ipynb",
    kernel_id: str | None = "k-1",
    environment: dict[str, Any] | None = None,
    seed: int | None = None,
    name: str | None = None,
) -> Path:
    header = JournalHeader(
        kernel_id=kernel_id,
        notebook=notebook,
        project_root=str(root),
        cwd=str(root),
        started=time.time(),
        pid=os.getpid(),
        seed=seed,
        environment=environment if environment is not None else interpreter_summary(),
    )
    folder = journal_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{kernel_id or 'kernel'}-{os.getpid()}-{next(_seq)}.jsonl")
    path.write_text("".join(encode_line(item) + "\n" for item in (header, *runs)))
    return path


def append_runs(journal: Path, runs: Sequence[CellRun]) -> None:
    with journal.open("a") as handle:
        handle.write("".join(encode_line(run) + "\n" for run in runs))
