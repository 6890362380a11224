"""Fixtures for pipeline commands: projects on disk and the CLI called in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_repro.cli.main import main

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
