"""Files we write keep the mode of the file they replace; new ones honour the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_repro.io.atomic import write_if_changed, write_text_atomic


@pytest.fixture
def umask_002() -> Iterator[None]:
    previous = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o640, 0o600])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "analysis.repro.json"
    path.write_text("old")
    path.chmod(mode)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and _mode(path) == mode


def test_a_new_file_gets_what_the_umask_allows(tmp_path: Path, umask_002: None) -> None:
    write_text_atomic(tmp_path / "analysis.py", "x = 1\n")
    assert _mode(tmp_path / "analysis.py") == 0o664


def test_an_unchanged_file_is_not_rewritten_and_a_changed_one_keeps_its_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pairs.json"
    path.write_text("{}")
    path.chmod(0o664)
    assert not write_if_changed(path, "{}")
    assert write_if_changed(path, '{"a": 1}')
    assert _mode(path) == 0o664
