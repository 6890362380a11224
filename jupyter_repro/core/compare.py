"""Cell-by-cell comparison of a rerun with the outputs a notebook recorded.

Pure: notebooks come in as nbformat v4 dictionaries, images are compared through a
callable the caller supplies (decoding PNGs needs heavy libraries), and the result is
data (`CellComparison`) that the verdict and the causes are built from.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jupyter_repro.core.normalize import NormalizerSet

CellStatus = Literal["same", "differs", "error", "not-run"]
ImageComparator = Callable[[str, str], bool]

IGNORE_OUTPUT_TAGS = frozenset({"repro-ignore-output", "nbval-ignore-output"})
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif")
# Preferred textual representation, most stable first.
TEXT_MIMES = ("text/plain", "text/markdown", "text/latex", "application/json", "text/html")
MAX_DIFF_LINES = 60


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else repr(value)


def _bytes_equal(left: str, right: str) -> bool:
    return "".join(left.split()) == "".join(right.split())


@dataclass(frozen=True)
class OutputItem:
    """One comparable piece of a cell's output: a stream, a representation, an error."""

    kind: str  # "stdout", "stderr", "text/plain", "image/png", "error", ...
    content: str

    def render(self) -> list[str]:
        if self.kind in IMAGE_MIMES:
            return [f"[{self.kind}, {len(self.content)} base64 characters]"]
        lines = self.content.splitlines() or [""]
        return [f"[{self.kind}]", *lines]


def output_items(
    outputs: Sequence[Mapping[str, Any]], normalizers: NormalizerSet
) -> list[OutputItem]:
    """A cell's outputs as normalized items; consecutive streams of one name are coalesced."""
    items: list[OutputItem] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = str(output.get("name", "stdout"))
            text = _text(output.get("text", ""))
            if items and items[-1].kind == name:
                text = items.pop().content + text
            items.append(OutputItem(name, text))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            images = [mime for mime in IMAGE_MIMES if mime in data]
            if images:
                items.append(OutputItem(images[0], _text(data[images[0]])))
                continue
            mime = next((m for m in TEXT_MIMES if m in data), None)
            mime = mime or next(iter(sorted(data)), None)
            if mime is not None:
                items.append(OutputItem(mime, _text(data[mime])))
        elif kind == "error":
            items.append(OutputItem("error", _error_text([output])))
    return [
        item if item.kind in IMAGE_MIMES else OutputItem(item.kind, normalizers.apply(item.content))
        for item in items
    ]


def _items_equal(left: OutputItem, right: OutputItem, images: ImageComparator) -> bool:
    if left.kind != right.kind:
        return False
    if left.kind in IMAGE_MIMES:
        return _bytes_equal(left.content, right.content) or images(left.content, right.content)
    return left.content == right.content


def outputs_equal(
    expected: Sequence[OutputItem], actual: Sequence[OutputItem], images: ImageComparator
) -> bool:
    return len(expected) == len(actual) and all(
        _items_equal(e, a, images) for e, a in zip(expected, actual, strict=True)
    )


def readable_diff(expected: Sequence[OutputItem], actual: Sequence[OutputItem]) -> str:
    """A unified diff of the normalized outputs, recorded (-) against rerun (+)."""
    before = [line for item in expected for line in item.render()]
    after = [line for item in actual for line in item.render()]
    lines = list(difflib.unified_diff(before, after, "recorded", "rerun", lineterm="", n=2))
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... {len(lines) - MAX_DIFF_LINES} more lines"]
    return "\n".join(lines)


@dataclass(frozen=True)
class CellComparison:
    cell: int
    status: CellStatus
    diff: str | None = None
    causes: tuple[str, ...] = ()
    ignored: bool = False
    nondeterministic: bool = False

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"cell": self.cell, "status": self.status, "diff": self.diff}
        if self.causes:
            result["causes"] = list(self.causes)
        if self.ignored:
            result["ignored"] = True
        if self.nondeterministic:
            result["nondeterministic"] = True
        return result


def _tags(cell: Mapping[str, Any]) -> frozenset[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return frozenset(tag for tag in tags if isinstance(tag, str))


def _has_error(outputs: Sequence[Mapping[str, Any]]) -> bool:
    return any(output.get("output_type") == "error" for output in outputs)


def _error_text(outputs: Sequence[Mapping[str, Any]]) -> str:
    for output in outputs:
        if output.get("output_type") == "error":
            return f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return ""


def compare_cell(
    index: int,
    expected: Mapping[str, Any],
    actual: Mapping[str, Any] | None,
    normalizers: NormalizerSet,
    images: ImageComparator,
) -> CellComparison:
    """Compare one code cell. A reference cell that never ran sets no expectation."""
    expected_outputs = expected.get("outputs", [])
    if expected.get("execution_count") is None and not expected_outputs:
        return CellComparison(index, "not-run")
    if actual is None:
        return CellComparison(index, "not-run", "the rerun stopped before this cell")
    actual_outputs = actual.get("outputs", [])
    if _has_error(actual_outputs) and not _has_error(expected_outputs):
        return CellComparison(index, "error", _error_text(actual_outputs))
    if _tags(expected) & IGNORE_OUTPUT_TAGS:
        return CellComparison(index, "same", ignored=True)
    before = output_items(expected_outputs, normalizers)
    after = output_items(actual_outputs, normalizers)
    if outputs_equal(before, after, images):
        return CellComparison(index, "same")
    return CellComparison(index, "differs", readable_diff(before, after))


@dataclass(frozen=True)
class CellPair:
    index: int
    expected: Mapping[str, Any]
    actual: Mapping[str, Any] | None


def pair_cells(
    reference: Sequence[Mapping[str, Any]], rerun: Sequence[Mapping[str, Any]]
) -> list[CellPair]:
    """Match the reference's code cells with the rerun's: by cell id, else by position.

    Cells papermill injected (`injected-parameters`) have no counterpart and are skipped.
    """
    rerun = [c for c in rerun if "injected-parameters" not in _tags(c)]
    by_id = {c["id"]: c for c in rerun if isinstance(c.get("id"), str)}
    pairs = []
    for index, cell in enumerate(reference):
        if cell.get("cell_type") != "code":
            continue
        match = by_id.get(cell["id"]) if isinstance(cell.get("id"), str) else None
        if match is None and index < len(rerun) and rerun[index].get("cell_type") == "code":
            match = rerun[index]
        pairs.append(CellPair(index, cell, match))
    return pairs


def compare_notebooks(
    reference: Sequence[Mapping[str, Any]],
    rerun: Sequence[Mapping[str, Any]],
    normalizers: NormalizerSet,
    images: ImageComparator = _bytes_equal,
) -> list[CellComparison]:
    return [
        compare_cell(p.index, p.expected, p.actual, normalizers, images)
        for p in pair_cells(reference, rerun)
    ]


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: the verdict and everything it was built from."""

    path: str
    verdict: Literal["reproduced", "not-reproduced", "failed"]
    cells: tuple[CellComparison, ...]
    inputs: tuple[Mapping[str, Any], ...] = ()
    environment: tuple[Mapping[str, Any], ...] = ()
    failure: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        return {"reproduced": 0, "not-reproduced": 1, "failed": 3}[self.verdict]

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "path": self.path,
            "verdict": self.verdict,
            "cells": [c.to_json() for c in self.cells],
            "inputs": [dict(i) for i in self.inputs],
            "environment": [dict(e) for e in self.environment],
        }
        if self.failure is not None:
            result["failure"] = self.failure
        if self.notes:
            result["notes"] = list(self.notes)
        return result


def verdict_of(
    cells: Sequence[CellComparison], failed: bool
) -> Literal["reproduced", "not-reproduced", "failed"]:
    if failed:
        return "failed"
    if any(c.status in ("differs", "error") for c in cells):
        return "not-reproduced"
    return "reproduced"
