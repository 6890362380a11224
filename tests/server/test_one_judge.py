"""One judge: `jupyter-repro check` and the Lab's status route give the same findings.

The golden check corpus and the example project (a lock and a paired script) are judged
through the CLI and through a real Jupyter server's `/jupyter-repro/status`, as saved
(GET) and with the browser's copy of the same cells (POST).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.rules.evidence import recorded_error
from tests.conftest import EXAMPLES
from tests.support.servers import RunningServer, start_server

pytestmark = pytest.mark.server

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def judged_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("judged")
    shutil.copytree(CORPUS, root / "corpus", ignore=shutil.ignore_patterns("*.py", "*.json"))
    shutil.copytree(
        EXAMPLES / "air-quality",
        root / "air-quality",
        ignore=shutil.ignore_patterns(".repro", ".ipynb_checkpoints", "__pycache__"),
    )
    return root


@pytest.fixture(scope="module")
def server(judged_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(judged_root, tmp_path_factory.mktemp("jupyter"))
    yield running
    running.stop()


def _notebooks(root: Path) -> list[Path]:
    return [*sorted(root.glob("corpus/*.ipynb")), root / "air-quality" / "analysis.ipynb"]


def _cli_findings(notebook: Path) -> list[dict[str, Any]] | None:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_repro.cli", "check", "--format", "json", str(notebook)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)["notebooks"][0]
    return None if report.get("error") else report["findings"]


def _comparable(findings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("rule", "cell", "cell_id", "severity", "message")
    return sorted(tuple(f[k] for k in keys) for f in findings)


def _browser_cells(notebook: Path) -> list[dict[str, Any]]:
    cells = json.loads(notebook.read_text())["cells"]
    return [
        {
            "id": c.get("id"),
            "cell_type": c["cell_type"],
            "source": "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
            "execution_count": c.get("execution_count"),
            "tags": c.get("metadata", {}).get("tags", []),
            "error": recorded_error(c),
        }
        for c in cells
    ]


def test_the_cli_and_the_status_route_judge_every_notebook_alike(
    server: RunningServer, judged_root: Path
) -> None:
    compared = 0
    for notebook in _notebooks(judged_root):
        api_path = notebook.relative_to(judged_root).as_posix()
        cli = _cli_findings(notebook)
        status, saved = server.request("GET", f"jupyter-repro/status?path={api_path}")
        if cli is None:  # unreadable: refused by both, with a message
            assert status in (400, 422), (api_path, status)
            continue
        assert status == 200, (api_path, saved)
        assert _comparable(saved["findings"]) == _comparable(cli), api_path
        status, live = server.request(
            "POST",
            "jupyter-repro/status",
            {"path": api_path, "cells": _browser_cells(notebook)},
        )
        assert status == 200, (api_path, live)
        assert _comparable(live["findings"]) == _comparable(cli), api_path
        compared += 1
    assert compared >= 15
