"""Run records on disk: `<project root>/.repro/runs/records/<id>.json`, one per run.

The id starts with the run's UTC time, so listing the folder sorts them oldest first.
What a record says about files and the environment comes from the run's own journal.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import ReproError, UsageError
from jupyter_repro.core.lock import files_sections, imported_modules
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.core.runcache import environment_hash
from jupyter_repro.core.runrecord import RunRecord, metrics_from_cells
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.hashing import hash_file
from jupyter_repro.io.project import relative_to_root, store_dir

RECORDS = ("runs", "records")


def records_dir(root: Path) -> Path:
    return store_dir(root).joinpath(*RECORDS)


def new_run_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{secrets.token_hex(3)}"


def write_record(root: Path, record: RunRecord) -> Path:
    path = records_dir(root) / f"{record.id}.json"
    write_text_atomic(path, json.dumps(record.to_json(), indent=2, sort_keys=True) + "\n")
    return path


def read_records(root: Path, notebook: str | None = None) -> list[RunRecord]:
    """Every readable record, oldest first; those of one notebook when it is given."""
    folder = records_dir(root)
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".json")
    except OSError:
        return []
    records = []
    for path in files:
        try:
            record = RunRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a torn or foreign file is not a run
        if notebook is None or record.notebook == notebook:
            records.append(record)
    return records


def find_record(root: Path, ident: str) -> RunRecord:
    """The record whose id is `ident`, starts with it or ends with it (its random part);
    UsageError when none or several."""
    matches = [r for r in read_records(root) if r.id.startswith(ident) or r.id.endswith(ident)]
    exact = [r for r in matches if r.id == ident]
    if exact:
        return exact[0]
    if not matches:
        raise UsageError(f"no run {ident!r} in {records_dir(root)} (see `jupyter-repro runs`)")
    if len(matches) > 1:
        raise UsageError(f"run id {ident!r} is ambiguous: give more characters")
    return matches[0]


def current_environment() -> tuple[str, dict[str, str]]:
    """This interpreter's environment hash and its python version (reruns use its kernel)."""
    from jupyter_repro.io.environment import installed_distributions, interpreter_summary

    summary = interpreter_summary()
    digest = environment_hash(
        summary["python"],
        summary["implementation"],
        summary["platform"],
        installed_distributions(),
    )
    return digest, {"python": str(summary["python"])}


def journal_facts(
    root: Path, relpath: str, cells: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, str | None], dict[str, str | None], dict[str, str]]:
    """(inputs, outputs, imported distributions) as the notebook's newest journal saw them."""
    from jupyter_repro.io.environment import installed_distributions, module_distributions
    from jupyter_repro.io.journals import choose_journal

    journal = choose_journal(root, relpath)
    if journal is None:
        return {}, {}, {}
    inputs, outputs = files_sections(journal, cells, {})
    modules = imported_modules(journal)
    installed = installed_distributions()
    imported = {
        dist: installed[dist]
        for dist in set(module_distributions(modules).values())
        if dist in installed
    }
    return (
        {p: e.hash for p, e in inputs.items()},
        {p: e.hash for p, e in outputs.items()},
        imported,
    )


def executed_metrics(executed: Path | None) -> dict[str, float | int]:
    if executed is None:
        return {}
    try:
        cells = json.loads(executed.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return metrics_from_cells(cells)


Files = tuple[dict[str, str | None], dict[str, str | None], dict[str, str]]


def lock_facts(lock: Lock) -> Files:
    """(inputs, outputs, imported distributions) as a lock recorded them."""
    return (
        {p: e.hash for p, e in lock.inputs.items()},
        {p: e.hash for p, e in lock.outputs.items()},
        dict(lock.environment.imported),
    )


def record_run(
    root: Path,
    relpath: str,
    *,
    command: str,
    verdict: str,
    seconds: float,
    parameters: Mapping[str, Any],
    seed: int | None,
    executed: Path | None,
    error: str | None = None,
    files: Files | None = None,
    environment: tuple[str, dict[str, str]] | None = None,
) -> RunRecord:
    """Write the record of one run. Files default to what the notebook's newest journal saw."""
    from jupyter_repro.io.git import head_commit
    from jupyter_repro.io.pipeline import notebook_cells

    if files is None:
        try:
            cells = notebook_cells(root / relpath)
        except ReproError:
            cells = []
        files = journal_facts(root, relpath, cells)
    inputs, outputs, imported = files
    env_hash, env = environment or current_environment()
    executed_rel = None
    if executed is not None and executed.is_file():
        executed_rel = relative_to_root(executed, root)
    record = RunRecord(
        id=new_run_id(),
        notebook=relpath,
        command=command,
        verdict=verdict,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=seconds,
        git_commit=head_commit(root),
        parameters={
            k: v if isinstance(v, int | float | str | bool) or v is None else repr(v)
            for k, v in parameters.items()
        },
        seed=seed,
        inputs=inputs,
        outputs=outputs,
        environment_hash=env_hash,
        environment={**env, **imported},
        metrics=executed_metrics(executed if executed_rel else None),
        executed=executed_rel,
        executed_hash=hash_file(executed) if executed_rel and executed else None,
        error=error,
    )
    write_record(root, record)
    return record


def record_runs(
    command: str,
    requests: Sequence[Any],
    results: Sequence[Any],
    verdicts: Sequence[str] | None = None,
) -> None:
    """The records of a batch of `papermill_run` reruns (requests and their results);
    `verdicts` replaces the results' status (verify's reproduced / not-reproduced).

    A record that cannot be written costs the user only the record: the run stands.
    """
    from jupyter_repro.io.project import find_project_root

    verdicts = verdicts or [result.status for result in results]
    for request, result, verdict in zip(requests, results, verdicts, strict=True):
        if result.status in ("error", "internal-error"):
            continue  # bad input or a bug of ours: no notebook ran
        source = request.source.absolute()
        notebook = source.with_suffix(".ipynb") if source.suffix != ".ipynb" else source
        if not notebook.is_file():
            notebook = source
        root = find_project_root(notebook)
        with contextlib.suppress(OSError):
            record_run(
                root,
                relative_to_root(notebook, root),
                command=command,
                verdict=verdict,
                seconds=result.seconds,
                parameters=dict(request.parameters),
                seed=request.seed,
                executed=Path(result.output) if result.output else None,
                error=None if result.status == "ok" else result.message(),
            )
