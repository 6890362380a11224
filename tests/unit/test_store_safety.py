"""The store and the lock never lose what they know: gc racing a snapshot, a snapshot with
no journal, a corrupt or newer lock, a damaged object, a save read while half-written."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.errors import BadInputError, StoreError
from jupyter_repro.io import snapshot as snapshot_module
from jupyter_repro.io.snapshot import KEPT_NOTE, take_snapshot
from jupyter_repro.io.store import Store
from jupyter_repro.io.storeops import collect_garbage, restore_inputs
from jupyter_repro.server.save_hook import SnapshotWorker
from tests.support.snapshot_projects import access, run_of, write_journal, write_notebook


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    return root


def _project_with_input(project: Path) -> Path:
    """`analysis.ipynb`, whose journal says its cell read `data/a.csv`."""
    (project / "data" / "a.csv").write_text("a,b\n1,2\n")
    nb = write_notebook(project / "analysis.ipynb", ["open('data/a.csv').read()"])
    write_journal(project, [run_of(nb, 1, reads=[access(project, "data/a.csv")])])
    return project / "analysis.ipynb"


def test_gc_never_sweeps_the_objects_of_a_snapshot_in_progress(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = _project_with_input(project)
    copied, release = threading.Event(), threading.Event()
    put_file = Store.put_file

    def copy_then_wait_for_gc(self: Store, *args: Any, **kwargs: Any) -> Any:
        stored = put_file(self, *args, **kwargs)
        copied.set()  # the input is in the store; no lock or history names it yet
        release.wait(30)
        return stored

    monkeypatch.setattr(Store, "put_file", copy_then_wait_for_gc)
    snapshot = threading.Thread(target=take_snapshot, args=(notebook,))
    snapshot.start()
    assert copied.wait(30)
    gc = threading.Thread(target=collect_garbage, args=(Store(project), 0.0, False))
    gc.start()
    gc.join(2)  # gc waits for the store lock, or (without one) sweeps the object now
    release.set()
    snapshot.join(30)
    gc.join(30)
    store = Store(project)
    (entry,) = store.entries("analysis.ipynb")
    digest = entry.read().inputs["data/a.csv"].hash
    assert digest is not None and store.has(digest)


def test_gc_refuses_when_the_history_is_not_a_folder(project: Path) -> None:
    notebook = _project_with_input(project)
    take_snapshot(notebook)
    store = Store(project)
    for entry in store.entries("analysis.ipynb"):
        entry.file.unlink()
    for folder in sorted(store.history.rglob("*"), reverse=True):
        folder.rmdir()
    store.history.rmdir()
    store.history.write_text("not a folder")
    with pytest.raises(StoreError, match="not a folder"):
        collect_garbage(store, 0.0, False)
    assert len(list(store.object_files())) == 1


def test_a_snapshot_without_a_journal_keeps_what_the_lock_knew_and_says_so(
    project: Path,
) -> None:
    notebook = _project_with_input(project)
    first = take_snapshot(notebook)
    journals = project / ".repro" / "journal"
    for path in journals.iterdir():
        path.unlink()
    journals.rmdir()
    journals.write_text("replaced by a file")  # as after a bad merge; a fresh clone has none
    second = take_snapshot(notebook)
    assert second.kept == KEPT_NOTE
    assert second.lock.inputs == first.lock.inputs
    assert second.lock.outputs == first.lock.outputs
    assert second.lock.environment == first.lock.environment
    assert KEPT_NOTE in second.lock.execution.missing
    on_disk = json.loads((project / "analysis.repro.json").read_text())
    assert "data/a.csv" in on_disk["inputs"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not a lock"),
        ('{"foo": 1}', "lock version"),
        (None, "lock version 99"),
        ("inputs-list", "inputs"),
    ],
)
def test_a_corrupt_or_newer_lock_is_never_overwritten(
    project: Path, text: str | None, reason: str
) -> None:
    notebook = _project_with_input(project)
    take_snapshot(notebook)
    lock_file = project / "analysis.repro.json"
    lock = json.loads(lock_file.read_text())
    if text is None:
        text = json.dumps({**lock, "lock_version": 99})
    elif text == "inputs-list":
        text = json.dumps({**lock, "inputs": ["data/a.csv"]})
    lock_file.write_text(text)
    with pytest.raises(BadInputError, match=reason) as caught:
        take_snapshot(notebook)
    assert "not replaced" in caught.value.message
    assert lock_file.read_text() == text


def test_a_truncated_store_object_is_noticed_and_stored_again(project: Path) -> None:
    notebook = _project_with_input(project)
    digest = take_snapshot(notebook).lock.inputs["data/a.csv"].hash
    assert digest is not None
    stored = Store(project).object_path(digest)
    stored.chmod(0o644)
    stored.write_bytes(b"a,b\n")  # a copy cut short by a full disk
    take_snapshot(notebook)
    assert stored.read_bytes() == (project / "data" / "a.csv").read_bytes()


def test_a_restore_from_a_truncated_object_writes_nothing_and_leaves_no_folder(
    project: Path,
) -> None:
    notebook = _project_with_input(project)
    digest = take_snapshot(notebook).lock.inputs["data/a.csv"].hash
    assert digest is not None
    store = Store(project)
    stored = store.object_path(digest)
    stored.chmod(0o644)
    stored.write_bytes(b"a,b\n")
    (entry,) = store.entries("analysis.ipynb")
    with pytest.raises(StoreError, match="damaged"):
        restore_inputs(store, entry, project / "restored")
    assert not (project / "restored").exists()


def test_a_save_read_while_half_written_is_read_again_and_only_the_later_outcome_counts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = project / "analysis.ipynb"
    notebook.write_text('{"cells": [')  # jupyter_server has not finished writing it
    real = snapshot_module.take_snapshot
    calls: list[str] = []

    def finish_writing_after_first_read(path: Path, **kwargs: Any) -> Any:
        calls.append(path.read_text()[:12])
        try:
            return real(path, **kwargs)
        except BadInputError:
            write_notebook(notebook, ["x = 1"])  # the write completes
            raise

    monkeypatch.setattr(snapshot_module, "take_snapshot", finish_writing_after_first_read)
    worker = SnapshotWorker(log=logging.getLogger("test"))
    worker.post_save({"path": "analysis.ipynb", "type": "notebook"}, str(notebook), None)
    assert worker.wait_idle(30)
    outcome = worker.last_outcome(str(notebook))
    assert len(calls) == 2
    assert outcome is not None and outcome.status == "written", outcome
    assert (project / "analysis.repro.json").is_file()


def test_a_save_whose_lock_was_kept_rather_than_refreshed_is_reported(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notebook = _project_with_input(project)
    take_snapshot(notebook)
    for path in (project / ".repro" / "journal").iterdir():
        path.unlink()
    worker = SnapshotWorker(log=logging.getLogger("test-hook"))
    worker.post_save({"path": "analysis.ipynb", "type": "notebook"}, str(notebook), None)
    assert worker.wait_idle(30)
    outcome = worker.last_outcome(str(notebook))
    assert outcome is not None and outcome.status == "incomplete"
    assert outcome.message == KEPT_NOTE
    assert any(KEPT_NOTE in record.getMessage() for record in caplog.records)


def test_check_notices_a_damaged_store_copy_of_a_locked_input(project: Path) -> None:
    from jupyter_repro.io.inspection import inspect_notebook

    notebook = _project_with_input(project)
    digest = take_snapshot(notebook).lock.inputs["data/a.csv"].hash
    assert digest is not None
    assert inspect_notebook(notebook).notes == ()
    stored = Store(project).object_path(digest)
    stored.chmod(0o644)
    stored.write_bytes(b"a")
    (note,) = inspect_notebook(notebook).notes
    assert "data/a.csv" in note and "damaged" in note


def test_a_fresh_clone_without_the_stores_copies_gets_no_note(project: Path) -> None:
    from jupyter_repro.io.inspection import inspect_notebook

    notebook = _project_with_input(project)
    take_snapshot(notebook)
    shutil.rmtree(project / ".repro")  # what a clone has: the lock, no store
    assert inspect_notebook(notebook).notes == ()


def test_a_newer_lock_is_an_error_of_its_own_not_also_no_lock(project: Path) -> None:
    from jupyter_repro.io.inspection import inspect_notebook

    notebook = _project_with_input(project)
    lock_file = take_snapshot(notebook).lock_file
    data = json.loads(lock_file.read_text())
    lock_file.write_text(json.dumps({**data, "lock_version": 7}))
    (project / "pyproject.toml").write_text("[tool.jupyter-repro]\nrequire-lock = true\n")
    report = inspect_notebook(notebook)
    assert report.error is not None and "lock version 7" in report.error
    assert [f.rule for f in report.findings if f.rule == "no-lock"] == []


def _linked_input(project: Path, target: Path) -> Path:
    """`analysis.ipynb`, whose journal says its cell read `data/a.csv`: a symbolic link to
    `target`, as a cloned repository can hold one."""
    (project / "data" / "a.csv").symlink_to(target)
    nb = write_notebook(project / "analysis.ipynb", ["open('data/a.csv').read()"])
    write_journal(project, [run_of(nb, 1, reads=[access(project, "data/a.csv")])])
    return project / "analysis.ipynb"


def test_a_link_in_the_project_to_a_file_outside_is_neither_hashed_nor_stored(
    project: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("the password\n")
    lock = take_snapshot(_linked_input(project, secret)).lock
    assert lock.inputs["data/a.csv"].stored is False
    stored = [p for p in (project / ".repro" / "objects").rglob("*") if p.is_file()]
    assert all(p.read_bytes() != secret.read_bytes() for p in stored)


def test_a_link_through_a_folder_that_leads_outside_is_refused(
    project: Path, tmp_path: Path
) -> None:
    from jupyter_repro.io.files import OutsideProjectError
    from jupyter_repro.io.hashing import hash_file

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "b.csv").write_text("x\n")
    (project / "linked").symlink_to(outside)
    with pytest.raises(OutsideProjectError):
        Store(project).put_file(project / "linked" / "b.csv", hash_file(outside / "b.csv"))


def test_a_link_to_a_credential_file_in_the_project_is_refused(project: Path) -> None:
    (project / ".aws").mkdir()
    (project / ".aws" / "credentials").write_text("[default]\nkey = secret\n")
    lock = take_snapshot(_linked_input(project, project / ".aws" / "credentials")).lock
    assert lock.inputs["data/a.csv"].stored is False
    assert not (project / ".repro" / "objects").exists() or not any(
        p.is_file() for p in (project / ".repro" / "objects").rglob("*")
    )


def test_a_link_to_another_file_of_the_project_is_the_users_and_is_stored(
    project: Path,
) -> None:
    (project / "raw.csv").write_text("a,b\n1,2\n")
    lock = take_snapshot(_linked_input(project, project / "raw.csv")).lock
    digest = lock.inputs["data/a.csv"].hash
    assert digest is not None and Store(project).has(digest)


def test_a_private_key_in_the_project_is_never_stored_whatever_its_name(project: Path) -> None:
    key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n"
    (project / "data" / "a.csv").write_bytes(key)
    nb = write_notebook(project / "analysis.ipynb", ["open('data/a.csv').read()"])
    write_journal(project, [run_of(nb, 1, reads=[access(project, "data/a.csv")])])
    lock = take_snapshot(project / "analysis.ipynb").lock
    assert lock.inputs["data/a.csv"].stored is False
    objects = project / ".repro" / "objects"
    assert not objects.exists() or all(
        p.read_bytes() != key for p in objects.rglob("*") if p.is_file()
    )
