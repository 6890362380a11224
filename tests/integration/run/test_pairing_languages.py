"""Pairing notebooks that are not plain Python: other languages, declared pairings, cells of
a future format. Minimal equivalents of jupytext's Groovy sample and nbformat's test4plus."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Cli = Callable[..., tuple[int, str, str]]

GROOVY = {
    "kernelspec": {"display_name": "Groovy", "language": "groovy", "name": "groovy"},
    "language_info": {"file_extension": ".groovy", "name": "Groovy", "version": "2.5.6"},
}
R = {
    "kernelspec": {"display_name": "R", "language": "R", "name": "ir"},
    "language_info": {"file_extension": ".r", "name": "R"},
}


def _cell(kind: str, source: str, **extra: Any) -> dict[str, Any]:
    cell = {"cell_type": kind, "id": f"c{abs(hash(source)) % 10**6}", "metadata": {}}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell | {"source": source} | extra


def _notebook(path: Path, metadata: dict[str, Any], cells: list[dict[str, Any]]) -> Path:
    data = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data, indent=1))
    return path


def _groovy(path: Path, declared: bool) -> Path:
    metadata = json.loads(json.dumps(GROOVY))
    if declared:  # as jupytext's tests/data/notebooks/inputs/ipynb_groovy sample declares it
        metadata["jupytext"] = {
            "encoding": "// -*- coding: utf-8 -*-",
            "formats": "ipynb,groovy:light",
        }
    return _notebook(
        path,
        metadata,
        [
            _cell("markdown", "# TailRecursive annotation"),
            _cell("code", "import groovy.transform.TailRecursive\n\nx = new X()"),
            _cell("code", "%%timeit\n\nx.factorial0(19_000).toString().length()"),
        ],
    )


def _rules(cli: Cli, notebook: Path) -> list[str]:
    _, out, _ = cli("check", "--format", "json", notebook)
    return [f["rule"] for f in json.loads(out)["notebooks"][0]["findings"]]


def test_a_groovy_notebook_pairs_with_a_groovy_script_and_stays_in_sync(
    project: Path, cli: Cli
) -> None:
    for declared in (True, False):
        notebook = _groovy(project / f"factorial_{declared}.ipynb", declared)
        code_, out, _ = cli("pair", notebook)
        script = notebook.with_suffix(".groovy")
        assert code_ == 0 and script.name in out
        assert not notebook.with_suffix(".py").exists()
        assert "pair-out-of-sync" not in _rules(cli, notebook)
        assert cli("sync", notebook)[1].endswith("already in sync\n")
        script.write_text(script.read_text().replace("19_000", "20_000"))
        assert cli("sync", notebook)[0] == 0
        cells = json.loads(notebook.read_text())["cells"]
        assert [c["cell_type"] for c in cells] == ["markdown", "code", "code"]  # no header cell
        assert "20_000" in "".join(cells[2]["source"])


def test_an_r_notebook_pairs_with_an_r_script_never_a_py(project: Path, cli: Cli) -> None:
    notebook = _notebook(project / "cars.ipynb", R, [_cell("code", "summary(cars)")])
    assert cli("pair", notebook, "--to", "py:percent")[0] == 2
    assert sorted(p.name for p in project.iterdir()) == ["cars.ipynb", "pyproject.toml"]
    code_, out, _ = cli("pair", notebook)
    assert code_ == 0 and "cars.R" in out and "R:percent" in out
    assert "summary(cars)" in (project / "cars.R").read_text()


def test_a_language_jupytext_has_no_script_for_is_refused(project: Path, cli: Cli) -> None:
    metadata = {"kernelspec": {"display_name": "X", "language": "unheard-of", "name": "x"}}
    notebook = _notebook(project / "odd.ipynb", metadata, [_cell("code", "+++")])
    code_, _, err = cli("pair", notebook)
    assert code_ == 2 and "unheard-of" in err and len(err.strip().splitlines()) == 1
    assert cli("pair", notebook, "--to", "md")[0] == 0


def test_a_cell_of_a_future_cell_type_is_refused_with_one_line(project: Path, cli: Cli) -> None:
    # nbformat's tests/test4plus.ipynb: format 4.99, a cell type of the future without source.
    data = {
        "cells": [
            _cell("markdown", "# nbconvert latex test", extra=5),
            _cell("code", 'print("hello")', future="yes"),
            {"cell_type": "future cell", "id": "future-10", "metadata": {}, "future": "yes"},
        ],
        "extra": "future",
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 99,
    }
    notebook = project / "test4plus.ipynb"
    notebook.write_text(json.dumps(data))
    before = notebook.read_bytes()
    for command in ("pair", "sync"):
        code_, _, err = cli(command, notebook)
        assert code_ == 2 and "cell 3" in err and len(err.strip().splitlines()) == 1, command
    assert notebook.read_bytes() == before
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "test4plus.ipynb"]


def test_unpaired_with_a_declared_markdown_pairing_is_fixed_by_creating_the_markdown(
    project: Path, cli: Cli
) -> None:
    metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "jupytext": {"formats": "ipynb,md"},
    }
    notebook = _notebook(project / "notes.ipynb", metadata, [_cell("code", "x = 1")])
    assert _rules(cli, notebook) == ["unpaired"]
    code_, out, _ = cli("pair", notebook)
    assert code_ == 0 and "notes.md" in out
    assert not (project / "notes.py").exists()
    assert json.loads(notebook.read_text())["metadata"]["jupytext"]["formats"] == "ipynb,md"
    assert _rules(cli, notebook) == []


def test_an_auto_format_resolves_to_the_notebook_language(project: Path, cli: Cli) -> None:
    notebook = _groovy(project / "factorial.ipynb", declared=False)
    code_, out, _ = cli("pair", notebook, "--to", "auto:percent")
    assert code_ == 0 and "factorial.groovy" in out and "groovy:percent" in out
