"""The store's caches of slow derivations are believed only when this user's runs wrote
them: a commit can carry files under `.repro/`, and `check` is the gate of a review."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_repro.cli.main import main
from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.io.scriptcells import CACHE_VERSION

FMT = "py:percent"


def paired_project(root: Path, notebook_code: str, script_code: str) -> Path:
    (root / "pyproject.toml").write_text("[tool.jupyter-repro]\n")
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "source": notebook_code}
    cell |= {"execution_count": None, "outputs": []}
    metadata = {"jupytext": {"formats": f"ipynb,{FMT}"}}
    notebook = root / "analysis.ipynb"
    notebook.write_text(
        json.dumps({"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})
    )
    (root / "analysis.py").write_text(f"# %%\n{script_code}\n")
    return notebook


def findings(notebook: Path, capsys: object) -> list[str]:
    main(["check", "--format", "json", str(notebook)])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    return [f["rule"] for r in json.loads(out)["notebooks"] for f in r["findings"]]


def forge_script_cells(root: Path, cells: list[list[object]], seal: str | None) -> Path:
    text = (root / "analysis.py").read_text()
    key = hash_bytes(f"{CACHE_VERSION}\0{FMT}\0{text}".encode()).removeprefix("blake3:")
    entry = root / ".repro" / "cache" / "script-cells" / f"{key}.json"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(json.dumps(cells if seal is None else {"value": cells, "seal": seal}))
    return entry


def test_a_forged_entry_for_the_scripts_cells_is_not_believed(
    tmp_path: Path, capsys: object
) -> None:
    notebook = paired_project(tmp_path, "x = 1", "x = 2  # not what the notebook runs")
    claim: list[list[object]] = [["code", "x = 1", []]]  # the notebook's cell, as if the script's
    forge_script_cells(tmp_path, claim, seal=None)
    assert "pair-out-of-sync" in findings(notebook, capsys)
    forge_script_cells(tmp_path, claim, seal="0" * 64)
    assert "pair-out-of-sync" in findings(notebook, capsys)


def test_an_entry_this_user_wrote_is_believed(tmp_path: Path, capsys: object) -> None:
    from jupyter_repro.io.sealedcache import read_cached

    notebook = paired_project(tmp_path, "x = 1", "x = 1")
    assert "pair-out-of-sync" not in findings(notebook, capsys)  # reads, and caches
    entry = next((tmp_path / ".repro" / "cache" / "script-cells").glob("*.json"))
    assert read_cached(tmp_path / ".repro", "script-cells", entry.stem) == [["code", "x = 1", []]]
    assert "pair-out-of-sync" not in findings(notebook, capsys)


def test_a_forged_entry_for_the_paired_paths_is_not_believed(
    tmp_path: Path, capsys: object
) -> None:
    from jupyter_repro.io import pairpaths

    formats = "notebooks//ipynb,scripts//py:percent"
    (tmp_path / "pyproject.toml").write_text("[tool.jupyter-repro]\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "scripts").mkdir()
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "source": "x = 1"}
    cell |= {"execution_count": None, "outputs": []}
    metadata = {"jupytext": {"formats": formats}}
    notebook = tmp_path / "notebooks" / "analysis.ipynb"
    notebook.write_text(
        json.dumps({"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})
    )
    (tmp_path / "scripts" / "analysis.py").write_text("# %%\nx = 2\n")  # out of sync
    (tmp_path / "notebooks" / "decoy.py").write_text("# %%\nx = 1\n")  # in sync, not the pair
    key_text = json.dumps(
        [pairpaths.CACHE_VERSION, str(notebook), formats, pairpaths._language_facts(metadata)]
    )
    key = hash_bytes(key_text.encode()).removeprefix("blake3:")
    entry = tmp_path / ".repro" / "cache" / "paired-paths" / f"{key}.json"
    entry.parent.mkdir(parents=True)
    for forged in ([["decoy.py", FMT]], {"value": [["decoy.py", FMT]], "seal": "0" * 64}):
        entry.write_text(json.dumps(forged))
        assert "pair-out-of-sync" in findings(notebook, capsys)
