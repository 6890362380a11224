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
