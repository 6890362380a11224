"""`jupyter-repro mv OLD NEW`: a notebook moves with its paired script, lock and history."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.support.run_projects import code, markdown, stdout, write_notebook

Cli = Callable[..., tuple[int, str, str]]


def _paired_with_history(project: Path, cli: Cli) -> Path:
    notebook = write_notebook(
        project / "Untitled.ipynb",
        [markdown("# Report"), code("print(2)", [stdout("2\n")], 1)],
    )
    assert cli("pair", notebook)[0] == 0
    assert cli("snapshot", notebook)[0] == 0
    return notebook


def test_mv_moves_the_notebook_its_script_lock_history_and_sync_record(
    project: Path, cli: Cli
) -> None:
    old = _paired_with_history(project, cli)
    code_, out, err = cli("mv", old, project / "report.ipynb")
    assert code_ == 0, err
    assert "Untitled.py -> report.py" in out and "history moved" in out
    assert sorted(p.name for p in project.iterdir() if not p.name.startswith(".")) == [
        "pyproject.toml",
        "report.ipynb",
        "report.py",
        "report.repro.json",
    ]
    lock = json.loads((project / "report.repro.json").read_text())
    assert (lock["notebook"], lock["code"]["script"]["path"]) == ("report.ipynb", "report.py")
    _, log, _ = cli("log", "--format", "json", project / "report.ipynb")
    assert json.loads(log)["snapshots"]
    _, checked, _ = cli("check", "--format", "json", project / "report.ipynb")
    rules = {f["rule"] for f in json.loads(checked)["notebooks"][0]["findings"]}
    assert not rules & {"no-lock", "unpaired", "pair-out-of-sync"}
    assert cli("sync", project / "report.ipynb")[1].endswith("already in sync\n")


def test_mv_into_a_folder_keeps_the_name_and_refuses_to_overwrite(project: Path, cli: Cli) -> None:
    old = _paired_with_history(project, cli)
    (project / "reports").mkdir()
    assert cli("mv", old, project / "reports")[0] == 0
    assert (project / "reports" / "Untitled.py").is_file()
    again = write_notebook(project / "other.ipynb", [code("x = 1")])
    code_, _, err = cli("mv", again, project / "reports" / "Untitled.ipynb")
    assert code_ == 2 and "already exists" in err
    assert again.is_file()


def test_after_mv_the_running_kernels_journal_judges_the_notebook_under_its_new_name(
    project: Path, cli: Cli
) -> None:
    """The kernel keeps journaling under the name it was started for; a save or a check of
    the renamed notebook still sees its runs."""
    from jupyter_repro.core.journal import CellRun, JournalHeader, encode_line
    from jupyter_repro.io.hashing import hash_text
    from jupyter_repro.io.journals import choose_journal

    old = write_notebook(project / "Untitled.ipynb", [code("x = 1", [], 1)])
    header = JournalHeader("k1", "Untitled.ipynb", str(project), str(project), 100.0, 1)
    run = CellRun(1, 1, None, hash_text("x = 1"), "x = 1", 101.0, 0.01, "ok")
    journal = project / ".repro" / "journal" / "k1-1-100000.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_text(encode_line(header) + "\n" + encode_line(run) + "\n")
    assert cli("mv", old, project / "report.ipynb")[0] == 0
    for kernel in (None, "k1"):
        chosen = choose_journal(project, "report.ipynb", kernel_id=kernel)
        assert chosen is not None and [r.source for r in chosen.runs] == ["x = 1"]
    assert choose_journal(project, "Untitled.ipynb") is None


def test_mv_of_a_folder_moves_its_notebooks_locks_history_and_journals(
    project: Path, cli: Cli
) -> None:
    from jupyter_repro.io.renamelog import read_renames

    (project / "drafts").mkdir()
    notebook = _paired_with_history(project, cli)
    assert cli("mv", notebook, project / "drafts")[0] == 0
    code_, out, err = cli("mv", project / "drafts", project / "reports")
    assert code_ == 0, err
    assert out.startswith("drafts -> reports\n") and "history moved" in out
    lock = json.loads((project / "reports" / "Untitled.repro.json").read_text())
    assert lock["notebook"] == "reports/Untitled.ipynb"
    assert lock["code"]["script"]["path"] == "reports/Untitled.py"
    _, log, _ = cli("log", "--format", "json", project / "reports" / "Untitled.ipynb")
    assert json.loads(log)["snapshots"]
    _, checked, _ = cli("check", "--format", "json", project / "reports" / "Untitled.ipynb")
    rules = {f["rule"] for f in json.loads(checked)["notebooks"][0]["findings"]}
    assert not rules & {"no-lock", "unpaired", "pair-out-of-sync"}
    moves = [(r.old, r.new) for r in read_renames(project)]
    assert moves[-1] == ("drafts/Untitled.ipynb", "reports/Untitled.ipynb")


def test_mv_of_a_folder_into_itself_or_onto_a_name_taken_is_refused(
    project: Path, cli: Cli
) -> None:
    (project / "drafts").mkdir()
    (project / "archive" / "drafts").mkdir(parents=True)
    code_, _, err = cli("mv", project / "drafts", project / "drafts" / "inner")
    assert code_ == 2 and "into itself" in err
    code_, _, err = cli("mv", project / "drafts", project / "archive")
    assert code_ == 2 and "already exists" in err
    assert (project / "drafts").is_dir()
