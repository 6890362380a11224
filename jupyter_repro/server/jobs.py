"""Verify jobs: `jupyter-repro verify NB --format json` in a child process, one per notebook.

A child process keeps the server responsive (a rerun takes seconds to minutes and
starts its own kernel) and isolates it from anything the rerun does. A thread per job
waits for the child and reads its output; the handlers only read job snapshots.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import ReproError

JobState = Literal["running", "done", "failed", "cancelled"]
KEEP_FINISHED = 20
PROGRESS_INTERVAL_S = 0.5
_CLI = "from jupyter_repro.cli.main import console_main; console_main()"


def verify_command(notebook: Path) -> list[str]:
    """The server's own interpreter runs the CLI, so the job uses the installed version."""
    return [sys.executable, "-c", _CLI, "verify", str(notebook), "--format", "json", "--cell-lines"]


@dataclass
class VerifyJob:
    id: str
    path: str  # API path, as the frontend named it
    notebook: Path
    started: float = field(default_factory=time.time)
    state: JobState = "running"
    finished: float | None = None
    cells_done: int | None = None
    cells_total: int | None = None
    result: dict[str, Any] | None = None
    message: str | None = None
    exit_code: int | None = None
    isolated: bool = False  # rerun in an environment rebuilt from the lock (verify --isolated)
    _process: subprocess.Popen[bytes] | None = None

    def _progress(self) -> dict[str, Any]:
        """Cells done of total; `starting` until the rerun's kernel reports, then the
        cell running now."""
        return {
            "done": self.cells_done,
            "total": self.cells_total,
            "phase": "starting" if self.cells_done is None else "running",
            "running": _running(self.cells_done, self.cells_total),
        }

    def to_json(self) -> dict[str, Any]:
        end = self.finished if self.finished is not None else time.time()
        return {
            "id": self.id,
            "path": self.path,
            "state": self.state,
            "elapsed": round(end - self.started, 1),
            "progress": self._progress(),
            "result": self.result,
            "message": self.message,
            "exit_code": self.exit_code,
            "isolated": self.isolated,
        }


def _code_cells(notebook: Path) -> int | None:
    """How many code cells the rerun will run (those with code in them)."""
    from jupyter_repro.io.notebooks import read_notebook_json

    try:
        cells = read_notebook_json(notebook).get("cells", [])
    except (ReproError, OSError):
        return None  # the rerun will say what is wrong with it
    return sum(
        1
        for c in cells
        if isinstance(c, dict)
        and c.get("cell_type") == "code"
        and "".join(c.get("source", "")).strip()
    )


def _cell_start(line: str, prefix: str) -> tuple[int, int] | None:
    """(n, total) from "<prefix><n> of <total>", else None."""
    if not line.startswith(prefix):
        return None
    number, _, total = line[len(prefix) :].strip().partition(" of ")
    if not (number.isdigit() and total.isdigit()):
        return None
    return int(number), int(total)


def _cancelled(job: VerifyJob) -> bool:
    """Asked of a job another thread may cancel at any moment."""
    return job.state == "cancelled"


def _running(done: int | None, total: int | None) -> int | None:
    """The 1-based number of the code cell running now: the one after those done."""
    if done is None or total is None or done >= total:
        return None
    return done + 1


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines() if line.strip()]
    return lines[-1] if lines else ""


class JobRegistry:
    """Jobs of this server process; at most one running verify per notebook."""

    def __init__(self, command: Any = verify_command) -> None:
        self._jobs: dict[str, VerifyJob] = {}
        self._lock = threading.Lock()
        self._command = command
        # told each time a job moves on (progress, end), from the job's threads (events)
        self.listener: Callable[[VerifyJob], None] | None = None
        atexit.register(self.stop_all)  # a rerun must not outlive the server that started it

    def start(self, api_path: str, notebook: Path, isolated: bool = False) -> VerifyJob:
        with self._lock:
            for job in self._jobs.values():
                same = job.notebook == notebook and job.isolated == isolated
                if same and job.state == "running":
                    return job
            job = VerifyJob(uuid.uuid4().hex[:12], api_path, notebook, isolated=isolated)
            self._jobs[job.id] = job
            self._forget_old()
        thread = threading.Thread(
            target=self._run, args=(job,), daemon=True, name=f"jupyter-repro-verify-{job.id}"
        )
        thread.start()
        return job

    def get(self, job_id: str) -> VerifyJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def latest(self, notebook: Path) -> VerifyJob | None:
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.notebook == notebook]
        return max(jobs, key=lambda j: j.started) if jobs else None

    def cancel(self, job_id: str) -> VerifyJob | None:
        """Stop a running job; one whose rerun has not started yet never starts it."""
        job = self.get(job_id)
        if job is None:
            return None
        with self._lock:
            if job.state != "running":
                return job
            job.state = "cancelled"
            job.message = "cancelled"
            process = job._process
        if process is not None:
            process.terminate()
        self._moved(job)
        return job

    def _moved(self, job: VerifyJob) -> None:
        if self.listener is not None:
            with contextlib.suppress(Exception):  # telling the browser never stops a job
                self.listener(job)

    def stop_all(self) -> None:
        with self._lock:
            running = [j for j in self._jobs.values() if j.state == "running"]
        for job in running:
            if job._process is not None:
                job._process.terminate()

    def _forget_old(self) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.state != "running"), key=lambda j: j.started
        )
        for job in finished[:-KEEP_FINISHED]:
            del self._jobs[job.id]

    def _run(self, job: VerifyJob) -> None:
        command: Sequence[str] = self._command(job.notebook)
        if job.isolated:
            command = [*command, "--isolated"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        job.cells_total = _code_cells(job.notebook)
        if _cancelled(job):  # before its rerun started
            job.finished = time.time()
            return
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=job.notebook.parent,
                env=env,
            )
        except OSError as exc:
            self._finish(job, None, "", f"could not start verify: {exc}")
            self._moved(job)
            return
        with self._lock:  # a cancel from now on finds the process
            job._process = process
            cancelled = _cancelled(job)
        if cancelled:  # while it was being started
            process.terminate()
        out_chunks: list[bytes] = []
        reader = threading.Thread(
            target=lambda: out_chunks.append(process.stdout.read() if process.stdout else b""),
            daemon=True,
        )
        reader.start()
        err_text = self._follow_stderr(job, process)
        process.wait()
        reader.join()
        self._finish(
            job, process.returncode, b"".join(out_chunks).decode(errors="replace"), err_text
        )
        self._moved(job)

    def _follow_stderr(self, job: VerifyJob, process: subprocess.Popen[bytes]) -> str:
        """Read stderr as it comes: a line as each code cell starts says which one runs."""
        from jupyter_repro.integrations.papermill_run import CELL_START_PREFIX

        seen: list[str] = []
        stream = process.stderr
        if stream is None:
            return ""
        for raw in stream:
            line = raw.decode(errors="replace")
            started = _cell_start(line, CELL_START_PREFIX)
            if started is None:
                seen.append(line)
                continue
            job.cells_done, job.cells_total = started[0] - 1, started[1]
            self._moved(job)
        return "".join(seen)

    def _finish(self, job: VerifyJob, code: int | None, stdout: str, stderr: str) -> None:
        job.exit_code = code
        job.finished = time.time()
        try:
            parsed = json.loads(stdout) if stdout.strip() else None
        except ValueError:
            parsed = None
        if job.state == "cancelled":
            return
        if isinstance(parsed, dict) and "verdict" in parsed:
            job.result = parsed
            job.state = "done"
            job.message = _last_line(stderr) or None
            return
        job.state = "failed"
        job.message = _last_line(stderr) or f"verify exited with code {code} and no result"
