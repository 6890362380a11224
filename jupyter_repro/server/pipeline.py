"""`GET /jupyter-repro/lineage?path=`: a notebook's place in its project's pipeline.

The answer (JSON):

    {"notebook": "model.ipynb",            project-relative
     "state": "fresh" | "stale", "reasons": [{"kind", "detail"}],
     "upstream": [NEIGHBOUR], "downstream": [NEIGHBOUR],
     "inputs": [{"path", "hash", "producer"}], "outputs": [{"path", "hash", "consumers"}],
     "runs": [{"id", "command", "verdict", "started", "seconds", "metrics"}]}   newest first

    NEIGHBOUR = {"notebook", "api_path" (null when outside the server root), "state", "files"}

`GET /jupyter-repro/compare?path=&a=RUN&b=RUN`: two runs of the notebook's project side
by side, the JSON of `jupyter-repro compare --format json`:

    {"a": RUN, "b": RUN, "differences": [{"section", "name", "a", "b"}],
     "cells": [CELL] | null (an executed notebook is gone)}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tornado

from jupyter_repro.server.handlers import ReproHandler

RECENT_RUNS = 20


def _api_path(root_dir: Path, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(root_dir.resolve()).as_posix()
    except ValueError:
        return None


def lineage(root_dir: Path, notebook: Path) -> dict[str, Any]:
    from jupyter_repro.core.pipeline_status import project_status
    from jupyter_repro.io.pipeline import Now, discover, own_reasons, project_root_of
    from jupyter_repro.io.runrecords import read_records

    root = project_root_of([notebook])
    # Never walk above the server root, even when the project root lies there.
    folder = root if _api_path(root_dir, root) is not None else root_dir
    project = discover([folder])
    relpath = notebook.resolve().relative_to(project.root).as_posix()
    pipeline = project.pipeline
    if relpath not in pipeline.notebooks:
        raise tornado.web.HTTPError(404, f"{relpath} is not locked or journaled yet")
    statuses = {
        s.path: s for s in project_status(pipeline, own_reasons(project, Now.of(project.root)))
    }
    node = pipeline.notebooks[relpath]

    def neighbour(name: str, files: tuple[str, ...]) -> dict[str, Any]:
        return {
            "notebook": name,
            "api_path": _api_path(root_dir, project.root / name),
            "state": statuses[name].state,
            "files": list(files),
        }

    runs = read_records(project.root, relpath)[-RECENT_RUNS:]
    return {
        "notebook": relpath,
        "state": statuses[relpath].state,
        "reasons": [r.to_json() for r in statuses[relpath].reasons],
        "upstream": [
            neighbour(u, pipeline.edges[(u, relpath)]) for u in pipeline.upstream[relpath]
        ],
        "downstream": [
            neighbour(d, pipeline.edges[(relpath, d)]) for d in pipeline.downstream[relpath]
        ],
        "inputs": [
            {"path": p, "hash": h, "producer": pipeline.producers.get(p)}
            for p, h in sorted(node.inputs.items())
        ],
        "outputs": [
            {
                "path": p,
                "hash": h,
                "consumers": [c for c in pipeline.consumers.get(p, ()) if c != relpath],
            }
            for p, h in sorted(node.outputs.items())
        ],
        "runs": [
            {
                "id": r.id,
                "command": r.command,
                "verdict": r.verdict,
                "started": r.started,
                "seconds": r.seconds,
                "metrics": dict(r.metrics),
            }
            for r in reversed(runs)
        ],
    }


class LineageHandler(ReproHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.notebook(self.get_query_argument("path", ""))
        root_dir = Path(self.root_dir)
        self.reply(await self.off_loop(lambda: lineage(root_dir, notebook)))


def compare(notebook: Path, run_a: str, run_b: str) -> dict[str, Any]:
    from jupyter_repro.io.pipeline import project_root_of
    from jupyter_repro.io.runcompare import compare_runs

    return compare_runs(project_root_of([notebook]), run_a, run_b).to_json()


class CompareHandler(ReproHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        notebook = self.notebook(self.get_query_argument("path", ""))
        run_a, run_b = self.get_query_argument("a", ""), self.get_query_argument("b", "")
        if not run_a or not run_b:
            raise tornado.web.HTTPError(400, "give two run ids: a= and b=")
        self.reply(await self.off_loop(lambda: compare(notebook, run_a, run_b)))
