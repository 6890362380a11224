"""Save benchmark: what the snapshot hook adds to a save of a big notebook.

A 200-cell notebook whose journal records 1,000 unchanged inputs (5 per cell), saved
through the contents API (PUT) of two real Jupyter servers started in the same run: one
with jupyter-repro's server extension, one without. Reports median save latency of
each, the ratio and the milliseconds added, and the time the snapshot itself takes in
the hook's worker thread (also measured in-process, as if it ran inside the save).

    python benchmarks/bench_save.py [--saves 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jupyter_repro.core.journal import CellRun, FileAccess, JournalHeader, encode_line  # noqa: E402
from jupyter_repro.io.environment import interpreter_summary  # noqa: E402
from jupyter_repro.io.hashing import hash_file, hash_text  # noqa: E402
from tests.support.servers import RunningServer, start_server  # noqa: E402

CELLS = 200
INPUTS = 1000


def make_project(root: Path) -> None:
    import nbformat

    (root / "data").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
    accesses = []
    for i in range(INPUTS):
        path = root / "data" / f"part-{i:04d}.csv"
        path.write_text(f"id,value\n{i},{i * 3}\n" * 20)
        stat = path.stat()
        accesses.append(
            FileAccess(
                f"data/part-{i:04d}.csv", "read", stat.st_size, stat.st_mtime, hash_file(path)
            )
        )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    per_cell = INPUTS // CELLS
    runs = []
    for i in range(CELLS):
        source = "\n".join(
            f"df_{i}_{k} = pd.read_csv('data/part-{i * per_cell + k:04d}.csv')"
            for k in range(per_cell)
        )
        cell = nbformat.v4.new_code_cell(source, execution_count=i + 1)
        cell.id = f"cell-{i}"
        cell.outputs = [nbformat.v4.new_output("stream", text=f"{i} rows\n")]
        nb.cells.append(cell)
        runs.append(
            CellRun(
                seq=i + 1,
                execution_count=i + 1,
                cell_id=cell.id,
                source_hash=hash_text(source),
                source=source,
                started=time.time(),
                duration=0.01,
                status="ok",
                reads=tuple(accesses[i * per_cell : (i + 1) * per_cell]),
                imports=("pandas",) if i == 0 else (),
            )
        )
    nbformat.write(nb, root / "analysis.ipynb")
    header = JournalHeader(
        kernel_id=None,
        notebook="analysis.ipynb",
        project_root=str(root),
        cwd=str(root),
        started=time.time(),
        pid=os.getpid(),
        environment=interpreter_summary(),
    )
    journal = root / ".repro" / "journal" / "bench.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_text("".join(encode_line(x) + "\n" for x in (header, *runs)))


def snapshot_lines(server: RunningServer) -> int:
    return server.log().count("jupyter-repro: snapshot of")


def timed_save(server: RunningServer, content: dict[str, Any]) -> float:
    body = {"type": "notebook", "format": "json", "content": content}
    start = time.perf_counter()
    status, reply = server.request("PUT", "api/contents/analysis.ipynb", body)
    elapsed = time.perf_counter() - start
    assert status == 200, reply
    return elapsed


def wait_snapshots(server: RunningServer, count: int, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while snapshot_lines(server) < count:
        if time.perf_counter() - start > timeout:
            raise RuntimeError("snapshot did not finish:\n" + server.log()[-3000:])
        time.sleep(0.002)
    return time.perf_counter() - start


def in_process(root: Path, repeats: int) -> list[float]:
    from jupyter_repro.io.snapshot import take_snapshot

    take_snapshot(root / "analysis.ipynb")  # warm: store filled, caches loaded
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        take_snapshot(root / "analysis.ipynb")
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-save-"))
    try:
        for name in ("with", "without", "inproc"):
            make_project(work / name)
        with_hook = start_server(
            work / "with",
            work / "jw",
            extra_args=(
                "--ServerApp.jpserver_extensions={'jupyter_repro': True}",
                "--log-level=INFO",
            ),
        )
        without = start_server(
            work / "without",
            work / "jo",
            extra_args=("--ServerApp.jpserver_extensions={'jupyter_repro': False}",),
        )
        try:
            _, model = with_hook.request("GET", "api/contents/analysis.ipynb?content=1")
            content = model["content"]
            timed_save(with_hook, content)  # first save: copies 1,000 inputs into the store
            first = wait_snapshots(with_hook, 1)
            timed_save(without, content)
            added_times, base_times, worker_times = [], [], []
            for i in range(args.saves):
                base_times.append(timed_save(without, content))
                added_times.append(timed_save(with_hook, content))
                worker_times.append(wait_snapshots(with_hook, i + 2))
        finally:
            with_hook.stop()
            without.stop()
        inproc = in_process(work / "inproc", 10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base, hooked = statistics.median(base_times), statistics.median(added_times)
    worker = statistics.median(worker_times)
    rows = [
        ("save without jupyter-repro (median)", f"{base * 1000:.1f} ms"),
        ("save with jupyter-repro (median)", f"{hooked * 1000:.1f} ms"),
        ("ratio", f"{hooked / base:.3f}x"),
        ("ms added to the save", f"{(hooked - base) * 1000:+.1f} ms (budget 25 ms)"),
        (
            "snapshot done after save returned (median)",
            f"{worker * 1000:.1f} ms (includes {50} ms settle)",
        ),
        (
            "snapshot work in-process, unchanged (median)",
            f"{statistics.median(inproc) * 1000:.1f} ms",
        ),
        ("first snapshot (1,000 inputs copied into the store)", f"{first * 1000:.0f} ms"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{CELLS} cells, {INPUTS} unchanged inputs, {args.saves} saves per server")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(
        json.dumps(
            {
                "base_ms": base * 1000,
                "hook_ms": hooked * 1000,
                "ratio": hooked / base,
                "added_ms": (hooked - base) * 1000,
                "snapshot_ms": statistics.median(inproc) * 1000,
            }
        )
    )


if __name__ == "__main__":
    main()
