"""What `verify` says about a rerun: verdicts, causes, normalizers and diffs people can read."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import nbformat

from jupyter_repro.core.causes import attach_causes
from jupyter_repro.core.compare import CellComparison, compare_notebooks, verdict_of
from jupyter_repro.core.normalize import NormalizerSet
from tests.support.run_projects import code, result, stdout

NORMALIZERS = NormalizerSet()


def _differs(cell: int) -> list[CellComparison]:
    return [CellComparison(cell, "differs", "-a\n+b")]


# 9. nothing to compare ------------------------------------------------------------------
def test_a_notebook_without_recorded_outputs_has_nothing_to_compare() -> None:
    cells = compare_notebooks(
        [code("print(1)"), code("x = 2")],
        [code("print(1)", [stdout("1\n")], 1), code("x = 2", [], 2)],
        NORMALIZERS,
    )
    assert verdict_of(cells, failed=False) == "nothing-to-compare"
    assert verdict_of(cells, failed=True) == "failed"


# 11. normalizers and causes ---------------------------------------------------------------
def test_timeit_and_time_output_is_masked() -> None:
    first = (
        "10.2 µs ± 1.13 µs per loop (mean ± std. dev. of 7 runs, 100,000 loops each)\n"
        "CPU times: user 1.21 s, sys: 8.02 ms, total: 1.22 s\nWall time: 1.23 s\n"
    )
    second = (
        "9.87 µs ± 312 ns per loop (mean ± std. dev. of 7 runs, 100000 loops each)\n"
        "CPU times: user 998 ms, sys: 0 ns, total: 998 ms\nWall time: 1 s\n"
    )
    assert NORMALIZERS.apply(first) == NORMALIZERS.apply(second)
    assert "timings" in NORMALIZERS.names()
    # IPython prints the micro sign or the Greek mu, depending on its version.
    greek = "699 \u03bcs ± 178 \u03bcs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)"
    assert NORMALIZERS.apply(greek) == NORMALIZERS.apply(first.splitlines()[0])


def test_ipykernel_temporary_file_names_are_masked() -> None:
    first = "/tmp/ipykernel_6033/2634842825.py:5: RuntimeWarning: divide by zero\n"
    second = "/tmp/ipykernel_6116/1093847561.py:5: RuntimeWarning: divide by zero\n"
    assert NORMALIZERS.apply(first) == NORMALIZERS.apply(second)
    assert ":5: RuntimeWarning" in NORMALIZERS.apply(first)


def test_timing_output_is_not_blamed_on_randomness() -> None:
    sources = ["import numpy as np", "%timeit np.random.rand(100)"]
    assert attach_causes(_differs(1), sources)[0].causes == (
        "timing output of %timeit or %time (masked by the `timings` normalizer)",
    )


def test_draws_from_an_unseeded_generator_name_the_cell_that_made_it() -> None:
    sources = ["import numpy as np", "rng = np.random.default_rng()", "print(rng.normal(size=3))"]
    assert attach_causes(_differs(2), sources)[0].causes == (
        "unseeded generator `rng` made in cell 2 (np.random.default_rng())",
    )


def test_a_seeded_generator_is_not_blamed() -> None:
    sources = ["import numpy as np", "rng = np.random.default_rng(42)", "print(rng.normal())"]
    assert attach_causes(_differs(2), sources)[0].causes == ()


def test_input_causes_count_cells_from_one() -> None:
    inputs = [{"path": "data/a.csv", "status": "changed", "cells": [0]}]
    assert attach_causes(_differs(1), ["read()", "use()"], inputs)[0].causes == (
        "input data/a.csv changed (read by cell 1)",
    )


# 18. diffs people can read -----------------------------------------------------------------
def test_a_diff_shows_the_real_output_lines_not_their_normalized_form() -> None:
    recorded = [stdout("created at 2024-01-02 03:04:05\ntotal: 41\n")]
    rerun = [stdout("created at 2025-06-07 08:09:10\ntotal: 42\n")]
    cells = compare_notebooks([code("f()", recorded, 1)], [code("f()", rerun, 1)], NORMALIZERS)
    diff = cells[0].diff or ""
    assert "-total: 41" in diff and "+total: 42" in diff
    assert "<datetime>" not in diff
    assert "-created at" not in diff and "+created at" not in diff


def _png(width: int, height: int, pixels: list[tuple[int, int, int]]) -> str:
    rows = b"".join(
        b"\x00" + b"".join(bytes(p) for p in pixels[r * width : (r + 1) * width])
        for r in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    return base64.b64encode(raw + chunk(b"IEND", b"")).decode()


def _image(data: str) -> list[dict[str, Any]]:
    return [{"output_type": "display_data", "data": {"image/png": data}, "metadata": {}}]


def test_an_image_difference_is_shown_as_dimensions_and_share_of_pixels_changed() -> None:
    before = _png(2, 2, [(0, 0, 0)] * 4)
    after = _png(2, 2, [(0, 0, 0)] * 3 + [(255, 255, 255)])
    cells = compare_notebooks(
        [code("plot()", _image(before), 1)],
        [code("plot()", _image(after), 1)],
        NORMALIZERS,
        lambda a, b: a == b,
        lambda a, b: 0.25,
    )
    diff = cells[0].diff or ""
    assert "base64" not in diff
    assert "-[image/png 2x2]" in diff
    assert "+[image/png 2x2, 25% of pixels changed]" in diff


def test_an_image_of_another_size_says_both_sizes() -> None:
    cells = compare_notebooks(
        [code("plot()", _image(_png(2, 1, [(0, 0, 0)] * 2)), 1)],
        [code("plot()", _image(_png(1, 1, [(0, 0, 0)])), 1)],
        NORMALIZERS,
    )
    diff = cells[0].diff or ""
    assert "-[image/png 2x1]" in diff and "+[image/png 1x1]" in diff


def test_unchanged_text_is_not_reported_for_a_result() -> None:
    cells = compare_notebooks(
        [code("x", [result("41", 1)], 1)], [code("x", [result("42", 1)], 1)], NORMALIZERS
    )
    assert "-41" in (cells[0].diff or "") and "+42" in (cells[0].diff or "")
    assert nbformat  # the notebooks above are nbformat nodes
