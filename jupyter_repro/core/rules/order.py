"""`out-of-order`, `skipped-cell`, `count-gap`: read from the saved execution counts."""

from __future__ import annotations

import itertools

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.rules.evidence import Evidence, finding


def check_order(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    executed = [
        (c.index, c.execution_count) for c in evidence.code_cells if c.execution_count is not None
    ]
    if not executed:
        return []
    findings: list[Finding] = []
    highest: tuple[int, int] | None = None  # (cell, count) of the highest count above
    for index, count in executed:
        if highest is not None and count <= highest[1]:
            findings.append(
                finding(
                    config,
                    "out-of-order",
                    index,
                    f"ran as [{count}], before cell {highest[0]} above it ran as [{highest[1]}]",
                )
            )
        if highest is None or count > highest[1]:
            highest = (index, count)
    findings.extend(_skipped(evidence, config, last_executed=executed[-1][0]))
    findings.extend(_gaps(executed, config))
    return findings


def _skipped(evidence: Evidence, config: ReproConfig, last_executed: int) -> list[Finding]:
    return [
        finding(
            config,
            "skipped-cell",
            cell.index,
            f"never ran, while cell {last_executed} below it did",
        )
        for cell in evidence.code_cells
        if cell.index < last_executed and cell.execution_count is None and cell.source.strip()
    ]


def _gaps(executed: list[tuple[int, int]], config: ReproConfig) -> list[Finding]:
    """One finding: the first place where the counts stop being one clean run 1, 2, 3..."""
    counts = sorted(count for _, count in executed)
    cell_of = {count: index for index, count in reversed(executed)}
    if counts[0] != 1:
        return [
            finding(
                config,
                "count-gap",
                cell_of[counts[0]],
                f"the first count is [{counts[0]}], not [1]: "
                "the outputs come from a session with earlier runs",
            )
        ]
    for previous, count in itertools.pairwise(counts):
        if count > previous + 1:
            missing = count - previous - 1
            return [
                finding(
                    config,
                    "count-gap",
                    cell_of[count],
                    f"ran as [{count}] after [{previous}]: {missing} run"
                    f"{'s' if missing > 1 else ''} in between left no output here "
                    "(re-runs or deleted cells)",
                )
            ]
        if count == previous:
            return [
                finding(
                    config,
                    "count-gap",
                    cell_of[count],
                    f"count [{count}] appears twice: outputs from different sessions",
                )
            ]
    return []
