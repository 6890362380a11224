"""The cells of a paired script as jupytext reads them, cached by the script's content.

Reading a script takes jupytext, and through it nbformat and jsonschema: 0.3-1.5 s of
imports, longer than the whole of a `check`. The cells of a given text in a given format
never change, so they are kept in the store under the blake3 of (format, text): after a
save or a sync has read a script once, `check` (what pre-commit runs) reads its cells
without importing jupytext. A cache entry that cannot be read or written only costs time,
and one this user's runs did not write is not believed (`io/sealedcache.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.pairs import PairCell, pair_cell, pair_cells_of
from jupyter_repro.io.files import read_text
from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.io.sealedcache import read_cached, write_cached

CACHE_VERSION = 3


def script_format(script: Path, paired_format: str) -> str:
    """The jupytext format to read `script` with: the configured one when it fits the suffix."""
    extension = script.suffix.lstrip(".")
    return paired_format if paired_format.startswith(extension + ":") else extension


def read_script_notebook(script: Path, fmt: str, text: str | None = None) -> Mapping[str, Any]:
    """The script as a notebook, read by jupytext; BadInputError when jupytext cannot."""
    import jupytext

    text = read_text(script, "script") if text is None else text
    try:
        notebook: Mapping[str, Any] = jupytext.reads(text, fmt=fmt)
    except Exception as exc:  # jupytext raises many kinds on malformed text
        raise BadInputError.invalid(script, f"cannot read as a notebook: {exc}") from None
    return notebook


def script_pair_cells(script: Path, fmt: str, store: Path) -> tuple[PairCell, ...]:
    """The script's cells as the pair comparison sees them (core.pairs), from the cache
    when this text was read before in this format."""
    text = read_text(script, "script")
    key = hash_bytes(f"{CACHE_VERSION}\0{fmt}\0{text}".encode()).removeprefix("blake3:")
    cached = read_cached(store, "script-cells", key)
    with contextlib.suppress(ValueError, TypeError):
        if isinstance(cached, list):
            return tuple(pair_cell(kind, text, tags) for kind, text, tags in cached)
    cells = pair_cells_of(read_script_notebook(script, fmt, text).get("cells", []))
    write_cached(store, "script-cells", key, [[c.kind, c.text, list(c.tags)] for c in cells])
    return cells
