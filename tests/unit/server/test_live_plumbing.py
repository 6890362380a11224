"""The server's live plumbing for the Lab: remembered cell sources, watched inputs, kernel
launch arguments. No server, no kernel: the pieces on their own."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jupyter_repro.server.kernels import EXTENSION_ARGUMENT, tracking_enabled, with_extension
from jupyter_repro.server.live_cells import CellSources, UnknownSources
from jupyter_repro.server.watcher import InputWatcher


def cell(cell_id: str, source: str | None = None, count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": cell_id, "cell_type": "code", "execution_count": count}
    if source is not None:
        out["source"] = source
    return out


def test_a_cell_sent_without_its_source_takes_the_one_its_client_sent_before() -> None:
    sources = CellSources()
    sources.complete("tab", [cell("a", "x = 1"), cell("b", "y = x")])
    completed = sources.complete("tab", [cell("a", count=1), cell("b", "y = 2 * x", count=2)])
    assert [c["source"] for c in completed] == ["x = 1", "y = 2 * x"]
    assert [c["execution_count"] for c in completed] == [1, 2]
    # the newest source is the one remembered
    assert sources.complete("tab", [cell("b")])[0]["source"] == "y = 2 * x"


def test_a_source_never_sent_by_that_client_is_asked_for_again() -> None:
    sources = CellSources()
    sources.complete("tab", [cell("a", "x = 1")])
    with pytest.raises(UnknownSources):
        sources.complete("other-tab", [cell("a")])
    with pytest.raises(UnknownSources):
        sources.complete("tab", [cell("new")])


def test_the_oldest_clients_are_forgotten_beyond_capacity() -> None:
    sources = CellSources(capacity=2)
    for tab in ("one", "two", "three"):
        sources.complete(tab, [cell("a", tab)])
    with pytest.raises(UnknownSources):
        sources.complete("one", [cell("a")])
    assert sources.complete("three", [cell("a")])[0]["source"] == "three"


def test_a_changed_input_is_reported_once_for_its_notebook(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    seen: list[tuple[str, list[str]]] = []
    watcher = InputWatcher(lambda path, files: seen.append((path, list(files))), interval=3600)
    watcher.watch("nb.ipynb", [("data.csv", data), ("gone.csv", tmp_path / "gone.csv")])
    watcher.check()
    assert seen == []
    data.write_text("a\n1\n2\n")
    watcher.check()
    watcher.check()
    assert seen == [("nb.ipynb", ["data.csv"])]
    data.unlink()
    watcher.check()
    assert seen[-1] == ("nb.ipynb", ["data.csv"])
    watcher.stop()


def test_watching_again_keeps_a_change_not_yet_reported(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("1")
    seen: list[str] = []
    watcher = InputWatcher(lambda path, files: seen.extend(files), interval=3600)
    watcher.watch("nb.ipynb", [("data.csv", data)])
    data.write_text("22")
    watcher.watch("nb.ipynb", [("data.csv", data)])  # a status answered meanwhile
    watcher.check()
    assert seen == ["data.csv"]
    watcher.stop()


class FakeSpecs:
    def get_kernel_spec(self, name: str) -> Any:
        languages = {"python3": "python", "ir": "R"}
        if name not in languages:
            raise KeyError(name)
        return SimpleNamespace(language=languages[name])


def test_python_kernels_are_launched_with_the_extension_and_others_are_not() -> None:
    manager = SimpleNamespace(kernel_spec_manager=FakeSpecs(), default_kernel_name="python3")
    assert with_extension(manager, {})["extra_arguments"] == [EXTENSION_ARGUMENT]
    launched = with_extension(manager, {"kernel_name": "python3", "extra_arguments": ["--x"]})
    assert launched["extra_arguments"] == ["--x", EXTENSION_ARGUMENT]
    assert with_extension(manager, launched) == launched  # never twice
    assert "extra_arguments" not in with_extension(manager, {"kernel_name": "ir"})
    assert "extra_arguments" not in with_extension(manager, {"kernel_name": "unknown"})


def test_kernel_tracking_is_on_unless_the_server_config_turns_it_off() -> None:
    assert tracking_enabled(SimpleNamespace(config={}))
    assert not tracking_enabled(SimpleNamespace(config={"JupyterRepro": {"track_kernels": False}}))
    assert not tracking_enabled(
        SimpleNamespace(config={"JupyterRepro": {"track_kernels": "False"}})
    )


class GatewaySpecs:
    """A gateway's kernelspecs live on another server and are asked for asynchronously."""

    async def get_kernel_spec(self, name: str) -> Any:
        return SimpleNamespace(language="python")


def test_kernels_of_a_gateway_are_launched_as_asked() -> None:
    manager = SimpleNamespace(kernel_spec_manager=GatewaySpecs(), default_kernel_name="python3")
    assert with_extension(manager, {"kernel_name": "python3"}) == {"kernel_name": "python3"}
