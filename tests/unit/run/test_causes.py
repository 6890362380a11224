"""Likely causes of a differing cell, from the lock and the cell sources."""

from __future__ import annotations

from jupyter_repro.core.causes import attach_causes, compare_environment, compare_inputs
from jupyter_repro.core.compare import CellComparison
from tests.support.locks import files


def _differs(index: int) -> list[CellComparison]:
    return [CellComparison(index, "differs", "-a\n+b")]


def test_a_changed_input_read_by_an_upstream_cell_is_named() -> None:
    inputs = compare_inputs(
        files(
            {
                "data/a.csv": {"hash": "blake3:old", "cells": [1]},
                "data/b.csv": {"hash": "blake3:b", "cells": [1]},
            }
        ),
        {"data/a.csv": "blake3:new", "data/b.csv": "blake3:b"},
    )
    assert [(i["path"], i["status"]) for i in inputs] == [
        ("data/a.csv", "changed"),
        ("data/b.csv", "same"),
    ]
    cells = attach_causes(_differs(3), ["", "read()", "", "show()"], inputs)
    assert cells[0].causes == ("input data/a.csv changed (read by cell 2)",)


def test_an_input_read_only_below_the_cell_is_not_its_cause() -> None:
    inputs = compare_inputs(
        files({"late.csv": {"hash": "blake3:x", "cells": [5]}}), {"late.csv": None}
    )
    assert inputs[0]["status"] == "missing"
    assert attach_causes(_differs(2), ["", "", "show()"], inputs)[0].causes == ()


def test_a_drifted_package_imported_upstream_is_named_with_both_versions() -> None:
    environment = compare_environment(
        {"pandas": "2.2.3", "numpy": "2.0.0"}, {"pandas": "2.3.0", "numpy": "2.0.0"}
    )
    assert [e["status"] for e in environment] == ["same", "changed"]
    cells = attach_causes(_differs(1), ["import pandas as pd", "pd.read_csv('x')"], [], environment)
    assert cells[0].causes == ("package pandas 2.2.3 -> 2.3.0",)


def test_unseeded_randomness_in_the_cell_is_named() -> None:
    sources = ["import numpy as np", "np.random.rand(3)"]
    assert attach_causes(_differs(1), sources)[0].causes == (
        "unseeded randomness in the cell (np.random.rand)",
    )


def test_seeded_randomness_is_not_blamed() -> None:
    sources = ["import numpy as np\nnp.random.seed(0)", "np.random.rand(3)"]
    assert attach_causes(_differs(1), sources)[0].causes == ()
    # A seeded generator object does not seed numpy's global state.
    sources = ["rng = np.random.default_rng(0)", "np.random.rand(3)"]
    assert attach_causes(_differs(1), sources)[0].causes != ()


def test_clock_use_in_the_cell_is_named() -> None:
    causes = attach_causes(_differs(0), ["from datetime import datetime\nprint(datetime.now())"])[
        0
    ].causes
    assert causes == ("clock use in the cell (datetime.now)",)


def test_cells_that_differ_between_two_reruns_are_marked_nondeterministic() -> None:
    cells = attach_causes(_differs(0), ["f()"], nondeterministic=frozenset({0}))
    assert cells[0].nondeterministic
    assert cells[0].causes[0].startswith("nondeterministic")
