"""Cell-by-cell comparison of a rerun with the outputs a notebook recorded.

Pure: notebooks come in as nbformat v4 dictionaries, images are compared through a
callable the caller supplies (decoding PNGs needs heavy libraries), and the result is
data (`CellComparison`) that the verdict and the causes are built from.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jupyter_repro.core.normalize import NormalizerSet

CellStatus = Literal["same", "differs", "error", "not-run"]
Verdict = Literal["reproduced", "not-reproduced", "failed", "nothing-to-compare"]
ImageComparator = Callable[[str, str], bool]
# The share of pixels (0 to 1) that differ between two images of one size, None if unknown.
PixelChange = Callable[[str, str], float | None]

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


def image_size(data: str) -> tuple[int, int] | None:
    """(width, height) of a base64 PNG or GIF from its header; None for other formats."""
    try:
        head = base64.b64decode("".join(data[:64].split())[:32] + "==", validate=False)
    except (binascii.Error, ValueError):
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    if head.startswith((b"GIF87a", b"GIF89a")) and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return int(width), int(height)
    return None


def _image_label(kind: str, data: str) -> str:
    size = image_size(data)
    return f"[{kind} {size[0]}x{size[1]}]" if size else f"[{kind}]"


@dataclass(frozen=True)
class OutputItem:
    """One comparable piece of a cell's output: a stream, a representation, an error.

    `content` is normalized (what is compared); `raw` is what the output said (what a
    diff shows).
    """

    kind: str  # "stdout", "stderr", "text/plain", "image/png", "error", ...
    content: str
    raw: str | None = None

    def render(self) -> list[str]:
        if self.kind in IMAGE_MIMES:
            return [_image_label(self.kind, self.content)]
        lines = self.content.splitlines() or [""]
        return [f"[{self.kind}]", *lines]

    def render_raw(self) -> list[str]:
        """The lines as the output showed them, when they match the normalized ones 1:1."""
        if self.kind in IMAGE_MIMES or self.raw is None:
            return self.render()
        lines = self.raw.splitlines() or [""]
        normalized = self.render()
        return [f"[{self.kind}]", *lines] if len(lines) == len(normalized) - 1 else normalized


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
        item
        if item.kind in IMAGE_MIMES
        else OutputItem(item.kind, normalizers.apply(item.content), item.content)
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


def _image_change(
    expected: Sequence[OutputItem], actual: Sequence[OutputItem], pixels: PixelChange | None
) -> dict[int, str]:
    """Rerun image items (by position) -> their label with the share of pixels changed."""
    labels = {}
    for position, (left, right) in enumerate(zip(expected, actual, strict=False)):
        if left.kind not in IMAGE_MIMES or right.kind != left.kind:
            continue
        size = image_size(right.content)
        if size is None or size != image_size(left.content):
            continue
        share = pixels(left.content, right.content) if pixels is not None else None
        changed = "pixels changed" if share is None else f"{share:.0%} of pixels changed"
        labels[position] = f"[{right.kind} {size[0]}x{size[1]}, {changed}]"
    return labels


def _lines(items: Sequence[OutputItem], labels: Mapping[int, str]) -> tuple[list[str], list[str]]:
    """(normalized lines, shown lines) of items, one for one."""
    compared: list[str] = []
    shown: list[str] = []
    for position, item in enumerate(items):
        normalized, raw = item.render(), item.render_raw()
        if position in labels:
            normalized = raw = [labels[position]]
        compared += normalized
        shown += raw
    return compared, shown


def readable_diff(
    expected: Sequence[OutputItem],
    actual: Sequence[OutputItem],
    pixels: PixelChange | None = None,
) -> str:
    """A unified diff, recorded (-) against rerun (+), of the outputs as they were printed:
    lines are matched on their normalized form, so only lines that differ after
    normalization show as changes, and they show as the output printed them."""
    before, before_shown = _lines(expected, {})
    after, after_shown = _lines(actual, _image_change(expected, actual, pixels))
    lines = ["--- recorded", "+++ rerun"]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for group in matcher.get_grouped_opcodes(2):
        first, last = group[0], group[-1]
        lines.append(
            f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [f" {line}" for line in after_shown[j1:j2]]
                continue
            lines += [f"-{line}" for line in before_shown[i1:i2]]
            lines += [f"+{line}" for line in after_shown[j1:j2]]
    if len(lines) == 2:
        return ""
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
    *,
    pixels: PixelChange | None = None,
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
    return CellComparison(index, "differs", readable_diff(before, after, pixels))


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
    pixels: PixelChange | None = None,
) -> list[CellComparison]:
    return [
        compare_cell(p.index, p.expected, p.actual, normalizers, images, pixels=pixels)
        for p in pair_cells(reference, rerun)
    ]


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: the verdict and everything it was built from."""

    path: str
    verdict: Verdict
    cells: tuple[CellComparison, ...]
    inputs: tuple[Mapping[str, Any], ...] = ()
    environment: tuple[Mapping[str, Any], ...] = ()
    failure: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        # Nothing compared proves nothing: a gate must not pass on it.
        return {"reproduced": 0, "not-reproduced": 1, "nothing-to-compare": 1, "failed": 3}[
            self.verdict
        ]

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


def verdict_of(cells: Sequence[CellComparison], failed: bool) -> Verdict:
    if failed:
        return "failed"
    if any(c.status in ("differs", "error") for c in cells):
        return "not-reproduced"
    if all(c.status == "not-run" for c in cells):
        return "nothing-to-compare"  # no code cell recorded an output to compare with
    return "reproduced"
