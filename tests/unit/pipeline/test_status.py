"""Fresh or stale, and why: a lock against the notebook, its files and environment now."""

from __future__ import annotations

from jupyter_repro.core.pipeline import NotebookNode, build_pipeline
from jupyter_repro.core.pipeline_status import Current, Reason, Recorded, judge, project_status

RECORDED = Recorded(
    code_cells={0: "blake3:p", 1: "blake3:one", 3: "blake3:two"},
    parameters={"alpha": "0.5"},
    seed=None,
    inputs={"raw.csv": "blake3:raw"},
    outputs={"clean.csv": "blake3:clean"},
    imported={"pandas": "3.1.1"},
    python="3.11.7",
)


def now(**changes: object) -> Current:
    values: dict[str, object] = {
        "exists": True,
        "code_cells": {0: "blake3:p", 1: "blake3:one", 3: "blake3:two"},
        "parameter_cells": frozenset({0}),
        "parameters": {"alpha": "0.5"},
        "files": {"raw.csv": "blake3:raw", "clean.csv": "blake3:clean"},
        "distributions": {"pandas": "3.1.1"},
        "python": "3.11.7",
    }
    values.update(changes)
    return Current(**values)  # type: ignore[arg-type]


def test_a_notebook_matching_its_lock_is_fresh() -> None:
    assert judge(RECORDED, now()) == []


def test_a_markdown_cell_added_above_is_not_a_code_change() -> None:
    shifted = {0: "blake3:p", 2: "blake3:one", 4: "blake3:two"}
    assert judge(RECORDED, now(code_cells=shifted)) == []


def test_a_changed_code_cell_is_named_counting_from_one() -> None:
    changed = {0: "blake3:p", 1: "blake3:one", 3: "blake3:new"}
    assert judge(RECORDED, now(code_cells=changed)) == [
        Reason("code-changed", "cell 4 changed or added")
    ]


def test_a_deleted_code_cell_is_counted_as_removed() -> None:
    assert judge(RECORDED, now(code_cells={0: "blake3:p", 1: "blake3:one"})) == [
        Reason("code-changed", "1 cell removed")
    ]


def test_swapped_code_cells_are_a_reordering() -> None:
    swapped = {0: "blake3:p", 1: "blake3:two", 3: "blake3:one"}
    assert judge(RECORDED, now(code_cells=swapped)) == [Reason("code-changed", "cells reordered")]


def test_a_new_parameter_value_is_a_parameter_change_not_a_code_change() -> None:
    reasons = judge(
        RECORDED,
        now(
            code_cells={0: "blake3:p2", 1: "blake3:one", 3: "blake3:two"},
            parameters={"alpha": "0.7"},
        ),
    )
    assert reasons == [Reason("parameters-changed", "alpha: 0.5 -> 0.7")]


def test_changed_and_missing_inputs_and_outputs_are_each_a_reason() -> None:
    reasons = judge(RECORDED, now(files={"raw.csv": "blake3:other", "clean.csv": None}))
    assert reasons == [Reason("input-changed", "raw.csv"), Reason("output-missing", "clean.csv")]


def test_an_imported_distribution_at_another_version_is_environment_drift() -> None:
    reasons = judge(RECORDED, now(distributions={}, python="3.12.1"))
    assert reasons == [
        Reason("env-drift", "python 3.11.7 -> 3.12.1"),
        Reason("env-drift", "pandas 3.1.1 -> not installed"),
    ]


def test_a_configured_seed_unlike_the_locked_one_is_a_reason() -> None:
    assert judge(RECORDED, now(seed=7)) == [Reason("seed-changed", "None -> 7")]


def test_no_lock_and_no_notebook_are_reasons_of_their_own() -> None:
    assert judge(None, now())[0].kind == "no-lock"
    assert judge(RECORDED, Current(exists=False))[0].kind == "notebook-missing"


def test_everything_downstream_of_a_stale_notebook_is_stale() -> None:
    pipeline = build_pipeline(
        [
            NotebookNode("a.ipynb", {"raw": "h"}, {"x": "h"}),
            NotebookNode("b.ipynb", {"x": "h"}, {"y": "h"}),
            NotebookNode("c.ipynb", {"y": "h"}, {}),
            NotebookNode("d.ipynb", {"raw": "h"}, {}),
        ]
    )
    statuses = project_status(pipeline, {"a.ipynb": [Reason("input-changed", "raw")]})
    assert {s.path: s.state for s in statuses} == {
        "a.ipynb": "stale",
        "b.ipynb": "stale",
        "c.ipynb": "stale",
        "d.ipynb": "fresh",
    }
    assert statuses[2].to_json()["reasons"] == [{"kind": "upstream-stale", "detail": "b.ipynb"}]
