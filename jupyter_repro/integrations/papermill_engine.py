"""A papermill engine that journals the run: `papermill --engine repro in.ipynb out.ipynb`.

It is papermill's own nbclient engine with jupyter-repro's kernel extension loaded in
the kernel (`--ext=jupyter_repro`) and the notebook's path handed to it through the
environment, so pipelines that already use papermill get a journal without changes.
`jupyter-repro run` drives papermill through this engine too, adding its timeouts,
progress and failure capture through the `repro_*` keyword arguments.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ENGINE_NAME = "repro"
KERNEL_EXTENSION_ARGUMENT = "--ext=jupyter_repro"
NOTEBOOK_VARIABLE = "JUPYTER_REPRO_NOTEBOOK"
# Seconds a kernel gets to exit after its shutdown request before it is terminated.
# jupyter_client's default is 5 s, with SIGTERM after half of it. Now and then (1 run in
# 15 to 20 here, with or without the SIGINT) a kernel driven by nbclient has not exited
# 2.5 s after its shutdown request, which makes that run about 3 s slower: the "repeated
# execute() is slower" effect (benchmarks/bench_run.py --shutdown counts it). Kernels that
# exit normally do so in 0.1-0.4 s; past 0.5 s we terminate.
SHUTDOWN_WAIT_SECONDS = 1.0


def _tune_kernel_manager(km: Any) -> None:
    km.shutdown_wait_time = SHUTDOWN_WAIT_SECONDS
    # IPC starts faster than TCP and avoids ipykernel's unencrypted-TCP warning; its socket
    # files go to the temporary folder, not to the notebook's folder (the kernel's cwd).
    if sys.platform != "win32" and getattr(km, "transport", None) == "tcp" and not km.has_kernel:
        km.transport = "ipc"
        km.ip = str(Path(tempfile.gettempdir()) / f"jupyter-repro-{uuid.uuid4().hex[:12]}")


def _notebook_variable(input_path: object) -> dict[str, str]:
    if isinstance(input_path, str) and "://" not in input_path and input_path.endswith(".ipynb"):
        return {NOTEBOOK_VARIABLE: str(Path(input_path).resolve())}
    return {}


_CLASSES: dict[str, type] = {}


def _build(papermill_client: Any, nbclient_engine: Any) -> dict[str, type]:
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class QuietShutdownKernelManager(AsyncKernelManager):
        """jupyter_client interrupts a kernel (SIGINT) right before asking it to shut down.

        After a run the kernel is idle, so the interrupt only prints "KeyboardInterrupt
        caught in kernel" on our stderr. A busy kernel (after a timeout) still stops:
        SIGTERM, then SIGKILL, follow a shutdown request it does not answer.
        """

        _repro_shutting_down = False

        async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            self._repro_shutting_down = True
            try:
                await super()._async_shutdown_kernel(now=now, restart=restart)
            finally:
                self._repro_shutting_down = False

        shutdown_kernel = _async_shutdown_kernel

        async def _async_interrupt_kernel(self) -> None:
            if not self._repro_shutting_down:
                await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel

    class ReproNotebookClient(papermill_client):  # type: ignore[misc]
        """papermill's client, starting the kernel with extra environment variables."""

        def __init__(
            self,
            nb_man: Any,
            kernel_env: Mapping[str, str] | None = None,
            kernel_cwd: str | None = None,
            **kw: Any,
        ) -> None:
            super().__init__(nb_man, **kw)
            self.repro_kernel_env = dict(kernel_env or {})
            self.repro_kernel_cwd = kernel_cwd

        async def async_start_new_kernel(self, **kwargs: Any) -> None:
            if self.repro_kernel_env:
                kwargs["env"] = {**os.environ, **kwargs.get("env", {}), **self.repro_kernel_env}
            if self.repro_kernel_cwd is not None:
                # The kernel's own working directory: unlike papermill's `cwd`, which
                # changes the whole process's, this is safe with runs in parallel threads.
                kwargs["cwd"] = self.repro_kernel_cwd
            if self.km is not None:
                _tune_kernel_manager(self.km)
            await super().async_start_new_kernel(**kwargs)

        # nbclient binds its sync wrapper to the base coroutine: rebind it to ours.
        start_new_kernel = run_sync(async_start_new_kernel)

    class ReproEngine(nbclient_engine):  # type: ignore[misc]
        """papermill's nbclient engine with the jupyter-repro kernel extension loaded."""

        @classmethod
        def execute_managed_notebook(  # noqa: PLR0917 (papermill's signature)
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            kernel_env: dict[str, str] = {
                **_notebook_variable(kwargs.pop("input_path", None)),
                **kwargs.pop("repro_kernel_env", {}),
            }
            kernel_cwd: str | None = kwargs.pop("repro_kernel_cwd", None)
            # The caller gets the notebook being executed, so it keeps the outputs of a
            # run that papermill ends by raising.
            notebook_sink: Callable[[Any], None] | None = kwargs.pop("repro_notebook_sink", None)
            if notebook_sink is not None:
                notebook_sink(nb_man.nb)
            extra = list(kwargs.pop("extra_arguments", []))
            if KERNEL_EXTENSION_ARGUMENT not in extra:
                extra.append(KERNEL_EXTENSION_ARGUMENT)
            client_kwargs: dict[str, Any] = {
                "kernel_manager_class": QuietShutdownKernelManager,
                **kwargs,
                "timeout": execution_timeout if execution_timeout else kwargs.get("timeout"),
                "startup_timeout": start_timeout,
                "kernel_name": kernel_name,
                "log_output": log_output,
                "stdout_file": stdout_file,
                "stderr_file": stderr_file,
                "extra_arguments": extra,
            }
            from papermill.log import logger

            client_kwargs.setdefault("log", logger)
            client = ReproNotebookClient(
                nb_man, kernel_env=kernel_env, kernel_cwd=kernel_cwd, **client_kwargs
            )
            return client.execute()

    return {
        "ReproNotebookClient": ReproNotebookClient,
        "ReproEngine": ReproEngine,
        "QuietShutdownKernelManager": QuietShutdownKernelManager,
    }


def _classes() -> dict[str, type]:
    # Built on first use, not at import: papermill loads its entry points (this module's
    # ReproEngine) while it is itself being imported, so importing it at the top of this
    # module would be circular.
    if not _CLASSES:
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine

        if not _CLASSES:  # importing papermill may have built them through the entry point
            _CLASSES.update(_build(PapermillNotebookClient, NBClientEngine))
    return _CLASSES


def __getattr__(name: str) -> Any:
    if name in ("ReproEngine", "ReproNotebookClient", "QuietShutdownKernelManager"):
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register() -> None:
    """Make the engine available under its name in this process (the entry point does it
    for installed packages; a source checkout needs this)."""
    engine = _classes()["ReproEngine"]
    from papermill.engines import papermill_engines

    if papermill_engines._engines.get(ENGINE_NAME) is not engine:
        papermill_engines.register(ENGINE_NAME, engine)
