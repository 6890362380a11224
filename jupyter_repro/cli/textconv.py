"""`jupyter-repro textconv NB`: the notebook as its script, for `git diff` (textconv).

A file that is not a readable notebook (a merge conflict, an old format) is printed as
it is, so `git diff` keeps working; only a missing file is an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.files import require_file

HELP = "print a notebook as its script (git diff driver)"
FORMATS = ("text",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="NB", type=Path)


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.integrations.pairing import load_notebook, textconv_text

    path: Path = args.path
    require_file(path)
    try:
        text = textconv_text(load_notebook(path))
    except BadInputError:
        sys.stdout.buffer.write(path.read_bytes())
        return 0
    sys.stdout.write(text)
    return 0
