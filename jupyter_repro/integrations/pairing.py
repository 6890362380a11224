"""Paired scripts with jupytext: pair, read a script as a notebook, sync by content.

The pairing lives in the notebook's `jupytext` metadata, so jupytext's own contents
manager keeps the pair in sync on every save in JupyterLab; we add no second mechanism.
Where the paired file is comes from jupytext's paired paths (io.pairpaths); whether the
two sides are in sync is `core.pairs`, the definition `check` uses. `sync` decides which
side changed by content: it compares both sides with the pair recorded at the last sync
(in the store), falling back to the lock (the script's file hash and the notebook's code
fingerprint, both committed, so a fresh clone knows them), never to modification times.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import BadInputError, StoreError, UsageError
from jupyter_repro.core.lock import code_section
from jupyter_repro.core.pairs import PairCell, pair_cells_of, pair_key
from jupyter_repro.io.atomic import write_if_changed, write_text_atomic
from jupyter_repro.io.files import loads_json, read_regular_bytes, read_text
from jupyter_repro.io.hashing import hash_text
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.notebooks import read_notebook
from jupyter_repro.io.pairpaths import PairedFile, paired_files
from jupyter_repro.io.project import find_project_root, relative_to_root, store_dir

# jupytext_version changes with every jupytext upgrade: keep it out of committed scripts.
METADATA_FILTER = "kernelspec,jupytext,-jupytext.text_representation.jupytext_version"
SYNC_RECORD = "pairs.json"
SCRIPT_SUFFIXES = (".py", ".R", ".r", ".jl", ".md", ".sh", ".scala", ".js", ".ts")

SyncAction = Literal["in-sync", "notebook-to-script", "script-to-notebook", "conflict"]


def _jupytext() -> Any:
    import jupytext

    return jupytext


def script_extension(fmt: str) -> str:
    extension = fmt.split(":", 1)[0]
    if not extension.lstrip(".").isalnum():
        # a folder prefix (`scripts//py:percent`, `../x//py`) would put the script elsewhere
        raise UsageError(
            f"paired format {fmt!r}: only a script beside the notebook is supported "
            "(a format such as py:percent)"
        )
    return extension if extension.startswith(".") else "." + extension


def script_for(notebook: Path, fmt: str) -> Path:
    return notebook.with_suffix(script_extension(fmt))


def notebook_for(script: Path) -> Path:
    return script.with_suffix(".ipynb")


def read_script(path: Path, fmt: str | None = None) -> Any:
    """A text notebook (`# %%` script, markdown...) as an nbformat v4 notebook."""
    text = read_text(path, "script")
    try:
        return _jupytext().reads(text, fmt=fmt or path.suffix)
    except Exception as exc:  # jupytext errors share no base class
        raise BadInputError.invalid(path, f"cannot read as a notebook: {exc}") from None


def load_notebook(path: Path) -> Any:
    """A validated `.ipynb` with multi-line strings joined, as `nbformat.read` gives it."""
    return read_notebook(path)


def read_any(path: Path) -> Any:
    """A notebook from an `.ipynb` or from a paired script."""
    if path.suffix == ".ipynb":
        return load_notebook(path)
    if path.suffix in SCRIPT_SUFFIXES:
        return read_script(path)
    raise BadInputError.invalid(path, "expected a notebook (.ipynb) or a script (.py)")


def _pairing_metadata(notebook: Any, fmt: str) -> None:
    meta = notebook.metadata.setdefault("jupytext", {})
    formats = [f for f in str(meta.get("formats", "")).split(",") if f]
    wanted = ["ipynb", fmt]
    meta["formats"] = ",".join(wanted + [f for f in formats if f not in wanted])
    meta.setdefault("notebook_metadata_filter", METADATA_FILTER)
    meta.pop("text_representation", None)


def script_text(notebook: Any, fmt: str) -> str:
    """The paired script of a notebook: code and markdown, no outputs, no version churn."""
    return str(_jupytext().writes(notebook, fmt=fmt))


def textconv_text(notebook: Any) -> str:
    """What `git diff` shows for a notebook: its py:percent script with no header at all."""
    import copy

    clean = copy.deepcopy(notebook)
    clean.metadata = {
        "jupytext": {"notebook_metadata_filter": "-all"},
        "kernelspec": notebook.metadata.get("kernelspec", {}),
    }
    return str(_jupytext().writes(clean, fmt="py:percent"))


def pair_cells(notebook: Any) -> tuple[PairCell, ...]:
    """A notebook (or a script read as one) as the pair comparison sees it (core.pairs)."""
    return pair_cells_of(notebook.cells)


def pair_fingerprint(notebook: Any) -> str:
    """What the sync record keeps: equal exactly when the two sides are in sync."""
    return hash_text(pair_key(pair_cells(notebook)))


# Notebooks --------------------------------------------------------------------------------


def _notary(config_parent: Any | None) -> Any:
    """A notary of this thread (its signature database is an SQLite connection, which
    only the thread that opened it may use), configured as `config_parent` is (the
    server's contents manager: the same database and secret as the server's own notary)."""
    from nbformat.sign import NotebookNotary

    return NotebookNotary(parent=config_parent)  # type: ignore[no-untyped-call]


def _is_trusted(notebook: Any, notary: Any) -> bool:
    """Whether the notary trusts it; a signature database or secret that cannot be opened
    (a read-only home) trusts nothing, as Jupyter itself then does."""
    import sqlite3

    try:
        return bool(notary.check_signature(notebook))
    except (OSError, sqlite3.Error):
        return False


def _write_notebook(path: Path, notebook: Any, notary: Any = None) -> None:
    """Write a notebook; one that was trusted stays trusted (its new content is signed)."""
    import nbformat

    write_text_atomic(path, nbformat.writes(notebook) + "\n")  # type: ignore[no-untyped-call]
    if notary is not None:
        import sqlite3

        with contextlib.suppress(OSError, sqlite3.Error):  # unsigned: untrusted, as before
            notary.sign(notebook)


def _refuse_unknown_cells(path: Path, notebook: Any) -> None:
    """A cell of a type nbformat does not know (a future format) has no place in a script."""
    for index, cell in enumerate(notebook.cells):
        kind = cell.get("cell_type")
        if kind not in ("code", "markdown", "raw") or not isinstance(cell.get("source"), str):
            raise BadInputError.invalid(
                path,
                f"cell {index + 1} is of a cell type a script cannot hold ({kind!r}); "
                "convert it to a raw cell to pair this notebook",
            )


# Where the paired script is ---------------------------------------------------------------


def _language_format(path: Path, notebook: Any, fmt: str, explicit: bool) -> str:
    """`fmt`, with the notebook's own script extension when it is not a Python notebook.

    A `.py` of R code is neither a script nor a pair anyone can run: the configured
    default follows the notebook's language (jupytext knows its extension), an explicit
    format of another language's script is refused.
    """
    from jupytext.formats import auto_ext_from_metadata
    from jupytext.languages import _SCRIPT_EXTENSIONS

    extension = script_extension(fmt)
    auto = extension == ".auto"  # jupytext's "the notebook's own script extension"
    if extension not in _SCRIPT_EXTENSIONS and not auto:
        return fmt  # a text format that holds any language: md, Rmd, myst...
    metadata = notebook.metadata
    language = metadata.get("kernelspec", {}).get("language") or metadata.get(
        "language_info", {}
    ).get("name")
    found = auto_ext_from_metadata(metadata)
    own = str(found) if found else None
    if own is None and language and str(language).lower() not in ("python", "python3"):
        raise BadInputError.invalid(
            path,
            f"jupytext knows no script extension for language {language!r}; "
            "pair it with a text format such as --to md",
        )
    own = own or (".py" if auto else None)
    if own is None or own == extension:
        return fmt
    if explicit and not auto:
        raise BadInputError.invalid(
            path,
            f"a {language or own} notebook cannot be paired with a {extension} script; "
            f"use --to {own.lstrip('.')}:percent",
        )
    _, _, name = fmt.partition(":")
    return own.lstrip(".") + (f":{name}" if name else "")


def paired_file(notebook_path: Path, notebook: Any, default_fmt: str) -> PairedFile:
    """The notebook's paired file: the declared one (jupytext's paired paths; the first that
    exists, else the first declared), else the default format's file beside it."""
    declared = paired_files(notebook_path, notebook.metadata)
    for candidate in declared:
        if candidate.path.is_file():
            return candidate
    if declared:
        return declared[0]
    fmt = _language_format(notebook_path, notebook, default_fmt, explicit=False)
    return PairedFile(script_for(notebook_path, fmt), fmt)


def paired_format(notebook: Any, default: str) -> str:
    """The text format this notebook is paired with (its jupytext metadata), else `default`."""
    formats = str(notebook.metadata.get("jupytext", {}).get("formats", ""))
    for fmt in formats.split(","):
        if fmt and fmt != "ipynb" and not fmt.endswith(".ipynb"):
            return fmt
    return default


# pair -------------------------------------------------------------------------------------


def pair(
    notebook_path: Path, default_fmt: str, to: str | None = None, trust_config: Any = None
) -> PairedFile:
    """Record the pairing in the notebook and write the paired script.

    The format is `to` when given, else the pairing the notebook already declares (an
    `ipynb,md` notebook gets its `.md`), else `default_fmt` in the notebook's language.
    A trusted notebook stays trusted (`trust_config`: where the notary's configuration
    comes from, the server's contents manager in JupyterLab).
    """
    notebook = load_notebook(notebook_path)
    _refuse_unknown_cells(notebook_path, notebook)
    notary = _notary(trust_config)
    keep_trust = notary if _is_trusted(notebook, notary) else None
    before = json.dumps(notebook.metadata.get("jupytext"), sort_keys=True)
    if to is not None:
        fmt = _language_format(notebook_path, notebook, to, explicit=True)
        target = PairedFile(script_for(notebook_path, fmt), fmt)
        _pairing_metadata(notebook, fmt)
    else:
        target = paired_file(notebook_path, notebook, default_fmt)
        if paired_files(notebook_path, notebook.metadata):  # keep the declared pairing
            notebook.metadata["jupytext"].setdefault("notebook_metadata_filter", METADATA_FILTER)
        else:
            _pairing_metadata(notebook, target.fmt)
    script = target.path
    if script.exists() and script.resolve() == notebook_path.resolve():
        raise UsageError(f"{notebook_path}: the paired script would overwrite the notebook")
    if script.exists() and _differs(script, target.fmt, notebook):
        # Maybe a module of the same name, maybe script edits: never overwrite either.
        raise UsageError(
            f"{script} already exists and differs from the notebook; bring them in line "
            "with `jupyter-repro sync`, or move the file away"
        )
    text = script_text(notebook, target.fmt)
    if json.dumps(notebook.metadata.get("jupytext"), sort_keys=True) != before:
        _write_notebook(notebook_path, notebook, keep_trust)
    script.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(script, text)
    _record_sync(notebook_path, pair_fingerprint(notebook))
    return target


def _differs(script: Path, fmt: str, notebook: Any) -> bool:
    try:
        return pair_fingerprint(read_script(script, fmt)) != pair_fingerprint(notebook)
    except BadInputError:
        return True


# The record of the last sync --------------------------------------------------------------


def _record_file(notebook_path: Path) -> tuple[Path, str]:
    root = find_project_root(notebook_path)
    return store_dir(root) / SYNC_RECORD, relative_to_root(notebook_path, root)


def _read_record(notebook_path: Path) -> str | None:
    record, key = _record_file(notebook_path)
    try:
        value = loads_json(read_regular_bytes(record)).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _record_sync(notebook_path: Path, fingerprint: str) -> None:
    record, key = _record_file(notebook_path)
    try:
        data = loads_json(read_regular_bytes(record))
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        data = {}
    if data.get(key) != fingerprint:
        data[key] = fingerprint
        try:
            write_text_atomic(record, json.dumps(data, indent=2, sort_keys=True) + "\n")
        except OSError as exc:  # `.repro` is a file, or the project is read-only
            raise StoreError(f"{record}: cannot write: {exc.strerror or exc}") from None


def move_sync_record(old: Path, new: Path) -> None:
    """A renamed notebook keeps the record of its last sync."""
    fingerprint = _read_record(old)
    if fingerprint is None:
        return
    record, key = _record_file(old)
    _record_sync(new, fingerprint)
    try:
        data = loads_json(read_regular_bytes(record))
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.pop(key, None) is not None:
        write_text_atomic(record, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _unchanged_since_lock(notebook_path: Path, notebook: Any, script: Path) -> str | None:
    """The side the committed lock shows unchanged: a fresh clone has no sync record, but
    its lock holds the script's file hash and the notebook's code fingerprint."""
    from jupyter_repro.io.hashing import hash_file

    try:
        lock = read_lock_for(notebook_path)
    except BadInputError:  # an unreadable lock tells nothing here
        return None
    if lock is None:
        return None
    locked_script = lock.code.script
    if locked_script is not None and locked_script.fingerprint == hash_file(script):
        return "script"
    if lock.code.fingerprint == code_section(notebook.cells, None).fingerprint:
        return "notebook"
    return None


def remember_if_in_sync(notebook_path: Path, default_fmt: str) -> bool:
    """Record the pair when both sides agree (e.g. after a save in JupyterLab, where
    jupytext wrote both), so a later `sync` knows which side an outside edit touched."""
    try:
        notebook = load_notebook(notebook_path)
        script = paired_file(notebook_path, notebook, default_fmt)
        if not script.path.is_file():
            return False
        fingerprint = pair_fingerprint(notebook)
        if pair_fingerprint(read_script(script.path, script.fmt)) != fingerprint:
            return False
        _record_sync(notebook_path, fingerprint)
    except (BadInputError, OSError):
        return False
    return True


# sync -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncResult:
    action: SyncAction
    notebook: Path
    script: Path
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # cell, nb, script


def _conflicting_cells(notebook: Any, script_nb: Any) -> list[tuple[int, str, str]]:
    """(notebook cell index from 0, notebook text, script text) of each differing cell."""
    left, right = pair_cells(notebook), pair_cells(script_nb)
    rows = []
    for i in range(max(len(left), len(right))):
        mine = left[i] if i < len(left) else None
        theirs = right[i] if i < len(right) else None
        if mine is None or theirs is None or mine.compared != theirs.compared:
            index = mine.index if mine and mine.index is not None else i
            rows.append((index, mine.text if mine else "", theirs.text if theirs else ""))
    return rows


def _update_notebook(
    notebook_path: Path, notebook: Any, script_nb: Any, fmt: str, trust_config: Any
) -> None:
    from jupytext.combine import combine_inputs_with_outputs

    notary = _notary(trust_config)
    keep_trust = notary if _is_trusted(notebook, notary) else None
    metadata = notebook.metadata.get("jupytext")
    combined = combine_inputs_with_outputs(script_nb, notebook, fmt=fmt)
    if metadata is not None:  # the notebook's own pairing stays as it was
        combined.metadata["jupytext"] = metadata
    else:
        _pairing_metadata(combined, fmt)
    _write_notebook(notebook_path, combined, keep_trust)


def _create_notebook(script: Path, notebook_path: Path, fmt: str) -> SyncResult:
    """A script with no notebook yet: the notebook is created from it (no outputs)."""
    script_nb = read_script(script)
    script_nb.metadata.pop("jupytext", None)
    _pairing_metadata(
        script_nb,
        fmt if script_extension(fmt) == script.suffix else f"{script.suffix.lstrip('.')}:percent",
    )
    _write_notebook(notebook_path, script_nb)
    _record_sync(notebook_path, pair_fingerprint(script_nb))
    return SyncResult("script-to-notebook", notebook_path, script)


def _script_side(path: Path, notebook_path: Path, notebook: Any, default_fmt: str) -> PairedFile:
    if path.suffix == ".ipynb":
        return paired_file(notebook_path, notebook, default_fmt)
    for candidate in paired_files(notebook_path, notebook.metadata):
        if candidate.path.resolve() == path.resolve():
            return candidate
    extension = path.suffix.lstrip(".")
    return PairedFile(path, default_fmt if default_fmt.startswith(extension + ":") else extension)


def sync(
    path: Path,
    default_fmt: str,
    use: Literal["notebook", "script"] | None = None,
    trust_config: Any = None,
) -> SyncResult:
    """Bring a notebook and its paired script in line, deciding the direction by content."""
    notebook_path = path if path.suffix == ".ipynb" else notebook_for(path)
    if path.suffix != ".ipynb" and path.is_file() and not notebook_path.exists():
        return _create_notebook(path, notebook_path, default_fmt)
    notebook = load_notebook(notebook_path)
    _refuse_unknown_cells(notebook_path, notebook)
    paired = _script_side(path, notebook_path, notebook, default_fmt)
    script, fmt = paired.path, paired.fmt
    if not script.exists():
        raise BadInputError.unreadable(
            script, "no paired script; create it with jupyter-repro pair"
        )
    script_nb = read_script(script, fmt)
    nb_print, script_print = pair_fingerprint(notebook), pair_fingerprint(script_nb)
    if nb_print == script_print and use is None:
        _record_sync(notebook_path, nb_print)
        return SyncResult("in-sync", notebook_path, script)
    if use is None:
        use = _changed_side(notebook_path, notebook, script, nb_print, script_print)
    if use is None:
        conflicts = _conflicting_cells(notebook, script_nb)
        return SyncResult("conflict", notebook_path, script, conflicts)
    if use == "notebook":
        write_if_changed(script, script_text(notebook, fmt))
        _record_sync(notebook_path, nb_print)
        return SyncResult("notebook-to-script", notebook_path, script)
    _update_notebook(notebook_path, notebook, script_nb, fmt, trust_config)
    _record_sync(notebook_path, script_print)
    return SyncResult("script-to-notebook", notebook_path, script)


def _changed_side(
    notebook_path: Path, notebook: Any, script: Path, nb_print: str, script_print: str
) -> Literal["notebook", "script"] | None:
    """The side whose content to keep: the one that changed since the last sync."""
    base = _read_record(notebook_path)
    if base == script_print:  # only the notebook changed since the last sync
        return "notebook"
    if base == nb_print:  # only the script changed
        return "script"
    unchanged = _unchanged_since_lock(notebook_path, notebook, script)
    if unchanged == "script":
        return "notebook"
    if unchanged == "notebook":
        return "script"
    return None
