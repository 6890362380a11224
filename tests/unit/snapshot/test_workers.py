"""Many items on a few threads: each done once, and the first failure stops the rest."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from jupyter_repro.io.workers import for_each_in_threads, largest_first, while_doing


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


def test_ctrl_c_stops_the_workers_and_the_items_in_hand_end_before_it_is_raised() -> None:
    """The caller undoes what the items made (a pull removes its staged copies): an item
    still running when the interrupt is raised would make files after that clean-up."""
    started: list[int] = []
    ended: list[int] = []
    caller = threading.get_ident()

    def work(item: int) -> None:
        started.append(item)
        if item == 0:
            time.sleep(0.05)  # the workers are running and the caller waits for them
            signal.pthread_kill(caller, signal.SIGINT)  # Ctrl-C, while this item is in hand
            time.sleep(0.3)
        else:
            time.sleep(0.005)
        ended.append(item)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a command
    try:
        with pytest.raises(KeyboardInterrupt):
            for_each_in_threads(work, list(range(1000)), workers=2)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sorted(ended) == sorted(started)
    assert len(started) < 100


def test_while_doing_runs_both_and_raises_the_side_s_failure_after_both_ended() -> None:
    ended: list[str] = []

    def side() -> None:
        time.sleep(0.05)
        ended.append("side")
        raise OSError("disk full")

    assert while_doing(lambda: ended.append("unused"), lambda: 42) == 42
    with pytest.raises(OSError, match="disk full"):
        while_doing(side, lambda: ended.append("main"))
    assert ended[-2:] == ["main", "side"]


def test_the_largest_items_come_first_and_equal_sizes_by_name() -> None:
    sizes = {"b": 10, "a": 10, "huge": 1 << 30, "tiny": 1}
    assert largest_first(sizes) == ["huge", "a", "b", "tiny"]
