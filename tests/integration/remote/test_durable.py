"""Many new files made durable together: one flush of their file system, then the renames."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_repro.io import durable
from jupyter_repro.io.durable import DurableBatch


def written(folder: Path, count: int) -> list[tuple[Path, Path]]:
    folder.mkdir(exist_ok=True)
    moves = []
    for index in range(count):
        temporary = folder / f".tmp-{index}"
        temporary.write_bytes(b"%d" % index)
        moves.append((temporary, folder / "objects" / f"{index:02x}" / "object"))
    return moves


def batch_of(moves: list[tuple[Path, Path]]) -> DurableBatch:
    batch = DurableBatch()
    for temporary, final in moves:
        batch.add(temporary, final)
    return batch


def test_files_take_their_names_only_once_all_are_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moves = written(tmp_path, 10)
    flushed: list[list[str]] = []
    real_flush = durable.flush_files

    def watch(paths: list[str]) -> None:
        paths = list(paths)
        assert not any(final.exists() for _, final in moves)  # nothing named before
        flushed.append(paths)
        real_flush(paths)

    monkeypatch.setattr(durable, "flush_files", watch)
    batch_of(moves).commit()
    assert flushed == [[os.fspath(t) for t, _ in moves]]
    assert all(final.read_bytes() == b"%d" % i for i, (_, final) in enumerate(moves))
    assert not any(temporary.exists() for temporary, _ in moves)


def test_every_file_is_fsynced_before_any_takes_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moves = written(tmp_path, 40)
    synced: list[str] = []
    real = durable._fsync

    def fsync(path: str) -> None:
        assert not any(final.exists() for _, final in moves)
        synced.append(path)
        real(path)

    monkeypatch.setattr(durable, "_fsync", fsync)
    batch_of(moves).commit()
    assert sorted(synced) == sorted(os.fspath(t) for t, _ in moves)
    assert all(final.is_file() for _, final in moves)


def test_a_discarded_batch_leaves_nothing(tmp_path: Path) -> None:
    batch = batch_of(written(tmp_path, 3))
    batch.discard()
    assert sorted(p.name for p in tmp_path.rglob("*")) == []
    batch.commit()  # nothing left to commit
