"""A person works on the example notebook in JupyterLab; jupyter-repro shows what it sees.

The status item, the cell markers and the side panel are checked as a user reads them:
text, tooltips, and the files jupyter-repro leaves on disk.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.lab import (
    NOTEBOOK,
    cells,
    marker,
    open_notebook,
    panel,
    run_all,
    run_cell,
    select_cell,
    wait_for_change,
    wait_prompt,
)
from tests.support.servers import RunningServer

# Cell indices count every cell from 0, as the findings do.
IMPORTS, THRESHOLD, READ_CSV, CLEAN, MONTHLY, SAVE_RESULTS = 1, 2, 3, 5, 6, 9
CODE_CELLS = 8
# The budget is one second from a cell finishing; shared CI machines get some slack.
STATUS_LATENCY_S = 2.0


def test_a_session_in_the_lab_from_clean_run_to_verify(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    status = open_notebook(page, jupyter_lab)
    project = jupyter_lab.root

    # a clean run top to bottom: reproducible so far
    run_all(page)
    wait_prompt(page, SAVE_RESULTS, CODE_CELLS)
    expect(status).to_have_attribute("data-repro-status", "reproducible", timeout=10_000)
    expect(status).to_have_text("repro: ok")

    # running a cell again, out of order: the status changes within the budget
    run_cell(page, THRESHOLD)
    seen = wait_prompt(page, THRESHOLD, CODE_CELLS + 1)
    expect(status).to_have_attribute(
        "data-repro-status", "findings", timeout=int(STATUS_LATENCY_S * 1000)
    )
    latency = time.monotonic() - seen
    assert latency < STATUS_LATENCY_S, f"status took {latency:.2f} s after the cell finished"
    (artifacts_dir / "status-latency.txt").write_text(
        f"status changed {latency:.3f} s after the cell's prompt did\n"
    )
    expect(status).to_contain_text(re.compile(r"repro: \d+ findings?"))
    out_of_order = marker(page, READ_CSV)
    expect(out_of_order).to_be_visible()
    expect(out_of_order).to_have_attribute("title", re.compile(r"out-of-order: ran as \[3\]"))
    cells(page).nth(READ_CSV).screenshot(path=str(artifacts_dir / "marked-cell-out-of-order.png"))

    # deleting the cell that defines threshold_pm25: its users now depend on hidden state
    select_cell(page, THRESHOLD)
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(cells(page)).to_have_count(9)
    hidden = marker(page, MONTHLY - 1)
    expect(hidden).to_have_attribute("data-rules", re.compile("hidden-state"), timeout=10_000)
    expect(hidden).to_have_attribute("title", re.compile(r"hidden-state: uses `threshold_pm25`"))
    cells(page).nth(MONTHLY - 1).screenshot(
        path=str(artifacts_dir / "marked-cell-hidden-state.png")
    )

    # saving rewrites the lock beside the notebook; the panel lists inputs and environment
    lock_file = project / "air-quality" / "analysis.repro.json"
    before = lock_file.read_text() if lock_file.exists() else ""
    page.keyboard.press("Control+s")
    wait_for_change(lock_file, before)
    lock = json.loads(lock_file.read_text())
    assert "data/measurements.csv" in lock["inputs"]
    assert len(lock["code"]["cells"]) == CODE_CELLS - 1
    status.click()
    side = panel(page)
    expect(side).to_be_visible()
    inputs = side.locator("[data-section='inputs']")
    expect(inputs).to_contain_text("data/measurements.csv", timeout=10_000)
    expect(inputs.locator(".jp-repro-file").first).to_have_attribute("data-status", "ok")
    expect(side.locator("[data-section='environment']")).to_contain_text("Python: CPython 3.")
    expect(side.locator("[data-section='environment']")).to_contain_text("pandas")
    expect(side.locator("[data-section='history'] .jp-repro-snapshot")).to_have_count(
        1, timeout=10_000
    )
    # a finding in the panel jumps to its cell
    side.locator(".jp-repro-finding[data-rule='hidden-state']").first.click()
    expect(cells(page).nth(MONTHLY - 1)).to_have_class(re.compile("jp-mod-active"))
    page.screenshot(path=str(artifacts_dir / "panel-after-save.png"))

    # the input changes on disk: the panel warns without anyone touching the notebook
    data_file = project / "air-quality" / "data" / "measurements.csv"
    with data_file.open("a") as data:
        data.write("2023-12-31,riverside,99.0,1.0,50.0\n")
    changed = inputs.locator(".jp-repro-file[data-status='changed']")
    expect(changed).to_contain_text("changed on disk", timeout=15_000)
    side.locator("[data-section='environment']").scroll_into_view_if_needed()
    side.screenshot(path=str(artifacts_dir / "panel-inputs-environment.png"))

    # time travel: the snapshot's copy of the input comes back from the store
    side.locator("[data-section='history'] button[data-action='restore']").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    expect(side.locator(".jp-repro-notice")).to_contain_text("restored 1 input", timeout=15_000)
    expect(inputs.locator(".jp-repro-file").first).to_have_attribute(
        "data-status", "ok", timeout=15_000
    )
    assert "2023-12-31,riverside,99.0" not in data_file.read_text()

    # verify from scratch runs in the background and ends with a verdict
    side.locator("button[data-action='verify']").click()
    verdict = side.locator(".jp-repro-verdict")
    expect(verdict).to_contain_text("rerunning from scratch", timeout=10_000)
    expect(status).to_be_visible()  # the notebook stays usable meanwhile
    expect(verdict).to_have_attribute(
        "data-verdict", re.compile("^(reproduced|not-reproduced|failed)$"), timeout=180_000
    )
    assert verdict.text_content()
    page.screenshot(path=str(artifacts_dir / "panel-after-verify.png"))


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
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All (reproducibly)").click()
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
    page: Page, jupyter_lab: RunningServer, tmp_path: Path
) -> None:
    # the user turned automatic loading off; nothing else loads the extension in this kernel
    settings = tmp_path / "jupyter" / "settings" / "jupyter-repro"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"loadKernelExtension": false}')
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{jupyter_lab.url}lab/tree/{NOTEBOOK}?token={jupyter_lab.token}")
    status = page.locator(".jp-NotebookPanel-toolbar .jp-repro-status")
    expect(status).to_have_attribute("data-repro-status", "untracked", timeout=90_000)
    expect(status).to_have_text("repro: not tracked")
    expect(status).to_have_attribute("title", re.compile("not loaded in this kernel"))
