"""Cell magics whose body is Python bind names; star imports and %pylab blind the analysis."""

from __future__ import annotations

import pytest

from jupyter_repro.core.names import analyze_cell

LOOP = "total = 0\nfor i in range(10):\n    for j in range(3):\n        total += i * j"


@pytest.mark.parametrize("magic", ["%%time", "%%capture", "%%prun", "%%prun -s cumulative"])
def test_the_body_of_a_python_cell_magic_binds_in_the_notebook(magic: str) -> None:
    names = analyze_cell(f"{magic}\n{LOOP}")
    assert names.uses == frozenset()
    assert {"total", "i", "j"} <= names.defines


def test_the_body_of_timeit_reads_its_own_names_and_binds_nothing() -> None:
    # PythonDataScienceHandbook 01.07: `%%timeit` over a loop that builds `total`.
    names = analyze_cell(f"%%timeit\n{LOOP}")
    assert names.uses == frozenset()
    assert names.defines == frozenset()


def test_the_body_of_timeit_still_reads_notebook_names() -> None:
    assert analyze_cell("%%timeit -n 3\nout = model.fit(out_x)").uses == {"model", "out_x"}


def test_a_line_timeit_assignment_reads_its_own_target_nowhere() -> None:
    assert analyze_cell("%timeit x = 1; y = x + 1").uses == frozenset()


@pytest.mark.parametrize(
    "line", ["result = %time fit(model, data)", "result = %timeit -o -n 3 fit(model, data)"]
)
def test_a_timed_expression_assigned_binds_its_target_and_reads_its_names(line: str) -> None:
    names = analyze_cell(line)
    assert names.defines == {"result"}
    assert names.uses == {"fit", "model", "data"}


def test_names_after_a_star_import_in_the_same_cell_are_possibly_defined() -> None:
    # WhirlwindTourOfPython 13: `from math import *` then `sin(pi)` in one cell.
    names = analyze_cell("before = unknown_a\nfrom math import *\nsin(pi) ** 2 + cos(pi) ** 2")
    assert names.uses == {"unknown_a"}
    assert names.opaque


@pytest.mark.parametrize("magic", ["%pylab inline", "%run helpers.py"])
def test_names_after_an_opaque_magic_in_the_same_cell_are_possibly_defined(magic: str) -> None:
    names = analyze_cell(f"{magic}\nfigure(1)\nplot(linspace(0, 1), sin(x))")
    assert names.uses == frozenset()
    assert names.opaque


@pytest.mark.parametrize(
    "header", ["%%timeit data = list(range(10))", "%%timeit -n 3 -r 2 data = make()"]
)
def test_the_setup_statement_of_timeit_binds_for_its_body_only(header: str) -> None:
    names = analyze_cell(f"{header}\nsorted(data)")
    assert "data" not in names.uses
    assert names.defines == frozenset()
