"""Diffing two locks, and environment files written from a lock."""

from __future__ import annotations

import copy
from typing import Any

from jupyter_repro.core.envfiles import conda_environment_yml, requirements_txt, runtime_txt
from jupyter_repro.core.lockdiff import describe, diff_locks, summary
from jupyter_repro.core.lockmodel import Lock

H = "blake3:" + "a" * 64
H2 = "blake3:" + "b" * 64


def lock(data: dict[str, Any]) -> Lock:
    return Lock.from_json(data)


def base_lock() -> dict[str, Any]:
    return {
        "lock_version": 1,
        "notebook": "nb/analysis.ipynb",
        "code": {"fingerprint": H, "cells": {"1": H, "2": H2}, "script": None},
        "kernel": {"name": "python3", "language": "python"},
        "environment": {
            "python": "3.11.7",
            "implementation": "CPython",
            "platform": "linux-x86_64",
            "distributions": {"pandas": "2.2.3", "numpy": "1.26.4", "pip": "24.0", "mypkg": "0.1"},
            "imported": {"pandas": "2.2.3", "mypkg": "0.1"},
            "editable": {"mypkg": {"path": "../mypkg", "commit": "abc"}},
            "variables": {"HOME": None},
        },
        "inputs": {
            "data/a.csv": {"size": 100, "hash": H, "cells": [1], "stored": True},
            "data/b.csv": {"size": 5, "hash": H, "cells": [1], "stored": True},
        },
        "outputs": {},
        "parameters": {"alpha": "0.5"},
        "seed": None,
        "execution": {
            "in_order": True,
            "clean_run": True,
            "tracking_complete": True,
            "cells_run": 2,
            "missing": [],
        },
        "git": None,
    }


def test_identical_locks_have_no_differences() -> None:
    diff = diff_locks(lock(base_lock()), lock(base_lock()))
    assert diff.empty and describe(diff) == [] and summary(diff) == "no change"


def test_inputs_added_removed_and_changed_are_reported_with_sizes() -> None:
    after = base_lock()
    after["inputs"]["data/a.csv"] = {"size": 2048, "hash": H2, "cells": [1], "stored": True}
    del after["inputs"]["data/b.csv"]
    after["inputs"]["data/c.csv"] = {"size": 7, "hash": H, "cells": [2], "stored": False}
    diff = diff_locks(lock(base_lock()), lock(after))
    assert [(c.path, c.kind, c.size_before, c.size_after) for c in diff.inputs] == [
        ("data/a.csv", "changed", 100, 2048),
        ("data/b.csv", "removed", 5, None),
        ("data/c.csv", "added", None, 7),
    ]
    assert "input changed: data/a.csv (100 B -> 2.0 KiB)" in describe(diff)
    assert summary(diff) == "3 inputs"


def test_packages_upgraded_downgraded_added_and_removed_by_version_order() -> None:
    after = base_lock()
    dists = after["environment"]["distributions"]
    dists["pandas"] = "2.10.0"  # numerically newer though "2.10" < "2.2" as text
    dists["numpy"] = "1.26.0"
    del dists["pip"]
    dists["polars"] = "1.0"
    kinds = {p.name: p.kind for p in diff_locks(lock(base_lock()), lock(after)).packages}
    assert kinds == {
        "pandas": "upgraded",
        "numpy": "downgraded",
        "pip": "removed",
        "polars": "added",
    }


def test_code_parameter_and_python_changes_are_reported() -> None:
    after = copy.deepcopy(base_lock())
    after["code"]["cells"]["2"] = H
    after["code"]["fingerprint"] = H2
    after["parameters"]["alpha"] = "0.7"
    after["environment"]["python"] = "3.12.1"
    lines = describe(diff_locks(lock(base_lock()), lock(after)))
    assert "code: cell 3 changed" in lines  # cells count from 1, as JupyterLab shows them
    assert "parameter alpha: 0.5 -> 0.7" in lines
    assert "python: 3.11.7 -> 3.12.1" in lines


def test_requirements_pin_imported_distributions_and_comment_editable_ones() -> None:
    text = requirements_txt(lock(base_lock()))
    assert "pandas==2.2.3\n" in text
    assert "numpy" not in text and "mypkg==" not in text
    assert (
        "# warning: mypkg 0.1: editable install from ../mypkg at abc: "
        "cannot be rebuilt from a package index"
    ) in text
    everything = requirements_txt(lock(base_lock()), everything=True)
    assert "numpy==1.26.4" in everything and "pip==" not in everything


def test_conda_environment_pins_python_minor_and_pip_packages() -> None:
    import yaml

    data = yaml.safe_load(conda_environment_yml(lock(base_lock())))
    assert data["name"] == "analysis"
    assert "python=3.11" in data["dependencies"]
    assert {"pip": ["pandas==2.2.3"]} in data["dependencies"]


def test_runtime_txt_is_repo2docker_style() -> None:
    assert runtime_txt(lock(base_lock())) == "python-3.11\n"


def test_editable_commits_and_variables_are_described_by_name() -> None:
    after = base_lock()
    after["environment"]["editable"]["mypkg"] = {"path": "../mypkg", "commit": "def"}
    after["environment"]["variables"] = {"HOME": None, "DATA_DIR": None}
    after["environment"]["imported"]["numpy"] = "1.26.4"
    lines = describe(diff_locks(lock(base_lock()), lock(after)))
    assert "editable install mypkg: commit abc -> def" in lines
    assert "environment variables added: DATA_DIR" in lines
    assert "imports added: numpy" in lines
