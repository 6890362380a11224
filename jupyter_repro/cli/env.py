"""`jupyter-repro env`: not built yet in this version."""

from __future__ import annotations

import argparse

from jupyter_repro.core.errors import NotBuiltError

HELP = "not built yet"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*")


def run(args: argparse.Namespace) -> int:
    raise NotBuiltError("'env' is not available in this version yet")
