"""`verify --isolated` with a warm environment cache against `verify`, on the example.

Budget (issue 15): at most 1.2x the wall time of `verify` on the same notebook. One
isolated run first fills the cache (not counted); then runs alternate (verify, isolated,
verify, isolated...) so a load spike hits both alike; medians are reported.

    python benchmarks/bench_isolated.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "air-quality"


def timed(project: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["jupyter-repro", "verify", "analysis.ipynb", *extra],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-isolated-") as folder:
        project = Path(folder) / "air-quality"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".repro", ".shared-store"))
        cold = timed(project, "--isolated")
        plain, isolated = [], []
        for _ in range(args.repeat):
            plain.append(timed(project))
            isolated.append(timed(project, "--isolated"))
    base, warm = statistics.median(plain), statistics.median(isolated)
    print(f"first isolated run (cache miss, or hit) {cold:.2f} s")
    print(f"verify                                 {base:.2f} s")
    print(f"verify --isolated, warm cache          {warm:.2f} s")
    print(f"ratio                                  {warm / base:.2f}x (budget 1.2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
