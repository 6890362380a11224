"""Many items on a few threads: each done once, and the first failure stops the rest."""

from __future__ import annotations

import threading
import time

import pytest

from jupyter_repro.io.workers import for_each_in_threads, largest_first


def test_every_item_is_done_once_on_at_most_the_workers_asked() -> None:
    done: list[int] = []
    threads: set[int] = set()
    guard = threading.Lock()

    def work(item: int) -> None:
        with guard:
            done.append(item)
            threads.add(threading.get_ident())

    for_each_in_threads(work, list(range(500)), workers=3)
    assert sorted(done) == list(range(500))
    assert 1 <= len(threads) <= 3


def test_a_failure_is_raised_and_no_item_starts_after_it() -> None:
    started: list[int] = []

    def work(item: int) -> None:
        started.append(item)
        if item == 10:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        for_each_in_threads(work, list(range(1000)), workers=1)
    assert started == list(range(11))


def test_with_several_workers_the_first_failure_stops_them_all() -> None:
    started: list[int] = []

    def work(item: int) -> None:
        started.append(item)
        if item == 10:
            raise OSError("disk full")
        time.sleep(0.001)  # the others take a while: the failure comes long before the end

    with pytest.raises(OSError, match="disk full"):
        for_each_in_threads(work, list(range(1000)), workers=4)
    assert 10 in started and len(started) < 1000


def test_the_largest_items_come_first_and_equal_sizes_by_name() -> None:
    sizes = {"b": 10, "a": 10, "huge": 1 << 30, "tiny": 1}
    assert largest_first(sizes) == ["huge", "a", "b", "tiny"]
