"""Paired scripts: pair, sync by content, git textconv, and the conversion round trip."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.integrations.pairing import load_notebook, read_script, script_text
from tests.support.run_projects import code, markdown, stdout, write_notebook

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def notebook(project: Path) -> Path:
    return write_notebook(
        project / "nb" / "analysis.ipynb",
        [
            markdown("# Analysis"),
            code("alpha = 0.5", tags=["parameters"]),
            code("print(alpha)", [stdout("0.5\n")], 2),
        ],
    )


def test_pair_writes_a_percent_script_with_the_parameters_tag_and_no_version_churn(
    notebook: Path, cli: Cli
) -> None:
    code_, out, _ = cli("pair", notebook)
    script = notebook.with_suffix(".py")
    assert code_ == 0 and str(script) in out
    text = script.read_text()
    assert '# %% tags=["parameters"]\nalpha = 0.5' in text
    assert "# %% [markdown]\n# # Analysis" in text
    assert "jupytext_version:" not in text and "0.5\n\n" not in text.split("print(alpha)")[1]
    metadata = nbformat.read(notebook, 4).metadata["jupytext"]
    assert metadata["formats"] == "ipynb,py:percent"


def test_pairing_is_stable_across_re_saves(notebook: Path, cli: Cli) -> None:
    cli("pair", notebook)
    first = (notebook.read_bytes(), notebook.with_suffix(".py").read_bytes())
    cli("pair", notebook)
    assert cli("sync", notebook)[0] == 0
    assert (notebook.read_bytes(), notebook.with_suffix(".py").read_bytes()) == first


def test_sync_takes_a_script_edit_into_the_notebook_keeping_outputs_and_ids(
    notebook: Path, cli: Cli
) -> None:
    cli("pair", notebook)
    before = nbformat.read(notebook, 4)
    script = notebook.with_suffix(".py")
    script.write_text(script.read_text().replace("print(alpha)", "print(alpha * 2)"))
    code_, out, _ = cli("sync", script)
    after = nbformat.read(notebook, 4)
    assert code_ == 0 and "script -> notebook" in out
    assert after.cells[2].source == "print(alpha * 2)"
    assert after.cells[2].outputs == before.cells[2].outputs
    assert [c.id for c in after.cells] == [c.id for c in before.cells]


def test_sync_takes_a_notebook_edit_into_the_script(notebook: Path, cli: Cli) -> None:
    cli("pair", notebook)
    edited = nbformat.read(notebook, 4)
    edited.cells.append(code("print('new cell')"))
    nbformat.write(edited, notebook)
    code_, out, _ = cli("sync", notebook)
    assert code_ == 0 and "notebook -> script" in out
    assert "# %%\nprint('new cell')" in notebook.with_suffix(".py").read_text()


def test_sync_refuses_when_both_sides_changed_and_shows_the_conflicting_cells(
    notebook: Path, cli: Cli
) -> None:
    cli("pair", notebook)
    edited = nbformat.read(notebook, 4)
    edited.cells[1].source = "alpha = 1"
    nbformat.write(edited, notebook)
    script = notebook.with_suffix(".py")
    script.write_text(script.read_text().replace("print(alpha)", "print(alpha + 1)"))
    snapshot = (notebook.read_bytes(), script.read_bytes())
    code_, out, _ = cli("sync", notebook)
    assert code_ == 1
    assert (
        "cell 2:" in out and "cell 3:" in out and "alpha = 1" in out and "print(alpha + 1)" in out
    )
    assert (notebook.read_bytes(), script.read_bytes()) == snapshot
    assert cli("sync", notebook, "--use", "script")[0] == 0
    assert nbformat.read(notebook, 4).cells[1].source == "alpha = 0.5"


def test_sync_without_a_record_uses_the_lock_script_fingerprint(notebook: Path, cli: Cli) -> None:
    cli("pair", notebook)
    assert cli("snapshot", notebook)[0] == 0  # the lock records the script's file hash
    shutil.rmtree(notebook.parents[1] / ".repro")  # a fresh clone: no store
    script = notebook.with_suffix(".py")
    edited = nbformat.read(notebook, 4)
    edited.cells[2].source = "print(alpha, 'edited in Lab')"
    nbformat.write(edited, notebook)
    code_, out, _ = cli("sync", notebook)
    assert code_ == 0 and "notebook -> script" in out
    assert "edited in Lab" in script.read_text()


def test_pair_never_overwrites_an_existing_file_with_other_code(notebook: Path, cli: Cli) -> None:
    module = notebook.with_suffix(".py")
    module.write_text("def helper():\n    return 42\n")
    code_, _, err = cli("pair", notebook)
    assert code_ == 2 and "already exists" in err
    assert module.read_text() == "def helper():\n    return 42\n"
    assert "jupytext" not in nbformat.read(notebook, 4).metadata


def test_sync_of_a_script_without_a_notebook_creates_the_paired_notebook(
    project: Path, cli: Cli
) -> None:
    script = project / "job.py"
    script.write_text('# %% tags=["parameters"]\nn = 1\n\n# %%\nprint(n)\n')
    code_, out, _ = cli("sync", script)
    created = nbformat.read(project / "job.ipynb", 4)
    assert code_ == 0 and "script -> notebook" in out
    assert [(c.source, c.metadata.get("tags")) for c in created.cells] == [
        ("n = 1", ["parameters"]),
        ("print(n)", None),
    ]
    assert created.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert cli("sync", script)[1].endswith("already in sync\n")


def test_textconv_shows_code_and_markdown_without_outputs_or_metadata(
    notebook: Path, cli: Cli
) -> None:
    code_, out, _ = cli("textconv", notebook)
    assert code_ == 0
    assert out.startswith("# %% [markdown]\n# # Analysis")
    assert "0.5\n" not in out.split("print(alpha)")[1] and "kernelspec" not in out


def _round_trip(path: Path) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    from jupytext.combine import combine_inputs_with_outputs

    original = load_notebook(path)
    script = path.parent / "roundtrip.py"
    script.write_text(script_text(original, "py:percent"))
    back = combine_inputs_with_outputs(read_script(script), load_notebook(path), fmt="py:percent")
    return original, back


CORPUS_NOTEBOOKS = sorted(
    p.name for p in CORPUS.glob("*.ipynb") if p.stem not in ("invalid_json", "old_format_v3")
)


@pytest.mark.parametrize("name", CORPUS_NOTEBOOKS)
def test_notebook_to_script_to_notebook_keeps_code_markdown_tags_and_outputs(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    shutil.copy(CORPUS / name, path)
    original, back = _round_trip(path)
    assert [(c.cell_type, c.source) for c in back.cells] == [
        (c.cell_type, c.source) for c in original.cells
    ]
    assert [c.metadata.get("tags") for c in back.cells] == [
        c.metadata.get("tags") for c in original.cells
    ]
    assert [c.get("outputs") for c in back.cells] == [c.get("outputs") for c in original.cells]


def test_a_varied_notebook_round_trips(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "varied.ipynb",
        [
            markdown("Intro with `code` and a list:\n\n- one\n- two"),
            code("%%time\nx = 1", [stdout("CPU times: ...\n")], 1),
            code("!ls\nfiles = !ls", [], 2, tags=["parameters", "slow"]),
            code('s = """\n# %% not a cell marker\n"""', [], 3),
            nbformat.v4.new_raw_cell("raw text"),
            code(""),
        ],
    )
    original, back = _round_trip(path)
    assert [(c.cell_type, c.source) for c in back.cells] == [
        (c.cell_type, c.source) for c in original.cells
    ]
    assert back.cells[2].metadata["tags"] == ["parameters", "slow"]


@pytest.mark.parametrize(
    ("name", "reason"), [("invalid_json.ipynb", "invalid JSON"), ("old_format_v3.ipynb", "too old")]
)
def test_old_format_and_invalid_notebooks_are_refused_with_one_line_and_nothing_written(
    name: str, reason: str, tmp_path: Path, cli: Cli
) -> None:
    path = tmp_path / name
    shutil.copy(CORPUS / name, path)
    for command in ("pair", "sync", "run", "verify"):
        code_, _out, err = cli(command, path)
        assert code_ == 2, command
        assert reason in err and len(err.strip().splitlines()) == 1, command
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_pair_saved_in_sync_is_remembered_so_a_later_script_edit_syncs(
    notebook: Path, cli: Cli
) -> None:
    from jupyter_repro.integrations.pairing import remember_if_in_sync, script_for

    cli("pair", notebook)
    # JupyterLab saves both sides through jupytext: the record of the last sync is stale.
    edited = nbformat.read(notebook, 4)
    edited.cells[2].source = "print(alpha, 'saved in Lab')"
    nbformat.write(edited, notebook)
    script = script_for(notebook, "py:percent")
    script.write_text(script.read_text().replace("print(alpha)", "print(alpha, 'saved in Lab')"))
    assert remember_if_in_sync(notebook, "py:percent")
    script.write_text(script.read_text().replace("'saved in Lab'", "'edited outside'"))
    code_, out, _ = cli("sync", notebook)
    assert code_ == 0 and "script -> notebook" in out
    assert nbformat.read(notebook, 4).cells[2].source == "print(alpha, 'edited outside')"
