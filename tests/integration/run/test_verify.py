"""`jupyter-repro verify` with a real kernel: verdicts, causes, normalizers, report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_repro.core.lockmodel import LockedEnvironment
from jupyter_repro.io.hashing import hash_file
from tests.support.locks import files, minimal_lock
from tests.support.run_projects import code, markdown, result, stdout, write_notebook

Cli = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.kernel


def test_a_deterministic_notebook_is_reproduced_despite_addresses_and_timestamps(
    project: Path, cli: Cli
) -> None:
    notebook = write_notebook(
        project / "det.ipynb",
        [
            markdown("# Deterministic"),
            code("import datetime\nclass Model: pass\ntotal = sum(range(10))", [], 1),
            code(
                "print(total, Model(), datetime.datetime.now())",
                [
                    stdout(
                        "45 <__main__.Model object at 0x7f00deadbeef> 2020-01-02 03:04:05.678901\n"
                    )
                ],
                2,
            ),
            code("total / 3", [result("15.000000000000002", 3)], 3),
            code("print('never run when recorded')"),
        ],
    )
    code_, out, err = cli("verify", notebook, "--format", "json")
    assert code_ == 0, err + out
    report = json.loads(out)
    assert report["path"] == "det.ipynb" and report["verdict"] == "reproduced"
    assert [(c["cell"], c["status"]) for c in report["cells"]] == [
        (1, "same"),
        (2, "same"),
        (3, "same"),
        (4, "not-run"),
    ]
    assert report["inputs"] == [] and report["environment"] == []


def test_an_unseeded_notebook_is_not_reproduced_and_the_randomness_is_named(
    project: Path, cli: Cli, artifacts_dir: Path
) -> None:
    notebook = write_notebook(
        project / "random.ipynb",
        [
            code("import numpy as np", [], 1),
            code("print(np.random.rand(4).round(3))", [stdout("[0.548 0.715 0.603 0.545]\n")], 2),
            code("print('stable')", [stdout("stable\n")], 3),
        ],
    )
    report_path = artifacts_dir / "verify-unseeded.html"
    code_, out, _ = cli("verify", notebook, "--runs", "2", "--report", report_path)
    assert code_ == 1
    assert out.startswith("random.ipynb: not-reproduced")
    assert "cell 2: differs (nondeterministic)" in out
    assert "likely cause: unseeded randomness in the cell (np.random.rand)" in out
    assert "cell 3" not in out
    html = report_path.read_text()
    assert "random.ipynb: not-reproduced" in html and "unseeded randomness" in html
    assert 'src="http' not in html and "<script src=" not in html


def test_a_changed_input_is_named_as_the_cause_from_the_lock(project: Path, cli: Cli) -> None:
    data = project / "data" / "counts.csv"
    data.parent.mkdir()
    data.write_text("n\n1\n2\n")
    locked_hash = hash_file(data)
    notebook = write_notebook(
        project / "analysis" / "counts.ipynb",
        [
            code(
                "from pathlib import Path\n"
                "rows = Path('../data/counts.csv').read_text().split()[1:]",
                [],
                1,
            ),
            code("print(sum(map(int, rows)))", [stdout("3\n")], 2),
        ],
    )
    lock = minimal_lock(
        notebook="analysis/counts.ipynb",
        inputs=files(
            {"data/counts.csv": {"size": 8, "hash": locked_hash, "cells": [0], "stored": False}}
        ),
        environment=LockedEnvironment(imported={"numpy": "0.0.1"}),
    )
    notebook.with_name("counts.repro.json").write_text(json.dumps(lock.to_json()))
    data.write_text("n\n1\n2\n40\n")
    code_, out, _ = cli("verify", notebook, "--format", "json")
    assert code_ == 1
    report = json.loads(out)
    assert report["verdict"] == "not-reproduced"
    differing = [c for c in report["cells"] if c["status"] == "differs"]
    assert [c["cell"] for c in differing] == [1]
    assert differing[0]["causes"][0] == "input data/counts.csv changed (read by cell 1)"
    assert report["inputs"][0]["status"] == "changed"
    assert report["environment"][0]["distribution"] == "numpy"
    assert report["environment"][0]["status"] == "changed"


def test_a_notebook_that_fails_on_rerun_gets_the_failed_verdict(project: Path, cli: Cli) -> None:
    notebook = write_notebook(
        project / "broken.ipynb",
        [code("import missing_module_for_the_test", [], 1), code("print(1)", [stdout("1\n")], 2)],
    )
    code_, out, _ = cli("verify", notebook)
    assert code_ == 3
    assert out.startswith("broken.ipynb: failed")
    assert "ModuleNotFoundError" in out


@pytest.mark.slow
def test_the_example_notebook_verifies_as_reproduced(example_project: Path, cli: Cli) -> None:
    notebook = example_project / "air-quality" / "analysis.ipynb"
    code_, out, err = cli("verify", notebook, "--format", "json")
    assert code_ == 0, err + out
    assert json.loads(out)["verdict"] == "reproduced"


def test_a_failure_after_a_cell_tagged_raises_exception_names_the_failing_cell(
    project: Path, cli: Cli
) -> None:
    name_error = {
        "output_type": "error",
        "ename": "NameError",
        "evalue": "name 'undefined_name' is not defined",
        "traceback": [],
    }
    division = {
        "output_type": "error",
        "ename": "ZeroDivisionError",
        "evalue": "division by zero",
        "traceback": [],
    }
    notebook = write_notebook(
        project / "tagged.ipynb",
        [
            code("1/0", [division], 1, tags=["raises-exception"]),
            code("print('ok')", [stdout("ok\n")], 2),
            code("undefined_name", [name_error], 3),
        ],
    )
    code_, out, _ = cli("verify", notebook, "--runs", "2")
    assert code_ == 3
    assert "tagged.ipynb: cell 3, line `undefined_name`: NameError" in out
    assert "note: --runs 2: the second run was skipped because the first run failed" in out
    assert (
        "note: cell 3 raised NameError as its recorded output shows: if the error is intended, "
        "tag the cell raises-exception"
    ) in out
    code_, out, _ = cli("verify", notebook, "--format", "json")
    statuses = [(c["cell"], c["status"]) for c in json.loads(out)["cells"]]
    assert statuses == [(0, "same"), (1, "same"), (2, "same")]


def test_a_notebook_without_recorded_outputs_has_nothing_to_compare_and_exits_1(
    project: Path, cli: Cli
) -> None:
    notebook = write_notebook(project / "blank.ipynb", [code("x = 1"), code("print(x)")])
    code_, out, _ = cli("verify", notebook)
    assert code_ == 1
    assert out.startswith("blank.ipynb: nothing-to-compare")
    assert "no code cell has recorded outputs: run the notebook, save it, then verify" in out
    assert "reproduced their recorded outputs" not in out


def test_verify_says_up_front_what_check_finds_that_explains_a_mismatch(
    project: Path, cli: Cli
) -> None:
    notebook = write_notebook(
        project / "order.ipynb",
        [
            code("print(total)", [stdout("2\n")], 2),
            code("total = 2", [], 1),
        ],
    )
    _, out, err = cli("verify", notebook, "--format", "json")
    report = json.loads(out)
    assert report["verdict"] == "failed", err
    checked = [n for n in report["notes"] if n.startswith("check, before the rerun:")]
    assert any("[out-of-order]" in n for n in checked), report["notes"]
    assert any("cell 1:" in n and "[hidden-state]" in n for n in checked), report["notes"]


def test_cell_lines_say_each_code_cell_as_it_starts_even_the_one_that_fails(
    project: Path, cli: Cli
) -> None:
    """The server's verify jobs read these lines to show which cell runs now."""
    notebook = write_notebook(
        project / "steps.ipynb",
        [
            markdown("# Steps"),
            code("x = 1", [], 1),
            code("raise RuntimeError('stop')", [], 2),
            code("print(x)", [stdout("1\n")], 3),
        ],
    )
    code_, _, err = cli("verify", notebook, "--format", "json", "--cell-lines")
    assert code_ == 3
    said = [line for line in err.splitlines() if line.startswith("jupyter-repro: running cell")]
    assert said[:2] == ["jupyter-repro: running cell 1 of 3", "jupyter-repro: running cell 2 of 3"]
