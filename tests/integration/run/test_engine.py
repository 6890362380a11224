"""The papermill engine: people who already call papermill get a journaled run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from jupyter_repro.integrations.papermill_engine import ENGINE_NAME, register
from tests.support.run_projects import code, write_notebook

pytestmark = pytest.mark.kernel


def test_papermill_with_the_repro_engine_loads_the_extension_and_journals(project: Path) -> None:
    register()  # an installed package registers it through papermill's entry point
    notebook = write_notebook(
        project / "nb.ipynb",
        [
            code("n = 1", tags=["parameters"]),
            code(
                "import os\nprint('jupyter_repro' in get_ipython().extension_manager.loaded)\n"
                "print(os.environ['JUPYTER_REPRO_NOTEBOOK'])\nprint(n)"
            ),
        ],
    )
    output = project / "out.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={"n": 5},
        engine_name=ENGINE_NAME,
        progress_bar=False,
        cwd=str(project),
    )
    lines = nbformat.read(output, 4).cells[2].outputs[0].text.splitlines()
    assert lines == ["True", str(notebook), "5"]
    assert list((project / ".repro" / "journal").glob("*.jsonl"))
