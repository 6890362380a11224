"""Reruns on Dask: a LocalCluster, and a real scheduler with two workers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pipeline_projects import Cli, Spec, write_notebook

pytest.importorskip("distributed")
pytestmark = [pytest.mark.kernel, pytest.mark.slow]

# Kills the worker running it (its grandparent: kernel <- `jupyter-repro run` <- worker)
# the first time, so the task's retry runs on a live worker.
KILL_WORKER_ONCE = """\
import os, signal
from pathlib import Path
marker = Path('attempts.txt')
marker.write_text(marker.read_text() + 'x' if marker.exists() else 'x')
if len(marker.read_text()) <= LIMIT:
    run_pid = os.getppid()
    worker_pid = int(Path(f'/proc/{run_pid}/stat').read_text().rsplit(')', 1)[1].split()[1])
    os.kill(worker_pid, signal.SIGKILL)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[str]:
    """A real Dask scheduler and two single-threaded workers, as processes on 127.0.0.1."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    dask = [sys.executable, "-m", "dask"]
    logs = (tmp_path / "dask.log").open("w")
    processes = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=env,
            stdout=logs,
            stderr=logs,
        )
    ]
    for _ in range(2):
        processes.append(
            subprocess.Popen(
                [
                    *dask,
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                env=env,
                stdout=logs,
                stderr=logs,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:  # type: ignore[no-untyped-call]
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def independent(root: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        spec = Spec(f"nb{i}.ipynb", [f"open('out{i}.txt', 'w').write('{i}')"])
        write_notebook(root / spec.name, spec)
        paths.append(root / spec.name)
    return paths


def test_run_on_a_local_cluster_writes_each_output_and_a_run_record(
    project: Path, cli: Cli
) -> None:
    paths = independent(project, 2)
    environ = dict(os.environ)
    code, out, err = cli("run", *paths, "--executor", "dask", "-j", "2", "--format", "json")
    assert code == 0, err
    assert dict(os.environ) == environ  # the cluster's nannies leave no variables behind
    assert [r["status"] for r in json.loads(out)["runs"]] == ["ok", "ok"]
    assert (project / "out0.txt").read_text() == "0" and (project / "out1.txt").read_text() == "1"
    code, out, _ = cli("runs", "--format", "json", cwd=project)
    assert sorted(r["notebook"] for r in json.loads(out)["runs"]) == ["nb0.ipynb", "nb1.ipynb"]


def test_repro_on_a_real_scheduler_runs_every_stale_notebook(
    project: Path, cli: Cli, scheduler: str
) -> None:
    for path in independent(project, 3):
        assert cli("snapshot", path)[0] == 0
    code, out, err = cli(
        "repro",
        "--force",
        "--executor",
        "dask",
        "--scheduler",
        scheduler,
        "--format",
        "json",
        cwd=project,
    )
    assert code == 0, err
    assert {s["outcome"] for s in json.loads(out)["steps"]} == {"ran"}
    assert sorted(p.name for p in project.glob("out*.txt")) == ["out0.txt", "out1.txt", "out2.txt"]


def test_a_task_whose_worker_dies_is_retried_once_on_another(
    project: Path, cli: Cli, scheduler: str
) -> None:
    spec = Spec(
        "dies.ipynb", [KILL_WORKER_ONCE.replace("LIMIT", "1"), "open('out.txt', 'w').write('ok')"]
    )
    write_notebook(project / "dies.ipynb", spec)
    code, _, err = cli(
        "run",
        project / "dies.ipynb",
        "--executor",
        "dask",
        "--scheduler",
        scheduler,
        "--format",
        "json",
    )
    assert code == 0, err
    assert (project / "attempts.txt").read_text() == "xx"
    assert (project / "out.txt").read_text() == "ok"


def test_a_task_whose_worker_dies_twice_is_reported_failed(
    project: Path, cli: Cli, scheduler: str
) -> None:
    spec = Spec("dies.ipynb", [KILL_WORKER_ONCE.replace("LIMIT", "9"), "x = 1"])
    write_notebook(project / "dies.ipynb", spec)
    code, _, err = cli(
        "run",
        project / "dies.ipynb",
        "--executor",
        "dask",
        "--scheduler",
        scheduler,
    )
    assert code == 3
    assert "the Dask worker died during the rerun, 2 times" in err
    assert (project / "attempts.txt").read_text() == "xx"


def test_an_unreachable_scheduler_is_a_one_line_error(project: Path, cli: Cli) -> None:
    (path,) = independent(project, 1)
    address = f"tcp://127.0.0.1:{free_port()}"
    code, out, err = cli("run", path, "--executor", "dask", "--scheduler", address)
    assert code == 2 and out == ""
    assert err.startswith(f"jupyter-repro run: cannot reach the Dask scheduler at {address}")
    assert len(err.strip().splitlines()) == 1


def test_on_a_local_cluster_too_a_task_whose_worker_dies_is_retried_once(
    project: Path, cli: Cli
) -> None:
    spec = Spec(
        "dies.ipynb", [KILL_WORKER_ONCE.replace("LIMIT", "1"), "open('out.txt', 'w').write('ok')"]
    )
    write_notebook(project / "dies.ipynb", spec)
    code, _, err = cli("run", project / "dies.ipynb", "--executor", "dask", "-j", "2")
    assert code == 0, err
    assert (project / "attempts.txt").read_text() == "xx"
    assert (project / "out.txt").read_text() == "ok"
