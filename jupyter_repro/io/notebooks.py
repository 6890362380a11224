"""Reading notebooks from disk with errors a user can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.files import parse_json, read_bytes

MIN_NBFORMAT = 4


def read_notebook_json(path: Path) -> dict[str, Any]:
    """Parse an `.ipynb` as plain JSON and check it is a v4 notebook.

    Cheap (no nbformat import): for `check` and other read-only paths.
    """
    data = parse_json(read_bytes(path), path, "notebook")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        if isinstance(data, dict) and isinstance(data.get("worksheets"), list):
            raise BadInputError.invalid(path, _old_format_message(data))
        raise BadInputError.invalid(path, "not a notebook: no list of cells")
    major = data.get("nbformat")
    if not isinstance(major, int) or major < MIN_NBFORMAT:
        raise BadInputError.invalid(path, _old_format_message(data))
    return data


def _old_format_message(data: dict[str, Any]) -> str:
    version = data.get("nbformat", "unknown")
    return (
        f"notebook format v{version} is too old; convert it with "
        "`jupyter nbconvert --to notebook --inplace` and try again"
    )


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
