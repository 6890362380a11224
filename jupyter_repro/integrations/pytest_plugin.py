"""pytest plugin: every notebook becomes a test item.

    pytest --repro notebooks/          one `repro-check` item per notebook: `jupyter-repro check`
    pytest --repro-verify notebooks/   one `repro-verify` item per notebook: rerun and compare

An item fails when the notebook has findings that fail its gate (its `enforce` level:
errors under "warn", everything under "strict", nothing under "off"), when it cannot be
read, or when verification does not reproduce it. Items are independent, so they spread
over pytest-xdist workers like any other test.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_SKIPPED_PARTS = frozenset({".ipynb_checkpoints", ".repro", "node_modules", ".git"})


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jupyter-repro", "reproducible notebooks")
    group.addoption(
        "--repro",
        action="store_true",
        help="collect *.ipynb files and check each with jupyter-repro check",
    )
    group.addoption(
        "--repro-verify",
        action="store_true",
        help="collect *.ipynb files and rerun and verify each against its lock",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "repro: a notebook checked or verified by jupyter-repro")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    wanted = config.getoption("--repro") or config.getoption("--repro-verify")
    if not wanted or file_path.suffix != ".ipynb":
        return None
    if _SKIPPED_PARTS & set(file_path.parts):
        return None
    notebook: NotebookFile = NotebookFile.from_parent(parent, path=file_path)
    return notebook


class ReproFailure(Exception):
    """Raised by an item; its text is the readable report shown by pytest."""


class NotebookFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        if self.config.getoption("--repro"):
            yield CheckItem.from_parent(self, name="repro-check")
        if self.config.getoption("--repro-verify"):
            yield VerifyItem.from_parent(self, name="repro-verify")


class _NotebookItem(pytest.Item):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("repro")

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, ReproFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.name}: {self.path.name}"


_INSPECTOR_KEY = pytest.StashKey[Any]()


class CheckItem(_NotebookItem):
    def runtest(self) -> None:
        from jupyter_repro.core.findings import RULES
        from jupyter_repro.io.inspection import Inspector

        inspector = self.config.stash.get(_INSPECTOR_KEY, None)
        if inspector is None:
            inspector = self.config.stash[_INSPECTOR_KEY] = Inspector()
        report = inspector.inspect(self.path, str(self.path))
        lines: list[str] = []
        failing = report.failing()
        if report.error:
            lines.append(f"cannot be checked: {report.error}")
        for item in failing:
            where = "notebook" if item.cell is None else f"cell {item.cell + 1}"
            lines.append(f"{where}: {item.severity} [{item.rule}] {item.message}")
            lines.append(f"    fix: {RULES[item.rule][1]}")
        if lines:
            plural = len(failing) != 1
            count = f"{len(failing)} finding{'s fail' if plural else ' fails'} the gate"
            if report.error:
                count = "unreadable" if not failing else f"unreadable; {count}"
            header = f"{self.path.name}: {count} (jupyter-repro check, enforce = {report.enforce})"
            raise ReproFailure("\n".join([header, *lines]))


class VerifyItem(_NotebookItem):
    """Runs `jupyter-repro verify` in a process of its own: a kernel, papermill and a rerun
    are involved, and the command line is the contract (exit 0 reproduced, 1 not, 2 cannot
    verify, 3 failed to execute)."""

    def runtest(self) -> None:
        command = [sys.executable, "-m", "jupyter_repro.cli", "verify", str(self.path)]
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=self.path.parent
        )
        if done.returncode == 0:
            return
        meaning = {1: "not reproduced", 2: "could not be verified", 3: "failed to execute"}.get(
            done.returncode, f"exit code {done.returncode}"
        )
        text = "\n".join(p.rstrip() for p in (done.stdout, done.stderr) if p.strip())
        raise ReproFailure(f"jupyter-repro verify {self.path.name}: {meaning}\n{text}".rstrip())
