"""Static names of a cell: what it defines, what it reads, what it imports.

Pure and cheap: one `ast.parse` and one walk per distinct source (cached), IPython syntax
translated by `jupyter_repro.core.ipython_syntax` without importing IPython. The same walk
collects the facts other rules need (string literals, calls, import aliases) so a notebook
is parsed once whatever the number of rules.

Scoping follows Python at notebook (module) level, in source order:
- `uses` are names read before the cell binds them, minus builtins and IPython's own names;
  names read inside function and lambda bodies run later and are reported in `deferred`;
- `defines` are names bound at module level: assignments, imports, `def`/`class` names,
  loop and `with` targets, walrus targets, and names a function declares `global`;
- comprehension targets, `except ... as e` names, parameters and class-body names are
  local to their scope and neither defined nor used; names bound in a `%%timeit` body are
  local to it;
- after `from m import *`, `%pylab` or `%run` any unknown name may be defined: the rest
  of the cell reads no `uses`.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from functools import lru_cache

from jupyter_repro.core.ipython_syntax import translate
from jupyter_repro.core.scope_walk import (
    BUILTIN_NAMES,
    IPYTHON_NAMES,
    Analyzer,
    Call,
    StringLiteral,
    dotted,
    is_builtin,
)

__all__ = [
    "BUILTIN_NAMES",
    "IPYTHON_NAMES",
    "Call",
    "CellNames",
    "CellScan",
    "StringLiteral",
    "analyze_cell",
    "dotted",
    "is_builtin",
    "scan_cell",
]


@dataclass(frozen=True)
class CellNames:
    defines: frozenset[str]
    uses: frozenset[str]
    imports: frozenset[str]
    magics_ok: bool = True
    parse_ok: bool = True
    deferred: frozenset[str] = frozenset()
    # The cell may bind names no static analysis sees: `%run`, `from m import *`, `exec`.
    opaque: bool = False
    # Names the cell deletes (`del x`) and does not bind again: gone for the cells below.
    deletes: frozenset[str] = frozenset()
    # Modules imported only inside `try: ... except ImportError:`: the cell runs without them.
    optional_imports: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CellScan:
    names: CellNames
    # String literals that could be paths: starting with `/`, `~`, `\\` or a drive letter.
    strings: tuple[StringLiteral, ...]
    calls: tuple[Call, ...]
    # local name -> what it refers to: `np` -> "numpy", `shuffle` -> "random.shuffle".
    aliases: tuple[tuple[str, str], ...]
    shell_lines: frozenset[int]
    # Names read inside arguments of calls that take a path: `open(DATA_FILE)`.
    path_names: frozenset[str] = frozenset()
    # `csv_file = f"{BASE}/raw.csv"` -> ("csv_file", {"BASE"}): how values flow into names.
    name_sources: tuple[tuple[str, frozenset[str]], ...] = ()


_EMPTY = frozenset[str]()


def _parse(code: str) -> ast.Module:
    try:
        return ast.parse(code)
    except IndentationError:
        # IPython strips the indentation of a cell whose first line is indented.
        return ast.parse(textwrap.dedent(code))


@lru_cache(maxsize=8192)
def scan_cell(source: str) -> CellScan:
    """Everything the rules need from a code cell's source. Never raises."""
    translation = translate(source)
    try:
        tree = _parse(translation.code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        names = CellNames(
            _EMPTY, _EMPTY, _EMPTY, translation.magics_ok, False, _EMPTY, translation.opaque
        )
        return CellScan(names, (), (), (), frozenset(translation.shell_lines))
    analyzer = Analyzer(translation.scoped_lines, frozenset(translation.blind_lines))
    try:
        analyzer.statements(tree.body, ())
    except RecursionError:
        names = CellNames(_EMPTY, _EMPTY, _EMPTY, translation.magics_ok, False, _EMPTY, True)
        return CellScan(names, (), (), (), frozenset(translation.shell_lines))
    names = CellNames(
        defines=frozenset(analyzer.defines),
        uses=frozenset(analyzer.uses),
        imports=frozenset(analyzer.imports),
        magics_ok=translation.magics_ok,
        parse_ok=True,
        deferred=frozenset(analyzer.deferred - analyzer.defines),
        opaque=translation.opaque or analyzer.opaque,
        deletes=frozenset(analyzer.deleted),
        optional_imports=frozenset(analyzer.optional_imports - analyzer.required_imports),
    )
    return CellScan(
        names,
        tuple(analyzer.strings),
        tuple(analyzer.calls),
        tuple(analyzer.aliases),
        frozenset(translation.shell_lines),
        frozenset(analyzer.path_names),
        tuple(analyzer.name_sources),
    )


def analyze_cell(source: str) -> CellNames:
    """Names a cell defines, uses and imports. Accepts IPython syntax; never raises."""
    return scan_cell(source).names
