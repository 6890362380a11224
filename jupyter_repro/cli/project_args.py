"""The argument of the project commands (`dag`, `status`): which folders make the project."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_project_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="folders, notebooks or locks (default: the current folder)",
    )
