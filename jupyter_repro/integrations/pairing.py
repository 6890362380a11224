"""Paired scripts with jupytext: pair, read a script as a notebook, sync by content.

The pairing lives in the notebook's `jupytext` metadata, so jupytext's own contents
manager keeps the pair in sync on every save in JupyterLab; we add no second mechanism.
`sync` decides which side changed by content: it compares both sides with the code
recorded at the last sync (in the store), falling back to the script fingerprint of the
lock, never to modification times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import BadInputError, StoreError, UsageError
from jupyter_repro.io.atomic import write_if_changed, write_text_atomic
from jupyter_repro.io.files import loads_json, read_regular_bytes, read_text
from jupyter_repro.io.hashing import hash_text
from jupyter_repro.io.notebooks import read_notebook
from jupyter_repro.io.project import find_project_root, lock_path, relative_to_root, store_dir

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


def read_script(path: Path) -> Any:
    """A text notebook (`# %%` script, markdown...) as an nbformat v4 notebook."""
    text = read_text(path, "script")
    try:
        return _jupytext().reads(text, fmt=path.suffix)
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
    meta["notebook_metadata_filter"] = METADATA_FILTER
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


def code_fingerprint(notebook: Any) -> str:
    """What sync compares: cell kinds, sources and tags, nothing about outputs or ids."""
    cells = [
        [cell.cell_type, cell.source.strip(), sorted(cell.get("metadata", {}).get("tags", []))]
        for cell in notebook.cells
    ]
    return hash_text(json.dumps(cells, sort_keys=True))


def _write_notebook(path: Path, notebook: Any) -> None:
    import nbformat

    write_text_atomic(path, nbformat.writes(notebook) + "\n")  # type: ignore[no-untyped-call]


def pair(notebook_path: Path, fmt: str) -> Path:
    """Record the pairing in the notebook and write the paired script."""
    notebook = load_notebook(notebook_path)
    before = json.dumps(notebook.metadata.get("jupytext"), sort_keys=True)
    _pairing_metadata(notebook, fmt)
    script = script_for(notebook_path, fmt)
    if script.exists() and script.resolve() == notebook_path.resolve():
        raise UsageError(f"{notebook_path}: the paired script would overwrite the notebook")
    text = script_text(notebook, fmt)
    if script.exists() and _differs_in_code(script, notebook):
        # Maybe a module of the same name, maybe script edits: never overwrite either.
        raise UsageError(
            f"{script} already exists and differs from the notebook; bring them in line "
            "with `jupyter-repro sync`, or move the file away"
        )
    if json.dumps(notebook.metadata.get("jupytext"), sort_keys=True) != before:
        _write_notebook(notebook_path, notebook)
    write_if_changed(script, text)
    _record_sync(notebook_path, code_fingerprint(notebook))
    return script


def _differs_in_code(script: Path, notebook: Any) -> bool:
    try:
        return code_fingerprint(read_script(script)) != code_fingerprint(notebook)
    except BadInputError:
        return True


def paired_format(notebook: Any, default: str) -> str:
    """The text format this notebook is paired with (its jupytext metadata), else `default`."""
    formats = str(notebook.metadata.get("jupytext", {}).get("formats", ""))
    for fmt in formats.split(","):
        if fmt and fmt != "ipynb" and not fmt.endswith(".ipynb"):
            return fmt
    return default


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


def _script_unchanged_since_lock(notebook_path: Path, script: Path) -> bool:
    """The lock's script fingerprint matches the script: only the notebook can have changed."""
    from jupyter_repro.io.hashing import hash_file

    try:
        lock = loads_json(read_regular_bytes(lock_path(notebook_path)))
        locked = lock["code"]["script"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(locked, str) and locked == hash_file(script)


def remember_if_in_sync(notebook_path: Path, default_fmt: str) -> bool:
    """Record the pair's code when both sides agree (e.g. after a save in JupyterLab, where
    jupytext wrote both), so a later `sync` knows which side an outside edit touched."""
    try:
        notebook = load_notebook(notebook_path)
        script = script_for(notebook_path, paired_format(notebook, default_fmt))
        if not script.is_file():
            return False
        fingerprint = code_fingerprint(notebook)
        if code_fingerprint(read_script(script)) != fingerprint:
            return False
        _record_sync(notebook_path, fingerprint)
    except (BadInputError, OSError):
        return False
    return True


@dataclass(frozen=True)
class SyncResult:
    action: SyncAction
    notebook: Path
    script: Path
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # cell, nb, script


def _conflicting_cells(notebook: Any, script_nb: Any) -> list[tuple[int, str, str]]:
    left = [c.source for c in notebook.cells]
    right = [c.source for c in script_nb.cells]
    return [
        (i, left[i] if i < len(left) else "", right[i] if i < len(right) else "")
        for i in range(max(len(left), len(right)))
        if (left[i] if i < len(left) else None) != (right[i] if i < len(right) else None)
    ]


def _update_notebook(notebook_path: Path, notebook: Any, script_nb: Any, fmt: str) -> None:
    from jupytext.combine import combine_inputs_with_outputs

    combined = combine_inputs_with_outputs(script_nb, notebook, fmt=fmt)
    _pairing_metadata(combined, fmt)
    _write_notebook(notebook_path, combined)


def _create_notebook(script: Path, notebook_path: Path, fmt: str) -> SyncResult:
    """A script with no notebook yet: the notebook is created from it (no outputs)."""
    script_nb = read_script(script)
    script_nb.metadata.pop("jupytext", None)
    _pairing_metadata(
        script_nb,
        fmt if script_extension(fmt) == script.suffix else f"{script.suffix.lstrip('.')}:percent",
    )
    _write_notebook(notebook_path, script_nb)
    _record_sync(notebook_path, code_fingerprint(script_nb))
    return SyncResult("script-to-notebook", notebook_path, script)


def sync(
    path: Path, default_fmt: str, use: Literal["notebook", "script"] | None = None
) -> SyncResult:
    """Bring a notebook and its paired script in line, deciding the direction by content."""
    notebook_path = path if path.suffix == ".ipynb" else notebook_for(path)
    if path.suffix != ".ipynb" and path.is_file() and not notebook_path.exists():
        return _create_notebook(path, notebook_path, default_fmt)
    notebook = load_notebook(notebook_path)
    fmt = paired_format(notebook, default_fmt)
    script = path if path.suffix != ".ipynb" else script_for(notebook_path, fmt)
    if not script.exists():
        raise BadInputError.unreadable(
            script, "no paired script; create it with jupyter-repro pair"
        )
    script_nb = read_script(script)
    nb_print, script_print = code_fingerprint(notebook), code_fingerprint(script_nb)
    if nb_print == script_print and use is None:
        _record_sync(notebook_path, nb_print)
        return SyncResult("in-sync", notebook_path, script)
    base = _read_record(notebook_path)
    if use is None:
        if base == script_print:  # only the notebook changed since the last sync
            use = "notebook"
        elif base == nb_print:  # only the script changed
            use = "script"
        elif _script_unchanged_since_lock(notebook_path, script):
            use = "notebook"
    if use is None:
        conflicts = _conflicting_cells(notebook, script_nb)
        return SyncResult("conflict", notebook_path, script, conflicts)
    if use == "notebook":
        _pairing_metadata(notebook, fmt)
        write_if_changed(script, script_text(notebook, fmt))
        _record_sync(notebook_path, nb_print)
        return SyncResult("notebook-to-script", notebook_path, script)
    _update_notebook(notebook_path, notebook, script_nb, fmt)
    _record_sync(notebook_path, script_print)
    return SyncResult("script-to-notebook", notebook_path, script)
