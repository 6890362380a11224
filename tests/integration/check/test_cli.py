"""`jupyter-repro check` as a command: what it checks, how it reports, how it exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_repro.cli.main import main
from tests.support.check_projects import write_notebook

HIDDEN = [("print(undefined_name)", 1)]  # one error finding
UNSEEDED = [("import random\nrandom.random()", None)]  # one warning finding


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    )


def test_a_clean_notebook_exits_0_and_says_so(project, capsys):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1), ("print(x)", 2)])
    assert main(["check", str(nb)]) == 0
    assert "1 notebook checked: 0 errors, 0 warnings" in capsys.readouterr().out


def test_text_output_names_file_cell_rule_severity_and_a_fix(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    write_notebook(project / "nb.ipynb", HIDDEN)
    assert main(["check", "nb.ipynb"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("nb.ipynb:cell 1: error [hidden-state] uses `undefined_name`")
    assert lines[1].strip().startswith("fix: define the name in a cell above")


def test_text_output_says_cells_count_from_one_over_all_cells(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    write_notebook(project / "nb.ipynb", HIDDEN)
    main(["check", "nb.ipynb"])
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "cells are numbered from 1 counting all cells, markdown included "
        "(as JupyterLab's status bar: Cell 3/9 is the third)"
    )


def test_json_output_has_exactly_the_documented_shape(project, check_json):
    nb = write_notebook(project / "nb.ipynb", HIDDEN)
    _, notebooks = check_json(str(nb))
    assert set(notebooks[0]) == {"path", "findings"}
    assert set(notebooks[0]["findings"][0]) == {"rule", "cell", "cell_id", "severity", "message"}
    assert notebooks[0]["findings"][0]["severity"] == "error"


def test_github_output_is_workflow_commands_with_escaped_messages(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    write_notebook(project / "nb.ipynb", HIDDEN + UNSEEDED)
    main(["check", "--format", "github", "nb.ipynb"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=nb.ipynb,title=hidden-state::cell 1: uses")
    assert lines[1].startswith("::warning file=nb.ipynb,title=unseeded-random::cell 2")
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize(
    ("enforce", "cells", "expected"),
    [
        ("off", HIDDEN, 0),
        ("warn", HIDDEN, 1),
        ("warn", UNSEEDED, 0),
        ("strict", UNSEEDED, 1),
    ],
)
def test_the_exit_code_follows_the_enforcement_level(project, enforce, cells, expected):
    (project / ".jupyter-repro.toml").write_text(f'enforce = "{enforce}"\n')
    nb = write_notebook(project / "nb.ipynb", cells)
    assert main(["check", str(nb)]) == expected


def test_select_ignore_and_severity_come_from_the_configuration(project, check_json):
    nb = write_notebook(project / "nb.ipynb", HIDDEN + UNSEEDED)
    (project / ".jupyter-repro.toml").write_text('ignore = ["hidden-state"]\n')
    assert {f["rule"] for f in check_json(str(nb))[1][0]["findings"]} == {"unseeded-random"}
    (project / ".jupyter-repro.toml").write_text('[severity]\nunseeded-random = "error"\n')
    code, notebooks = check_json(str(nb))
    assert {f["severity"] for f in notebooks[0]["findings"]} == {"error"} and code == 1


def test_per_notebook_overrides_apply_by_glob(project, check_json):
    (project / "pyproject.toml").write_text(
        "[tool.jupyter-repro]\n[[tool.jupyter-repro.overrides]]\n"
        'notebooks = ["scratch/*"]\nenforce = "off"\nignore = ["hidden-state"]\n'
    )
    scratch = write_notebook(project / "scratch" / "try.ipynb", HIDDEN)
    main_nb = write_notebook(project / "main.ipynb", HIDDEN)
    code, notebooks = check_json(str(scratch))
    assert (code, notebooks[0]["findings"]) == (0, [])
    assert check_json(str(main_nb))[0] == 1


def test_an_unknown_configuration_key_is_a_one_line_error(project, capsys):
    (project / ".jupyter-repro.toml").write_text("enforse = 'warn'\n")
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    assert main(["check", str(nb)]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'enforse'" in err and len(err.strip().splitlines()) == 1


def test_folders_are_walked_skipping_checkpoints_store_and_git_ignored_files(project, check_json):
    _git(project, "init", "-q")
    (project / ".gitignore").write_text("ignored/\n")
    write_notebook(project / "a.ipynb", [("x = 1", 1)])
    write_notebook(project / "sub" / "b.ipynb", [("x = 1", 1)])
    for skipped in (
        ".ipynb_checkpoints/a-checkpoint.ipynb",
        ".repro/history/c.ipynb",
        "ignored/d.ipynb",
        "node_modules/pkg/e.ipynb",
    ):
        write_notebook(project / skipped, HIDDEN)
    _, notebooks = check_json(str(project))
    assert sorted(Path(n["path"]).name for n in notebooks) == ["a.ipynb", "b.ipynb"]


def test_staged_checks_only_staged_notebooks_and_paired_scripts(project, check_json, monkeypatch):
    _git(project, "init", "-q")
    monkeypatch.chdir(project)
    write_notebook(project / "staged.ipynb", HIDDEN)
    write_notebook(project / "unstaged.ipynb", HIDDEN)
    (project / "helpers.py").write_text("def f():\n    return 1\n")
    _git(project, "add", "staged.ipynb", "helpers.py")
    _, notebooks = check_json("--staged")
    assert [n["path"] for n in notebooks] == ["staged.ipynb"]


def test_a_paired_script_argument_checks_its_notebook_once(project, check_json):
    nb = write_notebook(project / "nb.ipynb", HIDDEN)
    (project / "nb.py").write_text("# %%\nprint(undefined_name)\n")
    _, notebooks = check_json(str(project / "nb.py"), str(nb))
    assert len(notebooks) == 1 and notebooks[0]["path"].endswith("nb.ipynb")


def test_a_script_without_notebook_is_read_as_a_notebook(project, check_json):
    script = project / "analysis.py"
    script.write_text(
        "# %%\nimport random\n\n# %%\nprint(later)\n\n# %%\nlater = random.random()\n"
    )
    _, notebooks = check_json(str(script))
    assert {(f["rule"], f["cell"]) for f in notebooks[0]["findings"]} == {
        ("hidden-state", 1),
        ("unseeded-random", 2),
    }


def test_unreadable_notebooks_exit_2_while_the_others_are_still_checked(project, check_json):
    (project / "broken.ipynb").write_text("{")
    (project / "binary.ipynb").write_bytes(b"\xff\xfe\x00")
    write_notebook(project / "good.ipynb", HIDDEN)
    code, notebooks = check_json(str(project))
    assert code == 2
    by_name = {Path(n["path"]).name: n for n in notebooks}
    assert "invalid JSON" in by_name["broken.ipynb"]["error"]
    assert "not UTF-8" in by_name["binary.ipynb"]["error"]
    assert by_name["good.ipynb"]["findings"][0]["rule"] == "hidden-state"


def test_a_missing_path_is_bad_input(project, capsys):
    assert main(["check", str(project / "nope.ipynb")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_check_never_writes_files(project):
    nb = write_notebook(project / "nb.ipynb", HIDDEN + UNSEEDED)
    before = {p: p.stat().st_mtime_ns for p in project.rglob("*")}
    main(["check", str(nb)])
    assert {p: p.stat().st_mtime_ns for p in project.rglob("*")} == before


def test_check_does_not_import_the_heavy_jupyter_stack(project):
    nb = write_notebook(project / "nb.ipynb", HIDDEN + UNSEEDED)
    code = (
        "import sys, io, contextlib\n"
        "from jupyter_repro.cli.main import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main(['check', {str(nb)!r}])\n"
        "heavy = ['IPython', 'jupyter_server', 'papermill', 'nbconvert', 'nbclient',\n"
        "         'jupyter_client', 'nbformat', 'jupytext', 'tornado']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_many_notebooks_in_parallel_give_the_same_reports_in_the_same_order(project):
    from jupyter_repro.io.inspection import inspect_many

    items = []
    for index in range(70):
        cells = HIDDEN if index % 3 == 0 else [("x = 1", 1)]
        items.append((write_notebook(project / f"nb{index:02d}.ipynb", cells), f"nb{index:02d}"))
    assert inspect_many(items, jobs=2) == inspect_many(items, jobs=1)


def test_the_example_notebooks_are_clean(capsys):
    examples = Path(__file__).resolve().parents[3] / "examples"
    if not any(examples.rglob("*.ipynb")):
        pytest.skip("no example notebooks")
    assert main(["check", str(examples)]) == 0, capsys.readouterr().out


def test_git_ignored_notebooks_are_skipped_when_a_subfolder_is_walked(
    project, check_json, monkeypatch
):
    _git(project, "init", "-q")
    (project / ".gitignore").write_text("scratch.ipynb\n")
    write_notebook(project / "sub" / "kept.ipynb", [("x = 1", 1)])
    write_notebook(project / "sub" / "scratch.ipynb", HIDDEN)
    monkeypatch.chdir(project)
    _, notebooks = check_json("sub")
    assert [n["path"] for n in notebooks] == ["sub/kept.ipynb"]


def test_a_misspelt_rule_in_a_suppression_is_pointed_out(project, capsys):
    nb = write_notebook(project / "nb.ipynb", [("print(nope)  # repro: ignore[hiden-state]", 1)])
    assert main(["check", str(nb)]) == 1
    assert "unknown rule 'hiden-state' in a suppression" in capsys.readouterr().err


def test_a_path_like_string_is_an_absolute_path_finding_when_it_exists_on_this_machine(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    (home / "exports").mkdir(parents=True)
    (home / "exports" / "survey.csv").write_text("a\n1\n")
    monkeypatch.setenv("HOME", str(home))
    write_notebook(
        project / "nb.ipynb",
        [("SOURCE = '~/exports/survey.csv'\nOTHER = '~/exports/missing.csv'\nprint(SOURCE)", 1)],
    )
    main(["check", str(project / "nb.ipynb")])
    out = capsys.readouterr().out
    assert "'~/exports/survey.csv' exists on this machine" in out
    assert "missing.csv" not in out


def test_check_says_where_hidden_state_stops_seeing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(project / "nb.ipynb", [("from numpy import *", 1), ("print(pi, e)", 2)])
    assert main(["check", str(project / "nb.ipynb")]) == 0
    err = capsys.readouterr().err
    assert "cell 1 may define any name" in err and "2 uses of names below it" in err
