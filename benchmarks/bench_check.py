"""`jupyter-repro check` on many notebooks, and on one, against a bare interpreter start.

Budgets (DESIGN.md, issues 5 and 10): 1,000 notebooks of 50 cells in under 10 s; one
notebook in milliseconds after interpreter start; the example notebook with its lock and
paired script, as the pre-commit hook checks it, at most 0.3 s and 5x `python -c pass`
(in a fresh clone, the first check reads the script with jupytext; later ones from the
store's cache of its cells). Notebooks are generated in a temporary folder, every
cell's source distinct (no help from caching), with imports, functions, loops,
comprehensions, magics, shell lines and markdown, executed as one clean run.

    python benchmarks/bench_check.py [--notebooks 1000] [--cells 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SETUP = (
    "import os\nimport numpy as np\nimport pandas as pd\n",
    "values = np.arange(100)\ntable = pd.DataFrame({{'a': values}})\n\n"
    'def transform(frame, factor=2):\n    """Scale a frame."""\n'
    "    result = frame * factor\n    return result.sum()\n",
)
_TEMPLATES = (
    "%matplotlib inline\nvalues_{n} = values[:{n}]\n",
    "def transform_{n}(frame, factor={n}):\n    scaled = frame * factor\n"
    "    return transform(scaled)\n",
    "total_{n} = 0\nfor i in range({n}):\n    total_{n} += i * 2\nprint(total_{n})\n",
    "squares_{n} = [v * v for v in values if v % 2 == 0]\n"
    "lookup_{n} = {{k: v for k, v in enumerate(squares_{n})}}\n",
    "# Describe one slice\nsummary_{n} = table.iloc[:{n}].describe()\nsummary_{n}\n",
    "files_{n} = !ls\npath_{n} = os.path.join('data', 'part_{n}.csv')\n",
    "with open(os.devnull) as handle:\n    handle.read()\nrng_{n} = np.random.default_rng({n})\n",
    "try:\n    check_{n} = transform(table)\nexcept ValueError as error:\n    print(error)\n",
)


def _notebook(index: int, cells: int) -> dict[str, object]:
    out = []
    count = 0
    for n in range(cells):
        if n % 10 == 9:
            out.append(
                {
                    "cell_type": "markdown",
                    "id": f"m{n}",
                    "metadata": {},
                    "source": f"## Section {n} of notebook {index}\n",
                }
            )
            continue
        template = _SETUP[n] if n < len(_SETUP) else _TEMPLATES[n % len(_TEMPLATES)]
        source = template.format(n=n) + f"marker_{index}_{n} = {n}\n"
        count += 1
        out.append(
            {
                "cell_type": "code",
                "id": f"c{n}",
                "metadata": {},
                "outputs": [],
                "execution_count": count,
                "source": source,
            }
        )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": out,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    }


def _generate(folder: Path, notebooks: int, cells: int) -> None:
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "0"\ndependencies = ["numpy", "pandas"]\n'
    )
    for index in range(notebooks):
        sub = folder / f"group{index // 100}"
        sub.mkdir(exist_ok=True)
        (sub / f"nb{index}.ipynb").write_text(json.dumps(_notebook(index, cells)))


_FLOOR = """
import ast, json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.ipynb")):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            try:
                ast.parse(cell["source"])
            except SyntaxError:
                pass
"""


_LAST_CPU = [0.0]
# Byte code is cached as in an installed package, in one place for the whole run: a fresh
# clone of a project does not recompile jupyter-repro or its dependencies.
_PYCACHE = Path(tempfile.mkdtemp(prefix="bench-pycache-"))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _seconds(argv: list[str], cwd: Path) -> tuple[float, str]:
    """Wall time of a command (its CPU time is in `_LAST_CPU`, summed over its processes)."""
    # Byte-code caching on, as in an installed package, kept out of the source tree.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    cpu = _cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    _LAST_CPU[0] = _cpu() - cpu
    if done.returncode not in (0, 1) or done.stderr.startswith("Traceback"):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def _pre_commit_case(check: list[str], repeat: int) -> tuple[float, float, float]:
    """(first check in a fresh clone, later checks, `python -c pass`) of the example."""
    import shutil

    example = Path(__file__).resolve().parent.parent / "examples" / "air-quality"
    with tempfile.TemporaryDirectory() as tmp:
        firsts, laters, bare, laters_cpu, bare_cpu = [], [], [], [], []
        _seconds([*check, str(example / "analysis.ipynb")], Path(tmp))  # compile byte code once
        for round_ in range(repeat):
            clone = Path(tmp) / f"clone{round_}"
            shutil.copytree(example, clone, ignore=shutil.ignore_patterns(".repro", "__pycache__"))
            subprocess.run(["git", "init", "-q", str(clone)], check=True)
            firsts.append(_seconds([*check, "analysis.ipynb"], clone)[0])
            laters.append(_seconds([*check, "analysis.ipynb"], clone)[0])
            laters_cpu.append(_LAST_CPU[0])
            bare.append(_seconds([sys.executable, "-c", "pass"], clone)[0])
            bare_cpu.append(_LAST_CPU[0])
    _LAST_CPU[0] = statistics.median(laters_cpu) / max(statistics.median(bare_cpu), 1e-6)
    return statistics.median(firsts), statistics.median(laters), statistics.median(bare)


def _module_beside_case(check: list[str], repeat: int) -> tuple[float, float]:
    """(first check in a fresh clone, `python -c pass`) of a notebook declaring no pairing
    with a same-named module beside it: whether it is paired is read from its metadata."""
    with tempfile.TemporaryDirectory() as tmp:
        checks, bare = [], []
        for round_ in range(repeat):
            clone = Path(tmp) / f"clone{round_}"
            clone.mkdir()
            (clone / "pyproject.toml").write_text("")
            (clone / "helpers.ipynb").write_text(json.dumps(_notebook(round_, 10)))
            (clone / "helpers.py").write_text("def helper():\n    return 1\n")
            checks.append(_seconds([*check, "helpers.ipynb"], clone)[0])
            bare.append(_seconds([sys.executable, "-c", "pass"], clone)[0])
    return statistics.median(checks), statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notebooks", type=int, default=1000)
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    check = [sys.executable, "-m", "jupyter_repro.cli", "check", "--format", "json"]
    first, later, bare_start = _pre_commit_case(check, args.repeat * 3)
    cpu_ratio = _LAST_CPU[0]
    print(
        f"pre-commit case (lock + pair): first in a fresh clone {first * 1000:6.1f} ms "
        f"({first / bare_start:4.2f}x python -c pass), later {later * 1000:6.1f} ms "
        f"({later / bare_start:4.2f}x; CPU {cpu_ratio:4.2f}x)   budget 300 ms and 5x: "
        f"{'ok' if later < 0.3 and later / bare_start <= 5 else 'OVER'}"
    )
    beside, beside_bare = _module_beside_case(check, args.repeat * 3)
    print(
        f"same-named module beside, no pairing declared: {beside * 1000:6.1f} ms "
        f"({beside / beside_bare:4.2f}x python -c pass)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _generate(folder, args.notebooks, args.cells)
        _seconds([*check, str(next(folder.glob("group0/nb0.ipynb")))], folder)  # warm caches
        many, many_cpu, floor, floor_cpu = [], [], [], []
        for _ in range(args.repeat):
            elapsed, out = _seconds([*check, "."], folder)
            many.append(elapsed)
            many_cpu.append(_LAST_CPU[0])
            floor.append(_seconds([sys.executable, "-c", _FLOOR, "."], folder)[0])
            floor_cpu.append(_LAST_CPU[0])
        reports = json.loads(out)["notebooks"]
        findings = sum(len(r["findings"]) for r in reports)
        one_nb = str(next(folder.glob("group0/nb0.ipynb")))
        baseline = statistics.median(
            _seconds([sys.executable, "-c", "pass"], folder)[0] for _ in range(args.repeat * 3)
        )
        one = statistics.median(
            _seconds([*check, one_nb], folder)[0] for _ in range(args.repeat * 3)
        )
    total = statistics.median(many)
    total_cpu = statistics.median(many_cpu)
    bare = statistics.median(floor)
    print(
        f"notebooks checked          {len(reports):7d}   ({args.cells} cells each, "
        f"{findings} findings)"
    )
    print(
        f"check of all of them       {total:7.2f} s    "
        f"{total / len(reports) * 1000:5.2f} ms per notebook   budget 10 s: "
        f"{'ok' if total < 10 else 'OVER'}   (CPU {total_cpu:.2f} s over all processes)"
    )
    print(
        f"floor: json + ast.parse    {bare:7.2f} s    one process, CPU "
        f"{statistics.median(floor_cpu):.2f} s   check/floor wall ratio {total / bare:4.2f}x"
    )
    print(f"python -c pass             {baseline * 1000:7.1f} ms")
    print(
        f"check of one notebook      {one * 1000:7.1f} ms   ratio {one / baseline:5.2f}x   "
        f"after start-up {max(one - baseline, 0) * 1000:6.1f} ms"
    )


if __name__ == "__main__":
    main()
