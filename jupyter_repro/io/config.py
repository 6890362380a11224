"""Find and read the project's configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from jupyter_repro.core.config import ReproConfig, parse_config
from jupyter_repro.core.errors import ConfigError

DEDICATED_FILE = ".jupyter-repro.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_config(project_root: Path) -> ReproConfig:
    """`.jupyter-repro.toml` wins over `[tool.jupyter-repro]` in pyproject.toml; else defaults."""
    dedicated = project_root / DEDICATED_FILE
    if dedicated.is_file():
        return parse_config(_read_toml(dedicated), source=str(dedicated))
    pyproject = project_root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("jupyter-repro")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{pyproject}: [tool.jupyter-repro] must be a table")
            return parse_config(table, source=f"{pyproject} [tool.jupyter-repro]")
    return ReproConfig()
