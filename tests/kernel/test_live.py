"""Live state asked of a running tracker: `%repro status`, with cells from the saved notebook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import CurrentCell
from jupyter_repro.kernel.live import compute_state, parse_cells


def notebook(path: Path, sources: list[tuple[str, str]]) -> None:
    cells = [
        {
            "cell_type": "code",
            "id": cid,
            "source": src,
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
        for cid, src in sources
    ]
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )


def test_status_reports_edited_stale_and_hidden_cells_from_the_frontend_cells(
    session: Any, project: Path
) -> None:
    session.run("a = 1", cell_id="x")
    session.run("b = a + 1", cell_id="y")
    session.run("secret = 42", cell_id="gone")
    session.run("a = 1", cell_id="x")
    cells = [
        CurrentCell(0, "a = 1", "x"),
        CurrentCell(1, "b = a + 2", "y"),
        CurrentCell(2, "c = secret", "z"),
    ]
    state, origin = compute_state(session.tracker, cells)
    assert origin == "frontend"
    assert [e.cell for e in state.edited] == [1]
    assert [(s.cell, s.name) for s in state.stale] == [(1, "a")]
    assert [(h.name, h.definer) for h in state.hidden] == [("secret", "deleted")]
    assert state.never_run == (2,)


def test_status_uses_the_saved_notebook_and_reports_changed_inputs(
    make_session: Any,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nb = project / "analysis.ipynb"
    notebook(nb, [("c1", "data = open('in.txt').read()"), ("c2", "n = len(data)")])
    monkeypatch.setenv("JUPYTER_REPRO_NOTEBOOK", str(nb))
    (project / "in.txt").write_text("version one")
    session = make_session()
    session.run("data = open('in.txt').read()", cell_id="c1")
    session.run("n = len(data)", cell_id="c2")
    (project / "in.txt").write_text("version two, longer")
    capsys.readouterr()
    session.run("%repro status --json")
    message = json.loads(capsys.readouterr().out)
    assert message["cells_from"] == "notebook"
    assert [(c["path"], c["status"], c["cells"]) for c in message["inputs_changed"]] == [
        ("in.txt", "changed", [0])
    ]
    session.run("%repro status")
    text = capsys.readouterr().out
    assert "input changed on disk: in.txt" in text
    assert "execution order: [1] cell 0, [2] cell 1" in text
    session.run("%repro journal")
    assert capsys.readouterr().out.strip() == str(session.tracker.journal_path)


def test_status_without_a_notebook_uses_the_cells_that_ran(
    session: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    session.run("x = 1")
    session.run("y = x + 1")
    capsys.readouterr()
    session.run("%repro status --json")
    message = json.loads(capsys.readouterr().out)
    assert message["cells_from"] == "runs"
    assert message["stale"] == [] and message["hidden"] == []


def test_status_says_tracking_is_incomplete_when_a_run_could_not_attribute_reads(
    session: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the lock and the JupyterLab status item say: a child process may read more than
    its command line shows, so the run is not fully accounted for."""
    (project / "in.txt").write_text("data")
    session.run("import subprocess\nsubprocess.run(['cat', 'in.txt'], capture_output=True)")
    capsys.readouterr()
    session.run("%repro status --json")
    message = json.loads(capsys.readouterr().out)
    assert message["tracking_complete"] is False
    assert any("child process" in reason for reason in message["incomplete"])
    session.run("%repro status")
    assert "tracking incomplete: " in capsys.readouterr().out


def test_cells_sent_by_a_frontend_are_parsed_leniently() -> None:
    cells = parse_cells(
        [{"id": "a", "index": 3, "source": ["x = 1\n", "y = 2"]}, "junk", {"source": "z = 3"}]
    )
    assert cells == [CurrentCell(3, "x = 1\ny = 2", "a"), CurrentCell(2, "z = 3", None)]
    assert parse_cells("nope") is None
