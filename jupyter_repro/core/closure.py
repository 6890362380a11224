"""The dependency closure of a notebook's imported distributions (pure).

Pinning only what a notebook imports leaves `pip install -r` free to pick any version of
what those distributions require (pandas needs python-dateutil and tzdata, matplotlib
needs contourpy and packaging), so the environment would be approximated, not rebuilt.
The closure follows every `Requires-Dist` of the installed metadata, with markers
evaluated for the kernel's interpreter (not ours: they may differ) and extras followed
when a requirement asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Keys of PEP 508's marker environment (what `packaging.markers.default_environment` gives).
MARKER_KEYS = (
    "implementation_name",
    "implementation_version",
    "os_name",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_full_version",
    "python_version",
    "sys_platform",
)


def canonical_name(name: str) -> str:
    """PEP 503 normalization: `Scikit_Learn` -> `scikit-learn`."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Closure:
    """Every distribution the roots need, installed version pinned.

    `unsatisfied` names requirements whose marker holds for the kernel but which are not
    installed there: the notebook ran without them, so they are reported, not invented.
    """

    pins: dict[str, str]
    unsatisfied: list[str] = field(default_factory=list)


def dependency_closure(
    roots: Iterable[str],
    installed: Mapping[str, str],
    requires: Callable[[str], Sequence[str]],
    markers: Mapping[str, str],
) -> Closure:
    """The roots and everything they require, transitively, as installed.

    `installed` maps canonical names to versions; `requires(name)` returns a distribution's
    `Requires-Dist` lines; `markers` is the kernel's PEP 508 marker environment. Each
    (distribution, extra) pair is visited once; the empty extra is the distribution itself.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    pins: dict[str, str] = {}
    unsatisfied: set[str] = set()
    visited: set[tuple[str, str]] = set()
    queue = [(canonical_name(root), "") for root in roots]
    while queue:
        name, extra = queue.pop()
        if (name, extra) in visited or name not in installed:
            continue
        visited.add((name, extra))
        pins[name] = installed[name]
        environment = {**markers, "extra": extra}
        for line in requires(name):
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            child = canonical_name(requirement.name)
            if child not in installed:
                unsatisfied.add(child)
                continue
            queue.append((child, ""))
            queue.extend((child, canonical_name(e)) for e in requirement.extras)
    return Closure(dict(sorted(pins.items())), sorted(unsatisfied))
