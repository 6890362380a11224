"""Journal files on disk: appended line by line, readable at any moment, found by notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.journal import CellRun, JournalHeader
from jupyter_repro.io.journals import (
    JournalWriter,
    choose_journal,
    journal_file_name,
    journals_for_kernel,
    journals_for_notebook,
    read_journal,
)


def header(notebook: str | None, started: float, kernel_id: str | None = "k1") -> JournalHeader:
    return JournalHeader(
        kernel_id=kernel_id, notebook=notebook, project_root="/p", cwd="/p", started=started, pid=1
    )


def cell_run(seq: int) -> CellRun:
    return CellRun(
        seq=seq,
        execution_count=seq,
        cell_id=None,
        source_hash="h",
        source="x = 1",
        started=0.0,
        duration=0.0,
        status="ok",
    )


def write(root: Path, name: str, *items: JournalHeader | CellRun | str) -> Path:
    path = root / ".repro" / "journal" / name
    writer = JournalWriter(path)
    for item in items:
        writer.write(item)
    writer.close()
    return path


def test_each_line_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / ".repro" / "journal" / "k.jsonl")
    writer.write(header("nb.ipynb", 1.0))
    writer.write(cell_run(1))
    journal = read_journal(writer.path)  # the writer is still open
    assert journal is not None and [r.seq for r in journal.runs] == [1]
    writer.close()


def test_the_store_is_git_ignored_when_the_journal_creates_it(tmp_path: Path) -> None:
    write(tmp_path, "k.jsonl", header(None, 1.0))
    assert (tmp_path / ".repro" / ".gitignore").read_text() == "*\n"


def test_a_torn_last_line_leaves_the_journal_readable(tmp_path: Path) -> None:
    path = write(tmp_path, "k.jsonl", header("nb.ipynb", 1.0), cell_run(1))
    with path.open("a") as handle:
        handle.write('{"kind": "cell", "seq": 2, "sour')
    journal = read_journal(path)
    assert journal is not None
    assert [r.seq for r in journal.runs] == [1]
    assert not journal.tracking_complete


def test_incomplete_reasons_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "k.jsonl", header("nb.ipynb", 1.0), "audit hook failed", cell_run(1))
    journal = read_journal(path)
    assert journal is not None and journal.incomplete == ("audit hook failed",)


def test_journals_of_a_notebook_are_found_by_their_header_newest_last(tmp_path: Path) -> None:
    write(tmp_path, "b.jsonl", header("nb.ipynb", 20.0), cell_run(1), cell_run(2))
    write(tmp_path, "a.jsonl", header("nb.ipynb", 10.0), cell_run(1))
    write(tmp_path, "c.jsonl", header("other.ipynb", 30.0))
    (tmp_path / ".repro" / "journal" / "junk.jsonl").write_text("not json\n")
    found = journals_for_notebook(tmp_path, "nb.ipynb")
    assert [p.name for p in found] == ["a.jsonl", "b.jsonl"]
    latest = choose_journal(tmp_path, "nb.ipynb")
    assert latest is not None and len(latest.runs) == 2
    assert choose_journal(tmp_path, "missing.ipynb") is None
    assert journals_for_kernel(tmp_path, "k1") == sorted(
        (tmp_path / ".repro" / "journal").glob("[abc].jsonl"),
        key=lambda p: json.loads(p.read_text().splitlines()[0])["started"],
    )


def test_a_project_without_journals_has_none(tmp_path: Path) -> None:
    assert journals_for_notebook(tmp_path, "nb.ipynb") == []
    assert read_journal(tmp_path / "nope.jsonl") is None


def test_journal_names_are_unique_per_process_and_safe_as_file_names() -> None:
    assert journal_file_name("abc-123", 42, 1.5) == "abc-123-42-1500.jsonl"
    assert journal_file_name(None, 42, 1.5) == "kernel-42-1500.jsonl"
    assert "/" not in journal_file_name("../evil", 1, 0.0)


def test_the_kernel_writes_its_journal_with_the_encoder_the_readers_decode_with(
    session: object, project: Path
) -> None:
    from jupyter_repro.core.journal import decode_lines

    (project / "in.txt").write_text("x")
    session.run("open('in.txt').read(); open('out.txt', 'w').write('y')")  # type: ignore[attr-defined]
    journal = session.journal()  # type: ignore[attr-defined]
    decoded = decode_lines(journal_path(session).read_text().splitlines())
    assert decoded is not None
    assert list(decoded.runs) == session.tracker.runs  # type: ignore[attr-defined]
    assert journal.runs[0].reads[0].path == "in.txt"
    assert journal.runs[0].writes[0].path == "out.txt"


def journal_path(session: object) -> Path:
    return session.tracker.journal_path  # type: ignore[attr-defined,no-any-return]


def test_a_journal_from_a_newer_format_is_refused_naming_its_version(tmp_path: Path) -> None:
    path = write(tmp_path, "k.jsonl", header("nb.ipynb", 1.0), cell_run(1))
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace('"version":1', '"version":7')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BadInputError, match="journal version 7 is newer than this"):
        read_journal(path)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2, 3]", "line 2: not a journal record: top level: expected an object"),
        ('{"kind": "cell", "seq": "1"}', "line 2: not a journal record: seq"),
        (
            '{"kind": "cell", "seq": 1, "source_hash": "h", "started": 0, "duration": 0,'
            ' "status": "ok", "reads": [{"path": 3, "mode": "read"}]}',
            "reads/0/path",
        ),
    ],
)
def test_a_journal_line_of_the_wrong_shape_is_refused_naming_the_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write(tmp_path, "k.jsonl", header("nb.ipynb", 1.0))
    with path.open("a") as handle:
        handle.write(line + "\n")
    with pytest.raises(BadInputError) as caught:
        read_journal(path)
    assert reason in caught.value.message and str(path) in caught.value.message


def test_a_restarted_kernel_that_ran_nothing_does_not_hide_the_runs_before_it(
    tmp_path: Path,
) -> None:
    write(tmp_path, "a.jsonl", header("nb.ipynb", 10.0), cell_run(1), cell_run(2))
    write(tmp_path, "b.jsonl", header("nb.ipynb", 20.0))
    chosen = choose_journal(tmp_path, "nb.ipynb")
    assert chosen is not None and len(chosen.runs) == 2


def test_the_running_kernels_named_journal_is_judged_even_before_its_first_cell(
    tmp_path: Path,
) -> None:
    write(tmp_path, "a.jsonl", header("nb.ipynb", 10.0), cell_run(1))
    fresh = tmp_path / ".repro" / "journal" / "k1-5-99.jsonl"
    chosen = choose_journal(tmp_path, "nb.ipynb", "k1", str(fresh))
    assert chosen is not None and chosen.runs == ()
    outside = choose_journal(tmp_path, "nb.ipynb", None, "/etc/passwd")
    assert outside is not None and len(outside.runs) == 1  # a path elsewhere is ignored


def test_an_incomplete_record_keeps_a_bounded_traceback_and_reads_back_its_reason() -> None:
    from jupyter_repro.core.journal import (
        TRACEBACK_LIMIT,
        IncompleteNote,
        decode_record,
        encode_line,
    )

    note = IncompleteNote("post_run_cell failed: KeyError: 'x'", "Traceback ...\n" * 10)
    assert decode_record(json.loads(encode_line(note))) == note
    assert TRACEBACK_LIMIT <= 4000


def renamed(root: Path, old: str, new: str, at: float) -> None:
    """A followed rename recorded at time `at`."""
    log = root / ".repro" / "renames.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as handle:
        handle.write(json.dumps({"time": at, "old": old, "new": new}) + "\n")


def test_a_kernel_started_before_a_rename_journals_for_the_new_name(tmp_path: Path) -> None:
    before = write(tmp_path, "k1-1-1.jsonl", header("a.ipynb", 100.0), cell_run(1))
    renamed(tmp_path, "a.ipynb", "b.ipynb", at=200.0)
    assert journals_for_notebook(tmp_path, "b.ipynb") == [before]
    assert journals_for_notebook(tmp_path, "a.ipynb") == []
    for kernel in (None, "k1"):
        chosen = choose_journal(tmp_path, "b.ipynb", kernel_id=kernel)
        assert chosen is not None and chosen.runs
        assert choose_journal(tmp_path, "a.ipynb", kernel_id=kernel) is None


def test_a_notebook_made_later_under_the_old_name_does_not_inherit_those_journals(
    tmp_path: Path,
) -> None:
    older = write(tmp_path, "k1-1-1.jsonl", header("a.ipynb", 100.0), cell_run(1))
    renamed(tmp_path, "a.ipynb", "b.ipynb", at=200.0)
    newer = write(tmp_path, "k2-2-3.jsonl", header("a.ipynb", 300.0, "k2"), cell_run(1))
    assert journals_for_notebook(tmp_path, "a.ipynb") == [newer]
    assert journals_for_notebook(tmp_path, "b.ipynb") == [older]


def test_renames_are_followed_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, "k1-1-1.jsonl", header("a.ipynb", 100.0), cell_run(1))
    renamed(tmp_path, "b.ipynb", "c.ipynb", at=300.0)  # recorded out of order
    renamed(tmp_path, "a.ipynb", "b.ipynb", at=200.0)
    assert journals_for_notebook(tmp_path, "c.ipynb") == [first]


def test_a_rename_record_of_another_shape_is_skipped_not_trusted(tmp_path: Path) -> None:
    journal = write(tmp_path, "k1-1-1.jsonl", header("a.ipynb", 100.0), cell_run(1))
    log = tmp_path / ".repro" / "renames.jsonl"
    log.write_text(
        "not json\n"
        '{"time": "soon", "old": "a.ipynb", "new": "b.ipynb"}\n'
        '{"time": 200, "old": "a.ipynb", "new": "../../etc/b.ipynb"}\n'
        "[1, 2]\n"
    )
    assert journals_for_notebook(tmp_path, "a.ipynb") == [journal]
    renamed(tmp_path, "a.ipynb", "b.ipynb", at=200.0)
    assert journals_for_notebook(tmp_path, "b.ipynb") == [journal]
