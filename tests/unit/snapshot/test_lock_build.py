"""Building a lock from plain data (no disk, no kernel)."""

from __future__ import annotations

import json
from typing import Any

import nbformat

from jupyter_repro.core.journal import FileAccess, Journal, JournalHeader
from jupyter_repro.core.lock import (
    EnvironmentFacts,
    FileFacts,
    LockInputs,
    build_lock,
    same_but_git,
    serialize_lock,
)
from jupyter_repro.core.lockmodel import GitState, Lock
from jupyter_repro.io.locks import schema_problem
from tests.support.snapshot_projects import run_of

H = "blake3:" + "a" * 64
H2 = "blake3:" + "b" * 64


def notebook(sources: list[str], tags: dict[int, list[str]] | None = None) -> Any:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t")]
    for index, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"c{index}"
        cell.metadata["tags"] = (tags or {}).get(index + 1, [])
        nb.cells.append(cell)
    return nb


ENV = EnvironmentFacts(
    python="3.11.7",
    implementation="CPython",
    platform="linux-x86_64",
    distributions={"scikit-learn": "1.5.0", "pyyaml": "6.0.1", "numpy": "2.0.0"},
    module_distributions={"sklearn": "scikit-learn", "yaml": "pyyaml"},
    editable={},
    variables={"HOME": None},
)


def journal(*runs: Any) -> Journal:
    header = JournalHeader(
        kernel_id="k", notebook="nb.ipynb", project_root="/p", cwd="/p", started=0.0, pid=1, seed=7
    )
    return Journal(header, tuple(runs))


def lock_of(nb: Any, j: Journal | None, **extra: Any) -> dict[str, Any]:
    """The lock as the JSON it is written as: what a reviewer reads."""
    return built(nb, j, **extra).to_json()


def built(nb: Any, j: Journal | None, **extra: Any) -> Lock:
    return build_lock(
        LockInputs(
            notebook="nb.ipynb",
            cells=nb.cells,
            kernelspec={"name": "python3", "language": "python"},
            language="python",
            environment=ENV,
            journal=j,
            **extra,
        )
    )


def test_inputs_name_the_cells_that_read_them_counting_all_cells() -> None:
    nb = notebook(["import sklearn\nx = open('d.csv').read()", "y = open('d.csv').read()"])
    read = FileAccess("d.csv", "read", 10, 1.0, H)
    lock = lock_of(
        nb,
        journal(run_of(nb, 1, [read], imports=["sklearn"]), run_of(nb, 2, [read])),
        stored_hashes=frozenset({H}),
    )
    assert lock["inputs"] == {"d.csv": {"size": 10, "hash": H, "cells": [1, 2], "stored": True}}
    assert lock["seed"] == 7
    assert schema_problem(lock) is None


def test_imported_modules_are_recorded_as_their_distributions() -> None:
    nb = notebook(["import sklearn, yaml, json"])
    lock = lock_of(nb, journal(run_of(nb, 1, imports=["sklearn", "yaml", "json"])))
    assert lock["environment"]["imported"] == {"scikit-learn": "1.5.0", "pyyaml": "6.0.1"}
    assert len(lock["environment"]["distributions"]) == 3


def test_a_file_the_notebook_wrote_before_reading_is_an_output_not_an_input() -> None:
    nb = notebook(["open('tmp.csv','w').write('x')", "open('tmp.csv').read()"])
    wrote = FileAccess("tmp.csv", "write", 1, 1.0, H)
    lock = lock_of(
        nb,
        journal(
            run_of(nb, 1, writes=[wrote]), run_of(nb, 2, [FileAccess("tmp.csv", "read", 1, 1.0, H)])
        ),
    )
    assert lock["inputs"] == {}
    assert lock["outputs"] == {"tmp.csv": {"size": 1, "hash": H, "cells": [1]}}


def test_disk_facts_fill_in_a_hash_the_kernel_could_not_take() -> None:
    nb = notebook(["open('big.bin').read()"])
    read = FileAccess("big.bin", "read", 5, 1.0, None, note="too large")
    lock = lock_of(nb, journal(run_of(nb, 1, [read])), files={"big.bin": FileFacts(5, H2)})
    assert lock["inputs"]["big.bin"] == {"size": 5, "hash": H2, "cells": [1], "stored": False}


def test_execution_summary_reports_out_of_order_and_unclean_runs() -> None:
    nb = notebook(["a = 1", "b = a", "c = b"])
    clean = lock_of(nb, journal(run_of(nb, 1), run_of(nb, 2), run_of(nb, 3)))["execution"]
    assert clean["in_order"] and clean["clean_run"] and clean["tracking_complete"]
    messy = lock_of(nb, journal(run_of(nb, 1), run_of(nb, 3), run_of(nb, 2)))["execution"]
    assert not messy["in_order"] and not messy["clean_run"]
    assert messy["cells_run"] == 3


def test_unattributed_reads_make_tracking_incomplete_and_say_why() -> None:
    nb = notebook(["!cat data.txt"])
    lock = lock_of(nb, journal(run_of(nb, 1, unattributed=["a child process ran"])))
    assert lock["execution"]["tracking_complete"] is False
    assert "cell 2: a child process ran" in lock["execution"]["missing"]  # counted from 1


def test_without_a_journal_the_lock_says_what_it_lacks() -> None:
    nb = notebook(["a = 1", "b = 2"])
    nb.cells[1].execution_count, nb.cells[2].execution_count = 1, 2
    lock = lock_of(nb, None)
    assert lock["inputs"] == {} and lock["seed"] is None
    assert lock["execution"]["tracking_complete"] is False
    assert lock["execution"]["clean_run"] is True
    assert any("no journal" in m for m in lock["execution"]["missing"])
    assert schema_problem(lock) is None


def test_parameters_come_from_the_papermill_parameter_cells_injected_last() -> None:
    nb = notebook(
        ["alpha = 0.5\nname: str = 'x'", "alpha = 0.9", "z = 1"],
        tags={1: ["parameters"], 2: ["injected-parameters"]},
    )
    assert lock_of(nb, None)["parameters"] == {"alpha": "0.9", "name": "'x'"}


def test_code_fingerprint_ignores_markdown_but_not_code() -> None:
    nb = notebook(["a = 1"])
    before = lock_of(nb, None)["code"]
    nb.cells[0].source = "# Another title"
    assert lock_of(nb, None)["code"] == before
    nb.cells[1].source = "a = 2"
    after = lock_of(nb, None)["code"]
    assert after["fingerprint"] != before["fingerprint"]
    assert list(after["cells"]) == ["1"]


def test_serialization_is_deterministic_sorted_and_ends_with_a_newline() -> None:
    nb = notebook(["import yaml"])
    j = journal(run_of(nb, 1, imports=["yaml"]))
    text = serialize_lock(built(nb, j))
    assert text == serialize_lock(Lock.from_json(json.loads(text))) == serialize_lock(built(nb, j))
    assert text.endswith("}\n") and '"lock_version": 1' in text
    keys = list(json.loads(text))
    assert keys == sorted(keys)


def test_a_change_of_git_commit_alone_does_not_count_as_a_change() -> None:
    nb = notebook(["a = 1"])
    old = built(nb, None, git=GitState("1" * 40, False))
    new = built(nb, None, git=GitState("2" * 40, False))
    assert same_but_git(old, new)
    nb.cells[1].source = "a = 3"
    assert not same_but_git(old, built(nb, None, git=GitState("2" * 40, False)))
