"""The corpus: small notebooks, one or more per rule, with their expected findings beside them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jupyter_repro.cli.main import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NOTEBOOKS = sorted(CORPUS.glob("*.ipynb"))


def _expected(notebook: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(notebook.with_suffix(".expected.json").read_text())
    return data


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_each_corpus_notebook_gives_exactly_its_expected_findings(
    notebook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _expected(notebook)
    code = main(["check", "--format", "json", str(notebook)])
    report = json.loads(capsys.readouterr().out)["notebooks"][0]
    if expected.get("error"):
        assert code == 2
        assert report["error"] and "\n" not in report["error"]
        return
    found = Counter((f["rule"], f["cell"]) for f in report["findings"])
    wanted = Counter((f["rule"], f["cell"]) for f in expected["findings"])  # type: ignore[union-attr]
    assert found == wanted, json.dumps(report["findings"], indent=1)


def test_the_corpus_covers_every_static_rule_with_a_true_positive() -> None:
    covered = {f["rule"] for n in NOTEBOOKS for f in _expected(n).get("findings", [])}  # type: ignore[union-attr]
    static = {
        "out-of-order",
        "skipped-cell",
        "count-gap",
        "hidden-state",
        "absolute-path",
        "unseeded-random",
        "undeclared-dependency",
    }
    assert static <= covered


def test_the_whole_corpus_is_checked_in_one_call_despite_unreadable_notebooks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", "--format", "json", str(CORPUS)])
    reports = json.loads(capsys.readouterr().out)["notebooks"]
    assert code == 2
    assert {Path(r["path"]).name for r in reports} == {n.name for n in NOTEBOOKS}
    assert sum(1 for r in reports if r.get("error")) == 2
