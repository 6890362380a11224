"""The panel's environment and input rows, from a lock, a journal and the disk."""

from __future__ import annotations

from pathlib import Path

from jupyter_repro.core.journal import CellRun, Journal, JournalHeader
from jupyter_repro.core.lock import FileFacts
from jupyter_repro.core.lockmodel import LockedEnvironment
from jupyter_repro.server.lineage import environment_summary, input_rows
from tests.support.locks import files, minimal_lock


def journal_importing(*modules: str) -> Journal:
    header = JournalHeader(
        kernel_id="k",
        notebook="nb.ipynb",
        project_root="/p",
        cwd="/p",
        started=0.0,
        pid=1,
        environment={"python": "3.11.9", "platform": "linux-x86_64", "path": ["/nowhere"]},
    )
    run = CellRun(
        seq=1,
        execution_count=1,
        cell_id=None,
        source_hash="blake3:0",
        source="",
        started=0.0,
        duration=0.0,
        status="ok",
        imports=modules,
    )
    return Journal(header=header, runs=(run,))


def test_drift_is_what_the_lock_recorded_against_what_the_kernel_has() -> None:
    lock = minimal_lock(
        environment=LockedEnvironment(
            python="3.11.7",
            imported={"pandas": "2.2.3", "numpy": "1.26.0", "polars": "1.0.0"},
        )
    )
    installed = {"pandas": "2.2.3", "numpy": "2.0.0", "matplotlib": "3.9.0"}
    env = environment_summary(lock, journal_importing("matplotlib"), installed)
    rows = {p["name"]: (p["status"], p["locked"], p["now"]) for p in env["packages"]}
    assert rows == {
        "pandas": ("same", "2.2.3", "2.2.3"),
        "numpy": ("changed", "1.26.0", "2.0.0"),
        "polars": ("missing", "1.0.0", None),
        "matplotlib": ("new", None, "3.9.0"),
    }
    assert env["drift"] is True
    assert env["python"] == "3.11.9"  # the kernel's, not the server's
    assert env["locked_python"] == "3.11.7"


def test_without_the_kernel_s_environment_nothing_is_called_drift() -> None:
    lock = minimal_lock(environment=LockedEnvironment(imported={"pandas": "2.2.3"}))
    env = environment_summary(lock, None, None)
    assert env["known"] is False
    assert env["drift"] is False
    assert [p["status"] for p in env["packages"]] == ["unknown"]


def test_inputs_are_judged_by_content_against_the_lock_or_the_kernel_s_read(tmp_path: Path) -> None:
    locked = files(
        {
            "a.csv": {"size": 3, "hash": "blake3:aa", "cells": [1], "stored": True},
            "gone.csv": {"size": 3, "hash": "blake3:gg", "cells": [2]},
        }
    )
    recorded = files(
        {
            "b.csv": {"size": 5, "hash": "blake3:bb", "cells": [4]},
            "a.csv": {"size": 3, "hash": "blake3:aa", "cells": [1, 3]},
        }
    )
    now = {
        "a.csv": FileFacts(3, "blake3:aa"),
        "b.csv": FileFacts(5, "blake3:b2"),
        "gone.csv": FileFacts(None, None),
    }
    rows = {r["path"]: r for r in input_rows(recorded, locked, now)}
    assert rows["a.csv"]["status"] == "ok"
    assert rows["a.csv"]["cells"] == [1, 3]  # the kernel's newest knowledge of its readers
    assert rows["b.csv"]["status"] == "changed"
    assert rows["b.csv"]["detail"] == "changed on disk since it was read"
    assert rows["b.csv"]["locked"] is False
    assert rows["gone.csv"]["status"] == "missing"
