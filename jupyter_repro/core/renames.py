"""Which notebook a journal belongs to, after renames.

A journal's header names the notebook its kernel was started for, and a kernel keeps
running (and journaling) when its notebook is renamed in the Lab or with
`jupyter-repro mv`. Every followed rename is recorded with its time; a journal started
before a rename of its notebook belongs to the new name, one started after it to
whatever notebook has the old name now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rename:
    time: float
    old: str  # project-relative POSIX paths
    new: str


def current_name(name: str, started: float, renames: Sequence[Rename]) -> str:
    """The name now of the notebook called `name` at `started`: every later rename of it
    followed, oldest first (`renames` in time order)."""
    for rename in renames:
        if rename.time > started and rename.old == name:
            name = rename.new
    return name
