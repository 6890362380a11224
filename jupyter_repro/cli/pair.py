"""`jupyter-repro pair NB`: create the paired script and record the pairing in the notebook."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import BadInputError

HELP = "create the paired script of a notebook (py:percent, or the pairing it declares)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebooks", nargs="+", metavar="NB", type=Path)
    parser.add_argument(
        "--to",
        default=None,
        metavar="FORMAT",
        help="jupytext format of the script (default: the pairing the notebook declares, "
        "else paired-format of the configuration, py:percent, in the notebook's language)",
    )


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.integrations.pairing import pair
    from jupyter_repro.io.config import load_config
    from jupyter_repro.io.project import find_project_root

    for notebook in args.notebooks:
        if notebook.suffix != ".ipynb":
            raise BadInputError.invalid(notebook, "expected a notebook (.ipynb)")
    pairs = []
    for notebook in args.notebooks:
        default = load_config(find_project_root(notebook)).paired_format
        paired = pair(notebook, default, to=args.to)
        pairs.append({"notebook": str(notebook), "script": str(paired.path), "format": paired.fmt})
    if args.format == "json":
        sys.stdout.write(json.dumps({"pairs": pairs}, indent=2) + "\n")
    else:
        for item in pairs:
            sys.stdout.write(f"{item['notebook']} <-> {item['script']} ({item['format']})\n")
    return 0
