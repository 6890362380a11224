"""A notebook's language, from whichever piece of metadata says it."""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_repro.core.language import is_python, notebook_language


@pytest.mark.parametrize(
    "metadata,language",
    [
        ({}, "python"),
        ({"kernelspec": {"name": "python3", "language": "python"}}, "python"),
        ({"language_info": {"name": "python", "version": "3.11"}}, "python"),
        ({"kernelspec": {"name": "ir", "language": "R"}}, "r"),
        # jupytext R_sample.ipynb and julia_sample_script.ipynb: only main_language.
        ({"jupytext": {"main_language": "R", "notebook_metadata_filter": "-all"}}, "r"),
        ({"jupytext": {"main_language": "julia"}}, "julia"),
        (
            {"kernelspec": {"display_name": "Groovy", "language": "groovy", "name": "groovy"}},
            "groovy",
        ),
        ({"language_info": {"name": "Groovy"}}, "groovy"),
        ({"kernelspec": {"name": "java", "language": "java"}}, "java"),
        ({"kernelspec": {"name": "ir", "display_name": "R"}}, "r"),
        ({"kernelspec": {"name": "julia-1.9", "display_name": "Julia 1.9"}}, "julia"),
        ({"kernelspec": {"name": "python2", "language": "python"}}, "python"),
        ({"kernelspec": {"language": "python"}, "jupytext": {"main_language": "R"}}, "python"),
        ({"kernelspec": "not a mapping", "language_info": {"name": ""}}, "python"),
    ],
)
def test_the_language_comes_from_the_first_metadata_that_names_it(
    metadata: dict[str, Any], language: str
) -> None:
    assert notebook_language(metadata) == language


def test_only_python_names_are_python() -> None:
    assert [is_python(x) for x in ("python", "Python3", "r", "julia", "groovy")] == [
        True,
        True,
        False,
        False,
        False,
    ]
