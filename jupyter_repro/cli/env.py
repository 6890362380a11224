"""`jupyter-repro env NB`: environment files rebuilt from the lock.

`--format requirements` (pip pins of the imported distributions, `--all` for every one),
`conda` (environment.yml), `runtime` (repo2docker's runtime.txt) or `json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.envfiles import (
    conda_environment_yml,
    environment_json,
    requirements_txt,
    runtime_txt,
)
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.lockrefs import resolve

HELP = "write requirements/conda/runtime files from a lock"
FORMATS = ("requirements", "conda", "runtime", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebook", metavar="NB", help="notebook, paired script, lock file, snapshot id or NB@ID"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="pin every installed distribution, not only the imported ones",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def render(lock: Lock, fmt: str, everything: bool) -> str:
    if fmt == "conda":
        return conda_environment_yml(lock, everything)
    if fmt == "runtime":
        text = runtime_txt(lock)
        if not text:
            raise BadInputError("the lock records no Python version: cannot write runtime.txt")
        return text
    if fmt == "json":
        return json.dumps(environment_json(lock, everything), indent=2, sort_keys=True) + "\n"
    return requirements_txt(lock, everything)


def run(args: argparse.Namespace) -> int:
    ref = resolve(args.notebook)
    text = render(ref.lock, args.format, args.all)
    if args.output:
        write_text_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0
