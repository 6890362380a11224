"""Rules and helpers on plain data, without files."""

from __future__ import annotations

import pytest

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.rules import Cell, Evidence, run_rules
from jupyter_repro.core.rules.paths import looks_like_absolute_path
from jupyter_repro.core.suppress import apply_suppressions, suppressed_rules, unknown_rules


def _evidence(*cells: tuple[str, int | None], language: str = "python") -> Evidence:
    return Evidence(
        path="nb.ipynb",
        language=language,
        cells=tuple(Cell(i, "code", source, count) for i, (source, count) in enumerate(cells)),
    )


@pytest.mark.parametrize(
    "text",
    [
        "/home/alice/data.csv",
        "/data.parquet",
        "/mnt/shared/raw/",
        "~/Downloads/x.txt",
        "C:\\Users\\bob\\data.xlsx",
        "D:/work/file.csv",
        "\\\\server\\share\\x.csv",
        "/Users/John Smith/data.csv",
    ],
)
def test_absolute_and_home_paths_are_recognised(text: str) -> None:
    assert looks_like_absolute_path(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org/a/b.csv",
        "/dev/null",
        "/tmp/scratch.csv",
        "/",
        "/api",
        "a/b/c.csv",
        "3/4",
        "/items/{id}",
        "/data/*.csv",
        "line one\n/home/x/y",
        "^/[a-z]+$",
        "~",
        "/ is the root",
        "s3://bucket/key.csv",
    ],
)
def test_look_alikes_are_not_paths(text: str) -> None:
    assert not looks_like_absolute_path(text)


def test_a_clean_run_has_no_order_findings() -> None:
    evidence = _evidence(("a = 1", 1), ("b = a", 2), ("", None), ("print(b)", 3))
    assert run_rules(evidence, ReproConfig()) == []


def test_a_run_stopped_by_an_error_leaves_cells_below_unrun_without_findings() -> None:
    evidence = _evidence(("a = 1", 1), ("raise SystemExit", 2), ("b = a", None))
    assert run_rules(evidence, ReproConfig()) == []


def test_static_rules_are_skipped_for_other_languages() -> None:
    evidence = _evidence(("x <- read.csv('/home/a/b.csv')", 1), ("print(y)", 2), language="R")
    assert run_rules(evidence, ReproConfig()) == []


def test_disabled_rules_are_not_reported() -> None:
    evidence = _evidence(("print(x)", 2), ("x = 1", 1))
    config = ReproConfig(select=("out-of-order",))
    assert [f.rule for f in run_rules(evidence, config)] == ["out-of-order"]


def test_seed_in_configuration_means_the_kernel_seeds_every_generator() -> None:
    evidence = _evidence(("import random\nrandom.random()", None))
    assert [f.rule for f in run_rules(evidence, ReproConfig())] == ["unseeded-random"]
    assert run_rules(evidence, ReproConfig(seed=0)) == []


def test_a_seed_set_later_in_the_same_cell_does_not_cover_an_earlier_draw() -> None:
    evidence = _evidence(("import random\nrandom.random()\nrandom.seed(1)", None))
    assert [f.rule for f in run_rules(evidence, ReproConfig())] == ["unseeded-random"]


def test_suppression_tags_and_comments() -> None:
    assert suppressed_rules("x = 1", ["repro-ignore"]) == {"*"}
    assert suppressed_rules("x = 1", ["repro-ignore:hidden-state", "other"]) == {"hidden-state"}
    assert suppressed_rules("x  # repro: ignore[hidden-state, absolute-path]", []) == {
        "hidden-state",
        "absolute-path",
    }
    assert suppressed_rules("x  # repro: ignore", []) == {"*"}
    assert unknown_rules({"hidden-stat", "*", "no-lock"}) == ["hidden-stat"]


def test_notebook_level_findings_are_not_suppressed_by_a_cell() -> None:
    findings = [Finding("no-lock", None, "warning", "m"), Finding("hidden-state", 0, "error", "m")]
    kept = apply_suppressions(findings, {0: frozenset({"*"})})
    assert [f.rule for f in kept] == ["no-lock"]


def test_a_name_used_before_its_own_cell_defines_it_is_hidden_state() -> None:
    findings = run_rules(_evidence(("print(x)\nx = 1", 1)), ReproConfig())
    assert [f.rule for f in findings] == ["hidden-state"]
    assert "before this cell defines it" in findings[0].message


def test_shell_exit_code_is_an_ipython_name() -> None:
    assert run_rules(_evidence(("!ls\nprint(_exit_code)", 1)), ReproConfig()) == []


def test_a_name_deleted_by_a_cell_above_is_hidden_state_below() -> None:
    evidence = _evidence(("x = 1", 1), ("del x", 2), ("print(x)", 3))
    assert [(f.rule, f.cell) for f in run_rules(evidence, ReproConfig())] == [("hidden-state", 2)]


def test_a_name_deleted_and_bound_again_stays_defined() -> None:
    evidence = _evidence(("x = 1", 1), ("del x\nx = 2", 2), ("print(x)", 3))
    assert run_rules(evidence, ReproConfig()) == []


def test_a_module_the_notebook_writes_itself_is_not_a_dependency() -> None:
    evidence = Evidence(
        path="nb.ipynb",
        declared=frozenset(),
        cells=(
            Cell(0, "code", "%%writefile helpers.py\ndef f():\n    return 1\n", 1),
            Cell(1, "code", "import helpers\nimport requests", 2),
        ),
    )
    findings = run_rules(evidence, ReproConfig())
    assert [(f.rule, f.cell) for f in findings] == [("undeclared-dependency", 1)]
    assert "requests" in findings[0].message
