"""Run cache keys and entries, which runs may be cached, metrics, and two runs compared."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from jupyter_repro.core.runcache import (
    CACHE_FORMAT,
    CacheEntry,
    KeyParts,
    normalized_code,
    not_cacheable,
)
from jupyter_repro.core.runrecord import RunRecord, compare_records, metrics_from_cells

PARTS = KeyParts(
    code="blake3:code",
    inputs={"raw.csv": "blake3:raw"},
    parameters={"alpha": "0.5"},
    seed=1,
    kernel="python3",
    environment="blake3:env",
)


def code(
    source: str, tags: tuple[str, ...] = (), outputs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "source": source,
        "metadata": {"tags": list(tags)},
        "outputs": outputs or [],
    }


def test_a_key_changes_with_every_part_it_names() -> None:
    variants = [
        replace(PARTS, code="blake3:other"),
        replace(PARTS, inputs={"raw.csv": "blake3:new"}),
        replace(PARTS, inputs={"raw.csv": "blake3:raw", "more.csv": "blake3:m"}),
        replace(PARTS, parameters={"alpha": "0.6"}),
        replace(PARTS, seed=2),
        replace(PARTS, kernel="ir"),
        replace(PARTS, environment="blake3:env2"),
    ]
    keys = {PARTS.key(), *(v.key() for v in variants)}
    assert len(keys) == len(variants) + 1


def test_an_input_without_a_hash_cannot_be_keyed() -> None:
    assert replace(PARTS, inputs={"raw.csv": None}).key() is None


def test_normalized_code_ignores_trailing_whitespace_blank_cells_and_markdown() -> None:
    plain = [code("x = 1\ny = 2")]
    noisy = [code("x = 1   \ny = 2\n\n"), code("   "), {"cell_type": "markdown", "source": "hi"}]
    assert normalized_code(plain) == normalized_code(noisy)
    assert normalized_code(plain) != normalized_code([code("x = 2\ny = 2")])


def why_not(
    *,
    succeeded: bool = True,
    tracking_complete: bool = True,
    unattributed: Sequence[str] = (),
    unseeded_random: bool = False,
) -> str | None:
    return not_cacheable(
        succeeded=succeeded,
        tracking_complete=tracking_complete,
        unattributed=unattributed,
        unseeded_random=unseeded_random,
        outputs_hashed=True,
    )


def test_failed_unattributed_incomplete_or_unseeded_runs_are_not_cacheable() -> None:
    assert why_not() is None
    assert why_not(succeeded=False) == "the run failed"
    assert "could not be attributed" in str(why_not(unattributed=["cell 2: pyarrow read"]))
    assert why_not(tracking_complete=False) == "tracking was incomplete"
    assert "no seed" in str(why_not(unseeded_random=True))


def test_an_entry_of_another_format_or_malformed_is_a_miss() -> None:
    entry = CacheEntry("blake3:k", "a.ipynb", {"x": "blake3:x"}, "blake3:nb", "blake3:lock")
    assert CacheEntry.from_json(entry.to_json()) == entry
    assert CacheEntry.from_json({**entry.to_json(), "format": CACHE_FORMAT + 1}) is None
    assert CacheEntry.from_json({"format": CACHE_FORMAT, "key": "k"}) is None


def test_metrics_come_from_the_tagged_cells_last_expression_and_from_glued_scalars() -> None:
    tagged = code(
        "{'r2': r2}",
        ("repro-metrics",),
        [
            {
                "output_type": "execute_result",
                "data": {"text/plain": "{'r2': 0.9, 'name': 'x', 'n': 12, 'flag': True}"},
            }
        ],
    )
    glued = code(
        "sb.glue('loss', 0.25)",
        outputs=[
            {
                "output_type": "display_data",
                "data": {"application/scrapbook.scrap.json+json": {"name": "loss", "data": 0.25}},
            }
        ],
    )
    untagged = code(
        "{'r2': 1}",
        outputs=[{"output_type": "execute_result", "data": {"text/plain": "{'r2': 1}"}}],
    )
    assert metrics_from_cells([tagged, glued, untagged]) == {"loss": 0.25, "n": 12, "r2": 0.9}


def test_comparing_two_runs_lists_what_differs_by_section() -> None:
    a = RunRecord(
        id="1",
        notebook="model.ipynb",
        command="repro",
        verdict="ok",
        started="",
        seconds=1.0,
        git_commit="c1",
        parameters={"alpha": 0.5},
        seed=None,
        inputs={"clean.csv": "blake3:a"},
        outputs={"model.json": "blake3:m"},
        environment_hash="blake3:e",
        environment={"python": "3.11.7", "numpy": "2.4.6"},
        metrics={"r2": 0.9},
    )
    b = replace(
        a,
        id="2",
        parameters={"alpha": 0.7},
        environment_hash="blake3:f",
        environment={"python": "3.11.7", "numpy": "2.5.0"},
        metrics={"r2": 0.8},
    )
    found = [(d.section, d.name, d.left, d.right) for d in compare_records(a, b)]
    assert found == [
        ("parameters", "alpha", 0.5, 0.7),
        ("environment", "numpy", "2.4.6", "2.5.0"),
        ("metrics", "r2", 0.9, 0.8),
    ]
    assert compare_records(a, replace(a, id="3")) == []
    assert RunRecord.from_json(a.to_json()) == a
