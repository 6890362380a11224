"""Environments rebuilt from a lock, with uv (its PyPI package or on PATH).

uv is told the package index configuration pip uses here (`pip config list` and the
`PIP_*` variables: index URL, extra index URLs, find-links), so a machine with a private
mirror rebuilds from that mirror. Resolver failures become one-line errors naming the
package and the resolver's reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_repro.core.errors import ReproError, UsageError

# pip's configuration keys (as `pip config list` prints them) and uv's flags for them.
_PIP_KEYS = {"index-url": "--index-url", "extra-index-url": "--extra-index-url"}
_FIND_LINKS = "find-links"
_CONFIG_LINE = re.compile(r"^(?P<scope>[^.]*)\.(?P<key>[a-z-]+)='(?P<value>.*)'$")


class EnvironmentBuildError(ReproError):
    """A locked distribution cannot be installed; the message names it and why."""


def find_uv() -> str | None:
    """uv's executable: the `uv` PyPI package of this interpreter first, then PATH."""
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def pip_index_options(config_text: str, environ: dict[str, str]) -> list[str]:
    """uv flags for pip's index configuration; variables override files, as in pip."""
    settings: dict[str, str] = {}
    for line in config_text.splitlines():
        match = _CONFIG_LINE.match(line.strip())
        if match and match["key"] in (*_PIP_KEYS, _FIND_LINKS):
            settings[match["key"]] = match["value"]
    for key in (*_PIP_KEYS, _FIND_LINKS):
        variable = "PIP_" + key.upper().replace("-", "_")
        if environ.get(variable):
            settings[key] = environ[variable]
    options: list[str] = []
    for key, flag in _PIP_KEYS.items():
        for value in settings.get(key, "").split():
            options += [flag, value]
    for value in settings.get(_FIND_LINKS, "").split():
        options += ["--find-links", value]
    if options:
        # pip picks the best version across all its indexes; uv's default stops at the first
        # index that knows the name.
        options += ["--index-strategy", "unsafe-best-match"]
    return options


def index_options() -> list[str]:
    """The index flags for uv, from this interpreter's pip configuration."""
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        listed = ""
    return pip_index_options(listed, dict(os.environ))


def resolver_reason(stderr: str) -> str:
    """The resolver's own explanation, on one line (uv and pip both end with it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = next(
        (line for line in lines if "because" in line or "No solution" in line or "ERROR" in line),
        lines[-1] if lines else "no reason given",
    )
    for line in lines:
        if line.startswith(("cause:", "╰─▶", "Because", "because")):
            reason = line.removeprefix("cause:").removeprefix("╰─▶").strip()
            break
    return re.sub(r"\s+", " ", reason)


def compile_pylock(requirements: str, python: str | None) -> str:
    """A PEP 751 `pylock.toml` for pinned requirements, resolved with uv (wheels and hashes)."""
    uv = find_uv()
    if uv is None:
        raise UsageError("--format pylock needs uv: pip install uv (or put it on PATH)")
    with tempfile.TemporaryDirectory(prefix="jupyter-repro-pylock-") as folder:
        source = Path(folder) / "requirements.txt"
        source.write_text(requirements, encoding="utf-8")
        target = Path(folder) / "pylock.toml"
        command = [uv, "pip", "compile", str(source), "--format", "pylock.toml"]
        command += ["-o", str(target), "--no-header", "--quiet", *index_options()]
        if python:
            command += ["--python-version", python]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EnvironmentBuildError(
                f"cannot lock the environment: {resolver_reason(done.stderr)}"
            )
        return target.read_text(encoding="utf-8")
