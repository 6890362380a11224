"""Fixtures for the kernel-tracking tests: a project folder, an in-process shell, a real kernel."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import Journal
from jupyter_repro.io.journals import read_journal

ENV_KEYS = ("JUPYTER_REPRO_NOTEBOOK", "JUPYTER_REPRO_SEED", "JPY_SESSION_NAME")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (a pyproject.toml marks its root) that is the current directory."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    monkeypatch.chdir(root)
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    return root


class Session:
    """An InteractiveShell with the extension loaded, and helpers to run cells in it."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell

    @property
    def tracker(self) -> Any:
        from jupyter_repro.kernel.extension import tracker_for

        return tracker_for(self.shell)

    def run(self, source: str, cell_id: str | None = None) -> Any:
        return self.shell.run_cell(source, store_history=True, cell_id=cell_id)

    def journal(self) -> Journal:
        assert self.tracker.flush(), "the journal worker did not finish"
        journal = read_journal(self.tracker.journal_path)
        assert journal is not None
        return journal


@pytest.fixture
def make_session(project: Path) -> Iterator[Any]:
    """Build sessions after the test has prepared the project (config, env, files)."""
    from IPython.core.interactiveshell import InteractiveShell

    made: list[Session] = []

    def make() -> Session:
        InteractiveShell.clear_instance()
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "jupyter_repro")
        session = Session(shell)
        made.append(session)
        return session

    yield make
    for session in made:
        session.shell.run_line_magic("unload_ext", "jupyter_repro")
    InteractiveShell.clear_instance()
    sys.modules.pop("mymod", None)


@pytest.fixture
def session(make_session: Any) -> Session:
    return make_session()


def journal_files(root: Path) -> list[Path]:
    return sorted((root / ".repro" / "journal").glob("*.jsonl"))


def env_without_repro() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ENV_KEYS}


class RealKernel:
    """A real ipykernel (IPC transport) with the extension loaded through its arguments."""

    def __init__(
        self, cwd: Path, env: dict[str, str], extension: bool = True, kernel_name: str = "python3"
    ) -> None:
        import tempfile
        import uuid

        from jupyter_client import KernelManager

        self.cwd = cwd
        self.kernel_id = str(uuid.uuid4())
        # Named like a Jupyter server names it, so the kernel can tell its id.
        runtime = Path(tempfile.mkdtemp(prefix="repro-kernel-"))
        self.km = KernelManager(
            transport="ipc",
            kernel_name=kernel_name,
            connection_file=str(runtime / f"kernel-{self.kernel_id}.json"),
            ip=str(runtime / "ipc"),
        )  # absolute: the kernel's cwd differs
        extra = ["--ext=jupyter_repro"] if extension else []
        self.km.start_kernel(cwd=str(cwd), env=env, extra_arguments=extra)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def execute(self, code: str, timeout: float = 60) -> tuple[dict[str, Any], str]:
        out: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return reply, "".join(out)

    def journal_path(self) -> Path:
        files = journal_files(self.cwd)
        assert len(files) == 1, files
        return files[0]

    def runs_after(self, count: int, timeout: float = 20) -> Journal:
        """The journal once it holds at least `count` cell runs (lines land just after a cell)."""
        import time

        from jupyter_repro.io.journals import read_journal

        deadline = time.monotonic() + timeout
        while True:
            files = journal_files(self.cwd)
            journal = read_journal(files[0]) if files else None
            if journal is not None and len(journal.runs) >= count:
                return journal
            assert time.monotonic() < deadline, f"journal never reached {count} runs"
            time.sleep(0.05)

    def shutdown(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture
def real_kernel_factory(project: Path) -> Iterator[Any]:
    started: list[RealKernel] = []

    def start(env: dict[str, str] | None = None, extension: bool = True) -> RealKernel:
        kernel = RealKernel(project, {**env_without_repro(), **(env or {})}, extension)
        started.append(kernel)
        return kernel

    yield start
    for kernel in started:
        if kernel.km.is_alive():
            kernel.shutdown()
