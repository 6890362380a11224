"""Doing one thing to many items on a few threads.

Each worker takes the next item as it finishes the last, so a large file does not hold
up a share of small ones; the first failure stops every worker before its next item and
is raised. One thread per worker, not one task per item: a thousand small files cost a
thousand calls, not a thousand futures (and no executor: `concurrent.futures` imports
`logging`, a few milliseconds of every command's start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Name = TypeVar("Name", bound=str)


def largest_first(sizes: Mapping[Name, int]) -> list[Name]:
    """Items in the order to work on them: the largest first (ties by name), so the
    longest never starts last and runs alone while the other workers have nothing left."""
    return sorted(sizes, key=lambda name: (-sizes[name], name))


def for_each_in_threads(work: Callable[[Item], None], items: Sequence[Item], workers: int) -> None:
    """Call `work(item)` for every item on at most `workers` threads; the first exception
    any call raises is raised here once every worker has stopped. Interrupted while
    waiting (Ctrl-C), no worker starts another item, and those in hand end first."""
    if not items:
        return
    if workers <= 1 or len(items) == 1:
        for item in items:
            work(item)
        return
    taken = 0
    guard = threading.Lock()
    errors: list[BaseException] = []  # in the order they happened

    def worker(finished: threading.Event) -> None:
        nonlocal taken
        try:
            while True:
                with guard:
                    if errors or taken == len(items):
                        return
                    item = items[taken]
                    taken += 1
                try:
                    work(item)
                except BaseException as exc:
                    with guard:
                        errors.append(exc)
                    return
        finally:
            finished.set()

    # Waited for through events, not Thread.join: on Python 3.11 a join interrupted by
    # Ctrl-C marks the thread stopped while it runs, and the next join returns at once.
    ends = [threading.Event() for _ in range(min(workers, len(items)))]
    for finished in ends:
        threading.Thread(target=worker, args=(finished,)).start()
    try:
        for finished in ends:
            finished.wait()
    except BaseException as exc:  # Ctrl-C reaches this thread only: stop the workers too
        with guard:
            errors.append(exc)
        for finished in ends:  # the items in hand end, so the caller can undo them
            finished.wait()
        raise
    if errors:
        raise errors[0]


Result = TypeVar("Result")


def while_doing(side: Callable[[], None], main: Callable[[], Result]) -> Result:
    """`main()`'s result, with `side()` run on another thread meanwhile; both have ended
    when this returns, and an exception of either is raised (`main`'s first)."""
    errors: list[BaseException] = []

    def run_side() -> None:
        try:
            side()
        except BaseException as exc:
            errors.append(exc)

    meanwhile = threading.Thread(target=run_side)
    meanwhile.start()
    try:
        result = main()
    finally:
        meanwhile.join()
    if errors:
        raise errors[0]
    return result
