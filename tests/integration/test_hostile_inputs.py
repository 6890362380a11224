"""Bad input given to `jupyter-repro` as a careless or hostile user would: every case ends
with exit code 2 and one line on stderr, in bounded time, with nothing written."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
LIMIT_S = 60  # a hang fails the case instead of hanging the suite


def _cell(**changes: Any) -> dict[str, Any]:
    cell = {"cell_type": "code", "id": "c", "source": "x = 1", "metadata": {}, "outputs": []}
    return {**cell, "execution_count": None, **changes}


def _nb(cells: list[Any], **top: Any) -> str:
    kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    data = {"cells": cells, "metadata": {"kernelspec": kernelspec}, "nbformat": 4}
    return json.dumps({**data, "nbformat_minor": 5, **top})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    return root


def jupyter_repro(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["jupyter-repro", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr


NOTEBOOKS: dict[str, tuple[str, str]] = {
    "nbformat 5": (_nb([_cell()], nbformat=5), "newer"),
    "nbformat 4.99": (_nb([_cell()], nbformat=4.99), "not a format version"),
    "cell_type 42": (_nb([_cell(cell_type=42)]), "cell_type 42"),
    "cell_type banana": (_nb([_cell(cell_type="banana")]), "cell_type 'banana'"),
    "cells not objects": (_nb([1, "two"]), "not an object"),
    "source 123": (_nb([_cell(source=123)]), "source that is not text"),
    "deep JSON": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    "missing nbformat": (json.dumps({"cells": [], "metadata": {}}), "version is missing"),
}


@pytest.mark.parametrize("command", ["check", "snapshot", "pair", "sync", "verify"])
@pytest.mark.parametrize("case", sorted(NOTEBOOKS))
def test_an_invalid_notebook_is_refused(project: Path, case: str, command: str) -> None:
    text, reason = NOTEBOOKS[case]
    (project / "x.ipynb").write_text(text)
    assert_refused(jupyter_repro(project, command, "x.ipynb"), reason)
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "x.ipynb"]


@pytest.mark.parametrize("command", ["check", "snapshot", "pair", "sync"])
def test_a_fifo_named_like_a_notebook_never_hangs(project: Path, command: str) -> None:
    os.mkfifo(project / "x.ipynb")
    assert_refused(jupyter_repro(project, command, "x.ipynb"), "FIFO")


@pytest.mark.parametrize("command", ["check", "snapshot", "pair", "sync"])
def test_a_symlink_loop_is_refused(project: Path, command: str) -> None:
    os.symlink(project / "b.ipynb", project / "a.ipynb")
    os.symlink(project / "a.ipynb", project / "b.ipynb")
    assert_refused(jupyter_repro(project, command, "a.ipynb"), "link")


def test_gc_walks_past_a_symlink_loop(project: Path) -> None:
    os.symlink(project / "b", project / "a")
    os.symlink(project / "a", project / "b")
    assert jupyter_repro(project, "gc", ".").returncode == 0


def _locked(project: Path) -> dict[str, Any]:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    assert jupyter_repro(project, "snapshot", "nb.ipynb").returncode == 0
    lock: dict[str, Any] = json.loads((project / "nb.repro.json").read_text())
    return lock


LOCKS: dict[str, Callable[[dict[str, Any]], str]] = {
    "inputs a list": lambda lock: json.dumps({**lock, "inputs": ["a.csv"]}),
    "lock_version 99": lambda lock: json.dumps({**lock, "lock_version": 99}),
    "foo": lambda lock: json.dumps({"foo": 1}),
    "invalid JSON": lambda lock: "{",
}


@pytest.mark.parametrize("command", ["check", "verify", "snapshot"])
@pytest.mark.parametrize("case", sorted(LOCKS))
def test_a_corrupt_or_newer_lock_is_refused_never_overwritten(
    project: Path, case: str, command: str
) -> None:
    text = LOCKS[case](_locked(project))
    (project / "nb.repro.json").write_text(text)
    assert_refused(jupyter_repro(project, command, "nb.ipynb"), "nb.repro.json")
    assert (project / "nb.repro.json").read_text() == text


def test_a_lock_that_is_a_folder_is_not_taken_for_no_lock(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    (project / "nb.repro.json").mkdir()
    assert_refused(jupyter_repro(project, "check", "nb.ipynb"), "directory")


@pytest.mark.parametrize(
    "target", ["/dev/zero", "pipe.csv", "../outside-secret.txt", "/etc/hostname"]
)
def test_check_never_reads_what_a_lock_names_outside_the_project_or_not_a_file(
    project: Path, target: str
) -> None:
    lock = _locked(project)
    if target == "pipe.csv":
        os.mkfifo(project / "pipe.csv")
    (project.parent / "outside-secret.txt").write_text("secret")
    size = 0 if target in ("/dev/zero", "pipe.csv") else 6
    record = {"size": size, "hash": "blake3:" + "0" * 64, "cells": [0], "stored": False}
    (project / "nb.repro.json").write_text(json.dumps({**lock, "inputs": {target: record}}))
    result = jupyter_repro(project, "check", "--format", "json", "nb.ipynb")
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["notebooks"][0]["findings"]
    if target in ("/dev/zero", "pipe.csv"):
        assert not any(
            f["rule"] == "input-changed" and "same size" in f["message"] for f in findings
        )
    else:
        assert any(f["rule"] == "absolute-path" and target in f["message"] for f in findings)
        assert not any(f["rule"].startswith("input-") for f in findings)


def test_a_journal_line_of_the_wrong_shape_is_refused(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    journal = project / ".repro" / "journal"
    journal.mkdir(parents=True)
    header = {"kind": "header", "kernel_id": "k", "notebook": "nb.ipynb", "pid": 1}
    header.update(project_root=str(project), cwd="", started=1)
    (journal / "k-1-1.jsonl").write_text(json.dumps(header) + "\n[1, 2, 3]\n")
    assert_refused(jupyter_repro(project, "snapshot", "nb.ipynb"), "journal")
    assert not (project / "nb.repro.json").exists()


def test_a_store_that_is_a_file_is_refused(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    (project / ".repro").write_text("not a folder")
    assert_refused(jupyter_repro(project, "snapshot", "nb.ipynb"), ".repro")


def test_a_v3_notebook_is_checked_and_paired_upgraded_in_memory(project: Path) -> None:
    v3 = {
        "metadata": {"name": ""},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "x = 1",
                        "language": "python",
                        "metadata": {},
                        "outputs": [],
                        "prompt_number": 1,
                    }
                ],
                "metadata": {},
            }
        ],
    }
    (project / "old.ipynb").write_text(json.dumps(v3))
    before = (project / "old.ipynb").read_text()
    checked = jupyter_repro(project, "check", "old.ipynb")
    assert checked.returncode in (0, 1) and "Traceback" not in checked.stderr, checked.stderr
    assert (project / "old.ipynb").read_text() == before  # check never writes
    paired = jupyter_repro(project, "pair", "old.ipynb")
    assert paired.returncode == 0, paired.stderr
    assert "x = 1" in (project / "old.py").read_text()


def test_files_we_write_keep_their_mode_or_follow_the_umask(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    (project / "nb.ipynb").chmod(0o664)
    previous = os.umask(0o002)
    try:
        assert jupyter_repro(project, "pair", "nb.ipynb").returncode == 0
        assert jupyter_repro(project, "snapshot", "nb.ipynb").returncode == 0
    finally:
        os.umask(previous)
    for name in ("nb.ipynb", "nb.py", "nb.repro.json", ".repro/pairs.json"):
        assert (project / name).stat().st_mode & 0o777 == 0o664, name


def test_a_pairing_into_another_folder_is_refused_not_a_crash(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    result = jupyter_repro(project, "pair", "--to", "../../outside//py:percent", "nb.ipynb")
    assert_refused(result, "beside the notebook")
    assert not (project.parent.parent / "outside").exists()
    notebook = json.loads(_nb([_cell()]))
    notebook["metadata"]["jupytext"] = {"formats": "ipynb,../../outside//py:percent"}
    (project / "x.ipynb").write_text(json.dumps(notebook))
    for command in ("pair", "sync"):
        assert_refused(jupyter_repro(project, command, "x.ipynb"), "jupytext formats")
    assert not (project.parent.parent / "outside").exists()
    # A subfolder of the notebook's is a pairing jupytext itself makes: sync asks for the pair.
    notebook["metadata"]["jupytext"] = {"formats": "ipynb,scripts//py:percent"}
    (project / "x.ipynb").write_text(json.dumps(notebook))
    assert_refused(jupyter_repro(project, "sync", "x.ipynb"), "no paired script")


def test_pair_with_a_store_that_is_a_file_is_refused(project: Path) -> None:
    (project / "nb.ipynb").write_text(_nb([_cell()]))
    (project / ".repro").write_text("not a folder")
    assert_refused(jupyter_repro(project, "pair", "nb.ipynb"), ".repro")
