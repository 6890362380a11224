"""The HTML verification report, rendered by nbconvert with a template of ours.

The rerun notebook is exported with nbconvert's HTMLExporter so outputs look as they do
in Jupyter (images embedded); the template adds the verdict, the inputs and environment
tables, and under each cell its status, likely causes and the recorded and rerun outputs
side by side. No script or style is fetched from the network.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

from jupyter_repro.core.compare import CellComparison, Verification, output_items
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.normalize import NormalizerSet
from jupyter_repro.io.atomic import write_text_atomic

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "repro"


def _rendered(outputs: list[Any], normalizers: NormalizerSet) -> str:
    return "\n".join(
        line for item in output_items(outputs, normalizers) for line in item.render_raw()
    )


def _counts(cells: tuple[CellComparison, ...]) -> str:
    counts = Counter(c.status for c in cells)
    parts = [f"{counts[s]} {s}" for s in ("same", "differs", "error", "not-run") if counts[s]]
    return f"{len(cells)} code cells: " + (", ".join(parts) or "none")


def annotated_notebook(
    verification: Verification, reference: Any, rerun: Any, normalizers: NormalizerSet
) -> Any:
    """A copy of the reference notebook with the rerun's outputs and each cell's comparison
    in its metadata (the template reads it from there)."""
    notebook = copy.deepcopy(reference)
    rerun_cells = {c.get("id"): c for c in rerun.cells if c.get("id")}
    for comparison in verification.cells:
        cell = notebook.cells[comparison.cell]
        recorded = cell.get("outputs", [])
        fresh = rerun_cells.get(cell.get("id"))
        if fresh is None and comparison.cell < len(rerun.cells):
            fresh = rerun.cells[comparison.cell]
        produced = fresh.get("outputs", []) if fresh is not None else []
        cell.outputs = produced
        cell.metadata["jupyter_repro_verify"] = {
            **comparison.to_json(),
            "causes": list(comparison.causes),
            "recorded": _rendered(recorded, normalizers),
            "rerun": _rendered(produced, normalizers),
        }
    return notebook


def render_report(
    verification: Verification, reference: Any, rerun: Any, normalizers: NormalizerSet
) -> str:
    from nbconvert import HTMLExporter

    notebook = annotated_notebook(verification, reference, rerun, normalizers)
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES)]
    )
    summary = {
        **verification.to_json(),
        "failure": verification.failure,
        "notes": list(verification.notes),
        "counts": _counts(verification.cells),
    }
    body, _ = exporter.from_notebook_node(
        notebook, resources={"repro": summary, "metadata": {"name": verification.path}}
    )
    return str(body)


def write_report(
    path: Path, verification: Verification, reference: Any, rerun: Any, normalizers: NormalizerSet
) -> None:
    html = render_report(verification, reference, rerun, normalizers)
    try:
        write_text_atomic(path, html)
    except OSError as exc:
        raise BadInputError.unreadable(path, f"cannot write the report: {exc.strerror}") from None
