"""Fixtures for the kernel-tracking tests: a project folder, an in-process shell, a real kernel."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import Journal
from jupyter_repro.io.journals import read_journal

ENV_KEYS = ("JUPYTER_REPRO_NOTEBOOK", "JUPYTER_REPRO_SEED", "JPY_SESSION_NAME")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (a pyproject.toml marks its root) that is the current directory."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    monkeypatch.chdir(root)
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    return root


class Session:
    """An InteractiveShell with the extension loaded, and helpers to run cells in it."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell

    @property
    def tracker(self) -> Any:
        from jupyter_repro.kernel.extension import tracker_for

        return tracker_for(self.shell)

    def run(self, source: str, cell_id: str | None = None) -> Any:
        return self.shell.run_cell(source, store_history=True, cell_id=cell_id)

    def journal(self) -> Journal:
        assert self.tracker.flush(), "the journal worker did not finish"
        journal = read_journal(self.tracker.journal_path)
        assert journal is not None
        return journal


@pytest.fixture
def make_session(project: Path) -> Iterator[Any]:
    """Build sessions after the test has prepared the project (config, env, files)."""
    from IPython.core.interactiveshell import InteractiveShell

    made: list[Session] = []

    def make() -> Session:
        InteractiveShell.clear_instance()
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "jupyter_repro")
        session = Session(shell)
        made.append(session)
        return session

    yield make
    for session in made:
        session.shell.run_line_magic("unload_ext", "jupyter_repro")
    InteractiveShell.clear_instance()
    sys.modules.pop("mymod", None)


@pytest.fixture
def session(make_session: Any) -> Session:
    return make_session()


def journal_files(root: Path) -> list[Path]:
    return sorted((root / ".repro" / "journal").glob("*.jsonl"))


def env_without_repro() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
