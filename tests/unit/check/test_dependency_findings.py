"""`undeclared-dependency` reports distributions a fresh environment would miss, by name."""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.rules import Cell, Evidence, run_rules


def _findings(
    *sources: str, declared: frozenset[str] = frozenset(), installed: dict[str, str] | None = None
) -> list[tuple[int | None, str]]:
    evidence = Evidence(
        path="nb.ipynb",
        declared=declared,
        module_distributions=installed or {},
        cells=tuple(Cell(i, "code", source, i + 1) for i, source in enumerate(sources)),
    )
    return [
        (f.cell, f.message)
        for f in run_rules(evidence, ReproConfig())
        if f.rule == "undeclared-dependency"
    ]


def test_an_import_guarded_by_except_import_error_is_optional() -> None:
    assert (
        _findings(
            "try:\n    import ujson\nexcept ImportError:\n    ujson = None",
            "try:\n    from tqdm import tqdm\n"
            "except (ModuleNotFoundError, ValueError):\n    tqdm = list",
        )
        == []
    )


def test_an_import_guarded_by_another_exception_is_still_required() -> None:
    assert [c for c, _ in _findings("try:\n    import ujson\nexcept KeyError:\n    pass")] == [0]


def test_the_fallback_import_in_the_handler_is_required() -> None:
    found = _findings("try:\n    import ujson\nexcept ImportError:\n    import simplejson")
    assert [c for c, _ in found] == [0] and "simplejson" in found[0][1]


def test_modules_generated_by_protoc_in_an_earlier_cell_are_the_notebook_s_own() -> None:
    assert (
        _findings(
            "!python -m grpc_tools.protoc -I protos --python_out=. --grpc_python_out=. "
            "protos/route_guide.proto",
            "import route_guide_pb2\nimport route_guide_pb2_grpc",
        )
        == []
    )


def test_a_module_downloaded_by_an_earlier_shell_command_is_the_notebook_s_own() -> None:
    assert _findings("!wget -q https://example.org/x/helpers.py", "import helpers") == []


def test_a_module_of_a_declared_distribution_with_a_longer_name_is_declared() -> None:
    # `tensorflow_serving` comes from `tensorflow-serving-api`.
    assert (
        _findings(
            "from tensorflow_serving.apis import predict_pb2",
            declared=frozenset({"tensorflow-serving-api"}),
        )
        == []
    )


def test_the_message_names_the_distribution_of_a_well_known_module() -> None:
    found = _findings("import grpc\nfrom googleapiclient import discovery")
    assert [m for _, m in found] == [
        "imports google-api-python-client (module `googleapiclient`), "
        "which the project's requirements do not declare",
        "imports grpcio (module `grpc`), which the project's requirements do not declare",
    ]


def test_the_message_says_when_the_distribution_name_is_a_guess() -> None:
    found = _findings("import obscure_thing")
    assert found == [
        (
            0,
            "imports module `obscure_thing`, which the project's requirements do not declare "
            "(its distribution is not installed here: `obscure-thing` is a guess)",
        )
    ]


def test_the_installed_metadata_names_the_distribution_without_a_guess() -> None:
    found = _findings("import obscure_thing", installed={"obscure_thing": "obscure-dist"})
    assert found == [
        (
            0,
            "imports obscure-dist (module `obscure_thing`), "
            "which the project's requirements do not declare",
        )
    ]
