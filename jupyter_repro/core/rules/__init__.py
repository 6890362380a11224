"""The rules of `jupyter-repro check`, one module per family, run over a notebook's evidence.

Pure: `Evidence` (the cells, and the journal, lock, declared dependencies and pair the io
layer found) and the notebook's configuration in, sorted findings out.
"""

from __future__ import annotations

from dataclasses import replace

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.rules.dependencies import check_dependencies
from jupyter_repro.core.rules.evidence import Cell, Evidence, InputState, PairState
from jupyter_repro.core.rules.hidden_state import check_hidden_state
from jupyter_repro.core.rules.journal_rules import check_journal, journal_state, runtime_hidden
from jupyter_repro.core.rules.lockfile import check_lock
from jupyter_repro.core.rules.order import check_order
from jupyter_repro.core.rules.pairing import check_pairing
from jupyter_repro.core.rules.paths import check_paths
from jupyter_repro.core.rules.randomness import check_randomness
from jupyter_repro.core.suppress import apply_suppressions, suppressed_rules

__all__ = ["Cell", "Evidence", "InputState", "PairState", "run_rules"]

_FAMILIES = (
    (frozenset({"out-of-order", "skipped-cell", "count-gap"}), check_order),
    (frozenset({"absolute-path"}), check_paths),
    (frozenset({"unseeded-random"}), check_randomness),
    (frozenset({"undeclared-dependency"}), check_dependencies),
    (frozenset({"no-lock", "input-changed", "input-missing", "env-drift"}), check_lock),
    (frozenset({"unpaired", "pair-out-of-sync"}), check_pairing),
)
_JOURNAL_RULES = frozenset({"hidden-state", "edited-after-run", "stale-cell"})


def run_rules(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    """Findings of the enabled rules, suppressions applied, in cell order."""
    enabled = config.enabled_rules()
    findings: list[Finding] = []
    for rules, check in _FAMILIES:
        if rules & enabled:
            findings.extend(check(evidence, config))
    if _JOURNAL_RULES & enabled:
        state = journal_state(evidence)
        if "hidden-state" in enabled:
            findings.extend(check_hidden_state(evidence, config, runtime_hidden(state)))
        findings.extend(check_journal(evidence, config, state))
    findings = [f for f in findings if f.rule in enabled]
    per_cell = {
        cell.index: off
        for cell in evidence.cells
        if (off := suppressed_rules(cell.source, cell.tags))
    }
    if per_cell:
        findings = apply_suppressions(findings, per_cell)
    ids = {cell.index: cell.cell_id for cell in evidence.cells}
    findings = [replace(f, cell_id=ids.get(f.cell)) if f.cell is not None else f for f in findings]
    return sorted(findings, key=lambda f: (-1 if f.cell is None else f.cell, f.rule, f.message))
