"""Hashing benchmark: `hash_file` (chunked reads) against blake3's memory-mapped hashing.

jupyter-repro no longer hashes through a memory map (a file truncated while mapped is a
SIGBUS that kills the process). This measures what that costs, on one page-cached file,
in the same run: a plain chunked read (the ceiling of any read-based hash), blake3's
`update_mmap` with its threads (what was used before) and `hash_file`. Reports GiB/s
(median of the repeats) and `hash_file` as a ratio of each baseline.

    python benchmarks/bench_hashing.py [--mib 1024] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jupyter_repro.io.hashing import hash_file  # noqa: E402


def _plain_read(path: Path) -> None:
    buffer = bytearray(16 << 20)
    with path.open("rb", buffering=0) as handle:
        while handle.readinto(buffer):
            pass


def _mmap_hash(path: Path) -> None:
    from blake3 import blake3

    hasher = blake3(max_threads=blake3.AUTO)
    hasher.update_mmap(str(path))
    hasher.hexdigest()


def _throughputs(
    works: dict[str, Callable[[Path], object]], path: Path, repeat: int
) -> dict[str, float]:
    """Median GiB/s of each, the methods taking turns so that load drifting over the run
    weighs on all of them alike."""
    size = path.stat().st_size
    rates: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            start = time.perf_counter()
            work(path)
            rates[name].append(size / (time.perf_counter() - start) / 2**30)
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.bin"
        with path.open("wb") as handle:
            block = os.urandom(1 << 20)
            for _ in range(args.mib):
                handle.write(block)
        _plain_read(path)  # into the page cache
        rows = list(
            _throughputs(
                {
                    "plain read": _plain_read,
                    "blake3 update_mmap": _mmap_hash,
                    "hash_file (chunked)": hash_file,
                },
                path,
                args.repeat,
            ).items()
        )
    ours = rows[-1][1]
    print(f"{args.mib} MiB, page-cached, {os.cpu_count()} cores, median of {args.repeat}")
    for name, rate in rows:
        print(f"  {name:22s} {rate:6.2f} GiB/s   hash_file / this = {ours / rate:.2f}x")


if __name__ == "__main__":
    main()
