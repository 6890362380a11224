"""The content-addressed store, history entries and restore paths."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from jupyter_repro.core.errors import StoreError
from jupyter_repro.io.hashing import hash_bytes, hash_file
from jupyter_repro.io.store import Store, restore_target
from tests.support.locks import minimal_lock


def test_identical_content_is_stored_once_under_its_hash(project: Path) -> None:
    store = Store(project)
    (project / "a.csv").write_text("same")
    (project / "b.csv").write_text("same")
    digest = hash_file(project / "a.csv")
    assert store.put_file(project / "a.csv", digest) and store.put_file(project / "b.csv", digest)
    objects = list(store.object_files())
    assert objects == [(digest, store.object_path(digest))]
    assert objects[0][1].read_text() == "same"


def test_content_that_does_not_match_the_claimed_hash_is_not_kept(project: Path) -> None:
    store = Store(project)
    (project / "a.csv").write_text("actual")
    assert not store.put_file(project / "a.csv", hash_bytes(b"claimed"))
    assert list(store.object_files()) == []
    assert not [p for p in store.objects.rglob("*") if p.is_file()]


def test_sparse_files_stay_sparse_in_the_store_and_when_restored(project: Path) -> None:
    big = project / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(64 << 20)
        handle.seek(32 << 20)
        handle.write(b"middle")
    store = Store(project)
    digest = hash_file(big)
    assert store.put_file(big, digest)
    stored = store.object_path(digest)
    assert stored.stat().st_size == 64 << 20
    assert stored.stat().st_blocks * 512 < 8 << 20
    store.export(digest, project / "out" / "big.bin")
    assert hash_file(project / "out" / "big.bin") == digest


def test_history_records_only_a_changed_lock(project: Path) -> None:
    store = Store(project)
    lock = minimal_lock()
    first = store.record("nb.ipynb", lock, "save")
    assert first is not None
    assert store.record("nb.ipynb", replace(lock), "save") is None
    second = store.record("nb.ipynb", replace(lock, seed=1), "snapshot")
    assert second not in (None, first)
    assert [e.id for e in store.entries("nb.ipynb")] == [first, second]
    assert store.find(first[:6], "nb.ipynb").id == first
    assert store.notebooks() == ["nb.ipynb"]


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "data/../../x",
        "a\\..\\b",
        "",
        ".git/hooks/post-checkout",
        "sub/.git/config",
        ".repro/objects/ab/cd",
    ],
)
def test_restore_refuses_paths_that_leave_the_folder_or_reach_git_or_the_store(
    project: Path, key: str
) -> None:
    with pytest.raises(StoreError, match="refusing"):
        restore_target(project / "restored", key, project)


def test_restore_refuses_a_folder_symlinked_outside_the_project(
    project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "restored").mkdir()
    os.symlink(outside, project / "restored" / "data")
    with pytest.raises(StoreError, match="outside the project root"):
        restore_target(project / "restored", "data/a.csv", project)


def test_inputs_from_outside_the_project_restore_under_a_folder_of_their_own(project: Path) -> None:
    target = restore_target(project / "restored", "/srv/data/a.csv", project)
    assert target == project / "restored" / "_outside" / "srv" / "data" / "a.csv"


def test_a_corrupt_object_is_never_restored(project: Path) -> None:
    store = Store(project)
    (project / "a.csv").write_text("original")
    digest = hash_file(project / "a.csv")
    store.put_file(project / "a.csv", digest)
    stored = store.object_path(digest)
    stored.chmod(0o644)
    stored.write_text("tampered")
    with pytest.raises(StoreError, match="corrupt"):
        store.export(digest, project / "restored" / "a.csv")
    assert not (project / "restored").exists()  # not even the folder made for it


@pytest.mark.parametrize("dest", [".git", ".git/hooks", ".repro/objects"])
def test_restore_never_writes_into_git_or_the_store_whatever_the_folder(
    project: Path, dest: str
) -> None:
    with pytest.raises(StoreError, match="refusing"):
        restore_target(project / dest, "post-checkout", project)


def test_the_default_restore_folder_in_the_store_is_allowed(project: Path) -> None:
    target = restore_target(project / ".repro" / "restore" / "abc", "data/a.csv", project)
    assert target == project / ".repro" / "restore" / "abc" / "data" / "a.csv"
