"""Lock files on disk: the shipped JSON Schema is applied on every read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.locks import lock_schema, read_lock
from jupyter_repro.io.snapshot import take_snapshot
from tests.snapshot.conftest import write_notebook


@pytest.fixture
def lock_file(project: Path) -> Path:
    write_notebook(project / "analysis.ipynb", ["x = 1"])
    return take_snapshot(project / "analysis.ipynb").lock_file


def test_the_schema_ships_in_the_package_and_a_written_lock_satisfies_it(lock_file: Path) -> None:
    assert lock_schema()["properties"]["lock_version"] == {"const": 1}
    assert read_lock(lock_file)["notebook"] == "analysis.ipynb"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda d: d["inputs"].update(
                {"a.csv": {"size": 1, "hash": "md5:00", "cells": [1], "stored": True}}
            ),
            "inputs/a.csv/hash",
        ),
        (lambda d: d.pop("environment"), "'environment' is a required property"),
        (lambda d: d["execution"].update({"cells_run": -1}), "execution/cells_run"),
        (lambda d: d.update({"lock_version": 9}), "lock version 9 is not supported"),
    ],
)
def test_a_lock_that_breaks_the_schema_is_refused_with_where_and_why(
    lock_file: Path, edit: object, reason: str
) -> None:
    data = json.loads(lock_file.read_text())
    edit(data)  # type: ignore[operator]
    lock_file.write_text(json.dumps(data))
    with pytest.raises(BadInputError, match=r"not a valid lock|not supported") as caught:
        read_lock(lock_file)
    assert reason in caught.value.message


def test_a_lock_that_is_not_json_is_refused(lock_file: Path) -> None:
    lock_file.write_text('{"lock_version": 1,')
    with pytest.raises(BadInputError, match="invalid JSON at line 1"):
        read_lock(lock_file)
