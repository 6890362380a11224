"""One snapshot on disk: notebook + journal + environment + config -> lock, store, history."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import jupyter_repro.io.statcache as statcache_module
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.environment import interpreter_summary
from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.snapshot import take_snapshot
from jupyter_repro.io.store import Store
from tests.support.snapshot_projects import (
    access,
    append_runs,
    git_init,
    run_of,
    write_journal,
    write_notebook,
)

SOURCES = [
    "import sklearn\nimport pandas as pd\ndf = pd.read_csv('data/a.csv')",
    "b = open('data/b.csv').read()",
    "df.to_csv('out.csv')",
]


def fake_site(tmp_path: Path) -> Path:
    """A site-packages folder with one distribution whose module name differs from its own."""
    site = tmp_path / "site"
    info = site / "scikit_learn-1.5.2.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "top_level.txt").write_text("sklearn\n")
    (site / "Pandas-2.2.3.dist-info").mkdir(exist_ok=True)
    (site / "Pandas-2.2.3.dist-info" / "top_level.txt").write_text("pandas\n")
    return site


def kernel_env(tmp_path: Path, **variables: str | None) -> dict[str, Any]:
    return {
        **interpreter_summary(),
        "path": [str(fake_site(tmp_path))],
        "variables": dict(variables),
    }


def setup_run(project: Path, tmp_path: Path, **variables: str | None) -> tuple[Any, Path]:
    (project / "data" / "a.csv").write_text("x,y\n1,2\n")
    (project / "data" / "b.csv").write_text("hello")
    nb = write_notebook(project / "analysis.ipynb", SOURCES)
    (project / "out.csv").write_text("result")
    runs = [
        run_of(nb, 1, [access(project, "data/a.csv")], imports=["sklearn", "pandas"]),
        run_of(nb, 2, [access(project, "data/b.csv")]),
        run_of(nb, 3, writes=[access(project, "out.csv", "write")]),
    ]
    return nb, write_journal(project, runs, environment=kernel_env(tmp_path, **variables))


def test_lock_records_inputs_outputs_and_the_kernels_distributions(
    project: Path, tmp_path: Path
) -> None:
    setup_run(project, tmp_path)
    result = take_snapshot(project / "analysis.ipynb")
    lock = read_lock(project / "analysis.repro.json").to_json()
    assert result.written and result.snapshot_id
    assert set(lock["inputs"]) == {"data/a.csv", "data/b.csv"}
    assert lock["inputs"]["data/a.csv"]["cells"] == [1]
    assert lock["inputs"]["data/b.csv"] == {
        "size": 5,
        "hash": access(project, "data/b.csv").hash,
        "cells": [2],
        "stored": True,
    }
    assert lock["outputs"]["out.csv"]["cells"] == [3]
    assert lock["environment"]["distributions"] == {"scikit-learn": "1.5.2", "pandas": "2.2.3"}
    assert lock["environment"]["imported"] == {"scikit-learn": "1.5.2", "pandas": "2.2.3"}
    assert lock["execution"]["clean_run"] and lock["execution"]["missing"] == []
    store = Store(project)
    assert (store.path / ".gitignore").read_text() == "*\n"
    assert store.has(lock["inputs"]["data/a.csv"]["hash"])


def test_saving_twice_with_nothing_changed_leaves_the_lock_byte_identical(
    project: Path, tmp_path: Path
) -> None:
    setup_run(project, tmp_path)
    take_snapshot(project / "analysis.ipynb")
    lock_file = project / "analysis.repro.json"
    before, mtime = lock_file.read_bytes(), lock_file.stat().st_mtime_ns
    again = take_snapshot(project / "analysis.ipynb")
    assert not again.written and again.snapshot_id is None
    assert lock_file.read_bytes() == before and lock_file.stat().st_mtime_ns == mtime
    assert len(Store(project).entries("analysis.ipynb")) == 1


def test_a_changed_input_changes_only_its_entry(project: Path, tmp_path: Path) -> None:
    nb, journal = setup_run(project, tmp_path)
    take_snapshot(project / "analysis.ipynb")
    before = read_lock(project / "analysis.repro.json").to_json()
    (project / "data" / "b.csv").write_text("hello, world")
    append_runs(journal, [run_of(nb, 2, [access(project, "data/b.csv")])])
    after = take_snapshot(project / "analysis.ipynb").lock.to_json()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"inputs", "execution"}
    assert {k for k in before["inputs"] if before["inputs"][k] != after["inputs"][k]} == {
        "data/b.csv"
    }
    assert after["inputs"]["data/b.csv"]["size"] == 12
    text = (project / "analysis.repro.json").read_text().splitlines()
    assert sum(1 for line in text if '"size": 12' in line) == 1


def test_only_result_affecting_variable_names_and_allowlisted_values_are_recorded(
    project: Path, tmp_path: Path
) -> None:
    (project / ".jupyter-repro.toml").write_text('env-allowlist = ["DATASET_VERSION"]\n')
    setup_run(
        project, tmp_path, API_TOKEN="s3cr3t-value", DATASET_VERSION="v7", OMP_NUM_THREADS="4"
    )
    take_snapshot(project / "analysis.ipynb")
    text = (project / "analysis.repro.json").read_text()
    lock = json.loads(text)
    assert lock["environment"]["variables"] == {"DATASET_VERSION": "v7", "OMP_NUM_THREADS": None}
    assert "s3cr3t-value" not in text
    assert "s3cr3t-value" not in "".join(
        p.read_text() for p in (project / ".repro" / "history").rglob("*.json")
    )


def test_unchanged_inputs_are_never_hashed_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = write_notebook(project / "analysis.ipynb", ["x = open('data/big.bin').read()"])
    (project / "data" / "big.bin").write_bytes(b"z" * 1000)
    unhashed = access(project, "data/big.bin").__class__("data/big.bin", "read", 1000)
    write_journal(project, [run_of(nb, 1, [unhashed])], environment=kernel_env(tmp_path))
    calls: list[int] = []
    real = statcache_module.hash_open_file
    monkeypatch.setattr(
        statcache_module, "hash_open_file", lambda fd, size: calls.append(size) or real(fd, size)
    )
    first = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert len(calls) == 1 and first["inputs"]["data/big.bin"]["hash"]
    take_snapshot(project / "analysis.ipynb")
    assert len(calls) == 1
    statcache_module._CACHES.clear()  # a new process reads the persisted cache
    take_snapshot(project / "analysis.ipynb")
    assert len(calls) == 1


@pytest.mark.slow
def test_inputs_above_the_store_cap_keep_only_their_hash(project: Path, tmp_path: Path) -> None:
    (project / ".jupyter-repro.toml").write_text('store-max-file-size = "256MiB"\n')
    nb = write_notebook(
        project / "analysis.ipynb",
        ["a = open('data/above.bin','rb').read(1)", "b = open('data/below.bin','rb').read(1)"],
    )
    for name, size in (("above.bin", 300 << 20), ("below.bin", 200 << 20)):
        with (project / "data" / name).open("wb") as handle:  # sparse: no real disk use
            handle.truncate(size)
            handle.seek(size // 2)
            handle.write(name.encode())
    write_journal(
        project,
        [
            run_of(nb, 1, [access(project, "data/above.bin")]),
            run_of(nb, 2, [access(project, "data/below.bin")]),
        ],
        environment=kernel_env(tmp_path),
    )
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    above, below = lock["inputs"]["data/above.bin"], lock["inputs"]["data/below.bin"]
    assert above["stored"] is False and above["size"] == 300 << 20 and above["hash"]
    assert below["stored"] is True
    store = Store(project)
    assert not store.has(above["hash"]) and store.has(below["hash"])
    assert store.object_path(below["hash"]).stat().st_blocks * 512 < 8 << 20


def test_a_journal_known_only_by_kernel_id_is_found_through_the_session(
    project: Path, tmp_path: Path
) -> None:
    (project / "data" / "a.csv").write_text("1")
    nb = write_notebook(project / "analysis.ipynb", ["open('data/a.csv').read()"])
    write_journal(
        project,
        [run_of(nb, 1, [access(project, "data/a.csv")])],
        notebook=None,
        kernel_id="0f1e2d",
        environment=kernel_env(tmp_path),
    )
    orphan = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert orphan["inputs"] == {}
    assert any("no journal" in m for m in orphan["execution"]["missing"])
    found = take_snapshot(project / "analysis.ipynb", kernel_id="0f1e2d").lock.to_json()
    assert list(found["inputs"]) == ["data/a.csv"]


def test_git_state_ignores_the_files_the_save_itself_writes(project: Path, tmp_path: Path) -> None:
    (project / "helpers.py").write_text("X = 1\n")
    nb, journal = setup_run(project, tmp_path)
    git_init(project)
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert lock["git"]["commit"] and lock["git"]["dirty"] is False
    (project / "helpers.py").write_text("X = 2\n")
    # The git state alone does not rewrite the lock: it is the state when results changed.
    assert take_snapshot(project / "analysis.ipynb").lock.to_json()["git"]["dirty"] is False
    append_runs(journal, [run_of(nb, 2, [access(project, "data/b.csv")])])
    assert take_snapshot(project / "analysis.ipynb").lock.to_json()["git"]["dirty"] is True


def test_the_paired_script_is_fingerprinted(project: Path, tmp_path: Path) -> None:
    setup_run(project, tmp_path)
    (project / "analysis.py").write_text("# %%\nx = 1\n")
    assert take_snapshot(project / "analysis.ipynb").lock.to_json()["code"]["script"] is None
    notebook = json.loads((project / "analysis.ipynb").read_text())
    notebook["metadata"]["jupytext"] = {"formats": "ipynb,py:percent"}  # declared: the pair
    (project / "analysis.ipynb").write_text(json.dumps(notebook))
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert lock["code"]["script"]["path"] == "analysis.py"
    (project / "analysis.py").write_text("# %%\nx = 2\n")
    again = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert again["code"]["script"]["fingerprint"] != lock["code"]["script"]["fingerprint"]


def test_a_bad_notebook_is_refused_and_nothing_is_written(project: Path) -> None:
    (project / "broken.ipynb").write_text("{not json")
    with pytest.raises(BadInputError, match="invalid JSON"):
        take_snapshot(project / "broken.ipynb")
    assert not (project / "broken.repro.json").exists()
    assert not (project / ".repro").exists()


def test_racing_snapshots_leave_one_valid_lock_and_one_history_entry(
    project: Path, tmp_path: Path
) -> None:
    setup_run(project, tmp_path)
    errors: list[BaseException] = []

    def snap() -> None:
        try:
            take_snapshot(project / "analysis.ipynb", source="save")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=snap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    read_lock(project / "analysis.repro.json")
    assert len(Store(project).entries("analysis.ipynb")) == 1
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]
    assert os.listdir(project / ".repro" / "history")


def test_a_kernel_killed_mid_write_gives_a_lock_that_says_tracking_is_incomplete(
    project: Path, tmp_path: Path
) -> None:
    _, journal = setup_run(project, tmp_path)
    with journal.open("a") as handle:
        handle.write('{"kind":"cell","seq":99,"execution_c')  # torn by the kill
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert set(lock["inputs"]) == {"data/a.csv", "data/b.csv"}
    assert lock["execution"]["tracking_complete"] is False
    assert any("torn" in item for item in lock["execution"]["missing"])


def test_a_restarted_kernel_that_ran_nothing_yet_keeps_the_previous_kernels_inputs(
    project: Path, tmp_path: Path
) -> None:
    setup_run(project, tmp_path)
    write_journal(project, [], environment=kernel_env(tmp_path))  # the restarted kernel
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert set(lock["inputs"]) == {"data/a.csv", "data/b.csv"}


def test_a_snapshot_in_a_fresh_clone_stores_the_locked_inputs_the_working_tree_holds(
    project: Path, tmp_path: Path
) -> None:
    """A clone has the lock but neither journal nor store: the lock is kept as it was,
    and what it names that the working tree still holds enters the store (push needs it)."""
    import shutil

    from jupyter_repro.io.hashing import hash_file

    setup_run(project, tmp_path)
    before = take_snapshot(project / "analysis.ipynb").lock.to_json()
    shutil.rmtree(project / ".repro")
    (project / "data" / "b.csv").write_text("edited in the clone")
    after = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert after["inputs"] == before["inputs"]
    store = Store(project)
    assert store.has(before["inputs"]["data/a.csv"]["hash"])
    assert not store.has(before["inputs"]["data/b.csv"]["hash"])
    assert not store.has(hash_file(project / "data" / "b.csv"))


def test_an_input_changed_since_it_was_read_is_not_claimed_as_stored(
    project: Path, tmp_path: Path
) -> None:
    setup_run(project, tmp_path)
    (project / "data" / "b.csv").write_text("edited after the cell read it")
    lock = take_snapshot(project / "analysis.ipynb").lock.to_json()
    assert lock["inputs"]["data/b.csv"]["size"] == 5
    assert lock["inputs"]["data/b.csv"]["stored"] is False
    assert (
        "data/b.csv: changed on disk since it was read; the store has no copy of what "
        "was read" in lock["execution"]["missing"]
    )


def test_new_inputs_enter_the_store_flushed_together_then_named(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.io import durable
    from jupyter_repro.io.hashing import hash_file

    setup_run(project, tmp_path)
    digests = [hash_file(project / "data" / name) for name in ("a.csv", "b.csv")]
    flushes: list[int] = []
    real = durable.flush_files

    def count(paths: Any) -> None:
        paths = list(paths)
        assert not any(Store(project).has(d) for d in digests)  # none named before
        flushes.append(len(paths))
        real(paths)

    monkeypatch.setattr(durable, "flush_files", count)
    lock = take_snapshot(project / "analysis.ipynb").lock
    assert flushes == [2]
    assert all(Store(project).has(d) for d in digests)
    assert {lock.inputs[k].stored for k in ("data/a.csv", "data/b.csv")} == {True}
    assert [p.name for p in Store(project).path.rglob(".tmp-*")] == []
