"""The programming language of a notebook, from its metadata alone (pure).

Python-specific rules (names, paths, randomness, dependencies) run only on Python
notebooks; the others (execution order, counts, lock, pairing) run on every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Kernel names that say their language when the kernelspec does not (`ir` is IRkernel).
_KERNEL_NAME_LANGUAGES = {"ir": "r", "ijulia": "julia", "xcpp": "c++", "gophernotes": "go"}


def _field(metadata: Mapping[str, Any], section: str, key: str) -> str | None:
    entry = metadata.get(section)
    value = entry.get(key) if isinstance(entry, Mapping) else None
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _kernel_name_language(metadata: Mapping[str, Any]) -> str | None:
    name = _field(metadata, "kernelspec", "name")
    if name is None:
        return None
    if name.startswith(("python", "ipython", "conda-env-", "venv-")):
        return "python"
    if name.startswith("julia"):
        return "julia"
    return _KERNEL_NAME_LANGUAGES.get(name)


def notebook_language(metadata: Mapping[str, Any]) -> str:
    """Lower-case language of a notebook: `python`, `r`, `julia`, `groovy`...

    In order: `kernelspec.language`, `language_info.name`, jupytext's `main_language`
    (a notebook made from an R Markdown or Julia script has nothing else), the kernel's
    name; `python` when the metadata says nothing.
    """
    if not isinstance(metadata, Mapping):
        return "python"
    language = (
        _field(metadata, "kernelspec", "language")
        or _field(metadata, "language_info", "name")
        or _field(metadata, "jupytext", "main_language")
        or _kernel_name_language(metadata)
        or "python"
    )
    return "python" if language.startswith(("python", "ipython")) else language


def is_python(language: str) -> bool:
    """True for the names `notebook_language` gives Python (and an empty, unknown one)."""
    return language.lower() in ("python", "python3", "ipython", "ipython3", "")
