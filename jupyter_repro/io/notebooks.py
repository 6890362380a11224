"""Reading notebooks from disk with errors a user can act on.

`read_notebook_json` is the cheap reader (plain JSON, no nbformat import) that `check`,
`snapshot` and the server use; it still refuses what is not a notebook of the v4 shape,
so no caller ever meets a cell that is a number or a source that is not text. Older
formats that nbformat can upgrade (v1 to v3) are read upgraded in memory, as
`nbformat.read` does; the file is only rewritten when a command is asked to write it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.files import parse_json, read_bytes

CURRENT_NBFORMAT = 4
CELL_TYPES = ("code", "markdown", "raw")
# Deeper JSON than this is no notebook anyone wrote, and recursive tools (nbformat's
# validator, jupytext, deepcopy) would overflow the stack on it.
MAX_DEPTH = 100


def read_notebook_json(path: Path) -> dict[str, Any]:
    """Parse an `.ipynb` as plain JSON and check it has the shape of a v4 notebook.

    Cheap (nbformat is imported only to upgrade a v1-v3 notebook): for `check` and the
    other read-only paths. BadInputError (exit 2) with a one-line reason otherwise.
    """
    return notebook_from_json(parse_json(read_bytes(path), path, "notebook"), path)


def notebook_from_json(data: Any, source: object) -> dict[str, Any]:
    """`data` as a v4 notebook dict (upgraded in memory when older); BadInputError if not."""
    if not isinstance(data, dict):
        raise BadInputError.invalid(source, "not a notebook: the top level is not a JSON object")
    version = data.get("nbformat")
    if version is None:
        if "cells" in data or "worksheets" in data:
            raise BadInputError.invalid(
                source, 'the notebook format version is missing (no "nbformat" field)'
            )
        raise BadInputError.invalid(source, "not a notebook: no list of cells")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BadInputError.invalid(
            source, f"nbformat {version!r} is not a format version (a whole number, such as 4)"
        )
    if version > CURRENT_NBFORMAT:
        raise BadInputError.invalid(
            source,
            f"notebook format v{version} is newer than the v{CURRENT_NBFORMAT} this version "
            "of jupyter-repro reads; upgrade jupyter-repro",
        )
    if version < CURRENT_NBFORMAT:
        data = _upgraded(data, version, source)
    problem = notebook_problem(data)
    if problem is not None:
        raise BadInputError.invalid(source, f"invalid notebook: {problem}")
    if nesting_exceeds(data, MAX_DEPTH):
        raise BadInputError.invalid(
            source, f"invalid notebook: JSON nested more than {MAX_DEPTH} levels deep"
        )
    notebook: dict[str, Any] = data
    return notebook


def nesting_exceeds(data: Any, limit: int) -> bool:
    """True when objects and arrays nest deeper than `limit` (no recursion of our own)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend(
                (item, depth + 1) for item in value.values() if isinstance(item, (dict, list))
            )
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


def notebook_problem(data: Mapping[str, Any]) -> str | None:
    """The first reason `data` is not shaped like a v4 notebook, or None.

    Cells are counted from 1, as JupyterLab's status bar does.
    """
    cells = data.get("cells")
    if not isinstance(cells, list):
        return "no list of cells"
    if not isinstance(data.get("metadata", {}), dict):
        return "its metadata is not an object"
    minor = data.get("nbformat_minor", 0)
    if not isinstance(minor, int) or isinstance(minor, bool):
        return f"nbformat_minor {minor!r} is not a whole number"
    for number, cell in enumerate(cells, start=1):
        problem = _cell_problem(cell)
        if problem is not None:
            return f"cell {number} {problem}"
    return None


def _cell_problem(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return f"is not an object but {type(cell).__name__}"
    kind = cell.get("cell_type")
    if kind not in CELL_TYPES:
        return f"has cell_type {kind!r}; expected one of {', '.join(CELL_TYPES)}"
    if not _is_text(cell.get("source", "")):
        return "has a source that is not text"
    if not isinstance(cell.get("metadata", {}), dict):
        return "has metadata that is not an object"
    if kind == "code":
        count = cell.get("execution_count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            return f"has execution_count {count!r}; expected a whole number or null"
        outputs = cell.get("outputs", [])
        if not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs):
            return "has outputs that are not a list of objects"
    return None


def _is_text(source: Any) -> bool:
    return isinstance(source, str) or (
        isinstance(source, list) and all(isinstance(part, str) for part in source)
    )


def _upgraded(data: dict[str, Any], version: int, source: object) -> dict[str, Any]:
    """A v1-v3 notebook converted to v4 in memory by nbformat, with stable cell ids."""
    import nbformat

    too_old = (
        f"notebook format v{version} is too old and could not be upgraded; convert it "
        "with `jupyter nbconvert --to notebook --inplace` and try again"
    )
    if version < 1 or not _old_shape(data, version):
        raise BadInputError.invalid(source, too_old)
    try:
        node = nbformat.converter.convert(nbformat.from_dict(data), CURRENT_NBFORMAT)  # type: ignore[no-untyped-call]
    except (nbformat.ValidationError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        # nbformat validates the old notebook, then its converters index into the old
        # structure without checking its shape.
        raise BadInputError.invalid(source, too_old) from None
    upgraded: dict[str, Any] = _plain(node)
    for index, cell in enumerate(upgraded.get("cells", [])):
        if isinstance(cell, dict):
            cell["id"] = f"cell-{index}"  # converters draw random ids: keep locks stable
    return upgraded


def _old_shape(data: Mapping[str, Any], version: int) -> bool:
    """What the v1-v3 converters index into without checking: cells (v1) or worksheets."""
    if version == 1:
        return _list_of_objects(data.get("cells"))
    worksheets = data.get("worksheets")
    if not isinstance(worksheets, list) or not _list_of_objects(worksheets):
        return False
    return all(_list_of_objects(sheet.get("cells", [])) for sheet in worksheets)


def _list_of_objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _plain(value: Any) -> Any:
    """NotebookNode trees as plain dicts and lists (what a JSON parse gives)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


def read_notebook(path: Path) -> Any:
    """Read and validate with nbformat: an `nbformat.NotebookNode` (v4).

    Multi-line strings are joined, as `nbformat.read` gives them.
    """
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    data = read_notebook_json(path)
    try:
        notebook = nbformat.from_dict(data)  # type: ignore[no-untyped-call]
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise BadInputError.invalid(path, f"invalid notebook: {reason}") from None
    return rejoin_lines(notebook)  # type: ignore[no-untyped-call]
