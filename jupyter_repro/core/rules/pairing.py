"""`unpaired`, `pair-out-of-sync`: the notebook against its paired script.

Checked when the configuration asks for pairs (`require-pair`), or when the notebook's
own jupytext metadata declares a pairing: a pair someone set up must stay in line.
Code is compared cell by cell, ignoring trailing whitespace.
"""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.rules.evidence import Evidence, finding


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines())


def check_pairing(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    pair = evidence.pair
    wanted = config.require_pair or (pair is not None and pair.declared)
    if not wanted or pair is None:
        return []
    if pair.path is None:
        return [
            finding(
                config,
                "unpaired",
                None,
                "no paired script: code review and diffs see only the JSON",
            )
        ]
    if pair.code_cells is None:
        return [
            finding(
                config,
                "pair-out-of-sync",
                None,
                f"the paired script {pair.path} cannot be read: {pair.error}",
            )
        ]
    mine = [c for c in evidence.code_cells if c.source.strip()]
    theirs = [s for s in pair.code_cells if s.strip()]
    for cell, script in zip(mine, theirs, strict=False):
        if _normal(cell.source) != _normal(script):
            return [
                finding(
                    config, "pair-out-of-sync", cell.index, f"the code differs from {pair.path}"
                )
            ]
    if len(mine) != len(theirs):
        return [
            finding(
                config,
                "pair-out-of-sync",
                None,
                f"the notebook has {len(mine)} code cells and {pair.path} has {len(theirs)}",
            )
        ]
    return []
