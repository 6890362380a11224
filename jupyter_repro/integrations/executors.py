"""Where reruns execute: local threads (each rerun has its own kernel process) or Dask.

`LocalExecutor` runs `papermill_run.run_reported` in a thread pool, as `run --jobs` does.
`DaskExecutor` sends each rerun to a `dask.distributed` cluster (a scheduler at a URL, or
a `LocalCluster` when none is given); on the worker the rerun runs in a subprocess the
worker keeps (`rerun_service`: imports paid once per worker), one at a time per worker
process, so kernels never race for ports. A task whose worker dies is resubmitted once,
then reported failed. Reruns run in place: the
workers must see the project on a shared file system.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from jupyter_repro.core.errors import UsageError
from jupyter_repro.integrations.papermill_run import RunRequest, RunResult, run_reported
from jupyter_repro.integrations.rerun_service import request_json

WORKER_ATTEMPTS = 2  # the first try and one retry after a worker died
_one_rerun_per_worker = threading.Lock()


class Executor(Protocol):
    def submit(self, request: RunRequest) -> Future[RunResult]: ...

    def close(self) -> None: ...


class LocalExecutor:
    def __init__(self, jobs: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(jobs, 1))

    def submit(self, request: RunRequest) -> Future[RunResult]:
        return self._pool.submit(run_reported, request)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _die_with_parent() -> None:
    """In the child: be killed when the worker process dies (Linux), so a retried task never
    races an orphaned rerun of itself."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


_service: subprocess.Popen[str] | None = None


def _rerun_service() -> subprocess.Popen[str]:
    """This worker's rerun process, started on first use and again if it died."""
    global _service  # noqa: PLW0603 - one per worker process, by design
    if _service is None or _service.poll() is not None:
        _service = subprocess.Popen(
            [sys.executable, "-m", "jupyter_repro.integrations.rerun_service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
    return _service


def rerun_on_worker(request: dict[str, Any]) -> dict[str, Any]:
    """The Dask task: hand one rerun to this worker's rerun process and wait for its result."""
    with _one_rerun_per_worker:
        service = _rerun_service()
        assert service.stdin is not None and service.stdout is not None
        try:
            service.stdin.write(json.dumps(request) + "\n")
            service.stdin.flush()
            answer = service.stdout.readline()
        except BrokenPipeError:
            answer = ""
    if not answer:
        return {"status": "failed", "error": "the rerun process on the Dask worker died"}
    result: dict[str, Any] = json.loads(answer)
    return result


def _result(source: str, data: dict[str, Any]) -> RunResult:
    return RunResult(
        source,
        data.get("output"),
        data.get("status", "failed"),
        float(data.get("seconds") or 0.0),
        cell=data.get("cell"),
        line=data.get("line"),
        error=data.get("error"),
    )


@dataclass(frozen=True)
class _Cluster:
    client: Any
    cluster: Any
    # A LocalCluster's nannies run in this process and set variables in its environment
    # before each worker starts (PYTHONHASHSEED, OMP_NUM_THREADS...): put it back on close.
    environ: dict[str, str] | None = None


def _connect(scheduler: str | None, workers: int) -> _Cluster:
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--executor dask needs dask.distributed: pip install 'jupyter-repro[dask]'"
        ) from None
    if scheduler is None:
        environ = dict(os.environ)
        # A worker that dies is reported to us at once; we retry once ourselves.
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        return _Cluster(Client(cluster), cluster, environ)  # type: ignore[no-untyped-call]
    try:
        return _Cluster(Client(scheduler, timeout="5s"), None)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


class DaskExecutor:
    def __init__(self, scheduler: str | None, workers: int) -> None:
        self._cluster = _connect(scheduler, workers)
        self._waiters = ThreadPoolExecutor(max_workers=64)

    def submit(self, request: RunRequest) -> Future[RunResult]:
        return self._waiters.submit(self._run, request)

    def _run(self, request: RunRequest) -> RunResult:
        from distributed.scheduler import KilledWorker

        payload = request_json(request)
        for _ in range(WORKER_ATTEMPTS):
            future = self._cluster.client.submit(rerun_on_worker, payload, pure=False)
            try:
                return _result(str(request.source), future.result())
            except KilledWorker:
                continue
        return RunResult(
            str(request.source),
            None,
            "failed",
            0.0,
            error=f"the Dask worker died during the rerun, {WORKER_ATTEMPTS} times",
        )

    def close(self) -> None:
        self._waiters.shutdown(wait=True, cancel_futures=True)
        self._cluster.client.close()
        if self._cluster.cluster is not None:
            self._cluster.cluster.close()
        if self._cluster.environ is not None:
            os.environ.clear()
            os.environ.update(self._cluster.environ)


def make_executor(kind: str, jobs: int, scheduler: str | None) -> Executor:
    if kind == "local":
        if scheduler is not None:
            raise UsageError("--scheduler needs --executor dask")
        return LocalExecutor(jobs)
    if kind == "dask":
        return DaskExecutor(scheduler, jobs)
    raise UsageError(f"unknown executor {kind!r}: choose local or dask")
