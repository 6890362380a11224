"""Every binding form of the Python grammar, as the scope walker must see it at notebook level.

Each case is a cell: `defines` are the names it leaves bound for the cells below, `uses`
the names it reads before binding them (what `hidden-state` asks earlier cells for).
"""

from __future__ import annotations

import pytest

from jupyter_repro.core.names import analyze_cell

CASES = {
    "plain assignment": ("a = 1", {"a"}, set()),
    "chained assignment": ("a = b = 1", {"a", "b"}, set()),
    "tuple unpacking": ("a, (b, c) = 1, (2, 3)", {"a", "b", "c"}, set()),
    "list unpacking with a star": ("[a, *rest] = range(3)", {"a", "rest"}, set()),
    "annotated assignment": ("a: int = 1", {"a"}, set()),
    "annotation without value binds nothing": ("a: int", set(), set()),
    "augmented assignment reads first": ("a += 1", {"a"}, {"a"}),
    "attribute target reads its object": ("obj.size = 1", set(), {"obj"}),
    "subscript target reads object and index": ("table[key] = 1", set(), {"table", "key"}),
    "for target": ("for i, x in enumerate([]):\n    y = i + x", {"i", "x", "y"}, set()),
    "for else": ("for i in []:\n    pass\nelse:\n    done = True", {"i", "done"}, set()),
    "async for target": (
        "async for item in stream():\n    last = item",
        {"item", "last"},
        {"stream"},
    ),
    "while body": ("while (n := 3) > 5:\n    m = n", {"n", "m"}, set()),
    "with as": (
        "with open('f') as handle, lock as (a, b):\n    text = handle",
        {"handle", "a", "b", "text"},
        {"lock"},
    ),
    "async with as": ("async with session() as s:\n    r = s", {"s", "r"}, {"session"}),
    "except as is unbound after the handler": (
        "try:\n    pass\nexcept ValueError as error:\n    print(error)",
        set(),
        set(),
    ),
    "names bound inside a handler are defined": (
        "try:\n    import ujson as json_lib\nexcept ImportError as missing:\n"
        "    import json as json_lib\n    reason = str(missing)",
        {"json_lib", "reason"},
        set(),
    ),
    "names bound in try else and finally": (
        "try:\n    a = 1\nexcept Exception:\n    b = 2\nelse:\n    c = 3\nfinally:\n    d = 4",
        {"a", "b", "c", "d"},
        set(),
    ),
    "except star": (
        "try:\n    pass\nexcept* ValueError as group:\n    caught = group",
        {"caught"},
        set(),
    ),
    "match capture and as": (
        "match command:\n    case [verb, *words] if verb:\n        n = len(words)\n"
        "    case {'key': value, **others}:\n        pass\n"
        "    case Point(x=px) | Point(y=px):\n        pass\n"
        "    case (1 | 2) as small:\n        pass",
        {"verb", "words", "n", "value", "others", "px", "small"},
        {"command", "Point"},
    ),
    "match value pattern reads its name": (
        "match code:\n    case Status.OK:\n        ok = True",
        {"ok"},
        {"code", "Status"},
    ),
    "walrus at top level": ("(n := 10)", {"n"}, set()),
    "walrus in a comprehension binds outside": (
        "hits = [y for x in data if (y := x * 2)]\nprint(y)",
        {"hits", "y"},
        {"data"},
    ),
    "comprehension variables stay inside": (
        "squares = [v * v for v in range(3)]",
        {"squares"},
        set(),
    ),
    "nested comprehension": (
        "pairs = [(a, b) for a in range(2) for b in range(a)]",
        {"pairs"},
        set(),
    ),
    "global in a function": (
        "def reset():\n    global counter\n    counter = 0",
        {"reset", "counter"},
        set(),
    ),
    "global at notebook level": ("global g\ng = 1", {"g"}, set()),
    "nonlocal in nested function": (
        "def outer():\n    total = 0\n    def add():\n        nonlocal total\n        total += 1\n"
        "    return add",
        {"outer"},
        set(),
    ),
    "import": ("import os.path", {"os"}, set()),
    "import as": ("import numpy.linalg as la", {"la"}, set()),
    "from import as": ("from os import path as p, sep", {"p", "sep"}, set()),
    "del unbinds": ("a = 1\ndel a", set(), set()),
    "del reads the name": ("del stale", set(), {"stale"}),
    "del of an item reads the object": ("del table['k']", set(), {"table"}),
    "function definition": (
        "@decorate\ndef f(x=default):\n    return x",
        {"f"},
        {"decorate", "default"},
    ),
    "async function definition": ("async def fetch():\n    return 1", {"fetch"}, set()),
    "class definition": (
        "class Model(Base):\n    size = 3\n    twice = size * 2",
        {"Model"},
        {"Base"},
    ),
    "lambda parameters stay inside": ("f = lambda v, w=1: v + w", {"f"}, set()),
    "conditional definition": ("if flag:\n    a = 1\nelse:\n    a = 2", {"a"}, {"flag"}),
    "assert and raise only read": ("assert a, b\nraise c", set(), {"a", "b", "c"}),
}


@pytest.mark.parametrize("source,defines,uses", CASES.values(), ids=list(CASES))
def test_each_binding_form_binds_at_notebook_level_as_python_does(
    source: str, defines: set[str], uses: set[str]
) -> None:
    names = analyze_cell(source)
    assert names.parse_ok
    assert (set(names.defines), set(names.uses)) == (defines, uses)


def test_a_type_alias_binds_its_name_and_reads_its_value_lazily() -> None:
    # `type X = ...` (Python 3.12) evaluates its value only when asked for.
    names = analyze_cell("type Pair[T] = tuple[T, Later]")
    if not names.parse_ok:
        pytest.skip("type aliases need Python 3.12")
    assert (set(names.defines), set(names.uses)) == ({"Pair"}, set())
