"""`check` and `sync` agree on whether a pair is in sync: one definition (core.pairs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.main import main
from tests.support.run_projects import code, markdown

PAIRED = {"formats": "ipynb,py:percent"}


def _cells(*cells: Any) -> list[Any]:
    return list(cells)


def _scrolled(source: str) -> Any:
    cell = code(source, count=1)
    cell.metadata.update(
        {
            "scrolled": True,
            "collapsed": False,
            "execution": {"iopub.status.idle": "2026-01-01T00:00:00Z"},
        }
    )
    return cell


CASES = {
    "trailing blank lines and spaces": (
        [code("x = 1"), code("y = x")],
        "# %%\nx = 1   \n\n\n\n\n# %%\ny = x\n\n",
        True,
    ),
    "a magic commented as jupytext writes it": (
        [code("%matplotlib inline\nx = 1")],
        "# %%\n# %matplotlib inline\nx = 1\n",
        True,
    ),
    "a magic edited in the script": (
        [code("%matplotlib inline\nx = 1")],
        "# %%\n# %matplotlib notebook\nx = 1\n",
        False,
    ),
    "cell metadata a script does not carry": ([_scrolled("x = 1")], "# %%\nx = 1\n", True),
    "a tag added in the script": ([code("x = 1")], '# %% tags=["parameters"]\nx = 1\n', False),
    "the same tags": (
        [code("x = 1", tags=["parameters"])],
        '# %% tags=["parameters"]\nx = 1\n',
        True,
    ),
    "the same markdown": (
        [markdown("# Title"), code("x = 1")],
        "# %% [markdown]\n# # Title\n\n# %%\nx = 1\n",
        True,
    ),
    "a markdown edit in the script": (
        [markdown("# Title"), code("x = 1")],
        "# %% [markdown]\n# # Title, edited\n\n# %%\nx = 1\n",
        False,
    ),
    "an empty last cell in the notebook": ([code("x = 1"), code("")], "# %%\nx = 1\n", True),
    "a code edit": ([code("x = 1")], "# %%\nx = 2\n", False),
    "a cell split in two": ([code("x = 1\ny = 2")], "# %%\nx = 1\n\n# %%\ny = 2\n", False),
}


def _write_pair(folder: Path, cells: list[Any], script_text: str) -> Path:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    notebook.metadata["jupytext"] = dict(PAIRED)
    path = folder / "nb.ipynb"
    nbformat.write(notebook, path)
    path.with_suffix(".py").write_text(script_text)
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code_ = main([*args, "--format", "json"])
    return code_, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", list(CASES))
def test_check_and_sync_agree_on_whether_a_pair_is_in_sync(
    case: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cells, script_text, in_sync = CASES[case]
    notebook = _write_pair(project, cells, script_text)
    _, checked = _json(capsys, "check", str(notebook))
    rules = {f["rule"] for f in checked["notebooks"][0]["findings"]}
    _, synced = _json(capsys, "sync", str(notebook))
    check_says = "pair-out-of-sync" not in rules
    sync_says = synced["pairs"][0]["action"] == "in-sync"
    assert (check_says, sync_says) == (in_sync, in_sync)
