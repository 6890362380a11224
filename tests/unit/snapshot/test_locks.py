"""Lock files on disk: every read checks every field; the shipped JSON Schema agrees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.locks import lock_schema, read_lock, schema_problem
from jupyter_repro.io.snapshot import take_snapshot
from tests.support.snapshot_projects import write_notebook


@pytest.fixture
def lock_file(project: Path) -> Path:
    write_notebook(project / "analysis.ipynb", ["x = 1"])
    return take_snapshot(project / "analysis.ipynb").lock_file


def test_the_schema_ships_in_the_package_and_a_written_lock_satisfies_it(lock_file: Path) -> None:
    assert lock_schema()["properties"]["lock_version"] == {"const": 1}
    assert read_lock(lock_file).notebook == "analysis.ipynb"
    assert schema_problem(json.loads(lock_file.read_text())) is None


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda d: d["inputs"].update(
                {"a.csv": {"size": 1, "hash": "md5:00", "cells": [1], "stored": True}}
            ),
            "inputs/a.csv/hash",
        ),
        (lambda d: d.pop("environment"), "environment: expected a value, it is missing"),
        (lambda d: d["execution"].update({"cells_run": -1}), "execution/cells_run"),
        (lambda d: d.update({"inputs": []}), "inputs: expected an object, got list"),
        (lambda d: d["inputs"].update({"a.csv": {"size": "1"}}), "inputs/a.csv/size"),
        (lambda d: d.update({"lock_version": 99}), "lock version 99 is newer than this"),
        (lambda d: d.update({"lock_version": "1"}), "lock version '1' is not supported"),
        (lambda d: d.clear() or d.update({"foo": 1}), "lock version None is not supported"),
    ],
)
def test_a_lock_of_the_wrong_shape_or_version_is_refused_with_where_and_why(
    lock_file: Path, edit: object, reason: str
) -> None:
    data = json.loads(lock_file.read_text())
    edit(data)  # type: ignore[operator]
    lock_file.write_text(json.dumps(data))
    with pytest.raises(BadInputError) as caught:
        read_lock(lock_file)
    assert reason in caught.value.message
    assert "\n" not in caught.value.message


def test_the_parser_and_the_published_schema_refuse_the_same_locks(lock_file: Path) -> None:
    good = json.loads(lock_file.read_text())
    for broken in (
        {**good, "seed": "7"},
        {**good, "notebook": ""},
        {**good, "git": {"commit": 3, "dirty": False}},
        {**good, "code": {**good["code"], "cells": {"01": good["code"]["fingerprint"]}}},
        {**good, "parameters": {"alpha": 1}},
    ):
        lock_file.write_text(json.dumps(broken))
        assert schema_problem(broken) is not None
        with pytest.raises(BadInputError, match="not a valid lock"):
            read_lock(lock_file)


def test_a_lock_that_is_not_json_is_refused(lock_file: Path) -> None:
    lock_file.write_text('{"lock_version": 1,')
    with pytest.raises(BadInputError, match="invalid JSON at line 1"):
        read_lock(lock_file)
