"""`jupyter-repro kernel-setup [--remove]`: journal every IPython kernel of an environment.

Writes a clearly delimited block into `{prefix}/etc/ipython/ipython_kernel_config.py`,
the environment-wide configuration every ipykernel of that interpreter reads (JupyterLab,
papermill and nbclient kernels alike). The rest of the file is kept as it is; running the
command again changes nothing; `--remove` takes the block out (and the file, if nothing
else is left in it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.atomic import write_text_atomic

HELP = "load the kernel extension in every kernel of this environment"
BEGIN = "# >>> jupyter-repro >>>"
END = "# <<< jupyter-repro <<<"
BLOCK = f"""{BEGIN}
# Written by `jupyter-repro kernel-setup`; `jupyter-repro kernel-setup --remove` takes it out.
# Every IPython kernel of this environment journals its cell runs (jupyter_repro extension).
c = get_config()  # noqa: F821
c.InteractiveShellApp.extensions.append("jupyter_repro")
{END}
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--remove", action="store_true", help="take the block out again")
    parser.add_argument(
        "--prefix",
        type=Path,
        default=None,
        help="environment prefix (default: this interpreter's, sys.prefix)",
    )


def config_file(prefix: Path) -> Path:
    return prefix / "etc" / "ipython" / "ipython_kernel_config.py"


def without_block(text: str) -> str:
    """`text` with every jupyter-repro block removed (an unterminated one runs to the end)."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped == BEGIN:
            inside = True
        elif stripped == END and inside:
            inside = False
        elif not inside:
            kept.append(line)
    return "".join(kept)


def with_block(text: str) -> str:
    """`text` with exactly one up-to-date block, at the end (where nothing can override it)."""
    rest = without_block(text).rstrip("\n")
    return (rest + "\n\n" if rest else "") + BLOCK


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise BadInputError.invalid(path, "not UTF-8 text; fix or remove it by hand") from None
    except OSError as exc:
        raise BadInputError.unreadable(path, exc.strerror or str(exc)) from None


def apply(path: Path, remove: bool) -> str:
    """Change the file; returns what happened: written, unchanged, removed, absent."""
    current = _read(path)
    if remove:
        if BEGIN not in current:
            return "absent"
        rest = without_block(current)
        try:
            if rest.strip():
                write_text_atomic(path, rest.rstrip("\n") + "\n")
            else:
                path.unlink()
        except OSError as exc:
            raise BadInputError.unreadable(path, exc.strerror or str(exc)) from None
        return "removed"
    wanted = with_block(current)
    if wanted == current:
        return "unchanged"
    try:
        write_text_atomic(path, wanted)
    except OSError as exc:
        raise BadInputError.unreadable(path.parent, exc.strerror or str(exc)) from None
    return "written"


_MESSAGES = {
    "written": "kernels of this environment now load jupyter_repro",
    "unchanged": "already set up: kernels of this environment load jupyter_repro",
    "removed": "kernels of this environment no longer load jupyter_repro",
    "absent": "nothing to remove",
}


def run(args: argparse.Namespace) -> int:
    prefix: Path = args.prefix if args.prefix is not None else Path(sys.prefix)
    if not prefix.is_dir():
        raise BadInputError.unreadable(prefix, "no such environment folder")
    path = config_file(prefix)
    outcome = apply(path, args.remove)
    if args.format == "json":
        sys.stdout.write(json.dumps({"path": str(path), "result": outcome}) + "\n")
    else:
        sys.stdout.write(f"{path}: {_MESSAGES[outcome]}\n")
    return 0
