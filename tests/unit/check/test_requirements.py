"""Declared dependencies, parsed from the files projects keep them in."""

from __future__ import annotations

import pytest

from jupyter_repro.core.requirements import (
    from_environment_yml,
    from_pep723,
    from_pyproject,
    from_requirements_txt,
)


def test_pyproject_declares_dependencies_extras_groups_and_its_own_name() -> None:
    text = """
[project]
name = "My_Project"
dependencies = ["pandas[pyarrow]>=2; python_version>'3.9'", "Scikit_Learn"]
[project.optional-dependencies]
plots = ["matplotlib>=3"]
[dependency-groups]
dev = ["pytest", {include-group = "other"}]
[tool.poetry.dependencies]
python = "^3.11"
requests = "*"
"""
    assert from_pyproject(text) == {
        "my-project",
        "pandas",
        "scikit-learn",
        "matplotlib",
        "pytest",
        "requests",
    }


def test_invalid_pyproject_is_an_error_for_the_caller_to_name() -> None:
    with pytest.raises(ValueError, match="invalid TOML"):
        from_pyproject("[project\n")


def test_requirements_txt_lines_options_includes_and_editables() -> None:
    text = """
# comment
numpy==1.26.4  # pinned
pandas >= 2
-r base.txt
--constraint constraints.txt
-e git+https://example.org/repo.git#egg=my_lib
--index-url https://example.org/simple
requests[socks] @ https://example.org/requests.whl
"""
    names, includes = from_requirements_txt(text)
    assert names == {"numpy", "pandas", "my-lib", "requests"}
    assert includes == ["base.txt", "constraints.txt"]


def test_environment_yml_conda_and_pip_entries() -> None:
    text = """
name: analysis
channels:
  - conda-forge
dependencies:
  - python=3.11
  - conda-forge::numpy>=1.26
  - pytorch
  - pip
  - pip:
    - requests==2.31
    - "polars"
"""
    assert from_environment_yml(text) == {"python", "numpy", "torch", "pip", "requests", "polars"}


def test_pep723_block_declares_script_dependencies() -> None:
    text = (
        '# /// script\n# requires-python = ">=3.11"\n# dependencies = [\n#   "rich",\n# ]\n# ///\n'
    )
    assert from_pep723(text) == {"rich"}
    assert from_pep723("# just a comment\nimport rich\n") is None
