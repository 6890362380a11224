"""`repro`: rerun what is stale and everything downstream of it, in order, with the run cache.

The plan comes from the pipeline and each notebook's status (io/pipeline). Steps are
started as soon as their upstream notebooks have finished, so independent notebooks run
in parallel on the executor. A rerun is `papermill_run` (through the executor) followed by
the same snapshot a save makes (io/snapshot), so the lock and the store are updated as a
save would; then the run cache entry and the run record are written. A failure stops the
notebooks downstream of it; the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import StoreError
from jupyter_repro.core.lock import parameters
from jupyter_repro.core.pipeline_status import NotebookStatus, Reason, project_status
from jupyter_repro.core.runcache import KeyParts, normalized_code, not_cacheable
from jupyter_repro.integrations.executors import Executor
from jupyter_repro.integrations.papermill_run import RunRequest, RunResult, default_output
from jupyter_repro.io import runcache
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.pipeline import (
    Now,
    Project,
    hashes,
    inside_project,
    notebook_cells,
    own_reasons,
)
from jupyter_repro.io.project import lock_path
from jupyter_repro.io.store import Store

Outcome = Literal["ran", "cached", "up-to-date", "failed", "skipped", "would-run"]


@dataclass(frozen=True)
class ReproOptions:
    use_cache: bool = True
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Step:
    notebook: str
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    seconds: float = 0.0
    run_id: str | None = None
    message: str | None = None
    cache_note: str | None = None  # why no cache entry was stored
    exit_code: int = 0  # of a failed rerun: 3 the notebook failed, 2 bad input, 4 our bug

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "outcome": self.outcome,
            "reasons": [r.to_json() for r in self.reasons],
            "seconds": round(self.seconds, 3),
            "run": self.run_id,
            "message": self.message,
            "not_cached": self.cache_note,
        }


@dataclass
class _Context:
    project: Project
    now: Now
    store: Store
    environment: tuple[str, dict[str, str]]
    options: ReproOptions
    statuses: dict[str, NotebookStatus] = field(default_factory=dict)


def scope(project: Project, targets: Sequence[str]) -> list[str]:
    """The named notebooks and everything upstream of them (all notebooks when none named)."""
    pipeline = project.pipeline
    wanted = pipeline.closure(targets, "up") if targets else set(pipeline.order)
    return [name for name in pipeline.order if name in wanted]


def plan(project: Project, now: Now, targets: Sequence[str]) -> list[NotebookStatus]:
    statuses = project_status(project.pipeline, own_reasons(project, now))
    chosen = set(scope(project, targets))
    return [status for status in statuses if status.path in chosen]


# the run cache ---------------------------------------------------------------------------


def _key(ctx: _Context, relpath: str, inputs: Mapping[str, str | None]) -> str | None:
    notebook = ctx.project.absolute(relpath)
    cells = notebook_cells(notebook)
    kernel = _kernel_name(notebook)
    parts = KeyParts(
        code=normalized_code(cells),
        inputs=dict(inputs),
        parameters=parameters(cells),
        seed=ctx.now.seed,
        kernel=kernel,
        environment=ctx.environment[0],
    )
    return parts.key()


def _kernel_name(notebook: Path) -> str | None:
    from jupyter_repro.io.notebooks import read_notebook_json

    if notebook.suffix != ".ipynb":
        return "python3"
    spec = read_notebook_json(notebook).get("metadata", {}).get("kernelspec") or {}
    name = spec.get("name")
    return str(name) if name else "python3"


def _key_now(ctx: _Context, relpath: str) -> str | None:
    """The key of a rerun now: the inputs the lock names, as they are on disk now."""
    lock = ctx.project.locks.get(relpath)
    if lock is None:
        return None
    ctx.now.files.known.clear()  # upstream reruns may have rewritten files
    inputs = {path: ctx.now.files(path) for path in lock.inputs}
    return _key(ctx, relpath, inputs)


def _try_cache(ctx: _Context, relpath: str, reasons: tuple[Reason, ...]) -> Step | None:
    if not ctx.options.use_cache or ctx.options.force:
        return None
    key = _key_now(ctx, relpath)
    entry = runcache.lookup(ctx.store, key) if key else None
    if entry is None:
        return None
    started = time.perf_counter()
    notebook = ctx.project.absolute(relpath)
    executed = default_output(notebook)
    changed = {p: d for p, d in entry.outputs.items() if ctx.now.files(p) != d}
    runcache.restore(ctx.store, replace(entry, outputs=changed), executed, lock_path(notebook))
    ctx.now.files.known.clear()
    seconds = time.perf_counter() - started
    run_id = _record(ctx, relpath, "cached", seconds, executed=executed, error=None)
    restored = f"restored {len(changed)} output file(s)" if changed else "outputs already in place"
    return Step(relpath, "cached", reasons, seconds, run_id, message=restored)


# after a rerun ---------------------------------------------------------------------------


def _unseeded_random(notebook: Path) -> bool:
    from jupyter_repro.io.inspection import inspect_notebook

    return any(f.rule == "unseeded-random" for f in inspect_notebook(notebook).findings)


def _after_rerun(
    ctx: _Context, relpath: str, result: RunResult, started: float
) -> tuple[str | None, str | None]:
    """Snapshot the rerun into the lock and the store; cache it when allowed. (run id, note)"""
    from jupyter_repro.io.snapshot import take_snapshot

    notebook = ctx.project.absolute(relpath)
    snapshot = take_snapshot(notebook, source="snapshot")
    lock = snapshot.lock
    ctx.project.locks[relpath] = lock
    executed = Path(result.output) if result.output else None
    run_id = _record(ctx, relpath, "ok", result.seconds, executed=executed, error=None)
    execution = lock.execution
    outputs = hashes(lock.outputs)
    note = not_cacheable(
        succeeded=executed is not None,
        tracking_complete=execution.tracking_complete,
        unattributed=list(execution.missing) if not execution.tracking_complete else [],
        unseeded_random=_unseeded_random(notebook),
        outputs_hashed=all(outputs.values()),
    )
    if note is None and not all(inside_project(path) for path in outputs):
        note = "it wrote files outside the project"
    key = _key(ctx, relpath, hashes(lock.inputs))
    if note is None and key is None:
        note = "an input has no recorded hash"
    if note is None and not _journaled_since(ctx.project.root, relpath, started):
        note = "the rerun left no journal: the lock may describe an earlier session"
    if note is None and key is not None and executed is not None:
        clean = {p: d for p, d in outputs.items() if d is not None}
        try:
            runcache.save(
                ctx.store,
                key,
                notebook=relpath,
                outputs=clean,
                executed=executed,
                lock=snapshot.lock_file,
                run_id=run_id,
            )
        except StoreError as exc:  # the run stands; only its cache entry is lost
            note = exc.message
    ctx.now.files.known.clear()
    return run_id, note


def _journaled_since(root: Path, relpath: str, started: float) -> bool:
    """Did the rerun that started at `started` (epoch seconds) write the notebook's journal?"""
    from jupyter_repro.io.journals import choose_journal

    journal = choose_journal(root, relpath)
    return journal is not None and journal.header.started >= started - 1.0


def _record(
    ctx: _Context,
    relpath: str,
    verdict: str,
    seconds: float,
    *,
    executed: Path | None,
    error: str | None,
) -> str:
    from jupyter_repro.io.runrecords import lock_facts, record_run

    lock = None if verdict == "failed" else read_lock_for(ctx.project.absolute(relpath))
    return record_run(
        ctx.project.root,
        relpath,
        command="repro",
        verdict=verdict,
        seconds=seconds,
        parameters=parameters(notebook_cells(ctx.project.absolute(relpath))),
        seed=ctx.now.seed,
        executed=executed,
        error=error,
        files=lock_facts(lock) if lock is not None else None,
        environment=ctx.environment,
    ).id


# scheduling ------------------------------------------------------------------------------


def _request(ctx: _Context, relpath: str) -> RunRequest:
    notebook = ctx.project.absolute(relpath)
    return RunRequest(source=notebook, output=default_output(notebook), seed=ctx.now.seed)


def _decide(ctx: _Context, status: NotebookStatus) -> Step | None:
    """What to do without running: a cache hit, up to date, or None (it must run)."""
    cached = _try_cache(ctx, status.path, status.reasons)
    if cached is not None:
        return cached
    if status.state == "fresh" and not ctx.options.force:
        return Step(status.path, "up-to-date")
    return None


def execute(
    project: Project,
    now: Now,
    targets: Sequence[str],
    options: ReproOptions,
    *,
    executor_factory: Callable[[], Executor],
    on_step: Callable[[Step], None] = lambda step: None,
) -> list[Step]:
    """Run the plan; each finished step is passed to `on_step` as it completes."""
    from jupyter_repro.io.runrecords import current_environment

    statuses = plan(project, now, targets)
    if options.dry_run:
        return [
            Step(
                s.path,
                "would-run" if s.state == "stale" or options.force else "up-to-date",
                s.reasons,
            )
            for s in statuses
        ]
    ctx = _Context(project, now, Store(project.root), current_environment(), options)
    ctx.store.ensure()
    return _Scheduler(ctx, statuses, executor_factory, on_step).run()


class _Scheduler:
    def __init__(
        self,
        ctx: _Context,
        statuses: Sequence[NotebookStatus],
        executor_factory: Callable[[], Executor],
        on_step: Callable[[Step], None],
    ) -> None:
        self.ctx = ctx
        self.statuses = {s.path: s for s in statuses}
        self.order = [s.path for s in statuses]
        self.factory = executor_factory
        self.executor: Executor | None = None
        self.on_step = on_step
        self.done: dict[str, Step] = {}
        # future -> (notebook, perf_counter and epoch time at submission)
        self.running: dict[Future[RunResult], tuple[str, float, float]] = {}

    def _upstream(self, name: str) -> list[str]:
        return [u for u in self.ctx.project.pipeline.upstream[name] if u in self.statuses]

    def _finish(self, step: Step) -> None:
        self.done[step.notebook] = step
        self.on_step(step)

    def _start_ready(self) -> None:
        busy = {name for name, _, _ in self.running.values()}
        for name in self.order:
            if name in self.done or name in busy:
                continue
            ups = self._upstream(name)
            if not all(u in self.done for u in ups):
                continue
            broken = [u for u in ups if self.done[u].outcome in ("failed", "skipped")]
            status = self.statuses[name]
            if broken:
                self._finish(Step(name, "skipped", status.reasons, message=f"{broken[0]} failed"))
                continue
            ran_above = any(self.done[u].outcome == "ran" for u in ups)
            if ran_above and status.state == "fresh":
                status = NotebookStatus(name, "stale", (Reason("upstream-stale", ups[0]),))
            step = _decide(self.ctx, status)
            if step is not None:
                self._finish(step)
                continue
            if self.executor is None:
                self.executor = self.factory()
            future = self.executor.submit(_request(self.ctx, name))
            self.running[future] = (name, time.perf_counter(), time.time())

    def _collect(self, future: Future[RunResult]) -> None:
        name, started, started_at = self.running.pop(future)
        result = future.result()
        status = self.statuses[name]
        if result.status != "ok":
            executed = Path(result.output) if result.output else None
            run_id = _record(
                self.ctx, name, "failed", result.seconds, executed=executed, error=result.message()
            )
            self._finish(
                Step(
                    name,
                    "failed",
                    status.reasons,
                    result.seconds,
                    run_id,
                    message=result.message(),
                    exit_code=result.exit_code,
                )
            )
            return
        ran_id, note = _after_rerun(self.ctx, name, result, started_at)
        seconds = time.perf_counter() - started
        self._finish(Step(name, "ran", status.reasons, seconds, ran_id, cache_note=note))

    def run(self) -> list[Step]:
        try:
            progressed = True
            while progressed or self.running:
                before = len(self.done)
                self._start_ready()
                progressed = len(self.done) > before
                if self.running:
                    finished, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
                    for future in finished:
                        self._collect(future)
                    progressed = True
                if len(self.done) == len(self.order):
                    break
        finally:
            if self.executor is not None:
                self.executor.close()
            self.ctx.now.files.save()
        return [self.done[name] for name in self.order if name in self.done]
