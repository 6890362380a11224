"""The project's named remotes, in its configuration (`remotes` of [tool.jupyter-repro]).

`remote add` edits the file the configuration is read from (`.jupyter-repro.toml` when it
exists, else pyproject.toml's `[tool.jupyter-repro]`, else a new `.jupyter-repro.toml`)
with tomlkit, which keeps the file's comments and layout. Only names and URLs are written:
never credentials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_repro.core.config import REMOTE_NAME
from jupyter_repro.core.errors import ConfigError, UsageError
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.config import DEDICATED_FILE, load_config


def remotes(project_root: Path) -> dict[str, str]:
    """name -> URL, in the order configured (the first is the default)."""
    return dict(load_config(project_root).remotes)


def resolved_url(project_root: Path, url: str) -> str:
    """A URL as fsspec takes it: a plain folder path is relative to the project root, so a
    committed configuration can name a folder beside the project."""
    if "://" in url:
        return url
    return (project_root / url).absolute().as_uri()


def choose_remote(project_root: Path, name: str | None) -> tuple[str, str]:
    """(name, URL) of the named remote, or of the default one."""
    configured = remotes(project_root)
    if not configured:
        raise UsageError(
            f"no remote configured for {project_root}: add one with "
            "`jupyter-repro remote add NAME URL`"
        )
    if name is None:
        name = next(iter(configured))
    if name not in configured:
        raise UsageError(f"no remote named {name!r}; configured: {', '.join(configured)}")
    return name, resolved_url(project_root, configured[name])


def _config_file(project_root: Path) -> tuple[Path, tuple[str, ...]]:
    """The file to edit and the path of the jupyter-repro table inside it."""
    dedicated = project_root / DEDICATED_FILE
    if dedicated.is_file():
        return dedicated, ()
    pyproject = project_root / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{pyproject}: cannot read: {exc}") from None
        if "jupyter-repro" in data.get("tool", {}):
            return pyproject, ("tool", "jupyter-repro")
    return dedicated, ()


def add_remote(project_root: Path, name: str, url: str) -> Path:
    """Record a remote; the file written. An existing name is refused, not overwritten."""
    import tomlkit

    if not REMOTE_NAME.fullmatch(name):
        raise UsageError(f"{name!r}: a remote name is letters, digits and ._- only")
    if name in remotes(project_root):
        raise UsageError(f"a remote named {name!r} exists already")
    path, table_path = _config_file(project_root)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    document = tomlkit.parse(text)
    table: Any = document
    for key in table_path:
        table = table[key]
    if "remotes" not in table:
        table["remotes"] = tomlkit.table()
    table["remotes"][name] = url
    write_text_atomic(path, tomlkit.dumps(document))
    return path
