"""`GET /jupyter-repro/history`: whether each snapshot's inputs are on the default remote."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.io.remote import RemoteStore
from jupyter_repro.io.remotes import choose_remote
from jupyter_repro.io.store import Store
from jupyter_repro.io.transfer import notebook_locks, notebook_states
from tests.server.test_handlers import NOTEBOOK, PROJECT, data_read, write_journal
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server


def _snapshot(server: RunningServer) -> str:
    write_journal(server.root, "kernel-1", (data_read(server.root),))
    status, body = server.request(
        "POST", "jupyter-repro/snapshot", {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    )
    assert status == 200 and body["snapshot"], body
    return str(body["snapshot"])


def _history(server: RunningServer) -> dict[str, Any]:
    status, body = server.request("GET", f"jupyter-repro/history?path={NOTEBOOK}")
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def _configure_remotes(project: Path, remotes: str) -> None:
    """Replace the example's remotes (`shared`, the folder .shared-store beside it)."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'remotes = { shared = ".shared-store" }' in text
    pyproject.write_text(text.replace('{ shared = ".shared-store" }', remotes))


def _push(project: Path) -> None:
    store = Store(project)
    states = notebook_states(store, notebook_locks(store, ["analysis.ipynb"]))
    digests = set().union(*(state.digests(store) for state in states))
    entries = [entry for state in states for entry in state.entries]
    name, url = choose_remote(project, None)
    remote = RemoteStore(name, url)
    remote.push(store, remote.plan_push(store, digests, entries), lambda _: None)


def test_without_a_remote_no_snapshot_claims_to_be_on_one(
    jupyter_server: RunningServer,
) -> None:
    _configure_remotes(jupyter_server.root / PROJECT, "{}")
    _snapshot(jupyter_server)
    body = _history(jupyter_server)
    assert body["remote"] is None
    assert [row["on_remote"] for row in body["snapshots"]] == [None]


def test_a_snapshot_is_on_the_file_remote_once_its_inputs_are_pushed(
    jupyter_server: RunningServer, tmp_path: Path
) -> None:
    project = jupyter_server.root / PROJECT
    url = (tmp_path / "remote").as_uri()
    (tmp_path / "remote").mkdir()
    _configure_remotes(project, f'{{ origin = "{url}", other = "{tmp_path / "other"}" }}')
    snapshot = _snapshot(jupyter_server)

    before = _history(jupyter_server)
    assert before["remote"] == {"name": "origin", "reachable": True, "error": None}
    assert [(row["id"], row["on_remote"]) for row in before["snapshots"]] == [(snapshot, False)]

    _push(project)
    after = _history(jupyter_server)
    assert [(row["id"], row["on_remote"]) for row in after["snapshots"]] == [(snapshot, True)]


def test_an_unreachable_remote_leaves_the_history_whole_and_says_why(
    jupyter_server: RunningServer, tmp_path: Path
) -> None:
    nowhere = (tmp_path / "nowhere").as_uri()
    _configure_remotes(jupyter_server.root / PROJECT, f'{{ origin = "{nowhere}" }}')
    snapshot = _snapshot(jupyter_server)
    body = _history(jupyter_server)
    assert [(row["id"], row["on_remote"]) for row in body["snapshots"]] == [(snapshot, None)]
    assert body["remote"]["name"] == "origin"
    assert body["remote"]["reachable"] is False
    assert "unreachable" in body["remote"]["error"]


def test_a_remote_that_does_not_answer_in_time_leaves_on_remote_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.server import actions

    project = tmp_path / "project"
    project.mkdir()
    (project / ".jupyter-repro.toml").write_text(f'[remotes]\norigin = "{tmp_path / "r"}"\n')
    released = threading.Event()

    def hang(_: RemoteStore) -> set[str]:
        released.wait()
        return set()

    monkeypatch.setattr(RemoteStore, "objects", hang)
    monkeypatch.setattr(actions, "REMOTE_LISTING_SECONDS", 0.05)
    try:
        remote, listed = actions._remote_objects(project)
    finally:
        released.set()
    assert listed is None
    assert remote == {"name": "origin", "reachable": False, "error": "no listing within 0.05 s"}
