"""`verify`: rerun a notebook from scratch and compare with what it recorded and locked."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jupyter_repro.core.causes import attach_causes, compare_environment, compare_inputs
from jupyter_repro.core.compare import (
    CellComparison,
    Verification,
    compare_notebooks,
    verdict_of,
)
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.findings import cell_label
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.core.normalize import NormalizerSet
from jupyter_repro.core.rules.evidence import recorded_error
from jupyter_repro.integrations.images import changed_pixel_share, images_match
from jupyter_repro.integrations.pairing import load_notebook, notebook_for
from jupyter_repro.integrations.papermill_run import RunRequest, RunResult, run_notebook
from jupyter_repro.io.config import load_config
from jupyter_repro.io.hashing import hash_file
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.project import find_project_root, relative_to_root


@dataclass(frozen=True)
class VerifyOutcome:
    verification: Verification
    reference: Any
    rerun: Any
    run: RunResult
    normalizers: NormalizerSet


def current_input_hashes(lock: Lock, root: Path) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {}
    for name in lock.inputs:
        path = Path(name) if Path(name).is_absolute() else root / name
        try:
            hashes[name] = hash_file(path) if path.is_file() else None
        except OSError:
            hashes[name] = None
    return hashes


def rerun_distributions(root: Path, notebook: str, since: float) -> dict[str, str]:
    """The distributions of the kernel that ran the rerun, from its journal (the kernel may
    be another environment's, with --kernel); else this interpreter's."""
    from jupyter_repro.core.journal import kernel_distributions
    from jupyter_repro.io.environment import installed_distributions
    from jupyter_repro.io.journals import choose_journal

    journal = choose_journal(root, notebook)
    if journal is not None and journal.header.started >= since:
        found = kernel_distributions(journal)
        if found:
            return found
    return installed_distributions()


def _lock_checks(
    lock: Lock | None, root: Path, distributions: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if lock is None:
        return [], []
    inputs = compare_inputs(lock.inputs, current_input_hashes(lock, root))
    environment = compare_environment(lock.environment.imported, distributions)
    return inputs, environment


def _reference_for(path: Path) -> Path:
    reference = path if path.suffix == ".ipynb" else notebook_for(path)
    if not reference.exists():
        raise BadInputError.unreadable(
            reference, "no notebook with recorded outputs to verify against"
        )
    return reference


def verify(request: RunRequest, runs: int = 1) -> VerifyOutcome:
    """Run `runs` times (2 separates nondeterministic cells) and compare with the record."""
    reference_path = _reference_for(request.source)
    reference = load_notebook(reference_path)
    root = find_project_root(reference_path)
    config = load_config(root).for_notebook(relative_to_root(reference_path, root))
    normalizers = NormalizerSet.from_config(
        config.float_precision, [(n.pattern, n.replacement) for n in config.normalizers]
    )
    lock = read_lock_for(reference_path)
    relpath = relative_to_root(reference_path, root)
    checked = _check_notes(reference_path)
    started = time.time()
    result, rerun = run_notebook(request)
    distributions = rerun_distributions(root, relpath, started) if lock is not None else {}
    inputs, environment = _lock_checks(lock, root, distributions)
    cells = compare_notebooks(
        reference.cells, rerun.cells, normalizers, images_match, changed_pixel_share
    )
    nondeterministic: frozenset[int] = frozenset()
    notes = [] if lock is not None else ["no lock: outputs compared, inputs and environment not"]
    notes += checked
    if runs > 1 and result.status != "ok":
        notes.append(f"--runs {runs}: the second run was skipped because the first run failed")
    if runs > 1 and result.status == "ok":
        second_request = replace(request, output=None, inplace=False, write_output=False)
        second, rerun2 = run_notebook(second_request)
        if second.status == "ok":
            between = compare_notebooks(rerun.cells, rerun2.cells, normalizers, images_match)
            nondeterministic = frozenset(c.cell for c in between if c.status == "differs")
        else:
            notes.append("the second run failed: nondeterministic cells could not be told apart")
    cells = _mark_failure(cells, result)
    sources = [c.source for c in reference.cells]
    cells = attach_causes(cells, sources, inputs, environment, nondeterministic)
    notes += [
        f"{cell_label(c.cell)} is nondeterministic: its outputs differ between two reruns"
        for c in cells
        if c.status == "same" and not c.ignored and c.cell in nondeterministic
    ]
    notes += _expected_failure_note(reference.cells, result)
    verdict = verdict_of(cells, failed=result.status != "ok")
    if verdict == "nothing-to-compare":
        notes.append("no code cell has recorded outputs: run the notebook, save it, then verify")
    verification = Verification(
        path=relative_to_root(reference_path, root),
        verdict=verdict,
        cells=tuple(cells),
        inputs=tuple(inputs),
        environment=tuple(environment),
        failure=None if result.status == "ok" else result.message(),
        notes=tuple(notes),
    )
    return VerifyOutcome(verification, reference, rerun, result, normalizers)


# Findings of `check` that explain why a rerun may not give the recorded outputs.
_EXPLAINING_RULES = frozenset(
    {
        "out-of-order",
        "skipped-cell",
        "hidden-state",
        "edited-after-run",
        "stale-cell",
        "input-changed",
        "input-missing",
    }
)
_MAX_CHECK_NOTES = 5


def _check_notes(reference_path: Path) -> list[str]:
    """Before the rerun, the notebook is judged as `check` judges it (the one judge): the
    findings that explain a mismatch are said up front."""
    from jupyter_repro.io.inspection import Inspector

    report = Inspector().judge(reference_path)
    explaining = [f for f in report.findings if f.rule in _EXPLAINING_RULES]
    notes = [
        f"check, before the rerun: {cell_label(f.cell) + ': ' if f.cell is not None else ''}"
        f"{f.message} [{f.rule}]"
        for f in explaining[:_MAX_CHECK_NOTES]
    ]
    if len(explaining) > _MAX_CHECK_NOTES:
        notes.append(f"check, before the rerun: {len(explaining) - _MAX_CHECK_NOTES} more findings")
    return notes


def _expected_failure_note(reference_cells: Any, result: RunResult) -> list[str]:
    """The rerun failed where the saved notebook shows the same error: the error is
    probably the point of the cell, which the `raises-exception` tag says."""
    if result.status != "failed" or result.cell is None or result.error is None:
        return []
    if result.cell >= len(reference_cells):
        return []
    shown = recorded_error(reference_cells[result.cell])
    if shown is None or shown.split(":", 1)[0] != result.error.split(":", 1)[0]:
        return []
    return [
        f"{cell_label(result.cell)} raised {result.error.split(':', 1)[0]} as its recorded "
        "output shows: if the error is intended, tag the cell raises-exception"
    ]


def _mark_failure(cells: list[CellComparison], result: RunResult) -> list[CellComparison]:
    """Cells after the one that failed did not run: they set no comparison."""
    if result.status == "ok" or result.cell is None:
        return cells
    return [
        c
        if c.cell <= result.cell
        else replace(c, status="not-run", diff="the rerun stopped before this cell")
        for c in cells
    ]
