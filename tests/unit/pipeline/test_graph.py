"""The notebook graph: edges from files written and read, order, sources, provenance, errors."""

from __future__ import annotations

import pytest

from jupyter_repro.core.pipeline import NotebookNode, PipelineError, build_pipeline, provenance
from jupyter_repro.core.pipeline_render import (
    pipeline_dot,
    pipeline_json,
    pipeline_mermaid,
    pipeline_text,
    provenance_text,
)

H = {name: f"blake3:{name * 64}"[:71] for name in "abcdefg"}


def node(path: str, reads: dict[str, str], writes: dict[str, str]) -> NotebookNode:
    return NotebookNode(
        path, {p: H[h] for p, h in reads.items()}, {p: H[h] for p, h in writes.items()}
    )


PREPARE = node("prepare.ipynb", {"raw.csv": "a"}, {"clean.csv": "b"})
MODEL = node("model.ipynb", {"clean.csv": "b"}, {"model.json": "c"})
REPORT = node("report.ipynb", {"clean.csv": "b", "model.json": "c"}, {"report.md": "d"})


def test_an_edge_joins_the_notebook_writing_a_file_to_each_notebook_reading_it() -> None:
    pipeline = build_pipeline([REPORT, MODEL, PREPARE])
    assert pipeline.order == ("prepare.ipynb", "model.ipynb", "report.ipynb")
    assert pipeline.edges == {
        ("model.ipynb", "report.ipynb"): ("model.json",),
        ("prepare.ipynb", "model.ipynb"): ("clean.csv",),
        ("prepare.ipynb", "report.ipynb"): ("clean.csv",),
    }
    assert pipeline.upstream["report.ipynb"] == ("model.ipynb", "prepare.ipynb")
    assert pipeline.downstream["prepare.ipynb"] == ("model.ipynb", "report.ipynb")


def test_files_nobody_writes_are_sources_and_carry_the_hash_a_reader_recorded() -> None:
    pipeline = build_pipeline([PREPARE, MODEL])
    assert pipeline.is_source("raw.csv") and not pipeline.is_source("clean.csv")
    assert pipeline.file_hash("raw.csv") == H["a"]
    assert pipeline.file_hash("clean.csv") == H["b"]


def test_independent_notebooks_are_ordered_by_path_whatever_the_input_order() -> None:
    a = node("b.ipynb", {"x": "a"}, {"y": "b"})
    b = node("a.ipynb", {"z": "c"}, {"w": "d"})
    assert build_pipeline([a, b]).order == build_pipeline([b, a]).order == ("a.ipynb", "b.ipynb")


def test_closure_reaches_everything_upstream_or_downstream() -> None:
    pipeline = build_pipeline([PREPARE, MODEL, REPORT])
    assert pipeline.closure(["model.ipynb"], "up") == {"model.ipynb", "prepare.ipynb"}
    assert pipeline.closure(["model.ipynb"], "down") == {"model.ipynb", "report.ipynb"}


def test_two_notebooks_writing_one_file_is_an_error_naming_both() -> None:
    other = node("other.ipynb", {}, {"clean.csv": "e"})
    with pytest.raises(PipelineError) as caught:
        build_pipeline([PREPARE, other])
    assert caught.value.message == (
        "clean.csv is written by two notebooks: other.ipynb and prepare.ipynb"
    )
    assert caught.value.exit_code == 2


def test_a_cycle_is_an_error_naming_its_notebooks_in_data_order() -> None:
    a = node("a.ipynb", {"y.csv": "b"}, {"x.csv": "a"})
    b = node("b.ipynb", {"x.csv": "a"}, {"y.csv": "b"})
    c = node("c.ipynb", {"x.csv": "a"}, {"z.csv": "c"})
    with pytest.raises(PipelineError, match=r"cycle: a.ipynb -> b.ipynb -> a.ipynb$"):
        build_pipeline([a, b, c])


def test_a_notebook_updating_a_file_in_place_is_not_a_cycle() -> None:
    updater = node("update.ipynb", {"state.json": "a"}, {"state.json": "b"})
    pipeline = build_pipeline([updater])
    assert pipeline.order == ("update.ipynb",) and pipeline.edges == {}


def test_provenance_follows_producers_back_to_the_sources() -> None:
    chain = provenance(build_pipeline([PREPARE, MODEL, REPORT]), "report.md")
    assert chain.producer == "report.ipynb"
    assert [(i.path, i.producer) for i in chain.inputs] == [
        ("clean.csv", "prepare.ipynb"),
        ("model.json", "model.ipynb"),
    ]
    assert chain.inputs[1].inputs[0].inputs[0].path == "raw.csv"
    assert provenance_text(chain).splitlines()[:3] == [
        f"report.md  {'d' * 12}  <- report.ipynb",
        f"  clean.csv  {'b' * 12}  <- prepare.ipynb",
        f"    raw.csv  {'a' * 12}  (source)",
    ]


def test_provenance_says_the_hash_the_reader_read_not_the_one_written_last() -> None:
    stale_reader = node("model.ipynb", {"clean.csv": "e"}, {"model.json": "c"})
    chain = provenance(build_pipeline([PREPARE, stale_reader]), "model.json")
    assert chain.inputs[0].hash == H["e"]


def test_the_renderings_name_every_notebook_and_file() -> None:
    pipeline = build_pipeline([PREPARE, MODEL, REPORT])
    data = pipeline_json(pipeline)
    assert [n["path"] for n in data["notebooks"]] == list(pipeline.order)
    assert {f["path"]: f["source"] for f in data["files"]}["raw.csv"] is True
    assert "reads  raw.csv  aaaaaaaaaaaa  (source)" in pipeline_text(pipeline)
    assert '"prepare.ipynb" -> "file:clean.csv";' in pipeline_dot(pipeline)
    mermaid = pipeline_mermaid(pipeline)
    assert mermaid.startswith("flowchart LR\n") and '[/"report.md"/]' in mermaid
