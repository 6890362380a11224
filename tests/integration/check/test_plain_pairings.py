"""The pairings answered without jupytext are answered as jupytext answers them."""

from __future__ import annotations

import itertools
from pathlib import Path

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.pairpaths import _jupytext_paired_files, _plain_paired_files

FORMATS = (
    "ipynb", ".ipynb", "ipynb:", "py", "py:percent", ".py:light", "py:", "R:percent", "r",
    "jl:hydrogen", "py:nomarker", "md", "auto:percent", "py:sphinx", "", " py:percent",
)  # fmt: skip


def test_every_plain_answer_is_jupytexts() -> None:
    compared = 0
    for count in (1, 2, 3):
        for tokens in itertools.permutations(FORMATS, count):
            formats = ",".join(tokens)
            for notebook in (Path("/project/a.b.ipynb"), Path("/project/analysis.ipynb")):
                plain = _plain_paired_files(notebook, formats)
                if plain is None:
                    continue  # jupytext's to answer
                compared += 1
                try:
                    assert _jupytext_paired_files(notebook, formats, {}) == plain, formats
                except BadInputError as exc:
                    raise AssertionError(f"{formats!r}: jupytext refuses it: {exc}") from None
    assert compared > 100  # the common pairings are among them


def test_the_common_pairing_is_plain() -> None:
    notebook = Path("/project/analysis.ipynb")
    assert _plain_paired_files(notebook, "ipynb,py:percent") == [("analysis.py", "py:percent")]
    assert _plain_paired_files(notebook, "notebooks//ipynb,scripts//py:percent") is None
