"""The lock's environment closure and the files rebuilt from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_repro.core.closure import dependency_closure
from jupyter_repro.core.envfiles import dockerfile, environment_pins, requirements_txt
from jupyter_repro.core.lockmodel import InstallSource, Lock, LockedEnvironment
from jupyter_repro.integrations.envbuild import pip_index_options, resolver_reason
from jupyter_repro.io.envclosure import closure_facts
from jupyter_repro.io.environment import marker_environment
from tests.support.locks import minimal_lock

LINUX_311 = {**marker_environment(), "python_version": "3.11", "sys_platform": "linux"}

REQUIRES = {
    "pandas": ["numpy>=1.26", "python-dateutil>=2.8", "tzdata>=2022.7", "pyarrow; extra == 'pa'"],
    "python-dateutil": ["six>=1.5; python_version < '3.12'"],
    "matplotlib": ["numpy", "packaging", "contourpy[bokeh]", "pywin32; sys_platform == 'win32'"],
    "contourpy": ["numpy", "bokeh; extra == 'bokeh'"],
    "bokeh": ["jinja2", "pillow>=7"],
}
INSTALLED = {
    "pandas": "3.1.1",
    "numpy": "2.4.6",
    "python-dateutil": "2.9.0",
    "six": "1.17.0",
    "tzdata": "2026.6",
    "pyarrow": "22.0",
    "matplotlib": "3.11.2",
    "packaging": "26.3",
    "contourpy": "1.3.3",
    "bokeh": "3.8",
    "jinja2": "3.1.6",
    "requests": "2.34",
}


def closure(roots: list[str], markers: dict[str, str]) -> Any:
    return dependency_closure(roots, INSTALLED, lambda name: REQUIRES.get(name, []), markers)


def test_the_closure_holds_every_transitive_requirement_at_its_installed_version() -> None:
    found = closure(["pandas"], LINUX_311)
    assert found.pins == {
        "numpy": "2.4.6",
        "pandas": "3.1.1",
        "python-dateutil": "2.9.0",
        "six": "1.17.0",
        "tzdata": "2026.6",
    }


def test_markers_are_evaluated_for_the_kernel_interpreter_not_ours() -> None:
    on_312 = closure(["pandas"], {**LINUX_311, "python_version": "3.12"})
    assert "six" not in on_312.pins
    assert "pyarrow" not in on_312.pins  # an extra nobody asked for


def test_an_extra_asked_for_by_a_requirement_brings_its_own_requirements() -> None:
    found = closure(["matplotlib"], LINUX_311)
    assert {"bokeh", "jinja2"} <= found.pins.keys()
    assert found.unsatisfied == ["pillow"]  # required, marker holds, not installed
    assert "pywin32" not in found.unsatisfied


def lock_with(**environment: Any) -> Lock:
    base: dict[str, Any] = {
        "python": "3.11.7",
        "distributions": {"pandas": "3.1.1", "numpy": "2.4.6", "pip": "24"},
        "imported": {"pandas": "3.1.1"},
    }
    return minimal_lock(
        notebook="nb/analysis.ipynb", environment=LockedEnvironment(**{**base, **environment})
    )


def test_requirements_pin_the_closure_not_only_the_imports() -> None:
    text = requirements_txt(lock_with(closure={"pandas": "3.1.1", "numpy": "2.4.6"}))
    pins = [line for line in text.splitlines() if not line.startswith("#")]
    assert pins == ["numpy==2.4.6", "pandas==3.1.1"]
    assert "warning" not in text


def test_a_lock_without_closure_pins_its_imports_and_says_it_is_incomplete() -> None:
    wanted = environment_pins(lock_with())
    assert wanted.pins == {"pandas": "3.1.1"}
    assert "only the imported distributions" in wanted.warnings()[0]


def test_vcs_installs_are_direct_references_and_local_ones_a_warning() -> None:
    lock = lock_with(
        closure={"pandas": "3.1.1", "mylib": "0.3", "tool": "1.0"},
        sources={
            "mylib": InstallSource("vcs", "git+https://example.org/mylib", "abc"),
            "tool": InstallSource("editable", "file:///home/me/tool"),
        },
    )
    text = requirements_txt(lock)
    assert "mylib @ git+https://example.org/mylib@abc" in text.splitlines()
    assert "tool==" not in text
    assert (
        "# warning: tool 1.0: editable install from file:///home/me/tool: "
        "cannot be rebuilt from a package index"
    ) in text


def test_dockerfile_installs_the_pins_and_reruns_verify() -> None:
    text = dockerfile(lock_with(), "env/docker", "0.1.0")
    assert "FROM python:3.11-slim" in text
    assert "COPY env/docker/requirements.txt" in text
    assert text.rstrip().endswith('CMD ["jupyter-repro", "verify", "nb/analysis.ipynb"]')


def test_uv_gets_pip_index_configuration_with_variables_winning() -> None:
    config = "global.extra-index-url='file:///a file:///b'\nglobal.index-url='https://x/simple'"
    options = pip_index_options(config, {"PIP_INDEX_URL": "https://mirror/simple"})
    assert options[:2] == ["--index-url", "https://mirror/simple"]
    assert options.count("--extra-index-url") == 2
    assert options[-2:] == ["--index-strategy", "unsafe-best-match"]
    assert pip_index_options("", {}) == []


def test_resolver_reason_is_the_line_that_explains() -> None:
    stderr = (
        "Using Python 3.11.7 environment at: /env\n"
        "error: No solution found when resolving dependencies\n"
        "  cause: Because contourpy==1.3.3 depends on numpy>=1.25 and you require "
        "contourpy==1.3.3, we can conclude that you require numpy>=1.25.\n"
        "         And because you require numpy==0.0.1, we can conclude that your "
        "requirements are unsatisfiable.\n\nhint: ...\n"
    )
    reason = resolver_reason(stderr)
    assert reason.startswith("Because contourpy==1.3.3 depends on numpy>=1.25")
    assert reason.endswith(
        "you require numpy==0.0.1, we can conclude that your requirements are unsatisfiable."
    )


def write_dist(site: Path, name: str, version: str, requires: list[str]) -> None:
    folder = site / f"{name}-{version}.dist-info"
    folder.mkdir(parents=True)
    header = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        # A License field whose continuation holds a whitespace-only line (matplotlib's does)
        "License: line one",
        "        ",
        "        after a blank-looking line",
    ]
    header += [f"Requires-Dist: {r}" for r in requires]
    (folder / "METADATA").write_text("\n".join(header) + "\n\nlong description\n")


def test_closure_is_read_from_the_kernel_metadata_on_its_search_path(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    write_dist(site, "app", "1.0", ["lib>=1", "old; python_version < '3.10'"])
    write_dist(site, "lib", "2.0", [])
    write_dist(site, "old", "0.1", [])
    installed = {"app": "1.0", "lib": "2.0", "old": "0.1"}
    kernel_39 = {**LINUX_311, "python_version": "3.9"}
    pins, sources, notes = closure_facts((str(site),), (1,), ["app"], installed, kernel_39)
    assert pins == {"app": "1.0", "lib": "2.0", "old": "0.1"}
    assert sources == {} and notes == []
    pins, _, _ = closure_facts((str(site),), (1,), ["app"], installed, LINUX_311)
    assert pins == {"app": "1.0", "lib": "2.0"}


def test_the_kernel_environment_capture_carries_its_pep508_marker_environment() -> None:
    from packaging.markers import default_environment

    from jupyter_repro.io.environment import capture_environment

    assert capture_environment()["markers"] == default_environment()
