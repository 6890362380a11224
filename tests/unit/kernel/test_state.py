"""Live state from runs and current cells (pure: no kernel, no files)."""

from __future__ import annotations

from jupyter_repro.core.journal import CellRun, FileAccess
from jupyter_repro.core.state import (
    CurrentCell,
    FileStat,
    NameSets,
    cells_from_runs,
    live_state,
    match_runs,
)

NAMES = {
    "a = 1": NameSets(frozenset({"a"}), frozenset()),
    "a = 2": NameSets(frozenset({"a"}), frozenset()),
    "b = a + 1": NameSets(frozenset({"b"}), frozenset({"a"})),
    "c = b * 2": NameSets(frozenset({"c"}), frozenset({"b"})),
    "print(a)": NameSets(frozenset(), frozenset({"a", "print"})),
    "d = secret": NameSets(frozenset({"d"}), frozenset({"secret"})),
    "secret = 42": NameSets(frozenset({"secret"}), frozenset()),
}


def names_of(source: str) -> NameSets:
    return NAMES.get(source, NameSets())


def run(seq: int, source: str, cell_id: str | None = None, **extra: object) -> CellRun:
    names = names_of(source)
    fields: dict[str, object] = {
        "seq": seq,
        "execution_count": seq,
        "cell_id": cell_id,
        "source_hash": f"h{seq}",
        "source": source,
        "started": float(seq),
        "duration": 0.0,
        "status": "ok",
        "defines": tuple(sorted(names.defines)),
        "uses": tuple(sorted(names.uses)),
    }
    fields.update(extra)
    return CellRun(**fields)  # type: ignore[arg-type]


def cell(index: int, source: str, cell_id: str | None = None) -> CurrentCell:
    return CurrentCell(index, source, cell_id)


def test_runs_are_matched_to_cells_by_id_and_without_ids_by_source() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "b = a + 1"), run(3, "a = 1", "deleted")]
    cells = [cell(0, "a = 1", "x"), cell(1, "b = a + 1", "y")]
    assert match_runs(runs, cells) == {1: 0, 2: 1}
    assert match_runs(
        [run(1, "a = 1"), run(2, "b = a + 1")], [cell(0, "a = 1"), cell(2, "b = a + 1")]
    ) == {1: 0, 2: 2}


def test_the_execution_order_lists_every_run_with_its_current_cell() -> None:
    runs = [run(1, "b = a + 1", "y"), run(2, "a = 1", "x"), run(3, "gone", "z")]
    cells = [cell(0, "a = 1", "x"), cell(1, "b = a + 1", "y")]
    state = live_state(runs, cells, names_of)
    assert [(e.seq, e.cell) for e in state.order] == [(1, 1), (2, 0), (3, None)]


def test_a_cell_edited_after_its_run_is_reported() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "b = a + 1", "y")]
    cells = [cell(0, "a = 2", "x"), cell(1, "b = a + 1", "y")]
    state = live_state(runs, cells, names_of)
    assert [(e.cell, e.seq) for e in state.edited] == [(0, 1)]


def test_a_cell_that_ran_before_its_dependency_was_rerun_is_stale() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "b = a + 1", "y"), run(3, "a = 1", "x")]
    cells = [cell(0, "a = 1", "x"), cell(1, "b = a + 1", "y")]
    state = live_state(runs, cells, names_of)
    assert [(s.cell, s.name, s.reason, s.upstream) for s in state.stale] == [(1, "a", "re-run", 0)]


def test_staleness_propagates_to_cells_that_used_a_stale_result() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "b = a + 1", "y"), run(3, "c = b * 2", "z")]
    cells = [cell(0, "a = 2", "x"), cell(1, "b = a + 1", "y"), cell(2, "c = b * 2", "z")]
    state = live_state(runs, cells, names_of)
    assert [(s.cell, s.reason) for s in state.stale] == [(1, "changed"), (2, "upstream-stale")]


def test_a_name_redefined_by_another_cell_after_use_makes_the_user_stale() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "print(a)", "p"), run(3, "a = 2", "w")]
    cells = [cell(0, "a = 1", "x"), cell(1, "print(a)", "p"), cell(2, "a = 2", "w")]
    state = live_state(runs, cells, names_of)
    assert [(s.cell, s.reason) for s in state.stale] == [(1, "redefined")]


def test_cells_run_top_to_bottom_once_are_clean() -> None:
    sources = ["a = 1", "b = a + 1", "c = b * 2"]
    runs = [run(i + 1, s, f"c{i}") for i, s in enumerate(sources)]
    cells = [cell(i, s, f"c{i}") for i, s in enumerate(sources)]
    state = live_state(runs, cells, names_of, fresh={}, namespace={"a", "b", "c"})
    assert (state.edited, state.stale, state.hidden, state.never_run) == ((), (), (), ())


def test_a_name_defined_only_by_a_deleted_cell_is_hidden_state() -> None:
    runs = [run(1, "secret = 42", "gone"), run(2, "d = secret", "d")]
    cells = [cell(3, "d = secret", "d")]
    state = live_state(runs, cells, names_of, namespace={"secret", "d"})
    (hidden,) = state.hidden
    assert (hidden.name, hidden.cell, hidden.reason) == ("secret", 3, "not-defined")
    assert (hidden.defined_by_seq, hidden.defined_by_cell_id) == (1, "gone")
    assert hidden.definer == "deleted"


def test_a_name_defined_only_below_its_use_is_hidden_state() -> None:
    runs = [run(1, "secret = 42", "s"), run(2, "d = secret", "d")]
    cells = [cell(0, "d = secret", "d"), cell(1, "secret = 42", "s")]
    (hidden,) = live_state(runs, cells, names_of).hidden
    assert (hidden.name, hidden.reason, hidden.definer) == ("secret", "defined-below", "present")


def test_names_absent_from_the_kernel_namespace_are_not_hidden_state() -> None:
    cells = [cell(0, "d = secret", "d")]
    assert live_state([], cells, names_of, namespace={"d"}).hidden == ()


def test_inputs_changed_or_missing_on_disk_are_reported_with_their_readers() -> None:
    read_a = FileAccess("a.csv", "read", 3, 1.0, "blake3:aa")
    read_b = FileAccess("b.csv", "read", 3, 1.0, "blake3:bb")
    read_c = FileAccess("c.csv", "read", 3, 1.0, "blake3:cc")
    runs = [run(1, "a = 1", "x", reads=(read_a, read_b, read_c))]
    fresh = {"a.csv": FileStat(3, 1.0), "b.csv": FileStat(4, 2.0, "blake3:b2"), "c.csv": None}
    state = live_state(runs, [cell(0, "a = 1", "x")], names_of, fresh=fresh)
    assert [(c.path, c.status, c.seqs, c.cells) for c in state.inputs_changed] == [
        ("b.csv", "changed", (1,), (0,)),
        ("c.csv", "missing", (1,), (0,)),
    ]


def test_a_touched_input_with_the_same_content_is_not_changed() -> None:
    read = FileAccess("a.csv", "read", 3, 1.0, "blake3:aa")
    fresh = {"a.csv": FileStat(3, 9.0, "blake3:aa")}
    state = live_state([run(1, "a = 1", reads=(read,))], [], names_of, fresh=fresh)
    assert state.inputs_changed == ()


def test_cells_never_run_are_listed() -> None:
    state = live_state(
        [run(1, "a = 1", "x")],
        [cell(0, "a = 1", "x"), cell(2, "b = a + 1", "y"), cell(3, "  ", "z")],
        names_of,
    )
    assert state.never_run == (2,)


def test_without_a_notebook_the_cells_are_the_latest_source_of_each_run_cell() -> None:
    runs = [run(1, "a = 1", "x"), run(2, "b = a + 1", "y"), run(3, "a = 2", "x")]
    assert cells_from_runs(runs) == [cell(0, "a = 2", "x"), cell(1, "b = a + 1", "y")]


def test_the_state_serializes_to_plain_json_types() -> None:
    import json

    state = live_state([run(1, "a = 1", "x")], [cell(0, "a = 2", "x")], names_of)
    data = json.loads(json.dumps(state.to_json()))
    assert data["edited"] == [{"cell": 0, "cell_id": "x", "seq": 1}]
