"""`hidden-state` stays quiet where a fresh run fails exactly as the notebook shows."""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.rules import Cell, Evidence, run_rules
from jupyter_repro.core.rules.evidence import recorded_error


def test_a_name_error_the_notebook_recorded_on_purpose_is_not_hidden_state() -> None:
    # WhirlwindTourOfPython 09-Errors-and-Exceptions: `print(Q)` shows a NameError.
    shown = recorded_error(
        {
            "outputs": [
                {"output_type": "error", "ename": "NameError", "evalue": "name 'Q' is not defined"}
            ]
        }
    )
    cells = (
        Cell(0, "code", "print(Q)", 1, recorded_error=shown),
        Cell(1, "code", "print(R)", 2, tags=("raises-exception",)),
        Cell(2, "code", "print(S)", 3, recorded_error="ZeroDivisionError: division by zero"),
    )
    findings = run_rules(Evidence("nb.ipynb", cells), ReproConfig(select=("hidden-state",)))
    assert [(f.cell, f.message.split("`")[1]) for f in findings] == [(2, "S")]


def test_the_recorded_error_is_the_first_error_output() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "x"},
        {"output_type": "error", "ename": "KeyError", "evalue": "'a'"},
    ]
    assert recorded_error({"outputs": outputs}) == "KeyError: 'a'"
    assert recorded_error({"outputs": "not a list"}) is None


def test_below_a_star_import_the_names_left_unchecked_are_counted_not_reported() -> None:
    from jupyter_repro.core.rules.hidden_state import blind_spot

    cells = (
        Cell(0, "code", "x = 1", 1),
        Cell(1, "code", "from numpy import *", 2),
        Cell(2, "code", "a = arange(3)\nprint(x, a, linspace)", 3),
    )
    evidence = Evidence("nb.ipynb", cells)
    assert run_rules(evidence, ReproConfig(select=("hidden-state",))) == []
    assert blind_spot(evidence) == (1, 2)  # `arange` and `linspace`: `x` and `a` are known


def test_a_star_import_that_hides_nothing_leaves_no_blind_spot() -> None:
    from jupyter_repro.core.rules.hidden_state import blind_spot

    cells = (Cell(0, "code", "from math import *", 1), Cell(1, "code", "y = 2\nprint(y)", 2))
    assert blind_spot(Evidence("nb.ipynb", cells)) is None
