"""Fixtures for paired scripts, headless runs and verification."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.main import main


def _nbformat() -> Any:
    """nbformat, imported when a test writes a notebook: collecting tests stays light."""
    import nbformat

    return nbformat


KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project: its root marker is a pyproject.toml."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    return root


def code(
    source: str,
    outputs: Sequence[dict[str, Any]] = (),
    count: int | None = None,
    tags: Sequence[str] = (),
) -> Any:
    cell = _nbformat().v4.new_code_cell(source, execution_count=count)
    cell.outputs = [_nbformat().from_dict(o) for o in outputs]
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def stdout(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def result(text: str, count: int) -> dict[str, Any]:
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "data": {"text/plain": text},
        "metadata": {},
    }


def markdown(source: str) -> Any:
    return _nbformat().v4.new_markdown_cell(source)


def write_notebook(path: Path, cells: Sequence[Any]) -> Path:
    notebook = _nbformat().v4.new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    path.parent.mkdir(parents=True, exist_ok=True)
    _nbformat().write(notebook, path)
    return path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `jupyter-repro ARGS` in-process: (exit code, stdout, stderr)."""

    def run(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
