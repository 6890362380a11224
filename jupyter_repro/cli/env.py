"""`jupyter-repro env NB`: environment files rebuilt from the lock.

`--format requirements` (pip pins of the lock's closure: the imported distributions and
all they require; `--all` for every installed one), `pylock` (PEP 751, resolved with uv),
`docker` (a folder: requirements.txt, runtime.txt and a Dockerfile that reruns verify),
`conda` (environment.yml), `runtime` (repo2docker's runtime.txt) or `json`. Distributions
not installed from an index are named with their source, with a warning on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from jupyter_repro.core.envfiles import (
    conda_environment_yml,
    dockerfile,
    environment_json,
    environment_pins,
    requirements_txt,
    runtime_txt,
)
from jupyter_repro.core.errors import BadInputError, UsageError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.lockrefs import resolve

HELP = "write requirements/pylock/docker/conda/runtime files from a lock"
FORMATS = ("requirements", "pylock", "docker", "conda", "runtime", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebook", metavar="NB", help="notebook, paired script, lock file, snapshot id or NB@ID"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="pin every installed distribution, not only the closure of the imported ones",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of stdout (a folder for --format docker)",
    )


def _runtime(lock: Lock) -> str:
    text = runtime_txt(lock)
    if not text:
        raise BadInputError("the lock records no Python version: cannot write runtime.txt")
    return text


def render(lock: Lock, fmt: str, everything: bool) -> str:
    if fmt == "conda":
        return conda_environment_yml(lock, everything)
    if fmt == "runtime":
        return _runtime(lock)
    if fmt == "json":
        return json.dumps(environment_json(lock, everything), indent=2, sort_keys=True) + "\n"
    if fmt == "pylock":
        from jupyter_repro.integrations.envbuild import compile_pylock

        return compile_pylock(requirements_txt(lock, everything), lock.environment.python)
    return requirements_txt(lock, everything)


def _write_docker_folder(lock: Lock, folder: Path, everything: bool) -> None:
    from jupyter_repro import __version__
    from jupyter_repro.io.project import find_project_root

    runtime = _runtime(lock)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: --format docker writes a folder, and this is a file")
    root = find_project_root(Path.cwd())
    where = os.path.relpath(folder.resolve(), root.resolve())
    if where.startswith(".."):
        raise UsageError(f"{folder}: the docker folder must be inside the project ({root})")
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / "requirements.txt", requirements_txt(lock, everything))
    write_text_atomic(folder / "runtime.txt", runtime)
    write_text_atomic(folder / "Dockerfile", dockerfile(lock, where, __version__))


def run(args: argparse.Namespace) -> int:
    ref = resolve(args.notebook)
    if args.format == "docker":
        if not args.output:
            raise UsageError("--format docker writes a folder: give it with -o FOLDER")
        _write_docker_folder(ref.lock, Path(args.output), args.all)
    else:
        text = render(ref.lock, args.format, args.all)
        if args.output:
            write_text_atomic(Path(args.output), text)
        else:
            sys.stdout.write(text)
    for warning in environment_pins(ref.lock, args.all).warnings():
        print(f"jupyter-repro env: warning: {warning}", file=sys.stderr)  # noqa: T201
    return 0
