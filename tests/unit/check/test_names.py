"""Static names of a cell, including IPython syntax, without importing IPython."""

from __future__ import annotations

import pytest

from jupyter_repro.core.names import analyze_cell


def test_a_name_read_before_it_is_bound_is_a_use() -> None:
    names = analyze_cell("x = y + 1\nz = x")
    assert names.defines == {"x", "z"}
    assert names.uses == {"y"}


def test_a_name_bound_then_read_is_not_a_use() -> None:
    assert analyze_cell("a = 1\nprint(a)").uses == frozenset()


def test_augmented_assignment_reads_the_name_first() -> None:
    names = analyze_cell("total += 1")
    assert names.uses == {"total"} and names.defines == {"total"}


def test_imports_bind_their_local_names_and_record_top_level_modules() -> None:
    names = analyze_cell(
        "import numpy as np\nimport os.path\nfrom sklearn.linear_model import Ridge as R"
    )
    assert names.defines == {"np", "os", "R"}
    assert names.imports == {"numpy", "os", "sklearn"}


def test_relative_imports_are_not_modules_of_a_distribution() -> None:
    assert analyze_cell("from . import helpers").imports == frozenset()


@pytest.mark.parametrize(
    "source",
    [
        "[i * 2 for i in range(3)]",
        "{k: v for k, v in {}.items()}",
        "for i in range(3):\n    print(i)",
        "with open('f') as handle:\n    handle.read()",
        "try:\n    pass\nexcept ValueError as error:\n    print(error)",
        "if (n := 10) > 5:\n    print(n)",
        "def f(a, *rest, key=None, **kw):\n    return a, rest, key, kw",
        "class Model:\n    size = 3\n    double = size * 2",
        "print(len([]), sorted({}), __name__, display, get_ipython, In, Out, _, _3, _i3)",
        "def g():\n    global counter\n    counter = 0",
        "lambda value: value + 1",
    ],
)
def test_look_alikes_bind_or_are_builtin_and_are_never_uses(source: str) -> None:
    assert analyze_cell(source).uses == frozenset()


def test_comprehension_targets_do_not_leak_into_defines() -> None:
    assert analyze_cell("squares = [i * i for i in range(3)]").defines == {"squares"}


def test_except_names_are_unbound_after_the_handler() -> None:
    names = analyze_cell("try:\n    pass\nexcept Exception as e:\n    pass\nprint(e)")
    assert names.uses == {"e"}


def test_function_bodies_read_globals_later_as_deferred_names() -> None:
    names = analyze_cell("def f(x, y=default):\n    return x + model.predict(y)")
    assert names.uses == {"default"}
    assert names.deferred == {"model"}
    assert names.defines == {"f"}


def test_a_global_declared_in_a_function_is_defined_by_the_cell() -> None:
    assert "counter" in analyze_cell("def reset():\n    global counter\n    counter = 0").defines


def test_attribute_and_item_assignment_read_the_object() -> None:
    assert analyze_cell("df['a'] = 1\nobj.attr = 2").uses == {"df", "obj"}


def test_line_magics_and_shell_lines_are_understood() -> None:
    names = analyze_cell("%matplotlib inline\n!pip list\nfiles = !ls {folder}\nprint(files)")
    assert names.parse_ok and names.magics_ok
    assert names.defines == {"files"}
    assert names.uses == {"folder"}


def test_shell_variables_are_not_python_names() -> None:
    assert analyze_cell("!echo $HOME ${USER}").uses == frozenset()


def test_time_cell_magic_body_is_python_in_the_user_namespace() -> None:
    names = analyze_cell("%%time\nresult = train(data)")
    assert names.defines == {"result"} and names.uses == {"train", "data"}


def test_timeit_runs_in_its_own_scope_and_binds_nothing() -> None:
    assert analyze_cell("%timeit -n 3 r = f(x)").defines == frozenset()
    names = analyze_cell("%%timeit\nr = f(x)")
    assert names.defines == frozenset() and names.uses == {"f", "x"}


def test_capture_binds_its_output_variable() -> None:
    assert analyze_cell("%%capture captured\nprint(1)").defines == {"captured"}


def test_non_python_cell_magics_have_no_python_names() -> None:
    names = analyze_cell("%%bash\nfor f in *.csv; do echo $f; done\n")
    assert names.parse_ok and names.uses == frozenset() and names.defines == frozenset()


def test_line_magic_assignment_binds_the_target() -> None:
    assert analyze_cell("listing = %sx ls").defines == {"listing"}


def test_store_restore_binds_named_variables() -> None:
    assert analyze_cell("%store -r a b").defines == {"a", "b"}


def test_run_and_star_imports_make_a_cell_opaque() -> None:
    assert analyze_cell("%run helpers.py").opaque
    assert analyze_cell("from helpers import *").opaque
    assert not analyze_cell("from helpers import load").opaque


def test_unknown_cell_magic_is_reported_as_not_understood() -> None:
    assert not analyze_cell("%%mystery\nanything at all").magics_ok


def test_help_syntax_is_not_a_use() -> None:
    assert analyze_cell("pd.read_csv?").uses == frozenset()


def test_magic_look_alikes_inside_strings_are_left_alone() -> None:
    names = analyze_cell("text = '''\n!important\n%notmagic\n'''\n%ls")
    assert names.parse_ok and names.defines == {"text"}


def test_invalid_python_is_reported_not_raised() -> None:
    names = analyze_cell("def broken(:\n")
    assert not names.parse_ok
    assert names.uses == frozenset()
