"""The dependencies a project declares, read from its files (parsing is in core.requirements).

Looked for at the project root and in the notebook's folder: `pyproject.toml`,
`requirements*.txt` (following `-r` includes), `environment.yml` / `environment.yaml`.
Results are cached per folder for the life of the process: a `check` of a thousand
notebooks reads each file once.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jupyter_repro.core.requirements import (
    from_environment_yml,
    from_pyproject,
    from_requirements_txt,
)

_MAX_INCLUDES = 20


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _requirements_file(path: Path, seen: set[Path]) -> set[str]:
    if path in seen or len(seen) > _MAX_INCLUDES:
        return set()
    seen.add(path)
    text = _read(path)
    if text is None:
        return set()
    names, includes = from_requirements_txt(text)
    for include in includes:
        names |= _requirements_file((path.parent / include).resolve(), seen)
    return names


@functools.lru_cache(maxsize=256)
def declared_in_folder(folder: Path) -> frozenset[str] | None:
    """Names declared by the files in one folder; None when it has no such file."""
    found: set[str] | None = None
    pyproject = folder / "pyproject.toml"
    text = _read(pyproject) if pyproject.is_file() else None
    if text is not None:
        try:
            found = from_pyproject(text)
        except ValueError:
            found = set()
    try:
        entries = sorted(
            p
            for p in folder.iterdir()
            if p.name.startswith("requirements") and p.suffix in (".txt", ".in")
        )
    except OSError:
        entries = []
    for entry in entries:
        found = (found or set()) | _requirements_file(entry.resolve(), set())
    for name in ("environment.yml", "environment.yaml"):
        env_text = _read(folder / name)
        if env_text is not None:
            found = (found or set()) | from_environment_yml(env_text)
    return None if found is None else frozenset(found)


def declared_dependencies(project_root: Path, notebook_dir: Path) -> frozenset[str]:
    """Everything declared at the project root and beside the notebook (may be empty)."""
    names: set[str] = set()
    for folder in {project_root, notebook_dir}:
        found = declared_in_folder(folder)
        if found:
            names |= found
    return frozenset(names)
