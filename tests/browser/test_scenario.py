"""A person's session with the example notebook in JupyterLab, in the light and the dark
theme: twelve steps, each state asserted as the user reads it, each step screenshotted.

1 open the example, 2 run all, 3 edit a cell, 4 run a cell out of order, 5 delete the cell
that defines a name, 6 save and read the panel, 7 change an input on disk, 8 verify from
scratch, 9 restore the input, 10 restart and run all, 11 a new notebook, 12 its first run.
Text of the status item, markers, verdict and notices is checked for WCAG AA contrast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.lab import (
    KERNEL_TIMEOUT_MS,
    assert_readable,
    cells,
    marker,
    open_notebook,
    panel,
    run_all,
    run_cell,
    select_cell,
    use_theme,
    wait_for_change,
    wait_prompt,
)
from tests.support.servers import RunningServer

# Cell indices count every cell from 0, as the server's JSON does; people count from 1.
IMPORTS, THRESHOLD, READ_CSV, CLEAN, MONTHLY, SAVE_RESULTS = 1, 2, 3, 5, 6, 9
CODE_CELLS = 8
VERIFY_TIMEOUT_MS = 240_000


class Steps:
    """Numbered screenshots of one walk, named after the theme and the step."""

    def __init__(self, page: Page, folder: Path, theme: str) -> None:
        self.page, self.folder, self.theme, self.number = page, folder, theme, 0

    def shot(self, name: str, locator: Locator | None = None) -> None:
        self.number += 1
        path = self.folder / f"scenario-{self.theme}-{self.number:02d}-{name}.png"
        (locator or self.page).screenshot(path=str(path))


def type_at_end(page: Page, index: int, text: str) -> None:
    cells(page).nth(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_twelve_steps_in_the_lab(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path, tmp_path: Path, theme: str
) -> None:
    use_theme(tmp_path / "jupyter" / "settings", theme)
    # verify progress must come as server events: the fallback check is out of reach
    ours = tmp_path / "jupyter" / "settings" / "jupyter-repro"
    ours.mkdir(parents=True, exist_ok=True)
    (ours / "plugin.jupyterlab-settings").write_text('{"verifyPollInterval": 600000}')
    steps = Steps(page, artifacts_dir, theme)
    project = jupyter_lab.root
    side = panel(page)

    # 1. open the example: tracked from the kernel's start, nothing run yet
    status = open_notebook(page, jupyter_lab)
    expect(page.locator("body")).to_have_attribute(
        "data-jp-theme-light", "true" if theme == "light" else "false"
    )
    expect(status).to_have_attribute("title", re.compile("0 cell runs journaled"))
    expect(status).to_have_text("repro: ok")
    assert_readable(status, "status item, ok")
    steps.shot("open")

    # 2. run all: every cell journaled, reproducible so far
    run_all(page)
    wait_prompt(page, SAVE_RESULTS, CODE_CELLS)
    expect(status).to_have_attribute("title", re.compile(f"{CODE_CELLS} cell runs journaled"))
    expect(status).to_have_attribute("data-repro-status", "reproducible")
    steps.shot("run-all")

    # 3. edit a cell without running it: marked, and the pair waits for the save
    type_at_end(page, THRESHOLD, "  # edited")
    edited = marker(page, THRESHOLD)
    expect(edited).to_have_attribute("data-rules", re.compile("edited-after-run"))
    assert_readable(edited, "cell marker")
    status.click()
    expect(side).to_be_visible()
    expect(side.locator(".jp-repro-pair-state")).to_contain_text("will sync on save")
    expect(side.locator(".jp-repro-finding[data-rule='pair-out-of-sync']")).to_have_count(0)
    expect(status).to_have_attribute("data-repro-status", "warnings")
    assert_readable(status, "status item, warnings")
    steps.shot("edit")

    # 4. run that cell again, out of order: the cells after it are marked
    run_cell(page, THRESHOLD)
    wait_prompt(page, THRESHOLD, CODE_CELLS + 1)
    expect(status).to_have_attribute("data-repro-status", "findings")
    expect(status).to_contain_text(re.compile(r"repro: \d+ findings?"))
    out_of_order = marker(page, READ_CSV)
    expect(out_of_order).to_have_attribute("title", re.compile(r"out-of-order: ran as \[3\]"))
    assert_readable(status, "status item, findings")
    assert_readable(out_of_order, "cell marker, error")
    steps.shot("out-of-order")
    steps.shot("out-of-order-cell", cells(page).nth(READ_CSV))

    # 5. delete the cell that defines threshold_pm25: its user depends on hidden state; the
    #    finding follows the cell (6th of 9 now), by keyboard too
    select_cell(page, THRESHOLD)
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(cells(page)).to_have_count(9)
    user = MONTHLY - 1
    hidden = marker(page, user)
    expect(hidden).to_have_attribute("title", re.compile(r"hidden-state: uses `threshold_pm25`"))
    finding = side.locator(".jp-repro-finding[data-rule='hidden-state']").first
    expect(finding.locator(".jp-repro-finding-where")).to_have_text(f"cell {user + 1}")
    expect(finding).to_have_attribute("role", "button")
    finding.focus()
    page.keyboard.press("Enter")
    expect(cells(page).nth(user)).to_have_class(re.compile("jp-mod-active"))
    steps.shot("hidden-state")
    select_cell(page, user - 1)
    page.keyboard.press("z")  # undo the deletion: the definition is back
    expect(cells(page)).to_have_count(10)
    expect(marker(page, MONTHLY)).not_to_have_attribute("data-rules", re.compile("hidden-state"))

    # 6. save: the lock is written beside the notebook; the panel lists what it holds
    lock_file = project / "air-quality" / "analysis.repro.json"
    before = lock_file.read_text()
    page.keyboard.press("Control+s")
    wait_for_change(lock_file, before)
    assert len(json.loads(lock_file.read_text())["code"]["cells"]) == CODE_CELLS
    inputs = side.locator("[data-section='inputs']")
    expect(inputs.locator(".jp-repro-file").first).to_have_attribute("data-status", "ok")
    expect(inputs).to_contain_text("data/measurements.csv")
    expect(side.locator("[data-section='environment']")).to_contain_text("pandas")
    expect(side.locator("[data-section='history'] .jp-repro-snapshot")).to_have_count(1)
    expect(side.locator(".jp-repro-pair-state")).to_contain_text("in sync")
    assert_readable(side.locator(".jp-repro-panel-summary"), "panel summary")
    steps.shot("saved-panel")

    # 7. the input changes on disk: the server says so, nobody polls; the panel re-renders
    #    and the keyboard stays where it was
    first_finding = side.locator(".jp-repro-finding").first
    first_finding.focus()
    data_file = project / "air-quality" / "data" / "measurements.csv"
    with data_file.open("a") as data:
        data.write("2023-12-31,riverside,99.0,1.0,50.0\n")
    changed = inputs.locator(".jp-repro-file[data-status='changed']")
    expect(changed).to_contain_text("changed on disk")
    expect(first_finding).to_be_focused()
    assert_readable(changed.locator(".jp-repro-file-warning"), "changed-on-disk warning")
    steps.shot("input-changed", side)

    # 8. verify from scratch: the kernel starts, then cells run, then a verdict
    side.locator("button[data-action='verify']").click()
    verdict = side.locator(".jp-repro-verdict")
    expect(verdict).to_contain_text("rerunning from scratch… starting a fresh kernel")
    verdicts = re.compile("^(reproduced|not-reproduced|failed)$")
    expect(verdict).to_have_attribute("data-verdict", verdicts, timeout=VERIFY_TIMEOUT_MS)
    expect(verdict).to_have_attribute("data-outdated", "false")
    # long lines (diffs, failures, paths) wrap inside the panel instead of being clipped
    assert side.evaluate("node => node.scrollWidth <= node.clientWidth")
    assert_readable(verdict, "verify verdict")
    steps.shot("verified", side)

    # 9. restore the input from the snapshot: the verdict is about a state that is gone
    side.locator("[data-section='history'] button[data-action='restore']").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    notice = side.locator(".jp-repro-notice")
    expect(notice).to_contain_text("restored 1 input")
    assert_readable(notice.locator(".jp-repro-notice-text"), "notice")
    expect(inputs.locator(".jp-repro-file").first).to_have_attribute("data-status", "ok")
    assert "2023-12-31,riverside,99.0" not in data_file.read_text()
    expect(verdict).to_have_attribute("data-outdated", "true")
    steps.shot("restored", side)
    notice.locator("button[data-action='dismiss']").click()
    expect(notice).to_have_count(0)

    # 10. restart and run all from the notebook's menu: ok, without a save
    page.locator(".jp-NotebookPanel-toolbar .jp-repro-menu-button").click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart kernel and run all (tracked)").click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    expect(status).to_have_attribute(
        "title", re.compile(f"{CODE_CELLS} cell runs journaled"), timeout=KERNEL_TIMEOUT_MS
    )
    expect(status).to_have_text("repro: ok")
    steps.shot("restart-run-all")

    # 11. a new notebook: its own status item, tracked; not paired yet (a warning)
    page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^New$")).first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Notebook$")).first.click()
    dialog = page.locator(".jp-Dialog button.jp-mod-accept")
    dialog.click()
    current = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    new_status = current.locator(".jp-repro-status")
    expect(new_status).to_have_attribute(
        "title", re.compile("unpaired; 0 cell runs journaled"), timeout=KERNEL_TIMEOUT_MS
    )
    expect(new_status).to_have_text("repro: 1 finding")
    steps.shot("new-notebook")

    # 12. its first run is journaled and the item changes with it
    before_run = new_status.get_attribute("title")
    current.locator(".jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.type("x = 1")
    page.keyboard.press("Shift+Enter")
    expect(new_status).to_have_attribute("title", re.compile("1 cell run journaled"))
    assert new_status.get_attribute("title") != before_run
    assert_readable(new_status, "status item of the new notebook")
    steps.shot("new-notebook-run")
