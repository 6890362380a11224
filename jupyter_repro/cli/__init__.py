"""The `jupyter-repro` command line: one module per sub-command."""
