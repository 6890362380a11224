"""The panel's verify in a clean environment, its pipeline section and its run comparison.

One test runs a real clean-environment verify end to end; another answers the verify
routes with a stand-in, to check what the Lab sends and how it shows each kind of answer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.lab import assert_readable, open_notebook, panel
from tests.support.pipeline_projects import Spec, write_locked
from tests.support.run_records import RUN_A, RUN_B, SLOPE_CELL, two_runs
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

VERIFY_ROUTES = re.compile(r"/jupyter-repro/verify(/[0-9a-f]+)?(\?.*)?$")
REBUILT = {
    "rebuilt_from_lock": True,
    "path": "/cache/jupyter-repro/envs/0123abcd",
    "interpreter": "/cache/jupyter-repro/envs/0123abcd/bin/python",
    "cache": "hit",
    "builder": "uv",
}


def _job(state: str, isolated: bool, result: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": "0123abcd" if isolated else "4567cdef",
        "path": "air-quality/analysis.ipynb",
        "state": state,
        "elapsed": 2.0,
        "progress": {"done": None, "total": 8, "phase": "starting", "running": None},
        "result": result,
        "message": None,
        "exit_code": None if state == "running" else 0,
        "isolated": isolated,
    }


class VerifyStandIn:
    """Answers the verify routes: a started job runs until the test lets it finish."""

    def __init__(self, page: Page) -> None:
        self.started: list[dict[str, Any]] = []
        self.waiting: list[Route] = []
        self.finished: dict[str, Any] | None = None  # the running job's result, once let go
        self.result: dict[str, Any] | None = None  # a from-scratch job's, at once
        page.route(VERIFY_ROUTES, self._answer)

    def _answer(self, route: Route) -> None:
        request = route.request
        if request.method == "POST":
            body: dict[str, Any] = request.post_data_json or {}
            self.started.append(body)
            isolated = body.get("isolated") is True
            done = self.result is not None and not isolated
            job = _job("done" if done else "running", isolated, self.result if done else None)
            route.fulfill(json=job)
        elif request.url.split("?")[0].endswith("/verify"):
            route.fulfill(status=404, json={"message": "no verify job"})
        elif self.finished is None:
            self.waiting.append(route)  # held until `finish`
        else:
            route.fulfill(json=_job("done", True, self.finished))

    def finish(self, result: dict[str, Any]) -> None:
        self.finished = result
        for route in self.waiting:
            route.fulfill(json=_job("done", True, result))
        self.waiting.clear()


def test_verify_in_a_clean_environment_says_which_environment_ran(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path, tmp_path: Path
) -> None:
    settings = tmp_path / "jupyter" / "settings" / "jupyter-repro"
    settings.mkdir(parents=True, exist_ok=True)
    # no server events come from the stand-in: ask for the job's state soon
    (settings / "plugin.jupyterlab-settings").write_text('{"verifyPollInterval": 1000}')
    stand_in = VerifyStandIn(page)
    status = open_notebook(page, jupyter_lab)
    status.click()
    side = panel(page)
    expect(side).to_be_visible()

    clean = side.locator("button[data-action='verify-isolated']")
    expect(clean).to_have_text("Verify in a clean environment")
    # its label wraps inside the button in the narrow panel, overlapping nothing
    snapshot = side.locator("button[data-action='snapshot']")
    expect(clean).to_be_visible()
    expect(snapshot).to_be_visible()
    box, after = clean.bounding_box(), snapshot.bounding_box()
    assert box is not None and after is not None
    assert box["y"] + box["height"] <= after["y"] or box["x"] + box["width"] <= after["x"]
    assert clean.evaluate("node => node.scrollHeight <= node.clientHeight")
    clean.focus()
    page.keyboard.press("Enter")  # reachable from the keyboard
    verdict = side.locator(".jp-repro-verdict")
    expect(verdict).to_contain_text("rerunning in a clean environment… building it")
    assert stand_in.started == [{"path": "air-quality/analysis.ipynb", "isolated": True}]
    expect(clean).to_be_disabled()
    page.screenshot(path=str(artifacts_dir / "panel-verify-clean-running.png"))

    stand_in.finish(
        {
            "path": "air-quality/analysis.ipynb",
            "verdict": "reproduced",
            "cells": [{"cell": 1, "status": "same"}],
            "ran_in": REBUILT,
        }
    )
    expect(verdict).to_have_attribute("data-verdict", "reproduced")
    ran_in = side.locator(".jp-repro-ran-in")
    expect(ran_in).to_have_text(
        "ran in: an environment rebuilt from the lock, "
        "/cache/jupyter-repro/envs/0123abcd/bin/python (cache hit, built with uv)"
    )
    expect(ran_in).to_have_attribute("data-rebuilt", "true")
    assert_readable(ran_in, "ran-in line")
    side.screenshot(path=str(artifacts_dir / "panel-verify-clean-done.png"))

    # from scratch, on a notebook with no recorded output: nothing to compare, not "reproduced"
    stand_in.result = {
        "path": "air-quality/analysis.ipynb",
        "verdict": "nothing-to-compare",
        "cells": [{"cell": 1, "status": "not-run"}],
        "ran_in": {"rebuilt_from_lock": False, "interpreter": "python3"},
    }
    side.locator("button[data-action='verify']").click()
    expect(verdict).to_have_attribute("data-verdict", "nothing-to-compare")
    expect(verdict).to_contain_text("nothing to compare")
    expect(ran_in).to_have_text("ran in: the current environment (kernel python3)")
    assert stand_in.started[-1] == {"path": "air-quality/analysis.ipynb"}


def test_a_real_clean_environment_verify_reruns_in_the_environment_rebuilt_from_the_lock(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    status = open_notebook(page, jupyter_lab)
    status.click()
    side = panel(page)
    side.locator("button[data-action='verify-isolated']").click()
    verdict = side.locator(".jp-repro-verdict")
    expect(verdict).to_have_attribute(
        "data-verdict", re.compile("^(reproduced|not-reproduced|failed)$"), timeout=600_000
    )
    ran_in = side.locator(".jp-repro-ran-in")
    expect(ran_in).to_have_attribute("data-rebuilt", "true")
    expect(ran_in).to_contain_text(
        re.compile(r"rebuilt from the lock, .*python \(cache (hit|miss)")
    )
    # the verify recorded a run: the pipeline section lists it
    run = side.locator("[data-section='pipeline'] .jp-repro-run")
    expect(run).to_have_count(1)
    expect(run).to_contain_text("verify")
    side.screenshot(path=str(artifacts_dir / "panel-verify-clean-real.png"))


def test_the_pipeline_section_shows_neighbours_opens_them_and_compares_two_runs(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    project = jupyter_lab.root / "air-quality"
    write_locked(
        project,
        Spec(
            "summary.ipynb",
            ["m = open('results/monthly_pm25.csv').read()"],
            reads=["results/monthly_pm25.csv"],
        ),
    )
    two_runs(project)
    status = open_notebook(page, jupyter_lab)
    status.click()
    side = panel(page)
    pipeline = side.locator("[data-section='pipeline']")
    state = pipeline.locator(".jp-repro-pipeline-state")
    expect(state).to_have_attribute("data-state", re.compile("^(fresh|stale)$"), timeout=30_000)

    graph = pipeline.locator("[data-graph='lineage']")
    expect(graph.locator(".jp-repro-graph-current")).to_have_text("analysis.ipynb")
    expect(graph.locator("[data-layer='upstream']")).to_have_count(0)
    downstream = graph.locator("[data-layer='downstream'] [data-notebook='summary.ipynb']")
    expect(downstream).to_contain_text("reads results/monthly_pm25.csv")
    expect(downstream).to_have_attribute("role", "button")
    expect(graph.locator("[data-link='downstream']")).to_have_count(1)

    runs = pipeline.locator(".jp-repro-run")
    expect(runs).to_have_count(2)
    expect(runs.first).to_have_attribute("data-run", RUN_B)  # newest first
    expect(runs.first).to_contain_text("slope -0.5")
    runs.nth(1).click()
    expect(runs.nth(1)).to_have_attribute("aria-checked", "true")
    runs.first.focus()
    page.keyboard.press(" ")  # the keyboard selects too
    compare = pipeline.locator(".jp-repro-compare")
    expect(compare).to_have_attribute("data-compare", "differs", timeout=30_000)
    expect(compare).to_contain_text(f"a: {RUN_A}")
    rows = compare.locator("tr[data-section]")
    expect(rows).to_have_count(2)
    expect(compare.locator("tr[data-section='metrics']")).to_contain_text("-0.81")
    differing = compare.locator(".jp-repro-compare-cell")
    expect(differing).to_have_attribute("data-cell", str(SLOPE_CELL))
    expect(differing.locator(".jp-repro-diff")).to_contain_text("+++ b")
    assert side.evaluate("node => node.scrollWidth <= node.clientWidth")
    pipeline.screenshot(path=str(artifacts_dir / "panel-pipeline-compare.png"))

    # choosing another run drops the comparison until two are chosen again
    runs.nth(1).click()
    expect(compare).to_have_count(0)

    downstream.click()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="summary.ipynb")
    expect(tab).to_have_count(1, timeout=30_000)
    expect(tab).to_have_class(re.compile("lm-mod-current"))
    page.screenshot(path=str(artifacts_dir / "panel-pipeline-opened-downstream.png"))


def test_snapshot_rows_say_whether_their_inputs_are_on_the_remote(
    page: Page, jupyter_lab: RunningServer, artifacts_dir: Path
) -> None:
    project = jupyter_lab.root / "air-quality"
    (project / ".shared-store").mkdir()  # the example's file:// remote, empty
    status = open_notebook(page, jupyter_lab)
    status.click()
    side = panel(page)
    side.locator("button[data-action='snapshot']").click()
    row = side.locator("[data-section='history'] .jp-repro-snapshot").first
    remote = row.locator(".jp-repro-snapshot-remote")
    expect(remote).to_have_attribute("data-on-remote", "no", timeout=30_000)
    expect(remote).to_contain_text("not all on shared")
    side.locator("[data-section='history']").screenshot(
        path=str(artifacts_dir / "panel-history-not-on-remote.png")
    )
    assert json.loads((project / "analysis.repro.json").read_text())["inputs"]
