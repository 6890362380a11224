"""IPython extension entry points: `%load_ext jupyter_repro` and its unload.

Loading twice is harmless (one tracker per shell); unloading stops tracking. A failure
to start is reported on stderr in one line and leaves the kernel untouched.
"""

from __future__ import annotations

import sys
from typing import Any

_TRACKERS: dict[int, Any] = {}


def load(ipython: Any) -> None:
    if ipython is None or id(ipython) in _TRACKERS:
        return
    try:
        from jupyter_repro.kernel.channel import attach
        from jupyter_repro.kernel.tracker import Tracker

        tracker = Tracker(ipython)
        tracker.start()
        attach(tracker)
    except Exception as exc:  # never break the kernel that loads us
        sys.stderr.write(f"jupyter-repro: tracking is off: {type(exc).__name__}: {exc}\n")
        return
    _TRACKERS[id(ipython)] = tracker


def unload(ipython: Any) -> None:
    tracker = _TRACKERS.pop(id(ipython), None)
    if tracker is None:
        return
    try:
        from jupyter_repro.kernel.channel import detach

        detach(tracker)
        tracker.stop()
    except Exception as exc:
        sys.stderr.write(f"jupyter-repro: stopping tracking failed: {type(exc).__name__}: {exc}\n")


def tracker_for(ipython: Any) -> Any:
    """The running tracker of a shell, or None (for tests and the magic)."""
    return _TRACKERS.get(id(ipython))
