"""`repro` with real kernels: stale notebooks rerun in order, the run cache, run records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.pipeline_projects import Cli, Spec, write_notebook

pytestmark = pytest.mark.kernel

FIRST = Spec(
    "first.ipynb",
    ["text = open('raw.txt').read()", "open('mid.txt', 'w').write(text.upper())"],
)
SECOND = Spec(
    "second.ipynb",
    ["mid = open('mid.txt').read()", "open('out.txt', 'w').write(mid + '!')\n{'length': len(mid)}"],
)


def two_notebooks(root: Path) -> None:
    (root / "raw.txt").write_text("hello")
    write_notebook(root / "first.ipynb", FIRST)
    cells = write_notebook(root / "second.ipynb", SECOND)
    cells[1]["metadata"]["tags"] = ["repro-metrics"]
    notebook = json.loads((root / "second.ipynb").read_text())
    notebook["cells"] = cells
    (root / "second.ipynb").write_text(json.dumps(notebook))


def locked_by_runs(root: Path, cli: Cli) -> None:
    """Lock both notebooks the way a user would: a real run, then a snapshot."""
    for name in ("first.ipynb", "second.ipynb"):
        code, _, err = cli("run", root / name)
        assert code == 0, err
        code, _, err = cli("snapshot", root / name)
        assert code == 0, err


def steps(out: str) -> dict[str, str]:
    return {s["notebook"]: s["outcome"] for s in json.loads(out)["steps"]}


def test_repro_reruns_the_stale_notebook_and_its_downstream_then_hits_the_cache(
    project: Path, cli: Cli
) -> None:
    two_notebooks(project)
    locked_by_runs(project, cli)
    (project / "raw.txt").write_text("goodbye")

    code, out, err = cli("repro", "--dry-run", "--format", "json", cwd=project)
    assert code == 0, err
    assert steps(out) == {"first.ipynb": "would-run", "second.ipynb": "would-run"}
    assert (project / "out.txt").read_text() == "HELLO!"  # a dry run runs nothing

    code, out, err = cli("repro", "--format", "json", cwd=project)
    assert code == 0, err
    assert steps(out) == {"first.ipynb": "ran", "second.ipynb": "ran"}
    assert (project / "out.txt").read_text() == "GOODBYE!"
    code, out, _ = cli("status", project)
    assert code == 0, out

    (project / "out.txt").unlink()
    code, out, err = cli("repro", "--format", "json", cwd=project)
    assert code == 0, err
    assert steps(out) == {"first.ipynb": "cached", "second.ipynb": "cached"}
    assert (project / "out.txt").read_text() == "GOODBYE!"  # restored from the store
    code, out, _ = cli("repro", "--no-run-cache", "--format", "json", cwd=project)
    assert steps(out) == {"first.ipynb": "up-to-date", "second.ipynb": "up-to-date"}

    code, out, _ = cli("runs", project / "second.ipynb", "--format", "json", cwd=project)
    runs = json.loads(out)["runs"]
    assert [(r["command"], r["verdict"]) for r in runs] == [
        ("run", "ok"),
        ("repro", "ok"),
        ("repro", "cached"),
    ]
    assert runs[1]["metrics"] == {"length": 7}
    assert runs[1]["inputs"] == {"mid.txt": runs[2]["inputs"]["mid.txt"]}
    report = project / "compare.html"
    code, out, _ = cli(
        "compare",
        runs[0]["id"],
        runs[1]["id"],
        "--format",
        "json",
        "--report",
        report,
        cwd=project,
    )
    assert code == 1
    assert "{'length': 7}" in report.read_text()
    sections = {(d["section"], d["name"]) for d in json.loads(out)["differences"]}
    assert ("metrics", "length") in sections and ("inputs", "mid.txt") in sections


def test_a_failure_stops_its_downstream_and_is_named_exit_3(project: Path, cli: Cli) -> None:
    two_notebooks(project)
    locked_by_runs(project, cli)
    (project / "raw.txt").write_text("again")
    notebook = json.loads((project / "first.ipynb").read_text())
    notebook["cells"][1]["source"] = "raise ValueError('broken on purpose')"
    (project / "first.ipynb").write_text(json.dumps(notebook))
    code, out, err = cli("repro", cwd=project)
    assert code == 3
    assert "failed: first.ipynb; not run because of it: second.ipynb" in err
    assert "broken on purpose" in out
    assert (project / "out.txt").read_text() == "HELLO!"


def test_a_run_drawing_unseeded_random_numbers_is_never_cached(project: Path, cli: Cli) -> None:
    (project / "raw.txt").write_text("x")
    write_notebook(
        project / "dice.ipynb",
        Spec(
            "dice.ipynb",
            [
                "import random\nn = random.random()",
                "open('out.txt', 'w').write(open('raw.txt').read())",
            ],
        ),
    )
    code, _, err = cli("snapshot", project / "dice.ipynb")
    assert code == 0, err
    code, out, err = cli("repro", "--force", "--format", "json", cwd=project)
    assert code == 0, err
    step = json.loads(out)["steps"][0]
    assert step["outcome"] == "ran"
    assert "no seed" in step["not_cached"]
    assert not (project / ".repro" / "runcache").exists()


def test_a_notebook_not_in_the_project_is_bad_input(project: Path, cli: Cli) -> None:
    two_notebooks(project)
    code, _, err = cli("repro", project / "nowhere.ipynb", cwd=project)
    assert code == 2
    assert "nowhere.ipynb: not a notebook of this project" in err


def test_verify_writes_a_run_record_with_its_verdict(project: Path, cli: Cli) -> None:
    (project / "raw.txt").write_text("hello")
    notebook = project / "first.ipynb"
    write_notebook(notebook, FIRST)
    code, _, err = cli("run", notebook, "--inplace")
    assert code == 0, err
    code, _, err = cli("verify", notebook)
    assert code == 0, err
    code, out, _ = cli("runs", notebook, "--format", "json", cwd=project)
    runs = json.loads(out)["runs"]
    assert [(r["command"], r["verdict"]) for r in runs] == [("run", "ok"), ("verify", "reproduced")]
    assert runs[1]["outputs"] == {"mid.txt": runs[0]["outputs"]["mid.txt"]}


def test_cached_runs_travel_with_push_and_pull_to_a_fresh_clone(
    project: Path, cli: Cli, tmp_path: Path
) -> None:
    import shutil

    two_notebooks(project)
    locked_by_runs(project, cli)
    (project / "raw.txt").write_text("goodbye")
    code, out, err = cli("repro", "--format", "json", cwd=project)
    assert steps(out) == {"first.ipynb": "ran", "second.ipynb": "ran"}, err
    remote = (tmp_path / "shared").as_uri()
    assert cli("remote", "add", "origin", remote, cwd=project)[0] == 0
    code, out, err = cli("push", "--format", "json", cwd=project)
    assert code == 0, err
    assert json.loads(out)["run_cache"] == 2

    clone = tmp_path / "clone"  # what git holds: notebooks, locks, the raw input, no outputs
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns(".repro", "*.txt"))
    (clone / "raw.txt").write_text("goodbye")
    code, out, err = cli("pull", "--format", "json", cwd=clone)
    assert json.loads(out)["run_cache"] == 2, err
    code, out, err = cli("repro", "--format", "json", cwd=clone)
    assert code == 0, err
    assert steps(out) == {"first.ipynb": "cached", "second.ipynb": "cached"}
    assert (clone / "out.txt").read_text() == "GOODBYE!"  # restored, not rerun
