"""`jupyter-repro run` with a real kernel: notebooks and scripts, parameters, cwd, failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.cli.run import parameter_value
from tests.support.run_projects import code, write_notebook

Cli = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.kernel

PROBE = (
    "import os\n"
    "print(os.getcwd())\n"
    "print(os.environ.get('JUPYTER_REPRO_NOTEBOOK'), os.environ.get('PYTHONHASHSEED'))\n"
    "print(repr(alpha), repr(name))"
)


def test_a_notebook_runs_in_its_folder_with_parameters_and_the_kernel_extension(
    project: Path, cli: Cli
) -> None:
    notebook = write_notebook(
        project / "analysis" / "nb.ipynb",
        [
            code("alpha = 0.5\nname = 'x'", tags=["parameters"]),
            code(PROBE),
            code("print('jupyter_repro' in get_ipython().extension_manager.loaded)"),
        ],
    )
    before = notebook.read_bytes()
    code_, out, err = cli(
        "run", notebook, "-p", "alpha", "2", "-p", "name", "penguins", "--seed", "7"
    )
    assert code_ == 0, err
    output = Path(out.strip().rsplit(" -> ", 1)[1])
    assert output.parent == project / ".repro" / "runs" and output.name.startswith("nb-")
    assert notebook.read_bytes() == before
    executed = nbformat.read(output, 4)
    probe = executed.cells[2].outputs[0].text.splitlines()
    assert probe == [str(notebook.parent), f"{notebook} 7", "2 'penguins'"]
    assert executed.cells[3].outputs[0].text == "True\n"
    assert "papermill" not in executed.metadata
    assert all(
        "papermill" not in c.metadata
        and "execution" not in c.metadata
        and c.metadata.get("tags") != []
        for c in executed.cells
    )
    assert list((project / ".repro" / "journal").glob("*.jsonl")), "the run was not journaled"


def test_a_header_less_script_runs_with_this_python_and_a_parameters_file(
    project: Path, cli: Cli
) -> None:
    script = project / "scripts" / "job.py"
    script.parent.mkdir()
    script.write_text("# %% tags=[\"parameters\"]\nalpha = 1\nname = 'a'\n\n# %%\n" + PROBE + "\n")
    params = project / "params.yaml"
    params.write_text("alpha: 3.5\nname: from-yaml\n")
    out_path = project / "out.ipynb"
    code_, out, err = cli("run", script, "-f", params, "-o", out_path, "--format", "json")
    assert code_ == 0, err
    assert json.loads(out)["runs"][0]["status"] == "ok"
    probe = nbformat.read(out_path, 4).cells[2].outputs[0].text.splitlines()
    assert probe == [str(script.parent), f"{script} None", "3.5 'from-yaml'"]


def test_a_failing_notebook_exits_3_naming_the_cell_its_line_and_the_error(
    project: Path, cli: Cli
) -> None:
    notebook = write_notebook(
        project / "fail.ipynb",
        [code("x = 1"), code("y = 2\nz = x / 0\nprint('never')"), code("print('after')")],
    )
    out_path = project / "failed.ipynb"
    code_, _, err = cli("run", notebook, "-o", out_path)
    assert code_ == 3
    assert "cell 2, line `z = x / 0`: ZeroDivisionError: division by zero" in err
    executed = nbformat.read(out_path, 4)
    assert len(executed.cells) == 3 and executed.cells[2].outputs == []


@pytest.mark.parametrize(
    ("option", "scope"), [("--timeout", "the notebook's"), ("--cell-timeout", "the cell")]
)
def test_a_notebook_over_its_timeout_is_stopped_and_exits_3(
    project: Path, cli: Cli, option: str, scope: str
) -> None:
    notebook = write_notebook(project / "slow.ipynb", [code("import time"), code("time.sleep(30)")])
    code_, _, err = cli("run", notebook, option, "2")
    assert code_ == 3
    assert f"cell 2, line `time.sleep(30)`: timed out: {scope} limit of 2 s" in err


def test_several_notebooks_run_in_parallel_with_one_summary_table(project: Path, cli: Cli) -> None:
    good = write_notebook(project / "good.ipynb", [code("print(1)")])
    bad = write_notebook(project / "bad.ipynb", [code("raise ValueError('boom')")])
    code_, out, _err = cli("run", good, bad, "--jobs", "2", "-o", project / "outs")
    assert code_ == 3
    rows = out.splitlines()
    assert rows[0].split() == ["notebook", "status", "seconds", "where"]
    assert rows[1].split()[:2] == [str(good), "ok"]
    assert rows[2].split()[:2] == [str(bad), "failed"] and "ValueError: boom" in rows[2]
    assert (project / "outs" / "good.ipynb").exists() and (project / "outs" / "bad.ipynb").exists()


def test_the_input_is_never_overwritten_unless_inplace(project: Path, cli: Cli) -> None:
    notebook = write_notebook(project / "nb.ipynb", [code("print(6 * 7)")])
    code_, _, err = cli("run", notebook, "-o", notebook)
    assert code_ == 2 and "--inplace" in err
    assert cli("run", notebook, "--inplace")[0] == 0
    assert nbformat.read(notebook, 4).cells[0].outputs[0].text == "42\n"


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("2.5", 2.5), ("True", True), ("None", None), ("penguins", "penguins")],
)
def test_parameter_values_are_inferred_as_papermill_does(text: str, value: object) -> None:
    assert parameter_value(text) == value


def test_missing_files_and_bad_parameter_files_are_usage_errors(project: Path, cli: Cli) -> None:
    notebook = write_notebook(project / "nb.ipynb", [code("1")])
    assert cli("run", project / "missing.ipynb")[0] == 2
    bad = project / "bad.yaml"
    bad.write_text("- a list\n- not a mapping\n")
    code_, _, err = cli("run", notebook, "-f", bad)
    assert code_ == 2 and "mapping" in err
    assert not (project / ".repro").exists()


def test_an_error_in_a_cell_tagged_raises_exception_is_expected(project: Path, cli: Cli) -> None:
    notebook = write_notebook(
        project / "demo.ipynb",
        [code("int('x')", tags=["raises-exception"]), code("print('went on')")],
    )
    out_path = project / "demo-out.ipynb"
    code_, _, err = cli("run", notebook, "-o", out_path)
    assert code_ == 0, err
    executed = nbformat.read(out_path, 4)
    assert executed.cells[0].outputs[0].ename == "ValueError"
    assert executed.cells[1].outputs[0].text == "went on\n"
    assert len(executed.cells) == 2
