"""pytest plugin: `pytest --repro` checks every collected notebook (full version in progress)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jupyter-repro")
    group.addoption("--repro", action="store_true", help="check each notebook with jupyter-repro")
    group.addoption(
        "--repro-verify", action="store_true", help="rerun and verify each notebook against its lock"
    )
