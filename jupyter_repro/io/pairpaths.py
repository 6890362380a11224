"""Where a notebook's paired text file is: jupytext's own paired paths, cached by their inputs.

Whether a notebook is paired is read from its metadata alone (`jupytext.formats`): a
same-named `.py` beside a notebook that declares no pairing is not its pair (it may be a
module), and deciding so costs no import. Only a declared pairing asks jupytext where
its files are (`jupytext.paired_paths`, prefixes, suffixes and `auto` extensions
included). Importing jupytext takes seconds (nbformat, jsonschema), longer than a whole
`check`, and the answer depends only on the notebook's path, its formats and its
language: it is kept in the store under the hash of those (sealed, `io/sealedcache.py`),
so the pre-commit `check` of a paired notebook finds its script without jupytext once a
save, `pair` or `sync` has asked.
The common pairings (`ipynb,py:percent`: a script of the notebook's name beside it) are
answered without jupytext at all, as a fresh clone with no store needs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.hashing import hash_bytes
from jupyter_repro.io.project import find_project_root, store_dir
from jupyter_repro.io.sealedcache import read_cached, write_cached

CACHE_VERSION = 3
_READ_KEYS = ("extension", "format_name")
# Pairings whose paths and formats need no jupytext: scripts beside the notebook, named
# as it is, in formats whose names jupytext keeps as written.
_PLAIN_SCRIPTS = frozenset({"py", "R", "r", "jl"})
_PLAIN_FORMAT_NAMES = frozenset({"percent", "light", "hydrogen", "nomarker"})


@dataclass(frozen=True)
class PairedFile:
    """A text file a notebook is paired with, and the jupytext format to read it with
    (extension and format name, e.g. `py:percent`)."""

    path: Path
    fmt: str


def declared_formats(metadata: Mapping[str, Any]) -> str | None:
    """The notebook's `jupytext.formats` when it declares a pairing, else None."""
    jupytext_meta = metadata.get("jupytext")
    formats = jupytext_meta.get("formats") if isinstance(jupytext_meta, Mapping) else None
    if isinstance(formats, list):
        formats = ",".join(str(f) for f in formats)
    if not isinstance(formats, str) or "," not in formats.strip(","):
        return None  # "ipynb" alone pairs with nothing
    return formats


def _language_facts(metadata: Mapping[str, Any]) -> list[Any]:
    """What jupytext's `auto` extension is resolved from."""
    facts = []
    for section, key in (
        ("language_info", "file_extension"),
        ("kernelspec", "language"),
        ("jupytext", "main_language"),
    ):
        block = metadata.get(section)
        facts.append(block.get(key) if isinstance(block, Mapping) else None)
    return facts


def _jupytext_paired_files(
    notebook: Path, formats: str, metadata: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(path, short format) of every text file of the pairing, as jupytext computes them."""
    from jupytext.formats import long_form_multiple_formats, short_form_one_format
    from jupytext.paired_paths import (
        InconsistentPath,
        find_base_path_and_format,
        paired_paths,
    )

    try:
        long_forms = long_form_multiple_formats(
            formats, dict(metadata), auto_ext_requires_language_info=False
        )
        _, main_fmt = find_base_path_and_format(str(notebook), long_forms)
        paths = paired_paths(str(notebook), main_fmt, long_forms)
    except (InconsistentPath, ValueError) as exc:  # JupytextFormatError is a ValueError
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInputError.invalid(notebook, f"jupytext formats {formats!r}: {reason}") from None
    # The format to read the file with: its extension and format name (no prefix, suffix).
    return [
        (
            os.path.relpath(path, notebook.parent),
            short_form_one_format({k: v for k, v in fmt.items() if k in _READ_KEYS}),
        )
        for path, fmt in paths
        if fmt.get("extension") not in (".ipynb", None)
    ]


def _plain_paired_files(notebook: Path, formats: str) -> list[tuple[str, str]] | None:
    """What `_jupytext_paired_files` answers, for the common pairings it answers without
    thinking: the notebook beside scripts of its own name (`ipynb,py:percent`). None for
    anything else (prefixes, suffixes, `auto`, other formats): jupytext decides those."""
    if notebook.suffix != ".ipynb":
        return None
    found: list[tuple[str, str]] = []
    notebook_listed = False
    for token in formats.split(","):
        extension, colon, name = token.removeprefix(".").partition(":")
        if extension == "ipynb" and not colon and not notebook_listed:
            notebook_listed = True
        elif extension in _PLAIN_SCRIPTS and (not colon or name in _PLAIN_FORMAT_NAMES):
            path = notebook.stem + "." + extension
            if any(path == other for other, _ in found):
                return None  # two formats of one file: jupytext's error to give
            found.append((path, f"{extension}:{name}" if name else extension))
        else:
            return None
    return found if notebook_listed and found else None


def paired_files(notebook: Path, metadata: Mapping[str, Any]) -> tuple[PairedFile, ...]:
    """Every text file the notebook's metadata pairs it with, present on disk or not.

    BadInputError when jupytext refuses the formats (a path climbing out of the notebook's
    folder, an unknown format).
    """
    formats = declared_formats(metadata)
    if formats is None:
        return ()
    plain = _plain_paired_files(notebook, formats)
    if plain is not None:  # beside the notebook: in the project as much as the notebook is
        return tuple(PairedFile(notebook.parent / path, fmt) for path, fmt in plain)
    given, notebook = notebook, notebook.absolute()
    key_text = json.dumps([CACHE_VERSION, str(notebook), formats, _language_facts(metadata)])
    key = hash_bytes(key_text.encode()).removeprefix("blake3:")
    store = store_dir(find_project_root(notebook))
    found: list[tuple[str, str]] | None = None
    cached = read_cached(store, "paired-paths", key)
    if isinstance(cached, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in cached
    ):
        found = [(p[0], p[1]) for p in cached]
    if found is None:
        found = _jupytext_paired_files(notebook, formats, metadata)
        root = store.parent.resolve()
        for path, _ in found:
            target = (notebook.parent / path).resolve()
            if root != target and root not in target.parents:
                # Nothing outside the project is written or read because metadata names it.
                raise BadInputError.invalid(
                    notebook, f"jupytext formats {formats!r} pair a file outside the project"
                )
        write_cached(store, "paired-paths", key, [list(p) for p in found])
    # Stored relative to the notebook's folder: shown as the notebook was named.
    return tuple(PairedFile(given.parent / path, fmt) for path, fmt in found)


def paired_script(notebook: Path, metadata: Mapping[str, Any]) -> PairedFile | None:
    """The notebook's paired text file that exists, in the order of its formats; None when
    the notebook declares no pairing, a pairing jupytext refuses, or none of its files exists."""
    try:
        declared = paired_files(notebook, metadata)
    except BadInputError:
        return None
    for paired in declared:
        if paired.path.is_file():
            return paired
    return None
