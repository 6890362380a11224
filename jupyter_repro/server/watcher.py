"""Watch the input files of the notebooks open in a browser; a change becomes an event.

Every status answer names the notebook's inputs (read by its kernel or locked); the handler
hands them here. One daemon thread compares their `stat` (size, mtime, inode) once a
second, on the server, and reports the files of a notebook that changed, so the browser
never polls. The most recently asked notebooks are watched; older ones drop out.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

Stat = tuple[int, int, int] | None  # size, mtime_ns, inode; None: missing
Notify = Callable[[str, Sequence[str]], None]
INTERVAL_S = 1.0
CAPACITY = 64


def file_stat(path: Path) -> Stat:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class InputWatcher:
    """The inputs of up to `capacity` notebooks, by API path; `notify(path, files)` on change."""

    def __init__(
        self, notify: Notify, interval: float = INTERVAL_S, capacity: int = CAPACITY
    ) -> None:
        self._notify = notify
        self._interval = interval
        self._capacity = capacity
        # api path -> {shown name: (file, last stat)}
        self._watched: OrderedDict[str, dict[str, tuple[Path, Stat]]] = OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, api_path: str, files: Iterable[tuple[str, Path]]) -> None:
        """Watch these (name, file) pairs for the notebook, in place of its earlier ones.

        A file already watched keeps its last stat, so a change seen by the thread but not
        yet by a status is not forgotten.
        """
        with self._lock:
            before = self._watched.pop(api_path, {})
            self._watched[api_path] = {
                name: before[name] if name in before else (path, file_stat(path))
                for name, path in files
            }
            while len(self._watched) > self._capacity:
                self._watched.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="jupyter-repro-inputs", daemon=True
                )
                self._thread.start()

    def check(self) -> None:
        """Compare every watched file with its last stat once; report each notebook's changes."""
        with self._lock:
            watched = [(api, dict(files)) for api, files in self._watched.items()]
        for api_path, files in watched:
            changed = []
            for name, (path, last) in files.items():
                now = file_stat(path)
                if now != last:
                    changed.append(name)
                    files[name] = (path, now)
            if changed:
                with self._lock:
                    current = self._watched.get(api_path)
                    if current is not None:
                        for name in changed:
                            if name in current:
                                current[name] = files[name]
                self._notify(api_path, changed)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.check()
