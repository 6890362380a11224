"""What the static analysis costs at import: it never pulls in IPython."""

from __future__ import annotations

import subprocess
import sys


def test_analysis_does_not_import_ipython() -> None:
    code = (
        "import sys; from jupyter_repro.core.names import analyze_cell; "
        "analyze_cell('%matplotlib inline\\nx = !ls'); "
        "print('IPython' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
