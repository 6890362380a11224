"""`jupyter-repro why FILE`: the chain of notebooks, inputs and hashes that produced a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import UsageError

HELP = "the provenance of a file: which notebooks and inputs produced it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a file a notebook wrote")
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to look for notebooks (default: the file's project root)",
    )


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.core.pipeline import provenance
    from jupyter_repro.core.pipeline_render import provenance_text, short_hash
    from jupyter_repro.io.pipeline import discover, project_root_of

    root = project_root_of([args.file if args.project is None else args.project])
    project = discover([args.project or root])
    try:
        relpath = args.file.resolve().relative_to(project.root).as_posix()
    except ValueError:
        raise UsageError(f"{args.file}: outside the project at {project.root}") from None
    if relpath not in project.pipeline.producers and relpath not in project.pipeline.consumers:
        raise UsageError(f"{args.file}: no notebook of the project reads or writes it")
    chain = provenance(project.pipeline, relpath)
    if args.format == "json":
        sys.stdout.write(json.dumps(chain.to_json(), indent=2) + "\n")
        return 0
    sys.stdout.write(provenance_text(chain) + "\n")
    now = project.pipeline.file_hash(relpath)
    if chain.producer is None:
        sys.stdout.write(f"{relpath} is a source: no notebook writes it ({short_hash(now)})\n")
    return 0
