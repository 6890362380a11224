"""verify --isolated: the rerun happens in an environment rebuilt from the lock."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

NOTEBOOK = "analysis.ipynb"


def verify(project: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        ["jupyter-repro", "verify", NOTEBOOK, "--isolated", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def edit_lock(project: Path, **environment: object) -> None:
    path = project / "analysis.repro.json"
    lock = json.loads(path.read_text())
    lock["environment"].update(environment)
    path.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n")


@pytest.mark.slow
def test_isolated_verify_reruns_in_the_rebuilt_environment_cached_by_its_hash(
    example_project: Path, tmp_path: Path
) -> None:
    project = example_project / "air-quality"
    cache = tmp_path / "cache"
    first = verify(project, cache, "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["verdict"] == "reproduced"
    ran_in = report["ran_in"]
    assert ran_in["rebuilt_from_lock"] and ran_in["cache"] == "miss"
    assert Path(ran_in["interpreter"]).is_relative_to(cache / "jupyter-repro")
    assert report["environment"] == [] or all(e["status"] == "same" for e in report["environment"])
    second = json.loads(verify(project, cache, "--format", "json").stdout)
    assert second["ran_in"]["cache"] == "hit"
    assert second["ran_in"]["interpreter"] == ran_in["interpreter"]
    listed = subprocess.run(
        ["jupyter", "kernelspec", "list"], capture_output=True, text=True, check=False
    ).stdout
    assert "jupyter-repro-isolated" not in listed


def test_a_locked_version_that_does_not_exist_is_exit_2_naming_it(
    example_project: Path, tmp_path: Path
) -> None:
    project = example_project / "air-quality"
    lock = json.loads((project / "analysis.repro.json").read_text())
    edit_lock(project, closure={**lock["environment"]["closure"], "numpy": "0.0.1"})
    done = verify(project, tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "numpy==0.0.1" in done.stderr
    assert not list((tmp_path / "cache" / "jupyter-repro" / "environments").iterdir())


def test_a_python_version_not_available_here_is_exit_2(
    example_project: Path, tmp_path: Path
) -> None:
    project = example_project / "air-quality"
    edit_lock(project, python="3.4.10")
    done = verify(project, tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Python 3.4" in done.stderr


def test_without_uv_the_environment_is_created_with_venv(tmp_path: Path) -> None:
    from jupyter_repro.integrations.envbuild import EnvironmentBuildError, create_venv

    assert create_venv(None, tmp_path / "env", "3.11") == "venv+pip"
    assert (tmp_path / "env" / "bin" / "python").exists()
    with pytest.raises(EnvironmentBuildError, match=r"Python 3\.4 \(the lock's\) is not available"):
        create_venv(None, tmp_path / "old", "3.4")
