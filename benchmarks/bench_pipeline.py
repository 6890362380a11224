"""Pipeline commands against baselines measured in the same run.

Budgets (issue "Project pipelines"): `repro` on 20 up-to-date notebooks (all cache hits)
at most 2 s wall; `dag` and `status` over 200 locked notebooks at most 1 s; `run
--executor dask` on a LocalCluster of 2 workers, 8 notebooks, at least 1.6x faster than
sequential (like `--jobs 2`). Baselines: `python -c pass` and `jupyter-repro --help` for
the CLI commands, the sequential run for the executors. Each time is the median of
`--repeat` runs.

    python benchmarks/bench_pipeline.py [--repeat 3] [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.pipeline_projects import Spec, chain_project, write_notebook

CLI = [sys.executable, "-m", "jupyter_repro.cli"]
SLEEP_SECONDS = 3


def seconds(argv: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return statistics.median(times)


def cli_budgets(repeat: int) -> list[tuple[str, float, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare = seconds([sys.executable, "-c", "pass"], root, repeat)
        helped = seconds([*CLI, "--help"], root, repeat)
        rows.append(("python -c pass (baseline)", bare, 1.0, ""))
        rows.append(("jupyter-repro --help (baseline)", helped, helped / bare, ""))
        big = root / "big"
        chain_project(big, 200, width=10)
        for command in ("dag", "status"):
            took = seconds([*CLI, command, "--format", "json"], big, repeat)
            rows.append((f"{command}, 200 locked notebooks", took, took / bare, "<= 1 s"))
        small = root / "small"
        chain_project(small, 20, width=4)
        # Fill the run cache with real runs, then measure the up-to-date project.
        subprocess.run(
            [*CLI, "repro", "--force", "--jobs", "2"], cwd=small, check=True, capture_output=True
        )
        out = subprocess.run(
            [*CLI, "repro", "--format", "json"],
            cwd=small,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        outcomes = {s["outcome"] for s in json.loads(out)["steps"]}
        if outcomes != {"cached"}:
            raise SystemExit(f"expected all cache hits, got {outcomes}")
        took = seconds([*CLI, "repro"], small, repeat)
        rows.append(("repro, 20 notebooks, all cache hits", took, took / bare, "<= 2 s"))
    return rows


def dask_budget(repeat: int) -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
        paths = []
        for i in range(8):
            spec = Spec(f"nb{i}.ipynb", [f"import time\ntime.sleep({SLEEP_SECONDS})", "x = 1"])
            write_notebook(root / spec.name, spec)
            paths.append(spec.name)
        run = [*CLI, "run", *paths]
        sequential = seconds(run, root, repeat)
        jobs = seconds([*run, "--jobs", "2"], root, repeat)
        dask = seconds([*run, "--executor", "dask", "--jobs", "2"], root, repeat)
    return [
        ("run 8 notebooks, sequential (baseline)", sequential, 1.0, ""),
        ("run 8 notebooks, --jobs 2", jobs, sequential / jobs, "speed-up"),
        ("run 8 notebooks, dask LocalCluster 2 workers", dask, sequential / dask, ">= 1.6x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    rows = cli_budgets(args.repeat)
    if not args.skip_dask:
        rows += dask_budget(max(1, args.repeat - 2))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}}  {'seconds':>8}  {'ratio':>7}  budget")
    for name, took, ratio, budget in rows:
        print(f"{name:{width}}  {took:8.3f}  {ratio:7.2f}  {budget}")


if __name__ == "__main__":
    main()
