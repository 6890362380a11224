"""The example's lock rebuilds its environment exactly: resolvers pick the pinned closure."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

NOTEBOOK = EXAMPLES / "air-quality" / "analysis.ipynb"


def env_output(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["jupyter-repro", "env", str(NOTEBOOK), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def pinned(requirements: str) -> dict[str, str]:
    pairs = (line.split("==") for line in requirements.splitlines() if "==" in line)
    return {name: version for name, version in pairs if not name.startswith("#")}


@pytest.mark.slow
def test_pip_resolves_the_example_requirements_to_exactly_the_pinned_set(tmp_path: Path) -> None:
    done = env_output("--format", "requirements")
    assert done.returncode == 0, done.stderr
    pins = pinned(done.stdout)
    assert {"python-dateutil", "contourpy", "packaging", "tzdata"} <= pins.keys()
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(done.stdout)
    report = tmp_path / "report.json"
    resolved = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"),
            *("--quiet", "--report", str(report), "-r", str(requirements)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resolved.returncode == 0, resolved.stderr
    installs = json.loads(report.read_text())["install"]
    picked = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in installs}
    assert {n.replace("_", "-") for n in picked} == set(pins)
    assert {n.replace("_", "-"): v for n, v in picked.items()} == pins


@pytest.mark.slow
def test_pylock_is_a_valid_pep751_lock_of_the_same_pins() -> None:
    from packaging.pylock import Pylock

    pins = pinned(env_output("--format", "requirements").stdout)
    done = env_output("--format", "pylock")
    assert done.returncode == 0, done.stderr
    lock = Pylock.from_dict(tomllib.loads(done.stdout))
    assert {p.name: str(p.version) for p in lock.packages} == pins
    assert all(p.wheels or p.sdist for p in lock.packages)


def test_docker_format_writes_a_folder_that_reruns_verify(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    done = env_output("--format", "docker", "-o", "env/docker", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "env" / "docker"
    assert sorted(p.name for p in folder.iterdir()) == [
        "Dockerfile",
        "requirements.txt",
        "runtime.txt",
    ]
    assert (folder / "runtime.txt").read_text() == "python-3.11\n"
    text = (folder / "Dockerfile").read_text()
    assert "COPY env/docker/requirements.txt" in text
    assert 'CMD ["jupyter-repro", "verify", "analysis.ipynb"]' in text


def test_docker_format_without_a_folder_is_a_usage_error() -> None:
    done = env_output("--format", "docker")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
