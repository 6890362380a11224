"""Run cache entries in the store: a hit needs every object, a restore stays in the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_repro.core.errors import StoreError
from jupyter_repro.io import runcache
from jupyter_repro.io.hashing import hash_file
from jupyter_repro.io.store import Store

KEY = "blake3:" + "1" * 64


def cached_run(project: Path) -> tuple[Store, dict[str, str]]:
    (project / "results").mkdir()
    (project / "results/out.csv").write_text("a,b\n1,2\n")
    (project / "nb.ipynb").write_text("{}")
    (project / "nb.repro.json").write_text("{}\n")
    executed = project / ".repro/runs/nb-1.ipynb"
    executed.parent.mkdir(parents=True)
    executed.write_text('{"cells": []}')
    store = Store(project)
    outputs = {"results/out.csv": hash_file(project / "results/out.csv")}
    runcache.save(
        store,
        KEY,
        notebook="nb.ipynb",
        outputs=outputs,
        executed=executed,
        lock=project / "nb.repro.json",
        run_id="r1",
    )
    return store, outputs


def test_a_saved_run_is_a_hit_and_its_outputs_come_back(project: Path) -> None:
    store, _ = cached_run(project)
    entry = runcache.lookup(store, KEY)
    assert entry is not None and entry.run_id == "r1"
    (project / "results/out.csv").unlink()
    (project / "nb.repro.json").unlink()
    runcache.restore(store, entry, project / ".repro/runs/nb-2.ipynb", project / "nb.repro.json")
    assert (project / "results/out.csv").read_text() == "a,b\n1,2\n"
    assert (project / "nb.repro.json").read_text() == "{}\n"
    assert (project / ".repro/runs/nb-2.ipynb").read_text() == '{"cells": []}'


def test_an_entry_missing_one_object_in_the_store_is_a_miss(project: Path) -> None:
    store, outputs = cached_run(project)
    store.object_path(outputs["results/out.csv"]).unlink()
    assert runcache.lookup(store, KEY) is None


def test_another_key_is_a_miss(project: Path) -> None:
    store, _ = cached_run(project)
    assert runcache.lookup(store, "blake3:" + "2" * 64) is None


def test_an_entry_naming_a_path_outside_the_project_is_never_restored(project: Path) -> None:
    store, outputs = cached_run(project)
    entry = runcache.lookup(store, KEY)
    assert entry is not None
    from dataclasses import replace

    crafted = replace(entry, outputs={"../escape.csv": outputs["results/out.csv"]})
    with pytest.raises(StoreError, match="refusing to restore"):
        runcache.restore(store, crafted, project / "x.ipynb", project / "nb.repro.json")
    assert not (project.parent / "escape.csv").exists()
