"""`jupyter-repro dag [PATHS]`: the project's notebooks as a graph, from their locks."""

from __future__ import annotations

import argparse
import sys

from jupyter_repro.cli.project_args import add_project_paths

HELP = "the graph of a project's notebooks: who writes the files who reads"
FORMATS = ("text", "json", "dot", "mermaid")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_paths(parser)


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.core.pipeline_render import RENDERERS
    from jupyter_repro.io.pipeline import discover

    project = discover(args.paths)
    sys.stdout.write(RENDERERS[args.format](project.pipeline))
    return 0
