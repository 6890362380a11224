"""`jupyter-repro status [PATHS]`: each notebook of a project fresh or stale, and why."""

from __future__ import annotations

import argparse
import json
import sys

from jupyter_repro.cli.project_args import add_project_paths

HELP = "each notebook of a project fresh or stale, and why"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_paths(parser)


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.core.pipeline_status import project_status
    from jupyter_repro.io.pipeline import Now, discover, own_reasons

    project = discover(args.paths)
    statuses = project_status(project.pipeline, own_reasons(project, Now.of(project.root)))
    if args.format == "json":
        payload = {"root": str(project.root), "notebooks": [s.to_json() for s in statuses]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        for status in statuses:
            sys.stdout.write(f"{status.state:5}  {status.path}\n")
            for reason in status.reasons:
                sys.stdout.write(f"         {reason.kind}: {reason.detail}\n")
        if not statuses:
            sys.stdout.write("no locked or journaled notebooks found\n")
    return 1 if any(s.state == "stale" for s in statuses) else 0
