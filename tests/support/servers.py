"""Start a real Jupyter server (or JupyterLab) on 127.0.0.1 with a token, for one test."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    _extra: dict[str, Any] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: object | None = None, token: bool = True
    ) -> tuple[int, Any]:
        """An HTTP request to the server; returns (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path.lstrip("/"), data=data, method=method)
        if token:
            request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    root: Path, workdir: Path, app: str = "server", extra_args: tuple[str, ...] = ()
) -> RunningServer:
    """`jupyter server` or `jupyter lab` with temporary settings, runtime and workspace dirs."""
    port = free_port()
    token = secrets.token_hex(16)
    runtime = workdir / "runtime"
    settings = workdir / "settings"
    workspaces = workdir / "workspaces"
    for folder in (runtime, settings, workspaces):
        folder.mkdir(parents=True, exist_ok=True)
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    args = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
    ]
    if app == "lab":
        args += [f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    args += list(extra_args)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    log_path = workdir / f"jupyter-{app}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    server = RunningServer(f"http://127.0.0.1:{port}/", token, root, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter {app} exited early:\n{server.log()}")
        try:
            status, _ = server.request("GET", "api/status")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"jupyter {app} not ready after {READY_TIMEOUT_S}s:\n{server.log()}")
