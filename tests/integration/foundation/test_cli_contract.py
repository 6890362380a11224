"""The command-line contract of DESIGN.md: help, version, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jupyter_repro import __version__
from jupyter_repro.cli.main import COMMANDS, main


def test_help_lists_every_sub_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_version_names_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_an_unknown_sub_command_is_a_usage_error_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err.strip()
    assert "invalid choice" in err and "Traceback" not in err


def test_no_sub_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_every_sub_command_has_help_with_a_format_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in COMMANDS:
        assert main([name, "--help"]) == 0, name
        assert "--format" in capsys.readouterr().out, name


def test_the_installed_console_script_and_jupyter_subcommand_work() -> None:
    for argv in (
        ["jupyter-repro", "--version"],
        [sys.executable, "-m", "jupyter", "repro", "--version"],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert __version__ in done.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from jupyter_repro.cli.main import main; main(['--help']);"
        "heavy = [m for m in ('nbformat', 'jupytext', 'papermill', 'nbconvert',"
        " 'jupyter_server', 'IPython', 'pandas') if m in sys.modules];"
        "sys.stderr.write(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
