"""A person works on the example notebook in JupyterLab; jupyter-repro shows what it sees.

The status item is checked as a user reads it, through a kernel restart, under strict
enforcement and for a kernel that is not tracked. The whole session is test_scenario.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lab import (
    NOTEBOOK,
    open_notebook,
    run_cell,
    wait_prompt,
)
from tests.support.servers import RunningServer, start_server

# Cell indices count every cell from 0, as the findings do.
IMPORTS, THRESHOLD, READ_CSV, CLEAN, MONTHLY, SAVE_RESULTS = 1, 2, 3, 5, 6, 9
CODE_CELLS = 8


def test_the_status_follows_a_kernel_restart(page: Page, jupyter_lab: RunningServer) -> None:
    status = open_notebook(page, jupyter_lab)
    run_cell(page, IMPORTS)
    run_cell(page, THRESHOLD)
    wait_prompt(page, THRESHOLD, 2)
    expect(status).to_have_attribute("title", re.compile("2 cell runs journaled"), timeout=10_000)

    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel…$")).first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    # the new kernel loads tracking again and starts a journal of its own
    expect(status).to_have_attribute("title", re.compile("0 cell runs journaled"), timeout=60_000)
    run_cell(page, IMPORTS)
    expect(status).to_have_attribute("title", re.compile("1 cell run journaled"), timeout=60_000)
    expect(status).to_have_attribute("data-repro-status", "reproducible")

    # the notebook toolbar's menu: restart and run all, tracked from the first cell on
    page.locator(".jp-NotebookPanel-toolbar .jp-repro-menu-button").click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart kernel and run all (tracked)").click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    expect(status).to_have_attribute(
        "title", re.compile(f"{CODE_CELLS} cell runs journaled"), timeout=90_000
    )
    expect(status).to_have_attribute("data-repro-status", "reproducible")


def test_strict_enforcement_explains_a_save_with_errors_and_still_saves(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    pyproject = jupyter_lab.root / "air-quality" / "pyproject.toml"  # the project's own
    text = pyproject.read_text()
    assert "[tool.jupyter-repro]\n" in text
    pyproject.write_text(
        text.replace("[tool.jupyter-repro]\n", '[tool.jupyter-repro]\nenforce = "strict"\n')
    )
    status = open_notebook(page, jupyter_lab)
    run_cell(page, THRESHOLD)
    wait_prompt(page, THRESHOLD, 1)
    run_cell(page, IMPORTS)
    wait_prompt(page, IMPORTS, 2)
    expect(status).to_have_attribute("data-repro-status", "findings", timeout=10_000)

    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Saved, but this notebook is not reproducible", timeout=15_000)
    expect(dialog).to_contain_text("out-of-order")
    page.screenshot(path=str(artifacts_dir / "strict-save-dialog.png"))
    saved = json.loads((jupyter_lab.root / NOTEBOOK).read_text())
    counts = [c.get("execution_count") for c in saved["cells"] if c["cell_type"] == "code"]
    assert counts[:2] == [2, 1]  # the save happened, errors and all
    dialog.locator("button", has_text="Close").click()
    expect(status).to_have_attribute("data-repro-status", "findings")


def test_a_kernel_without_the_extension_is_shown_as_not_tracked(
    page: Page, example_project: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # the user turned automatic loading off in the Lab and in the server; nothing else
    # loads the extension in this kernel
    settings = tmp_path / "jupyter" / "settings" / "jupyter-repro"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"loadKernelExtension": false}')
    lab = start_server(
        example_project,
        tmp_path / "jupyter",
        app="lab",
        extra_args=("--JupyterRepro.track_kernels=False",),
    )
    request.addfinalizer(lab.stop)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{lab.url}lab/tree/{NOTEBOOK}?token={lab.token}")
    status = page.locator(".jp-NotebookPanel-toolbar .jp-repro-status")
    expect(status).to_have_attribute("data-repro-status", "untracked", timeout=90_000)
    expect(status).to_have_text("repro: not tracked")
    expect(status).to_have_attribute("title", re.compile("not loaded in this kernel"))


def test_the_palette_lists_our_commands_under_repro_with_labels_that_cannot_collide(
    page: Page, jupyter_lab: RunningServer
) -> None:
    open_notebook(page, jupyter_lab)
    page.keyboard.press("Control+Shift+c")
    search = page.locator(".lm-CommandPalette-input")
    expect(search).to_be_focused()
    search.fill("Repro: Pair with")
    first = page.locator(".lm-CommandPalette-item").first
    expect(first).to_contain_text("Repro: Pair with script")
    header = page.locator(".lm-CommandPalette-header").first
    expect(header).to_have_text(re.compile("^Repro$", re.IGNORECASE))
    # the toolbar's own menu needs no prefix
    page.keyboard.press("Escape")
    page.locator(".jp-NotebookPanel-toolbar .jp-repro-menu-button").click()
    expect(
        page.locator(".jp-repro-menu .lm-Menu-itemLabel", has_text="Pair with script")
    ).to_have_text("Pair with script")
