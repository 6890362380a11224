"""`unpaired`, `pair-out-of-sync`: the notebook against its paired script.

Checked when the configuration asks for pairs (`require-pair`), or when the notebook's
own jupytext metadata declares a pairing: a pair someone set up must stay in line.
"In sync" is `core.pairs`, the definition `sync` uses too.
"""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.pairs import pair_cell, pair_difference
from jupyter_repro.core.rules.evidence import Evidence, finding


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
    if pair.cells is None:
        return [
            finding(
                config,
                "pair-out-of-sync",
                None,
                f"the paired script {pair.path} cannot be read: {pair.error}",
            )
        ]
    notebook = [pair_cell(c.cell_type, c.source, c.tags, c.index) for c in evidence.cells]
    difference = pair_difference(notebook, pair.cells, pair.path)
    if difference is None:
        return []
    return [finding(config, "pair-out-of-sync", difference.cell, difference.message)]
