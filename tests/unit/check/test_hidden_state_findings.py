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
