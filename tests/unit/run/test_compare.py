"""Cell-by-cell comparison of a rerun with the recorded outputs."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

from jupyter_repro.core.compare import compare_notebooks, verdict_of
from jupyter_repro.core.normalize import NormalizerSet
from jupyter_repro.integrations.images import images_match
from tests.support.run_projects import code, markdown, result, stdout

NORMALIZERS = NormalizerSet()


def test_identical_outputs_are_same_and_the_verdict_is_reproduced() -> None:
    reference = [markdown("# t"), code("print(1)", [stdout("1\n")], 1)]
    rerun = [markdown("# t"), code("print(1)", [stdout("1\n")], 1)]
    cells = compare_notebooks(reference, rerun, NORMALIZERS)
    assert [(c.cell, c.status) for c in cells] == [(1, "same")]
    assert verdict_of(cells, failed=False) == "reproduced"


def test_a_changed_output_differs_with_a_readable_diff() -> None:
    cells = compare_notebooks(
        [code("x", [result("41", 1)], 1)], [code("x", [result("42", 1)], 1)], NORMALIZERS
    )
    assert cells[0].status == "differs"
    assert "-41" in (cells[0].diff or "") and "+42" in (cells[0].diff or "")
    assert verdict_of(cells, failed=False) == "not-reproduced"


def test_streams_are_coalesced_before_comparison() -> None:
    recorded = [stdout("a\n"), stdout("b\n")]
    rerun = [stdout("a\nb\n")]
    assert (
        compare_notebooks([code("p", recorded, 1)], [code("p", rerun, 1)], NORMALIZERS)[0].status
        == "same"
    )


def test_a_reference_cell_that_never_ran_sets_no_expectation() -> None:
    cells = compare_notebooks(
        [code("print(2)")], [code("print(2)", [stdout("2\n")], 1)], NORMALIZERS
    )
    assert cells[0].status == "not-run"
    assert verdict_of(cells, failed=False) == "nothing-to-compare"


@pytest.mark.parametrize("tag", ["repro-ignore-output", "nbval-ignore-output"])
def test_an_opt_out_tag_ignores_the_cell_output(tag: str) -> None:
    cells = compare_notebooks(
        [code("r()", [stdout("0.1\n")], 1, tags=[tag])],
        [code("r()", [stdout("0.9\n")], 1)],
        NORMALIZERS,
    )
    assert cells[0].status == "same" and cells[0].ignored


def test_an_error_in_the_rerun_is_reported_as_error() -> None:
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'a'", "traceback": []}
    cells = compare_notebooks(
        [code("d['a']", [result("1", 1)], 1)], [code("d['a']", [error], 1)], NORMALIZERS
    )
    assert cells[0].status == "error" and "KeyError" in (cells[0].diff or "")


def test_addresses_and_timestamps_do_not_make_a_cell_differ() -> None:
    recorded = [stdout("<M object at 0x7f00aa11bb22> 2024-01-01 10:00:00.5\n")]
    rerun = [stdout("<M object at 0x7fffcc33dd44> 2026-11-23 15:00:00.1\n")]
    assert (
        compare_notebooks([code("p", recorded, 1)], [code("p", rerun, 1)], NORMALIZERS)[0].status
        == "same"
    )


def test_cells_injected_by_papermill_are_skipped_when_pairing_cells() -> None:
    reference = [code("a = 1", [], 1, tags=["parameters"]), code("print(a)", [stdout("1\n")], 2)]
    rerun = [
        code("a = 1", [], 1, tags=["parameters"]),
        code("a = 2", [], 2, tags=["injected-parameters"]),
        code("print(a)", [stdout("2\n")], 3),
    ]
    for cell, twin in zip(reference, (rerun[0], rerun[2]), strict=True):
        twin["id"] = cell["id"]
    cells = compare_notebooks(reference, rerun, NORMALIZERS)
    assert [(c.cell, c.status) for c in cells] == [(0, "same"), (1, "differs")]


def _png(pixels: list[tuple[int, int, int]], comment: str) -> str:
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (len(pixels), 1))
    image.putdata(pixels)
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", comment)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return base64.b64encode(buffer.getvalue()).decode()


def _image(data: str) -> list[dict[str, Any]]:
    return [{"output_type": "display_data", "data": {"image/png": data}, "metadata": {}}]


def test_images_are_compared_by_pixels_not_bytes() -> None:
    same_a = _png([(10, 20, 30), (200, 200, 200)], "renderer 1.0")
    same_b = _png([(10, 20, 30), (200, 200, 200)], "renderer 2.0, another day")
    other = _png([(250, 0, 0), (0, 0, 0)], "renderer 1.0")
    assert same_a != same_b
    assert images_match(same_a, same_b) and not images_match(same_a, other)
    cells = compare_notebooks(
        [code("plot()", _image(same_a), 1)],
        [code("plot()", _image(same_b), 1)],
        NORMALIZERS,
        images_match,
    )
    assert cells[0].status == "same"
    cells = compare_notebooks(
        [code("plot()", _image(same_a), 1)],
        [code("plot()", _image(other), 1)],
        NORMALIZERS,
        images_match,
    )
    assert cells[0].status == "differs"
