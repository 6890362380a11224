"""The one definition of a pair in sync (core.pairs), as `check` and `sync` use it."""

from __future__ import annotations

from jupyter_repro.core.pairs import pair_cell, pair_cells_of, pair_difference, pair_in_sync


def test_blank_lines_around_a_cell_and_trailing_spaces_do_not_count() -> None:
    assert pair_in_sync([pair_cell("code", "\n\nx = 1   \n\n")], [pair_cell("code", "x = 1")])


def test_blank_cells_do_not_count_on_either_side() -> None:
    notebook = [pair_cell("code", "x = 1", index=0), pair_cell("code", "  \n", index=1)]
    assert pair_in_sync(notebook, [pair_cell("markdown", ""), pair_cell("code", "x = 1")])


def test_tags_count_in_any_order_and_other_metadata_does_not() -> None:
    cells = [
        {"cell_type": "code", "source": "x = 1", "metadata": {"tags": ["b", "a"], "scrolled": 1}}
    ]
    assert pair_in_sync(pair_cells_of(cells), [pair_cell("code", "x = 1", ["a", "b"])])
    assert not pair_in_sync(pair_cells_of(cells), [pair_cell("code", "x = 1", ["a"])])


def test_a_cell_type_nbformat_does_not_know_compares_as_raw() -> None:
    assert pair_cell("future", "text").kind == "raw"


def test_the_first_difference_names_the_notebook_cell_and_what_differs() -> None:
    notebook = [pair_cell("markdown", "# T", index=0), pair_cell("code", "x = 1", index=2)]
    script = [pair_cell("markdown", "# T"), pair_cell("code", "x = 2")]
    difference = pair_difference(notebook, script, "nb.py")
    assert difference is not None
    assert (difference.cell, difference.message) == (2, "the code differs from nb.py")
    missing = pair_difference(notebook, script[:1], "nb.py")
    assert missing is not None and missing.cell == 2 and "2 non-empty cells" in missing.message
    assert pair_difference(notebook, notebook, "nb.py") is None
