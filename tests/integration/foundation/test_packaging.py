"""A fresh install provides all three parts, enabled with no manual step."""

from __future__ import annotations

import re
import subprocess
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _jupyter(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, timeout=120
    )
    return ANSI.sub("", done.stdout + done.stderr)


def test_the_labextension_is_installed_enabled_and_ok() -> None:
    listing = _jupyter("labextension", "list")
    assert re.search(r"jupyter-repro v\S+ enabled OK", listing), listing


def test_the_server_extension_is_enabled_by_the_installed_config() -> None:
    listing = _jupyter("server", "extension", "list")
    assert re.search(r"jupyter_repro enabled", listing), listing
    assert re.search(r"jupyter_repro \S+ OK", listing), listing


def test_the_kernel_extension_loads_by_name_and_twice_is_harmless() -> None:
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'jupyter_repro')\n"
        "ip.run_line_magic('load_ext', 'jupyter_repro')\n"
        "assert 'jupyter_repro' in ip.extension_manager.loaded\n"
        "print('loaded')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout
