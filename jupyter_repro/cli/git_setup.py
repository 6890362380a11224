"""`jupyter-repro git-setup`: make a git repository review-friendly for notebooks (idempotent).

- `.repro/` in `.gitignore` (the store: journals, snapshots, reruns);
- `*.ipynb diff=jupyter-repro` in `.gitattributes` and the diff driver's textconv in the
  repository's git config, so `git diff` shows a notebook as its script. The textconv names
  this interpreter by its absolute path: git runs it from any shell, with or without the
  virtualenv activated (the repository-local config is per machine anyway);
- `*.repro.json linguist-generated=true`, so forges fold lock diffs by default.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.atomic import write_text_atomic

HELP = "make a git repository review-friendly for notebooks"

IGNORE_LINE = ".repro/"
ATTRIBUTE_LINES = ("*.ipynb diff=jupyter-repro", "*.repro.json linguist-generated=true")
DRIVER_KEY = "diff.jupyter-repro.textconv"


def driver_command() -> str:
    """The textconv command: this interpreter, by absolute path, running our CLI."""
    return f"{shlex.quote(sys.executable)} -m jupyter_repro.cli textconv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=Path("."),
        type=Path,
        help="a folder inside the repository (default: the current one)",
    )


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("git is not installed") from None
    if done.returncode != 0:
        raise UsageError(f"{root}: git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout.strip()


def _ensure_lines(path: Path, lines: tuple[str, ...]) -> list[str]:
    """Append the missing lines; return the ones added."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in present]
    if missing:
        prefix = "" if not text or text.endswith("\n") else "\n"
        write_text_atomic(path, text + prefix + "\n".join(missing) + "\n")
    return missing


def run(args: argparse.Namespace) -> int:
    folder: Path = args.path
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    root = Path(_git(folder, "rev-parse", "--show-toplevel"))
    changes = [f".gitignore: {line}" for line in _ensure_lines(root / ".gitignore", (IGNORE_LINE,))]
    changes += [
        f".gitattributes: {line}"
        for line in _ensure_lines(root / ".gitattributes", ATTRIBUTE_LINES)
    ]
    try:
        current = _git(root, "config", "--local", "--get", DRIVER_KEY)
    except UsageError:
        current = ""
    command = driver_command()
    if current != command:
        _git(root, "config", "--local", DRIVER_KEY, command)
        changes.append(f"git config --local {DRIVER_KEY} = {command}")
    if args.format == "json":
        sys.stdout.write(json.dumps({"root": str(root), "changes": changes}, indent=2) + "\n")
    elif changes:
        sys.stdout.write("\n".join(changes) + "\n")
    else:
        sys.stdout.write(f"{root}: already set up (textconv: {command})\n")
    return 0
