"""Fixtures shared by every test tier."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import RunningServer, start_server

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"
ARTIFACTS = Path(os.environ.get("REPRO_TEST_ARTIFACTS", REPO_ROOT / "test-artifacts"))

# Tests start `jupyter`, `jupyter-repro` and kernels as a user of this environment would,
# with its scripts first on PATH, as if the virtualenv were activated.
_SCRIPTS = str(Path(sys.executable).parent)
# Every lock any process of the test run writes is also validated against the published
# JSON Schema (io/locks.py), so the typed parser and the schema cannot drift apart.
os.environ.setdefault("JUPYTER_REPRO_VALIDATE_LOCKS", "1")
if os.environ.get("PATH", "").split(os.pathsep)[0] != _SCRIPTS:
    os.environ["PATH"] = _SCRIPTS + os.pathsep + os.environ.get("PATH", "")


# Tiers, by folder: each test gets its tier's marker, so `-m "not browser"` and friends
# select by what a test starts, not by where someone remembered to put a decorator.
TIERS = ("unit", "kernel", "server", "integration", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests_dir = REPO_ROOT / "tests"
    for item in items:
        parts = item.path.relative_to(tests_dir).parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave files for people to look at (screenshots, reports)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A private copy of the example project, with a project root marker of its own."""
    return copy_example(tmp_path / "project")


def copy_example(target: Path) -> Path:
    """The example project under `target`, replacing whatever a previous test left there."""
    shutil.rmtree(target / "air-quality", ignore_errors=True)
    shutil.copytree(
        EXAMPLES / "air-quality",
        target / "air-quality",
        ignore=shutil.ignore_patterns(".repro", ".ipynb_checkpoints", "__pycache__"),
    )
    (target / "pyproject.toml").write_text(
        '[project]\nname = "air-quality"\nversion = "0"\n'
        'dependencies = ["pandas", "matplotlib", "numpy"]\n'
    )
    return target


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One real Jupyter server with jupyter-repro per test module (a start costs seconds)."""
    server = start_server(tmp_path_factory.mktemp("served"), tmp_path_factory.mktemp("jupyter"))
    yield server
    server.stop()


@pytest.fixture
def jupyter_server(module_server: RunningServer) -> RunningServer:
    """The module's server, serving a fresh copy of the example project for this test."""
    copy_example(module_server.root)
    return module_server


_browser_tests_passed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _browser_tests_passed
    if report.when == "call" and report.passed and "tests/browser/" in report.nodeid:
        _browser_tests_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a run of the whole suite passes only if the browser tests really ran."""
    options = session.config.option
    whole_suite = (
        not options.collectonly
        and not options.keyword
        and not options.markexpr
        and all(Path(arg).resolve() == REPO_ROOT / "tests" for arg in session.config.args)
    )
    if os.environ.get("CI") and whole_suite and exitstatus == 0 and _browser_tests_passed == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "FAILED: no browser test ran in CI (is /usr/bin/chromium installed?)", red=True
            )
