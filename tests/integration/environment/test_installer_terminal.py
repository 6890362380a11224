"""An installer run on a terminal draws its own progress there, and what it said is kept."""

from __future__ import annotations

import sys

import pytest

from jupyter_repro.integrations.terminal import run_drawing

DRAWS = r"""
import os, sys
bar = "\x1b[2K\x1b[32m{}\x1b[0m\r"
if not os.isatty(2):
    sys.stderr.write("not a terminal\n")
    sys.exit(5)
for step in ("[#   ] 25%", "[##  ] 50%", "[####] 100%"):
    sys.stderr.write(bar.format(step))
sys.stderr.write("\nerror: no matching distribution for numpy==0.0.1\n")
sys.exit(1)
"""


def test_the_installer_sees_a_terminal_its_drawing_is_shown_and_its_words_kept(
    capfd: pytest.CaptureFixture[str],
) -> None:
    done = run_drawing([sys.executable, "-c", DRAWS])
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "[####] 100%",
        "error: no matching distribution for numpy==0.0.1",
    ]
    shown = capfd.readouterr().err
    assert "\x1b[32m[#   ] 25%" in shown, "the bar is drawn on our terminal as it comes"
