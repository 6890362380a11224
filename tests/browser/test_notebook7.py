"""Notebook 7 (the `notebook` package) is a frontend of the same server: its kernels are
tracked and its notebook toolbar shows the status item, which follows a cell run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lab import KERNEL_TIMEOUT_MS, NOTEBOOK
from tests.support.servers import RunningServer, start_server

THRESHOLD = 2  # the cell that defines threshold_pm25, counting every cell from 0


@pytest.fixture
def notebook7(tmp_path: Path, example_project: Path) -> Iterator[RunningServer]:
    pytest.importorskip("notebook", minversion="7")
    server = start_server(example_project, tmp_path / "jupyter", app="notebook")
    yield server
    server.stop()


def test_notebook_7_journals_cell_runs_and_shows_the_status(
    page: Page, notebook7: RunningServer, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{notebook7.url}notebooks/{NOTEBOOK}?token={notebook7.token}")
    status = page.locator(".jp-NotebookPanel-toolbar .jp-repro-status")
    tracked = re.compile("tracked by jupyter-repro.*0 cell runs journaled")
    expect(status).to_have_attribute("title", tracked, timeout=KERNEL_TIMEOUT_MS)

    page.locator(".jp-Notebook .jp-Cell").nth(THRESHOLD).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(status).to_have_attribute(
        "title", re.compile("1 cell run journaled"), timeout=KERNEL_TIMEOUT_MS
    )
    page.screenshot(path=str(artifacts_dir / "notebook7-status.png"))

    project = notebook7.root / "air-quality"
    journals = sorted((project / ".repro" / "journal").glob("*.jsonl"))
    assert len(journals) == 1
    lines = journals[0].read_text().splitlines()
    assert any('"threshold_pm25 = 25.0' in line for line in lines[1:])
