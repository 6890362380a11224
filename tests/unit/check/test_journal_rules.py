"""Rules that read the kernel's journal: edited-after-run, stale-cell, hidden state of deleted
cells, and reads outside the project."""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_repro.core.journal import FileAccess
from tests.support.check_projects import run, write_journal, write_notebook


def _rules(notebooks: list[dict[str, object]]) -> set[tuple[str, object]]:
    return {(f["rule"], f["cell"]) for f in notebooks[0]["findings"]}  # type: ignore[index, union-attr]


def test_a_cell_edited_after_the_run_that_made_its_outputs_is_reported(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 2", 1)])
    write_journal(project, "nb.ipynb", [run(1, "x = 1", 1, "cell-0", defines=("x",))])
    assert ("edited-after-run", 0) in _rules(check_json(str(nb))[1])


def test_an_unedited_cell_is_not_reported_as_edited(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_journal(project, "nb.ipynb", [run(1, "x = 1", 1, "cell-0", defines=("x",))])
    code, notebooks = check_json(str(nb))
    assert notebooks[0]["findings"] == [] and code == 0


def test_outputs_from_another_run_than_the_journal_are_not_called_edited(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 2", 7)])
    write_journal(project, "nb.ipynb", [run(1, "x = 1", 1, "cell-0", defines=("x",))])
    assert ("edited-after-run", 0) not in _rules(check_json(str(nb))[1])


def test_a_cell_that_ran_before_its_upstream_was_rerun_is_stale(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 3), ("y = x + 1", 2)])
    write_journal(
        project,
        "nb.ipynb",
        [
            run(1, "x = 1", 1, "cell-0", defines=("x",)),
            run(2, "y = x + 1", 2, "cell-1", defines=("y",), uses=("x",)),
            run(3, "x = 1", 3, "cell-0", defines=("x",)),
        ],
    )
    assert ("stale-cell", 1) in _rules(check_json(str(nb))[1])


def test_a_clean_top_to_bottom_run_has_no_stale_cells(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1), ("y = x + 1", 2)])
    write_journal(
        project,
        "nb.ipynb",
        [
            run(1, "x = 1", 1, "cell-0", defines=("x",)),
            run(2, "y = x + 1", 2, "cell-1", defines=("y",), uses=("x",)),
        ],
    )
    assert check_json(str(nb))[1][0]["findings"] == []


def test_a_name_defined_only_by_a_deleted_cell_is_hidden_state_even_after_run(project, check_json):
    cells = [("%run setup.py", 1), ("print(secret)", 3)]
    nb = write_notebook(project / "nb.ipynb", cells)
    # Statically, %run could define anything: no finding without the journal.
    assert ("hidden-state", 1) not in _rules(check_json(str(nb))[1])
    write_journal(
        project,
        "nb.ipynb",
        [
            run(1, "%run setup.py", 1, "cell-0"),
            run(2, "secret = 42", 2, "deleted-cell", defines=("secret",)),
            run(3, "print(secret)", 3, "cell-1", uses=("secret",)),
        ],
    )
    notebooks = check_json(str(nb))[1]
    assert ("hidden-state", 1) in _rules(notebooks)
    message = next(f["message"] for f in notebooks[0]["findings"] if f["rule"] == "hidden-state")
    assert "no longer exists" in message


def test_a_recorded_read_outside_the_project_is_an_absolute_path(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("data = load()", 1)])
    reads = (
        FileAccess("/srv/shared/input.csv", "read", 10),
        FileAccess("data/local.csv", "read", 10),
        FileAccess(f"{sys.prefix}/lib/python3.11/site.py", "read", 10),
    )
    write_journal(project, "nb.ipynb", [run(1, "data = load()", 1, "cell-0", reads=reads)])
    findings = [f for f in check_json(str(nb))[1][0]["findings"] if f["rule"] == "absolute-path"]
    assert len(findings) == 1
    assert "/srv/shared/input.csv" in findings[0]["message"] and findings[0]["cell"] == 0


def test_a_broken_journal_only_turns_the_journal_rules_off(project: Path, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    folder = project / ".repro" / "journal"
    folder.mkdir(parents=True)
    (folder / "junk.jsonl").write_text("{not json\n")
    code, notebooks = check_json(str(nb))
    assert code == 0 and notebooks[0]["findings"] == []
