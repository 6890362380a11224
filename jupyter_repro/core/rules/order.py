"""`out-of-order`, `skipped-cell`, `count-gap`: read from the saved execution counts.

Each cause is reported once: a cell run again after the cells below it is one
`out-of-order` finding (on the first cell it affects) that counts the others, and re-runs
of the last cell that ran leave no `count-gap`, since no cell saw their effect.
"""

from __future__ import annotations

import itertools

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding, cell_label
from jupyter_repro.core.rules.evidence import Evidence, finding


def check_order(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    executed = [
        (c.index, c.execution_count) for c in evidence.code_cells if c.execution_count is not None
    ]
    if not executed:
        return []
    findings = _out_of_order(executed, config)
    findings.extend(_skipped(evidence, config, last_executed=executed[-1][0]))
    findings.extend(_gaps(executed, config))
    return findings


def _out_of_order(executed: list[tuple[int, int]], config: ReproConfig) -> list[Finding]:
    # (cell, count) of the highest count above -> the cells below that ran before it.
    affected: dict[tuple[int, int], list[tuple[int, int]]] = {}
    highest: tuple[int, int] | None = None
    for index, count in executed:
        if highest is not None and count <= highest[1]:
            affected.setdefault(highest, []).append((index, count))
        if highest is None or count > highest[1]:
            highest = (index, count)
    findings = []
    for (cause, cause_count), cells in affected.items():
        first, count = cells[0]
        if count == cause_count:
            message = (
                f"shares the count [{count}] with {cell_label(cause)} above it: "
                "the two ran in different kernel sessions"
            )
        else:
            message = (
                f"ran as [{count}], before {cell_label(cause)} above it ran as [{cause_count}]"
            )
        if len(cells) > 1:
            message += (
                f"; so did the {len(cells) - 1} cells below it (to {cell_label(cells[-1][0])}): "
                f"{cell_label(cause)} ran again after them"
            )
        findings.append(finding(config, "out-of-order", first, message))
    return findings


def _skipped(evidence: Evidence, config: ReproConfig, last_executed: int) -> list[Finding]:
    return [
        finding(
            config,
            "skipped-cell",
            cell.index,
            f"never ran, while {cell_label(last_executed)} below it did",
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
    last = executed[-1]
    for previous, count in itertools.pairwise(counts):
        if count > previous + 1:
            if (cell_of[count], count) == last and count == counts[-1]:
                return []  # the last cell ran again: nothing below saw the runs in between
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
