"""The snapshot, log, diff, env, restore and gc commands, called in-process."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.main import main
from jupyter_repro.core.lock import lock_id
from jupyter_repro.io.store import Store, notebook_key
from tests.support.snapshot_projects import (
    access,
    append_runs,
    run_of,
    write_journal,
    write_notebook,
)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two_snapshots(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str, str]:
    """A notebook snapshotted twice, its input changed in between: (notebook, id1, id2)."""
    monkeypatch.chdir(project)
    (project / "data" / "a.csv").write_text("v1")
    nb = write_notebook(project / "analysis.ipynb", ["import json\nopen('data/a.csv').read()"])
    journal = write_journal(project, [run_of(nb, 1, [access(project, "data/a.csv")])])
    code, out, _ = run_cli(capsys, "snapshot", "analysis.ipynb", "--format", "json")
    assert code == 0
    first = json.loads(out)["notebooks"][0]["snapshot"]
    (project / "data" / "a.csv").write_text("version 2")
    append_runs(journal, [run_of(nb, 1, [access(project, "data/a.csv")])])
    code, out, _ = run_cli(capsys, "snapshot", "analysis.ipynb", "--format", "json")
    second = json.loads(out)["notebooks"][0]["snapshot"]
    assert code == 0 and first and second and first != second
    return project / "analysis.ipynb", first, second


def craft_history(project: Path, inputs: dict[str, Any]) -> str:
    """A history entry as someone with write access to `.repro/` could leave it."""
    lock = json.loads((project / "analysis.repro.json").read_text())
    lock = copy.deepcopy(lock)
    lock["inputs"] = inputs
    ident = lock_id(json.dumps(lock, sort_keys=True))
    folder = project / ".repro" / "history" / notebook_key("analysis.ipynb")
    (folder / f"{time.time_ns():020d}-{ident}.json").write_text(json.dumps({"lock": lock}))
    return ident


def test_snapshot_reports_the_lock_and_snapshot_in_text(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "snapshot", "analysis.ipynb")
    assert code == 0
    assert out == "analysis.ipynb: lock unchanged (analysis.repro.json)\n"


def test_snapshot_of_an_invalid_notebook_exits_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "old.ipynb").write_text('{"nbformat": 3, "worksheets": []}')
    code, out, err = run_cli(capsys, "snapshot", str(project / "old.ipynb"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "too old" in err
    assert not (project / "old.repro.json").exists()


def test_log_lists_each_snapshot_with_what_changed(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, second = two_snapshots
    code, out, _ = run_cli(capsys, "log", "analysis.ipynb", "--format", "json")
    rows = json.loads(out)["snapshots"]
    assert code == 0 and [r["id"] for r in rows] == [first, second]
    assert rows[1]["summary"] == "1 input"
    assert rows[1]["changes"] == ["input changed: data/a.csv (2 B -> 9 B)"]
    code, out, _ = run_cli(capsys, "log", "analysis.ipynb")
    lines = out.splitlines()
    assert lines[0].startswith(f"{first}  ") and lines[0].endswith("first snapshot")
    assert lines[1].startswith(f"{second}  ") and lines[1].endswith("1 input")
    assert lines[2] == "    input changed: data/a.csv (2 B -> 9 B)"


def test_diff_of_two_snapshots_shows_the_changed_input_and_exits_1(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, second = two_snapshots
    code, out, _ = run_cli(capsys, "diff", first, second)
    assert code == 1
    assert "input changed: data/a.csv (2 B -> 9 B)" in out
    code, out, _ = run_cli(
        capsys, "diff", "analysis.ipynb", f"analysis.ipynb@{second}", "--format", "json"
    )
    assert code == 0 and json.loads(out)["same"] is True


def test_env_writes_requirements_conda_and_runtime_files(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "env", "analysis.ipynb", "--format", "runtime")
    assert code == 0 and out.startswith("python-3.")
    code, out, _ = run_cli(capsys, "env", "analysis.ipynb", "--format", "conda")
    assert code == 0 and "dependencies:" in out
    code, out, _ = run_cli(capsys, "env", "analysis.ipynb", "--all", "-o", "requirements.txt")
    text = Path("requirements.txt").read_text()
    assert code == 0 and "jsonschema==" in text


def test_restore_writes_the_snapshots_inputs_into_a_separate_folder(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    notebook, first, _ = two_snapshots
    code, out, _ = run_cli(capsys, "restore", "analysis.ipynb", "--snapshot", first, "--to", "old")
    assert code == 0, out
    assert (notebook.parent / "old" / "data" / "a.csv").read_text() == "v1"
    assert (notebook.parent / "data" / "a.csv").read_text() == "version 2"


def test_restore_refuses_path_traversal_in_a_crafted_history(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    notebook, _, _ = two_snapshots
    good = json.loads((notebook.parent / "analysis.repro.json").read_text())["inputs"]
    record = good["data/a.csv"]
    ident = craft_history(notebook.parent, {"data/a.csv": record, "../../etc/passwd": record})
    code, out, err = run_cli(capsys, "restore", "analysis.ipynb", "--snapshot", ident)
    assert code == 2 and out == ""
    assert "refusing to restore '../../etc/passwd'" in err
    assert not (notebook.parent / ".repro" / "restore").exists()


def test_restore_outside_the_project_root_is_refused(
    two_snapshots: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, _ = two_snapshots
    code, _, err = run_cli(
        capsys,
        "restore",
        "analysis.ipynb",
        "--snapshot",
        first,
        "--to",
        str(tmp_path / "elsewhere"),
    )
    assert code == 2 and "outside the project root" in err
    assert not (tmp_path / "elsewhere").exists()


def test_restore_exits_2_and_writes_nothing_when_the_store_lacks_a_file(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    notebook, _, _ = two_snapshots
    good = json.loads((notebook.parent / "analysis.repro.json").read_text())["inputs"]
    absent = {**good["data/a.csv"], "hash": "blake3:" + "0" * 64}
    ident = craft_history(notebook.parent, {"data/a.csv": good["data/a.csv"], "data/z.csv": absent})
    code, _, err = run_cli(capsys, "restore", "analysis.ipynb", "--snapshot", ident)
    assert code == 2 and "the store lacks data/z.csv" in err
    assert not (notebook.parent / ".repro" / "restore").exists()


def test_gc_removes_only_objects_no_snapshot_refers_to(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    notebook = two_snapshots[0]
    store = Store(notebook.parent)
    (notebook.parent / "stray.bin").write_bytes(b"nobody needs me")
    from jupyter_repro.io.hashing import hash_file

    stray = hash_file(notebook.parent / "stray.bin")
    assert store.put_file(notebook.parent / "stray.bin", stray)
    kept = {d for d, _ in store.object_files()} - {stray}
    code, out, _ = run_cli(capsys, "gc", "--grace", "0", "--format", "json")
    assert code == 0 and json.loads(out)["removed"] == 1
    assert {d for d, _ in store.object_files()} == kept and len(kept) == 2


def test_gc_keeps_young_objects_a_snapshot_in_progress_may_need(
    two_snapshots: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    notebook = two_snapshots[0]
    (notebook.parent / "fresh.bin").write_bytes(b"being snapshotted")
    from jupyter_repro.io.hashing import hash_file

    fresh = hash_file(notebook.parent / "fresh.bin")
    Store(notebook.parent).put_file(notebook.parent / "fresh.bin", fresh)
    code, out, _ = run_cli(capsys, "gc", "--format", "json")
    assert code == 0 and json.loads(out)["removed"] == 0
    assert Store(notebook.parent).has(fresh)


def test_an_unwritable_store_is_a_one_line_error_and_no_lock(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(project / "analysis.ipynb", ["x = 1"])
    (project / ".repro").write_text("a file where the store folder should be")
    code, out, err = run_cli(capsys, "snapshot", str(project / "analysis.ipynb"))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "cannot write" in err
    assert not (project / "analysis.repro.json").exists()
