"""One matching of journal runs to notebook cells, used by the lock and the live state."""

from __future__ import annotations

from jupyter_repro.core.journal import CellRun, CurrentCell, Journal, JournalHeader, match_runs
from jupyter_repro.core.lock import execution_section, files_sections


def run(seq: int, source: str, cell_id: str | None) -> CellRun:
    return CellRun(seq, seq, cell_id, "h", source, 0.0, 0.0, "ok")


def test_runs_follow_cell_ids_wherever_the_cell_moved() -> None:
    cells = [CurrentCell(3, "a = 1", "x"), CurrentCell(1, "b = 2", "y")]
    assert match_runs([run(1, "a = 1", "x"), run(2, "b = 2", "y")], cells) == {1: 3, 2: 1}


def test_a_run_of_a_deleted_cell_is_not_given_to_a_cell_with_the_same_code() -> None:
    cells = [CurrentCell(1, "a = 1", "kept")]
    assert match_runs([run(1, "a = 1", "deleted")], cells) == {}


def test_without_cell_ids_runs_match_by_source_trailing_whitespace_aside() -> None:
    cells = [CurrentCell(0, "a = 1\n"), CurrentCell(2, "b = 2")]
    assert match_runs([run(1, "a = 1  ", None), run(2, "c = 3", None)], cells) == {1: 0}


def test_the_lock_and_the_live_state_match_the_same_runs() -> None:
    nb_cells = [
        {"cell_type": "markdown", "source": "# t", "id": "m"},
        {"cell_type": "code", "source": "a = 1", "id": "kept"},
    ]
    header = JournalHeader("k", "nb.ipynb", "/p", "/p", 0.0, 1)
    journal = Journal(header, (run(1, "a = 1", "deleted"), run(2, "a = 1", "kept")))
    summary = execution_section(journal, nb_cells, ())
    assert "some recorded runs belong to cells no longer in the notebook" in summary.missing
    inputs, _ = files_sections(journal, nb_cells, {})
    assert inputs == {}
    current = [CurrentCell(1, "a = 1", "kept")]
    assert match_runs(journal.runs, current) == {2: 1}
