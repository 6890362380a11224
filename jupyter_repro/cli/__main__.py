"""`python -m jupyter_repro.cli`: the same as the `jupyter-repro` command."""

from jupyter_repro.cli.main import console_main

console_main()
