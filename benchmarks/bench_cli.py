"""`jupyter-repro --help` start-up against a bare interpreter start, in the same run.

Budget (DESIGN.md): under 0.3 s. Reported as milliseconds and as a ratio to `python -c pass`
so a loaded machine shows up in both numbers alike.

    python benchmarks/bench_cli.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _median_seconds(argv: list[str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    baseline = _median_seconds([sys.executable, "-c", "pass"], args.repeat)
    cli = [sys.executable, "-m", "jupyter_repro.cli", "--help"]
    help_time = _median_seconds(cli, args.repeat)
    print(f"python -c pass        {baseline * 1000:7.1f} ms")
    print(
        f"jupyter-repro --help  {help_time * 1000:7.1f} ms   ratio {help_time / baseline:5.2f}x"
        f"   budget 300 ms: {'ok' if help_time < 0.3 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
