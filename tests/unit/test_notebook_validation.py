"""Notebooks that are not v4-shaped are refused with one line; v1-v3 are read upgraded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.notebooks import read_notebook, read_notebook_json


def _code(**changes: Any) -> dict[str, Any]:
    cell = {"cell_type": "code", "id": "c", "source": "x = 1", "metadata": {}}
    cell.update(outputs=[], execution_count=None)
    cell.update(changes)
    return cell


def _notebook(cells: list[Any], **top: Any) -> dict[str, Any]:
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **top}


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "nb.ipynb"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_notebook([_code()], nbformat=5), "format v5 is newer"),
        (_notebook([_code()], nbformat=4.99), "nbformat 4.99 is not a format version"),
        ({"cells": [_code()], "metadata": {}}, "version is missing"),
        (_notebook([_code(cell_type=42)]), "cell 1 has cell_type 42"),
        (_notebook([_code(), _code(cell_type="banana")]), "cell 2 has cell_type 'banana'"),
        (_notebook([1, "two"]), "cell 1 is not an object but int"),
        (_notebook([_code(source=123)]), "cell 1 has a source that is not text"),
        (_notebook([_code(execution_count="7")]), "execution_count '7'"),
        (_notebook([_code(outputs={"a": 1})]), "outputs that are not a list"),
        ([1, 2, 3], "top level is not a JSON object"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        (
            '{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": '
            + '{"a": ' * 500
            + "1"
            + "}" * 501,
            "nested more than 100 levels",
        ),
        ({"nbformat": 3, "worksheets": [1]}, "v3 is too old and could not be upgraded"),
    ],
)
def test_a_notebook_of_the_wrong_shape_is_refused_with_one_line(
    tmp_path: Path, data: Any, reason: str
) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(BadInputError, match=reason) as caught:
        read_notebook_json(path)
    assert "\n" not in caught.value.message
    assert "too old" not in caught.value.message or "v3" in caught.value.message


def test_a_missing_format_version_is_not_called_too_old(tmp_path: Path) -> None:
    path = _write(tmp_path, {"cells": [], "metadata": {}})
    with pytest.raises(BadInputError) as caught:
        read_notebook_json(path)
    assert "missing" in caught.value.message
    assert "unknown" not in caught.value.message and "too old" not in caught.value.message


V3 = {
    "metadata": {"name": ""},
    "nbformat": 3,
    "nbformat_minor": 0,
    "worksheets": [
        {
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
                {
                    "cell_type": "code",
                    "input": "x = 1\nprint(x)",
                    "language": "python",
                    "metadata": {},
                    "outputs": [],
                    "prompt_number": 3,
                },
            ],
            "metadata": {},
        }
    ],
}


def test_a_v3_notebook_is_read_upgraded_in_memory_with_stable_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, V3)
    before = path.read_text()
    first, second = read_notebook_json(path), read_notebook_json(path)
    assert first == second  # the same ids every time: locks stay stable
    assert first["nbformat"] == 4
    code = first["cells"][1]
    assert (code["cell_type"], code["source"], code["execution_count"]) == (
        "code",
        "x = 1\nprint(x)",
        3,
    )
    assert read_notebook(path).cells[1].source == "x = 1\nprint(x)"
    assert path.read_text() == before  # never written back unless a command is asked to


def test_a_v2_notebook_is_read_upgraded_too(tmp_path: Path) -> None:
    v2 = {
        "metadata": {"name": ""},
        "nbformat": 2,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "code", "input": "y = 2", "language": "python", "outputs": []}
                ]
            }
        ],
    }
    assert read_notebook_json(_write(tmp_path, v2))["cells"][0]["source"] == "y = 2"
