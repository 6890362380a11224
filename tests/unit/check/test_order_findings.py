"""`out-of-order` and `count-gap` report each cause once, in words a reader recognises."""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.rules import Cell, Evidence, run_rules


def _order(*counts: int | None) -> list[tuple[str, int | None, str]]:
    evidence = Evidence(
        path="nb.ipynb",
        cells=tuple(Cell(i, "code", f"v{i} = {i}", c) for i, c in enumerate(counts)),
    )
    rules = ("out-of-order", "skipped-cell", "count-gap")
    return [(f.rule, f.cell, f.message) for f in run_rules(evidence, ReproConfig(select=rules))]


def test_re_running_the_last_cell_is_not_a_count_gap() -> None:
    assert _order(1, 2, 3, 5) == []
    assert _order(1, 2, 3, 9) == []


def test_a_gap_before_a_cell_that_is_not_the_last_is_still_reported() -> None:
    assert [(r, c) for r, c, _ in _order(1, 3, 4)] == [("count-gap", 1)]


def test_one_re_run_cell_is_one_finding_that_counts_the_cells_it_affects() -> None:
    # PythonDataScienceHandbook 06.00-Figure-Code: one cell re-run above 16 cells.
    found = _order(1, 2, 19, *range(3, 19))
    assert found == [
        (
            "out-of-order",
            3,
            "ran as [3], before cell 3 above it ran as [19]; so did the 15 cells below it "
            "(to cell 19): cell 3 ran again after them",
        )
    ]


def test_a_single_affected_cell_reads_as_before() -> None:
    assert _order(1, 3, 2) == [("out-of-order", 2, "ran as [2], before cell 2 above it ran as [3]")]


def test_two_re_run_cells_are_two_findings() -> None:
    found = _order(1, 10, 2, 3, 11, 4, 5)
    assert [(r, c) for r, c, _ in found if r == "out-of-order"] == [
        ("out-of-order", 2),
        ("out-of-order", 5),
    ]


def test_cells_sharing_a_count_are_said_to_share_it() -> None:
    found = _order(1, 2, 2)
    assert (
        "out-of-order",
        2,
        "shares the count [2] with cell 2 above it: the two ran in different kernel sessions",
    ) in found


def test_a_skipped_cell_names_the_cell_below_that_ran_counting_from_one() -> None:
    assert _order(1, None, 2) == [("skipped-cell", 1, "never ran, while cell 3 below it did")]
