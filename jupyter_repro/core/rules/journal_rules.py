"""`edited-after-run` and `stale-cell`: what the kernel's journal says about the saved cells."""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding, cell_label
from jupyter_repro.core.journal import CurrentCell
from jupyter_repro.core.names import analyze_cell
from jupyter_repro.core.rules.evidence import Evidence, finding
from jupyter_repro.core.state import HiddenName, LiveState, NameSets, live_state

_STALE_REASONS = {
    "re-run": "{upstream} was re-run after it",
    "redefined": "another run redefined it afterwards",
    "changed": "{upstream} was edited after it ran",
    "upstream-stale": "{upstream}, which it reads from, is itself stale",
}


def _names(source: str) -> NameSets:
    names = analyze_cell(source)
    return NameSets(names.defines, names.uses)


def journal_state(evidence: Evidence) -> LiveState | None:
    if evidence.journal is None or not evidence.journal.runs:
        return None
    cells = [CurrentCell(c.index, c.source, c.cell_id) for c in evidence.code_cells]
    return live_state(evidence.journal.runs, cells, _names)


def runtime_hidden(state: LiveState | None) -> dict[tuple[int, str], HiddenName]:
    return {} if state is None else {(h.cell, h.name): h for h in state.hidden}


def check_journal(
    evidence: Evidence, config: ReproConfig, state: LiveState | None
) -> list[Finding]:
    if state is None or evidence.journal is None:
        return []
    counts = {c.index: c.execution_count for c in evidence.code_cells}
    runs = {r.seq: r for r in evidence.journal.runs}
    findings: list[Finding] = []
    for edited in state.edited:
        count = counts.get(edited.cell)
        run = runs.get(edited.seq)
        # Only when the saved outputs are those of the journal's run of this cell.
        if count is None or run is None or run.execution_count not in (None, count):
            continue
        findings.append(
            finding(
                config,
                "edited-after-run",
                edited.cell,
                f"the source changed after the run [{count}] that produced its outputs",
            )
        )
    for stale in state.stale:
        if counts.get(stale.cell) is None:
            continue
        upstream = "a cell" if stale.upstream is None else cell_label(stale.upstream)
        reason = _STALE_REASONS[stale.reason].format(upstream=upstream)
        findings.append(
            finding(
                config, "stale-cell", stale.cell, f"its outputs used `{stale.name}`, but {reason}"
            )
        )
    return findings
