"""Copying bytes in the kernel, holes kept, and sharing objects by hard link."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.io.filecopy import copy_data, data_extents, link_or_copy

MiB = 1 << 20


def sparse_file(path: Path) -> bytes:
    """8 MiB with data only at its start and its end (a hole in between)."""
    with open(path, "wb") as handle:
        handle.write(b"head" * 1024)
        handle.seek(8 * MiB - 4096)
        handle.write(b"tail" * 1024)
    return path.read_bytes()


def copy(source: Path, target: Path) -> None:
    with open(source, "rb") as reader, open(target, "wb") as writer:
        copy_data(reader.fileno(), writer.fileno(), os.fstat(reader.fileno()).st_size)


def test_a_copy_has_the_same_bytes_and_keeps_holes_as_holes(tmp_path: Path) -> None:
    content = sparse_file(tmp_path / "sparse.bin")
    copy(tmp_path / "sparse.bin", tmp_path / "copy.bin")
    assert (tmp_path / "copy.bin").read_bytes() == content
    if (tmp_path / "sparse.bin").stat().st_blocks * 512 < MiB:  # the filesystem keeps holes
        assert (tmp_path / "copy.bin").stat().st_blocks * 512 < MiB


def test_a_file_ending_in_a_hole_keeps_its_size(tmp_path: Path) -> None:
    source = tmp_path / "trailing-hole.bin"
    with open(source, "wb") as handle:
        handle.write(b"data")
        handle.truncate(3 * MiB)
    copy(source, tmp_path / "copy.bin")
    assert (tmp_path / "copy.bin").read_bytes() == source.read_bytes()


def test_where_the_kernel_cannot_copy_the_bytes_are_read_and_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any) -> int:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refused)
    content = sparse_file(tmp_path / "sparse.bin")
    copy(tmp_path / "sparse.bin", tmp_path / "copy.bin")
    assert (tmp_path / "copy.bin").read_bytes() == content


def test_an_empty_file_has_no_data_extents(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    with open(tmp_path / "empty", "rb") as handle:
        assert data_extents(handle.fileno(), 0) == []


def test_an_object_is_linked_on_one_filesystem(tmp_path: Path) -> None:
    source = tmp_path / "object"
    source.write_bytes(b"content")
    source.chmod(0o444)
    assert link_or_copy(source, tmp_path / "remote" / "ab" / "object") is True
    assert (tmp_path / "remote" / "ab" / "object").stat().st_ino == source.stat().st_ino


def test_an_object_that_cannot_be_linked_is_copied_read_only_and_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cross_device(source: Any, target: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    source = tmp_path / "object"
    source.write_bytes(b"content" * 1000)
    target = tmp_path / "remote" / "ab" / "object"
    assert link_or_copy(source, target) is False
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o444
    assert [p.name for p in target.parent.iterdir()] == ["object"], "no temporary left"


def test_linking_a_missing_object_is_an_error_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        link_or_copy(tmp_path / "missing", tmp_path / "remote" / "ab" / "object")
    assert not (tmp_path / "remote").exists()
