"""A person opens the example notebook in JupyterLab and runs a cell: the status item
follows, with one request to the server and no notebook source sent again."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.lab import (
    StatusRequests,
    cells,
    open_notebook,
    run_cell,
    wait_prompt,
)
from tests.support.servers import RunningServer

IMPORTS, THRESHOLD = 1, 2  # cell indices, every cell counted from 0 (saved as [1], [2])


def test_a_cell_run_changes_the_status_with_one_request_and_no_source(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    requests = StatusRequests(page)
    status = open_notebook(page, jupyter_lab)
    expect(status).to_have_attribute("title", re.compile("0 cell runs journaled"))
    before = status.get_attribute("title")

    # the threshold cell first, in the fresh kernel: [2] becomes [1], out of order
    run_cell(page, THRESHOLD)
    wait_prompt(page, THRESHOLD, 1)
    # the item changes: the kernel journaled the run and the server judged it
    expect(status).to_have_attribute("title", re.compile("1 cell run journaled"))
    assert status.get_attribute("title") != before
    page.screenshot(path=str(artifacts_dir / "status-item-after-run.png"))

    # an edit afterwards is the one next request, and carries only the edited source
    with requests.expect(lambda body: "# edited" in sources(body).get(IMPORTS, "")):
        cells(page).nth(IMPORTS).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+End")
        page.keyboard.type("  # edited")
    after_run = [b for b in requests.bodies if count_of(b, THRESHOLD) == 1]
    assert len(after_run) == 2, [sources(b) for b in after_run]  # the run's, the edit's
    run_request, edit_request = after_run
    assert sources(run_request) == {}, "the cell run sent notebook sources again"
    assert list(sources(edit_request)) == [IMPORTS]
    full = next(b for b in requests.bodies if len(sources(b)) == len(b["cells"]))
    size = {name: len(json.dumps(body)) for name, body in (("full", full), ("run", run_request))}
    (artifacts_dir / "status-requests.txt").write_text(
        f"status requests after one cell run: {len(after_run) - 1}\n"
        f"bytes sent for the run: {size['run']}, "
        f"{size['run'] / size['full']:.2f} of the first request with every source "
        f"({size['full']} bytes)\n"
    )


def sources(body: dict[str, object]) -> dict[int, str]:
    """The sources a status request carried, by cell index."""
    cells_sent = body.get("cells") or []
    assert isinstance(cells_sent, list)
    return {i: c["source"] for i, c in enumerate(cells_sent) if "source" in c}


def count_of(body: dict[str, object], index: int) -> object:
    cells_sent = body.get("cells") or []
    assert isinstance(cells_sent, list)
    return cells_sent[index].get("execution_count") if len(cells_sent) > index else None
