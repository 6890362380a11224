"""The tracker in an in-process IPython shell: what each cell run leaves in the journal."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.kernel.audit import RECORDER
from tests.kernel.conftest import journal_files


def test_each_cell_run_appends_one_line_with_order_status_and_cell_id(session: Any) -> None:
    session.run("a = 1", cell_id="first")
    session.run("b = a + 1", cell_id="second")
    session.run("a = 5", cell_id="first")

    runs = session.journal().runs
    assert [r.seq for r in runs] == [1, 2, 3]
    assert [r.cell_id for r in runs] == ["first", "second", "first"]
    assert [r.execution_count for r in runs] == [1, 2, 3]
    assert [r.status for r in runs] == ["ok", "ok", "ok"]
    assert runs[1].source == "b = a + 1"
    assert runs[1].source_hash == hash_bytes(b"b = a + 1")
    assert runs[0].duration >= 0 and runs[0].started <= runs[1].started


def test_the_header_describes_the_kernel_and_the_project(session: Any, project: Path) -> None:
    session.run("x = 1")
    header = session.journal().header
    assert header.project_root == str(project)
    assert header.cwd == str(project)
    assert header.seed is None
    assert header.environment["python"]
    assert "ipython" in header.environment["distributions"]
    assert all(value is None for value in header.environment["variables"].values())


def test_the_notebook_named_by_the_environment_is_in_the_header(
    make_session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "nb").mkdir()
    (project / "nb" / "analysis.ipynb").write_text("{}")
    monkeypatch.setenv("JUPYTER_REPRO_NOTEBOOK", str(project / "nb" / "analysis.ipynb"))
    session = make_session()
    session.run("x = 1")
    assert session.journal().header.notebook == "nb/analysis.ipynb"


def test_errors_and_interrupts_are_recorded_with_their_status(session: Any) -> None:
    session.run("1 / 0")
    session.run("raise KeyboardInterrupt")
    session.run("def broken(:")
    runs = session.journal().runs
    assert [(r.status, r.error) for r in runs] == [
        ("error", "ZeroDivisionError"),
        ("interrupted", "KeyboardInterrupt"),
        ("error", "SyntaxError"),
    ]


def test_blank_executions_are_not_cells(session: Any) -> None:
    session.run("")
    session.run("   \n")
    session.run("x = 1")
    assert [r.source for r in session.journal().runs] == ["x = 1"]


def test_hidden_executions_without_history_are_not_cell_runs(session: Any) -> None:
    # a frontend's variable viewer runs code this way; it is not one of the notebook's cells
    session.shell.run_cell("probe = 1", store_history=False)
    session.run("x = 1")
    assert [r.source for r in session.journal().runs] == ["x = 1"]


def test_a_read_file_is_recorded_with_path_size_mtime_and_content_hash(
    session: Any, project: Path
) -> None:
    (project / "data").mkdir()
    (project / "data" / "in.csv").write_bytes(b"a,b\n1,2\n")
    session.run("text = open('data/in.csv').read()")

    (read,) = session.journal().runs[0].reads
    assert read.path == "data/in.csv"
    assert read.mode == "read"
    assert read.size == 8
    assert read.hash == hash_bytes(b"a,b\n1,2\n")
    assert read.mtime == pytest.approx((project / "data" / "in.csv").stat().st_mtime)
    assert not read.changed_during_read


def test_reads_through_pathlib_os_open_and_numpy_are_recorded(session: Any, project: Path) -> None:
    for name in ("p.txt", "o.txt"):
        (project / name).write_text(name)
    import numpy as np

    np.save(project / "arr.npy", np.arange(3))
    session.run(
        "import os, pathlib, numpy as np\n"
        "pathlib.Path('p.txt').read_text()\n"
        "os.close(os.open('o.txt', os.O_RDONLY))\n"
        "arr = np.load('arr.npy')\n"
    )
    paths = {r.path for r in session.journal().runs[0].reads}
    assert {"p.txt", "o.txt", "arr.npy"} <= paths


def test_a_written_file_is_hashed_after_the_cell(session: Any, project: Path) -> None:
    session.run(
        "with open('out.txt', 'w') as f:\n    f.write('one')\n    f.flush()\n"
        "with open('out.txt', 'a') as f:\n    f.write('two')"
    )
    run = session.journal().runs[0]
    assert run.reads == ()
    (write,) = run.writes
    assert (write.path, write.mode, write.size) == ("out.txt", "write", 6)
    assert write.hash == hash_bytes(b"onetwo")


def test_a_file_opened_for_update_is_both_read_and_written(session: Any, project: Path) -> None:
    (project / "db.bin").write_bytes(b"old")
    session.run("with open('db.bin', 'r+b') as f:\n    f.seek(0, 2)\n    f.write(b'new')")
    run = session.journal().runs[0]
    assert [(r.path, r.mode) for r in run.reads] == [("db.bin", "readwrite")]
    assert [(w.path, w.hash) for w in run.writes] == [("db.bin", hash_bytes(b"oldnew"))]


def test_an_atomic_replace_records_the_final_file_not_the_temporary(
    session: Any, project: Path
) -> None:
    session.run("import os\nopen('tmp.part', 'w').write('x')\nos.replace('tmp.part', 'final.txt')")
    assert [w.path for w in session.journal().runs[0].writes] == ["final.txt"]


def test_the_same_unchanged_file_read_again_is_hashed_once(
    session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jupyter_repro.io.hashing as hashing

    (project / "in.txt").write_text("same")
    calls: list[int] = []
    original = hashing.hash_open_file
    monkeypatch.setattr(
        hashing, "hash_open_file", lambda fd, size: calls.append(size) or original(fd, size)
    )
    session.run("open('in.txt').read()")
    session.run("open('in.txt').read(); open('in.txt').read()")
    runs = session.journal().runs
    assert runs[0].reads[0].hash == runs[1].reads[0].hash
    assert len(calls) == 1


def test_a_file_changed_between_two_cells_gets_its_new_hash(session: Any, project: Path) -> None:
    target = project / "in.txt"
    target.write_text("first")
    session.run("open('in.txt').read()")
    target.write_text("second version")
    session.run("open('in.txt').read()")
    first, second = (run.reads[0] for run in session.journal().runs)
    assert first.hash == hash_bytes(b"first")
    assert second.hash == hash_bytes(b"second version")


def test_a_file_changed_after_the_read_but_before_the_hash_is_flagged(
    session: Any, project: Path
) -> None:
    (project / "in.txt").write_text("what the cell read")
    gate = threading.Event()
    session.tracker._worker.submit(lambda: gate.wait(10))  # hold the hash until the file moved
    session.run(
        "open('in.txt').read()\nimport time; time.sleep(0.01)\n"
        "open('in.txt', 'w').write('rewritten by the same cell, longer')"
    )
    gate.set()
    (read,) = session.journal().runs[0].reads
    assert read.changed_during_read
    assert read.note and "changed" in read.note


def test_interpreter_store_and_checkpoint_files_are_not_recorded(
    session: Any, project: Path
) -> None:
    (project / ".ipynb_checkpoints").mkdir()
    (project / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (project / "data.txt").write_text("d")
    session.run(
        "import os, sysconfig, json, email.mime.text\n"
        "open(os.path.join(sysconfig.get_paths()['stdlib'], 'os.py')).read()\n"
        "open('.ipynb_checkpoints/a-checkpoint.ipynb').read()\n"
        "open('/proc/self/status').read()\n"
        "open('data.txt').read()\n"
    )
    assert [r.path for r in session.journal().runs[0].reads] == ["data.txt"]


def test_inputs_matching_the_configured_ignore_globs_are_not_recorded(
    make_session: Any, project: Path
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n\n'
        '[tool.jupyter-repro]\nignore-inputs = ["scratch/*"]\n'
    )
    (project / "scratch").mkdir()
    (project / "scratch" / "tmp.txt").write_text("t")
    (project / "keep.txt").write_text("k")
    session = make_session()
    session.run("open('scratch/tmp.txt').read(); open('keep.txt').read()")
    assert [r.path for r in session.journal().runs[0].reads] == ["keep.txt"]


def test_a_file_outside_the_project_is_recorded_by_absolute_path(
    session: Any, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("o")
    session.run(f"open({str(outside)!r}).read()")
    assert [r.path for r in session.journal().runs[0].reads] == [outside.as_posix()]


def test_names_defined_and_used_are_recorded_including_through_magics(session: Any) -> None:
    session.run("import math\nradius = 2")
    session.run("%time area = math.pi * radius ** 2\n!echo hello\nfiles = !ls")
    first, second = session.journal().runs
    assert set(first.defines) == {"math", "radius"}
    assert {"math", "radius"} <= set(second.uses)
    assert {"area", "files"} <= set(second.defines)


def test_newly_imported_modules_are_listed_without_the_standard_library(
    session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "mymod.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(project))
    session.run("import mymod, json, email.policy")
    session.run("import mymod")
    first, second = session.journal().runs
    assert first.imports == ("mymod",)
    assert second.imports == ()


def test_a_hook_failure_never_reaches_the_cell_and_marks_tracking_incomplete(
    session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "in.txt").write_text("x")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(RECORDER, "record_read", explode)
    result = session.run("value = open('in.txt').read()")
    assert result.success
    assert session.shell.user_ns["value"] == "x"
    journal = session.journal()
    assert not journal.tracking_complete
    assert any("open event" in reason for reason in journal.incomplete)


def test_loading_twice_is_harmless_and_unloading_stops_tracking(
    session: Any, project: Path
) -> None:
    session.shell.run_line_magic("load_ext", "jupyter_repro")
    from jupyter_repro import load_ipython_extension

    load_ipython_extension(session.shell)
    session.run("x = 1")
    tracker = session.tracker
    assert len(session.journal().runs) == 1
    session.shell.run_line_magic("unload_ext", "jupyter_repro")
    session.run("y = 2")
    assert RECORDER.accesses is None
    assert len(journal_files(project)) == 1
    from jupyter_repro.io.journals import read_journal

    journal = read_journal(tracker.journal_path)
    assert journal is not None and len(journal.runs) == 1
    session.shell.run_line_magic("load_ext", "jupyter_repro")  # teardown unloads it again


def test_each_tracker_writes_its_own_journal(make_session: Any, project: Path) -> None:
    first = make_session()
    first.run("x = 1")
    first.journal()
    second = make_session()
    second.run("x = 2")
    second.journal()
    assert len(journal_files(project)) == 2


def test_a_seed_in_the_config_seeds_random_and_numpy_and_is_in_the_header(
    make_session: Any, project: Path
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n\n[tool.jupyter-repro]\nseed = 7\n'
    )
    import numpy as np

    random.seed(123)
    np.random.seed(123)
    session = make_session()
    session.run("import random, numpy as np\nr = random.random()\nn = np.random.rand()")
    random.seed(7)
    np.random.seed(7)
    assert session.shell.user_ns["r"] == random.random()
    assert session.shell.user_ns["n"] == np.random.rand()
    assert session.journal().header.seed == 7


def test_the_seed_from_the_environment_wins_over_the_config(
    make_session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".jupyter-repro.toml").write_text("seed = 7\n")
    monkeypatch.setenv("JUPYTER_REPRO_SEED", "11")
    session = make_session()
    session.run("import random\nr = random.random()")
    random.seed(11)
    assert session.shell.user_ns["r"] == random.random()
    assert session.journal().header.seed == 11


def test_a_seed_that_is_not_a_number_is_reported_not_used(
    make_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_REPRO_SEED", "soon")
    session = make_session()
    session.run("x = 1")
    journal = session.journal()
    assert journal.header.seed is None
    assert any("JUPYTER_REPRO_SEED" in reason for reason in journal.incomplete)


def test_a_large_input_is_hashed_in_the_background_with_its_full_content(
    session: Any, project: Path
) -> None:
    from jupyter_repro.kernel.tracker import SMALL_INPUT

    content = b"0123456789" * (SMALL_INPUT // 5)
    (project / "big.bin").write_bytes(content)
    session.run("with open('big.bin', 'rb') as f:\n    head = f.read(10)")
    (read,) = session.journal().runs[0].reads
    assert read.size == len(content) and read.hash == hash_bytes(content)
    assert not read.changed_during_read


def test_a_project_where_the_journal_cannot_be_written_says_so_once_and_runs_on(
    make_session: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".repro").write_text("a file where the store folder should be")
    session = make_session()
    assert session.run("x = 1").success
    assert session.run("y = x + 1").success
    assert session.tracker.flush()
    assert capsys.readouterr().err.count("cannot write the journal") == 1
    assert session.shell.user_ns["y"] == 2


def test_one_full_collection_follows_the_first_cell_and_no_other(session: Any) -> None:
    """The extension's start-up objects must not bring the user's next full collection
    (a pause proportional to the user's heap) earlier: they are collected once, early."""
    import gc

    full: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.disable()  # only the collections someone asks for
    gc.callbacks.append(count)
    try:
        session.run("x = 1")
        session.journal()
        assert len(full) == 1
        for _ in range(5):
            session.run("x += 1")
        session.journal()
        assert len(full) == 1
    finally:
        gc.callbacks.remove(count)
        gc.enable()


def test_a_file_a_cells_thread_opens_after_the_cell_ended_is_reported_by_the_next_cell(
    session: Any, project: Path
) -> None:
    (project / "late.csv").write_text("a\n1\n")
    session.run(
        "import threading\n"
        "opened = threading.Event()\n"
        "def load():\n"
        "    threading.Event().wait(0.2)\n"
        "    open('late.csv').read()\n"
        "    opened.set()\n"
        "threading.Thread(target=load).start()"
    )
    assert session.shell.user_ns["opened"].wait(5)
    session.run("x = 1")
    first, second = session.journal().runs
    assert first.reads == () and first.unattributed == ()
    assert second.unattributed == (
        "late.csv was opened between cells by a thread an earlier cell started",
    )


def test_the_kernels_own_opens_between_cells_are_not_the_notebooks(
    session: Any, project: Path
) -> None:
    """Completions and inspection read files on the kernel's main thread between cells."""
    (project / "helpers.py").write_text("def f():\n    return 1\n")
    session.run("x = 1")
    (project / "helpers.py").read_text()  # as jedi would: on the main thread, between cells
    session.run("y = 2")
    assert all(run.unattributed == () for run in session.journal().runs)


def test_files_outside_the_project_a_thread_opens_between_cells_are_not_reported(
    session: Any, tmp_path: Path
) -> None:
    """Library threads open their own files between cells (tempfile probes the temporary
    folder on first use): only the project's files are the notebook's."""
    import threading

    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("x")
    session.run("x = 1")
    reader = threading.Thread(target=outside.read_text)
    reader.start()
    reader.join()
    session.run("y = 2")
    assert all(run.unattributed == () for run in session.journal().runs)
