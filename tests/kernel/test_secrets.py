"""Secrets never reach a journal, a lock, the history or the store.

A password on a child process's command line, and the content of credential files a cell
reads (netrc, cloud credentials, ssh keys, `.env`), stay out of everything we write; files
outside the project are never copied into the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.io.snapshot import take_snapshot
from tests.support.snapshot_projects import write_notebook

SECRET = "hunter2-do-not-record"


def _everything_written(project: Path) -> str:
    """Every file jupyter-repro wrote in the project (journals, lock, history, store)."""
    texts = []
    for path in sorted(project.rglob("*")):
        if path.is_file() and (".repro" in path.parts or path.name.endswith(".repro.json")):
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.fixture
def notebook_session(make_session: Any, project: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A session whose kernel knows it runs `nb.ipynb` (so the snapshot finds its journal)."""
    monkeypatch.setenv("JUPYTER_REPRO_NOTEBOOK", str(project / "nb.ipynb"))
    return make_session()


def _snapshot_of(session: Any, project: Path, sources: list[str]) -> Any:
    """Run `sources` as the cells of `nb.ipynb` and take its snapshot, as a save does."""
    write_notebook(project / "nb.ipynb", sources, markdown_first=False)
    for source in sources:
        session.run(source)
    session.journal()  # every line on disk
    return take_snapshot(project / "nb.ipynb")


def test_a_password_passed_to_a_child_process_is_never_recorded(
    notebook_session: Any, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = notebook_session
    monkeypatch.setenv("MY_PASSWORD", SECRET)
    (project / "data.csv").write_text("a\n1\n")
    result = _snapshot_of(
        session,
        project,
        [
            "import os, subprocess, sys\n"
            "subprocess.run([sys.executable, '-c', 'pass', 'data.csv',"
            " '--password=' + os.environ['MY_PASSWORD']])"
        ],
    )
    run = session.journal().runs[0]
    assert result.lock.inputs["data.csv"].stored  # the project file named on it is recorded
    assert any(note.startswith("child process `python") for note in run.unattributed)
    assert [r.path for r in run.reads if r.via == "subprocess"] == ["data.csv"]
    assert SECRET not in _everything_written(project)
    assert not any(SECRET in note for note in result.missing)


def test_a_shell_line_is_named_by_its_program_only(session: Any, project: Path) -> None:
    session.run(f"!echo --token={SECRET} > /dev/null")
    notes = session.journal().runs[0].unattributed
    assert any(note.startswith("shell command `echo` ran") for note in notes)
    assert not any(SECRET in note for note in notes)


def test_credential_files_read_by_a_cell_are_named_never_hashed_or_stored(
    notebook_session: Any, project: Path, tmp_path: Path
) -> None:
    session = notebook_session
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".netrc").write_text(f"machine example.org login me password {SECRET}\n")
    (home / ".aws" / "credentials").write_text(f"[default]\naws_secret_access_key={SECRET}\n")
    (project / ".env").write_text(f"API_KEY={SECRET}\n")
    netrc, aws = home / ".netrc", home / ".aws" / "credentials"
    result = _snapshot_of(
        session,
        project,
        [f"open({str(netrc)!r}).read(); open({str(aws)!r}).read(); open('.env').read()"],
    )
    inputs = result.lock.inputs
    assert set(inputs) == {netrc.as_posix(), aws.as_posix(), ".env"}  # named as reads
    assert all(entry.hash is None and not entry.stored for entry in inputs.values())
    written = _everything_written(project)
    for secret_file in (netrc, aws, project / ".env"):
        assert hash_bytes(secret_file.read_bytes()) not in written
    assert SECRET not in written


def test_a_file_outside_the_project_is_never_copied_into_the_store(
    notebook_session: Any, project: Path, tmp_path: Path
) -> None:
    session = notebook_session
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("outside,data\n")
    (project / "inside.csv").write_text("inside,data\n")
    result = _snapshot_of(
        session, project, [f"open({str(outside)!r}).read(); open('inside.csv').read()"]
    )
    assert result.lock.inputs["inside.csv"].stored
    assert not result.lock.inputs[outside.as_posix()].stored
    objects = [p.read_bytes() for p in (project / ".repro" / "objects").rglob("*") if p.is_file()]
    assert objects == [b"inside,data\n"]


def test_a_link_in_the_project_to_a_secret_outside_is_named_never_hashed_or_stored(
    notebook_session: Any, project: Path, tmp_path: Path
) -> None:
    """A cloned repository can hold a link (`data/config.csv -> ~/.ssh/id_rsa`): the cell
    reads it by its name in the project, but nothing of what it leads to is recorded."""
    secret = tmp_path / "home" / "token.txt"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\n")
    (project / "config.csv").symlink_to(secret)
    result = _snapshot_of(session := notebook_session, project, ["open('config.csv').read()"])
    read = session.journal().runs[0].reads[0]
    assert read.path == "config.csv" and read.hash is None
    assert "outside the project" in (read.note or "")
    entry = result.lock.inputs["config.csv"]
    assert entry.hash is None and not entry.stored
    written = _everything_written(project)
    assert hash_bytes(secret.read_bytes()) not in written and SECRET not in written


def test_a_link_outside_the_project_to_a_credential_file_is_never_hashed(
    notebook_session: Any, project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(f"{SECRET}\n")
    innocent = tmp_path / "shared" / "notes.txt"
    innocent.parent.mkdir()
    innocent.symlink_to(home / ".ssh" / "id_rsa")
    _snapshot_of(notebook_session, project, [f"open({str(innocent)!r}).read()"])
    written = _everything_written(project)
    assert hash_bytes((home / ".ssh" / "id_rsa").read_bytes()) not in written
