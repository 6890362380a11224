"""A person opens the example notebook in JupyterLab and sees jupyter-repro at work."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.servers import RunningServer

NOTEBOOK = "air-quality/analysis.ipynb"


def open_notebook(page: Page, lab: RunningServer, path: str) -> None:
    page.goto(f"{lab.url}lab/tree/{path}?token={lab.token}")
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
    # the kernel is idle once its status in the toolbar reads so
    idle = ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']"
    expect(page.locator(idle)).to_have_count(1, timeout=60_000)


def test_the_status_item_appears_and_follows_a_cell_run(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    open_notebook(page, jupyter_lab, NOTEBOOK)
    status = page.locator(".jp-NotebookPanel-toolbar .jp-repro-status")
    expect(status).to_be_visible(timeout=30_000)
    expect(status).to_contain_text("repro:")
    # the kernel extension loads on its own: the item says the kernel is tracked
    expect(status).not_to_have_attribute("data-repro-status", "checking", timeout=30_000)
    expect(status).not_to_have_attribute("data-repro-status", "untracked")

    # the saved notebook shows [2] here; a run in the fresh kernel makes it [1]
    parameters_cell = page.locator(".jp-NotebookPanel .jp-CodeCell").nth(1)
    expect(parameters_cell.locator(".jp-InputPrompt")).to_contain_text("[2]")
    parameters_cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(parameters_cell.locator(".jp-InputPrompt")).to_contain_text("[1]", timeout=60_000)
    expect(status).to_contain_text("repro:")
    page.screenshot(path=str(artifacts_dir / "status-item.png"))
