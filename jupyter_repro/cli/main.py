"""Entry point of `jupyter-repro`: parse the sub-command, run it, map errors to exit codes.

Only the chosen sub-command's module is imported, so `--help` stays fast.
Each sub-command module provides:

    HELP: str                                   one line for the command list
    FORMATS: tuple[str, ...]                    optional, defaults to ("text", "json")
    def add_arguments(parser) -> None
    def run(args) -> int                        exit code of the contract
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from jupyter_repro.core.errors import ReproError

# name -> (module under jupyter_repro.cli, one-line help). Order is the order in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "find reproducibility problems without running anything"),
    "snapshot": ("snapshot", "write the lock and a history entry, as a save in JupyterLab does"),
    "pair": ("pair", "create the paired script of a notebook"),
    "sync": ("sync", "bring a notebook and its paired script in line, by content"),
    "mv": ("mv", "rename a notebook with its paired script, lock and history"),
    "run": ("run", "rerun notebooks from scratch in a fresh kernel with papermill"),
    "verify": ("verify", "rerun from scratch and compare outputs, inputs and environment"),
    "diff": ("diff", "what changed between two locks or snapshots"),
    "log": ("log", "list a notebook's snapshots"),
    "restore": ("restore", "restore the inputs of a snapshot from the store"),
    "env": ("env", "write requirements/pylock/docker/conda/runtime files from a lock"),
    "gc": ("gc", "remove store objects no snapshot refers to"),
    "dag": ("dag", "the graph of a project's notebooks: who writes the files who reads"),
    "why": ("why", "the provenance of a file: which notebooks and inputs produced it"),
    "status": ("status", "each notebook of a project fresh or stale, and why"),
    "repro": ("repro", "rerun what is stale and everything downstream, with the run cache"),
    "runs": ("runs", "list run records"),
    "compare": ("compare", "two runs side by side: parameters, inputs, environment, metrics"),
    "remote": ("remote", "add or list the remotes that push and pull use"),
    "push": ("push", "send the inputs and snapshots of notebooks to a remote store"),
    "pull": ("pull", "fetch the inputs of notebooks (or of one snapshot) from a remote store"),
    "git-setup": ("git_setup", "make a git repository review-friendly for notebooks"),
    "textconv": ("textconv", "print a notebook as its script (git diff driver)"),
    "kernel-setup": (
        "kernel_setup",
        "load the kernel extension in every kernel of this environment",
    ),
}

EXIT_USAGE = 2
EXIT_INTERNAL = 4
REPORT_URL = "https://github.com/jupyter-repro/jupyter-repro/issues"


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors on one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _version() -> str:
    from jupyter_repro import __version__

    return __version__


def _command_module(name: str) -> ModuleType:
    module_name, _ = COMMANDS[name]
    return importlib.import_module(f"jupyter_repro.cli.{module_name}")


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jupyter-repro",
        description="Make Jupyter notebooks reproducible, and prove that they are.",
    )
    parser.add_argument("--version", action="version", version=f"jupyter-repro {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (_, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = _command_module(name)
            formats: tuple[str, ...] = getattr(module, "FORMATS", ("text", "json"))
            default = "text" if "text" in formats else formats[0]
            sub.add_argument(
                "--format",
                choices=formats,
                default=default,
                help=f"output format (default: {default})",
            )
            module.add_arguments(sub)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = _chosen_command(args_list)
    parser = build_parser(command)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(_command_module(args.command).run(args))
    except ReproError as exc:
        print(f"jupyter-repro {args.command}: {exc.message}", file=sys.stderr)  # noqa: T201
        return exc.exit_code
    except KeyboardInterrupt:
        print("jupyter-repro: interrupted", file=sys.stderr)  # noqa: T201
        return 130
    except Exception:
        # Not bad input and not the notebook's failure: a bug of ours. Never disguise it as
        # exit 2 or 3; show the traceback so it can be reported.
        import traceback

        traceback.print_exc()
        print(  # noqa: T201
            f"jupyter-repro {args.command}: internal error in jupyter-repro, please report "
            f"it with the traceback above at {REPORT_URL}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


# Modules a command line never uses that libraries it imports would load, each marked
# absent (the library handles that) unless already imported:
# - jsonschema (imported by nbformat, and so by jupytext and papermill) imports
#   `rfc3987_syntax`, when installed, to check the "iri" string formats; it compiles ~35
#   grammars at import, about a second (python-jsonschema/jsonschema#1428). No schema we or
#   nbformat validate uses those formats.
# - `import jupytext` imports its Jupyter contents managers, and through them
#   jupyter_server and tornado (about 80 ms of a `check` that reads a paired script); a
#   command never serves contents, and the server process never runs this.
_UNUSED_BY_COMMANDS = {
    "jsonschema": ("rfc3987_syntax",),
    "jupytext": ("jupytext.sync_contentsmanager", "jupytext.async_contentsmanager"),
}


def _skip_unused_imports() -> None:
    for importer, unused in _UNUSED_BY_COMMANDS.items():
        if importer not in sys.modules:
            for name in unused:
                sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def console_main() -> None:
    _skip_unused_imports()
    sys.exit(main())
