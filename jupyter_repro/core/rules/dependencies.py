"""`undeclared-dependency`: a notebook imports a distribution the project does not declare.

Standard-library modules, modules of the project itself (a `.py` file or package beside
the notebook or at the project root) and the kernel's own IPython are never reported.
A module maps to its distribution through the installed metadata (`sklearn` ->
`scikit-learn`), else to its own name.
"""

from __future__ import annotations

import re

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.requirements import KNOWN_MODULE_DISTRIBUTIONS, canonical
from jupyter_repro.core.rules.evidence import Evidence, finding

_KERNEL_MODULES = frozenset({"IPython", "ipykernel", "__future__", "jupyter_repro"})
_WRITEFILE = re.compile(r"^\s*%%(?:writefile|file)\s+(?:-a\s+)?['\"]?(?:[^\s'\"]*/)?(\w+)\.py\b")


def written_modules(evidence: Evidence) -> set[str]:
    """Modules the notebook writes itself (`%%writefile helpers.py`): local, not installed."""
    return {
        match.group(1) for cell in evidence.code_cells if (match := _WRITEFILE.match(cell.source))
    }


def check_dependencies(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    if not evidence.is_python or evidence.declared is None:
        return []
    declared = evidence.declared
    local = evidence.local_modules | written_modules(evidence)
    findings: list[Finding] = []
    reported: set[str] = set()
    for cell in evidence.code_cells:
        for module in sorted(cell.scan.names.imports):
            if (
                module in evidence.stdlib_modules
                or module in _KERNEL_MODULES
                or module in local
                or module.startswith("_")
            ):
                continue
            known = canonical(KNOWN_MODULE_DISTRIBUTIONS.get(module, module))
            distribution = evidence.module_distributions.get(module, known)
            if distribution in reported:
                continue
            if {distribution, known, canonical(module)} & declared:
                continue
            reported.add(distribution)
            where = "" if distribution == canonical(module) else f" (module `{module}`)"
            findings.append(
                finding(
                    config,
                    "undeclared-dependency",
                    cell.index,
                    f"imports {distribution}{where}, "
                    "which the project's requirements do not declare",
                )
            )
    return findings
