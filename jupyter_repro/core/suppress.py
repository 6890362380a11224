"""Per-cell suppression: a cell tag or a comment in the cell turns rules off for that cell.

- tag `repro-ignore` (every rule) or `repro-ignore:<rule>` (one rule per tag);
- comment `# repro: ignore` (every rule) or `# repro: ignore[rule, other-rule]`.

Unknown rule names in a tag or comment are reported by `unknown_rules` so a typo does
not silently suppress nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from jupyter_repro.core.findings import RULES, Finding

TAG = "repro-ignore"
ALL = "*"
_COMMENT = re.compile(r"#\s*repro:\s*ignore(?:\[(?P<rules>[^\]]*)\])?")


def suppressed_rules(source: str, tags: Iterable[str]) -> frozenset[str]:
    """Rules a cell turns off; `ALL` in the set means every rule."""
    rules: set[str] = set()
    for tag in tags:
        if tag == TAG:
            rules.add(ALL)
        elif tag.startswith(TAG + ":"):
            rules.update(r.strip() for r in tag[len(TAG) + 1 :].split(",") if r.strip())
    if "repro:" in source:
        for match in _COMMENT.finditer(source):
            listed = match.group("rules")
            if listed is None:
                rules.add(ALL)
            else:
                rules.update(r.strip() for r in listed.split(",") if r.strip())
    return frozenset(rules)


def unknown_rules(rules: Iterable[str]) -> list[str]:
    return sorted(r for r in rules if r != ALL and r not in RULES)


def apply_suppressions(
    findings: Sequence[Finding], per_cell: dict[int, frozenset[str]]
) -> list[Finding]:
    kept = []
    for item in findings:
        off = per_cell.get(item.cell, frozenset()) if item.cell is not None else frozenset()
        if ALL in off or item.rule in off:
            continue
        kept.append(item)
    return kept
