"""`dag`, `why` and `status` on projects of locked notebooks (nothing is executed)."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_repro.core.journal import CellRun, FileAccess, JournalHeader
from jupyter_repro.core.lock import hash_text
from jupyter_repro.io.journals import JournalWriter
from tests.support.pipeline_projects import Cli, Spec, chain_project, write_locked, write_notebook


def three_notebooks(root: Path) -> None:
    (root / "data").mkdir()
    (root / "data/raw.csv").write_text("t,s\n20,100\n")
    write_locked(
        root,
        Spec(
            "prepare.ipynb",
            ["raw = open('data/raw.csv').read()", "open('data/clean.csv', 'w').write(raw)"],
            reads=["data/raw.csv"],
            writes={"data/clean.csv": "t,s\n20,100\n"},
            parameter_cell="threshold = 15.0",
        ),
    )
    write_locked(
        root,
        Spec(
            "model.ipynb",
            ["clean = open('data/clean.csv').read()", "open('model.json', 'w').write('{}')"],
            reads=["data/clean.csv"],
            writes={"model.json": "{}"},
        ),
    )
    write_locked(
        root,
        Spec(
            "report.ipynb",
            ["m = open('model.json').read()", "open('report.md', 'w').write(m)"],
            reads=["model.json", "data/clean.csv"],
            writes={"report.md": "{}"},
        ),
    )


def test_dag_lists_notebooks_in_run_order_with_their_files(project: Path, cli: Cli) -> None:
    three_notebooks(project)
    code, out, err = cli("dag", project, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [n["path"] for n in data["notebooks"]] == [
        "prepare.ipynb",
        "model.ipynb",
        "report.ipynb",
    ]
    assert {f["path"]: f["producer"] for f in data["files"]} == {
        "data/clean.csv": "prepare.ipynb",
        "data/raw.csv": None,
        "model.json": "model.ipynb",
        "report.md": "report.ipynb",
    }
    assert data["files"][1]["hash"].startswith("blake3:")
    code, out, _ = cli("dag", "--format", "mermaid", cwd=project)
    assert code == 0 and out.startswith("flowchart LR")


def test_a_notebook_not_locked_yet_joins_the_graph_from_its_journal(
    project: Path, cli: Cli
) -> None:
    three_notebooks(project)
    write_notebook(
        project / "summary.ipynb", Spec("summary.ipynb", ["s = open('report.md').read()"])
    )
    write_notebook(project / "scratch.ipynb", Spec("scratch.ipynb", ["print(1)"]))
    source = "s = open('report.md').read()"
    read = FileAccess("report.md", "read", 2, 0.0, "blake3:" + "e" * 64)
    writer = JournalWriter(project / ".repro" / "journal" / "k-1-1.jsonl")
    writer.write(JournalHeader("k", "summary.ipynb", str(project), str(project), 1.0, 1))
    writer.write(CellRun(1, 1, None, hash_text(source), source, 1.0, 0.1, "ok", reads=(read,)))
    writer.close()
    code, out, _ = cli("dag", project, "--format", "json")
    assert code == 0
    notebooks = {n["path"]: n for n in json.loads(out)["notebooks"]}
    assert "scratch.ipynb" not in notebooks  # neither locked nor journaled
    assert notebooks["summary.ipynb"]["from"] == "journal"
    assert notebooks["summary.ipynb"]["upstream"] == ["report.ipynb"]


def test_two_notebooks_writing_one_file_is_a_one_line_error(project: Path, cli: Cli) -> None:
    three_notebooks(project)
    write_locked(project, Spec("again.ipynb", ["x = 1"], writes={"model.json": "{}"}))
    code, out, err = cli("dag", project)
    assert code == 2 and out == ""
    assert err == (
        "jupyter-repro dag: model.json is written by two notebooks: again.ipynb and model.ipynb\n"
    )


def test_a_cycle_is_a_one_line_error_naming_the_notebooks(project: Path, cli: Cli) -> None:
    (project / "a.txt").write_text("a")
    write_locked(project, Spec("one.ipynb", ["x = 1"], reads=["a.txt"], writes={"b.txt": "b"}))
    write_locked(project, Spec("two.ipynb", ["x = 2"], reads=["b.txt"], writes={"a.txt": "a"}))
    code, _, err = cli("status", project)
    assert code == 2
    assert err.strip().endswith("cycle: one.ipynb -> two.ipynb -> one.ipynb")


def test_why_prints_the_chain_of_notebooks_and_hashes_behind_a_file(
    project: Path, cli: Cli
) -> None:
    three_notebooks(project)
    code, out, err = cli("why", project / "report.md")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("report.md  ") and lines[0].endswith("<- report.ipynb")
    assert lines[1].strip().startswith("data/clean.csv") and "<- prepare.ipynb" in lines[1]
    assert lines[2].strip().endswith("(source)") and "data/raw.csv" in lines[2]
    code, out, _ = cli("why", project / "data/raw.csv")
    assert code == 0 and "is a source" in out


def test_why_on_a_file_no_notebook_touches_is_bad_input(project: Path, cli: Cli) -> None:
    three_notebooks(project)
    (project / "notes.txt").write_text("x")
    code, _, err = cli("why", project / "notes.txt")
    assert code == 2 and "no notebook of the project reads or writes it" in err


def test_status_of_an_untouched_project_is_all_fresh(project: Path, cli: Cli) -> None:
    three_notebooks(project)
    code, out, err = cli("status", project)
    assert code == 0, err
    assert out.split() == [
        "fresh",
        "prepare.ipynb",
        "fresh",
        "model.ipynb",
        "fresh",
        "report.ipynb",
    ]


def test_status_says_why_and_marks_the_downstream_stale(project: Path, cli: Cli) -> None:
    three_notebooks(project)
    (project / "data/raw.csv").write_text("t,s\n21,110\n")
    code, out, _ = cli("status", project, "--format", "json")
    assert code == 1
    states = {n["path"]: (n["state"], n["reasons"]) for n in json.loads(out)["notebooks"]}
    assert states["prepare.ipynb"] == (
        "stale",
        [{"kind": "input-changed", "detail": "data/raw.csv"}],
    )
    assert states["model.ipynb"] == (
        "stale",
        [{"kind": "upstream-stale", "detail": "prepare.ipynb"}],
    )
    assert states["report.ipynb"][0] == "stale"


def test_status_names_a_code_change_by_its_cell_and_a_missing_output(
    project: Path, cli: Cli
) -> None:
    three_notebooks(project)
    notebook = json.loads((project / "model.ipynb").read_text())
    notebook["cells"][0]["source"] = "clean = open('data/clean.csv').read().strip()"
    (project / "model.ipynb").write_text(json.dumps(notebook))
    (project / "report.md").unlink()
    code, out, _ = cli("status", project)
    assert code == 1
    assert "code-changed: cell 1 changed or added" in out
    assert "output-missing: report.md" in out


def test_status_over_many_notebooks_reads_each_lock_once(project: Path, cli: Cli) -> None:
    chain_project(project, 12, width=3)
    code, out, _ = cli("status", project, "--format", "json")
    assert code == 0
    assert len(json.loads(out)["notebooks"]) == 12


def test_the_example_pipeline_is_prepare_then_model_then_report(cli: Cli) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "pipeline"
    code, out, err = cli("dag", example, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [n["path"] for n in data["notebooks"]] == [
        "prepare.ipynb",
        "model.ipynb",
        "report.ipynb",
    ]
    assert [(e["from"], e["to"]) for e in data["edges"]] == [
        ("model.ipynb", "report.ipynb"),
        ("prepare.ipynb", "model.ipynb"),
        ("prepare.ipynb", "report.ipynb"),
    ]


def test_status_never_opens_a_file_outside_the_project_that_a_lock_names(
    project: Path, cli: Cli
) -> None:
    outside = project.parent / "outside.txt"
    outside.write_text("secret")
    write_locked(project, Spec("peek.ipynb", ["x = 1"], reads=["../outside.txt"]))
    outside.write_text("changed since the lock")
    code, out, _ = cli("status", project)
    assert code == 0
    assert out.split() == ["fresh", "peek.ipynb"]
