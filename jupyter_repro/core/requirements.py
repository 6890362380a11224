"""Declared dependencies of a project, parsed from text (pure: the io layer reads the files).

Sources: `pyproject.toml` (`[project]` dependencies and optional dependencies, PEP 735
`[dependency-groups]`, Poetry and Pixi tables, and the project's own name),
`requirements*.txt` (with `-r` includes returned for the caller to follow),
`environment.yml` (conda and pip entries), and PEP 723 `# /// script` metadata.
Every name comes back PEP 503-normalized.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_PEP723 = re.compile(r"^# /// script\s*$(?P<body>(?:\n#(?: .*)?$)*?)\n# ///\s*$", re.MULTILINE)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
# Conda package names that differ from the PyPI name of the same software.
_CONDA_NAMES = {
    "pytorch": "torch",
    "py-xgboost": "xgboost",
    "tensorflow-gpu": "tensorflow",
    "pytorch-lightning": "pytorch-lightning",
    "matplotlib-base": "matplotlib",
    "pytables": "tables",
    "graphviz": "graphviz",
    "py-opencv": "opencv-python",
}
# Common modules whose distribution has another name, for when it is not installed here.
KNOWN_MODULE_DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "skimage": "scikit-image",
    "dateutil": "python-dateutil",
    "attr": "attrs",
    "dotenv": "python-dotenv",
    "jwt": "pyjwt",
    "Crypto": "pycryptodome",
    "pkg_resources": "setuptools",
    "mpl_toolkits": "matplotlib",
    "sentence_transformers": "sentence-transformers",
    "pptx": "python-pptx",
    "docx": "python-docx",
    "magic": "python-magic",
    "serial": "pyserial",
    "usb": "pyusb",
    "zmq": "pyzmq",
    "git": "gitpython",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "tables": "tables",
    "lightgbm": "lightgbm",
    "faiss": "faiss-cpu",
    "fitz": "pymupdf",
    "osgeo": "gdal",
    "grpc": "grpcio",
    "googleapiclient": "google-api-python-client",
    "tensorflow_serving": "tensorflow-serving-api",
    "Bio": "biopython",
    "OpenSSL": "pyopenssl",
    "slugify": "python-slugify",
}


def canonical(name: str) -> str:
    """PEP 503 normalization: `Scikit_Learn` -> `scikit-learn`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line: str) -> str | None:
    """The distribution named by one PEP 508 requirement (`pandas[pyarrow]>=2; ...`)."""
    egg = _EGG.search(line)
    if egg:
        return canonical(egg.group(1))
    match = _NAME.match(line)
    return canonical(match.group(1)) if match else None


def _names(items: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for item in items:
        if isinstance(item, str):
            name = requirement_name(item)
            if name:
                found.add(name)
    return found


def from_pyproject(text: str) -> set[str]:
    """Raises ValueError on invalid TOML (the caller names the file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    project = data.get("project", {})
    found: set[str] = set()
    if isinstance(project, Mapping):
        if isinstance(project.get("name"), str):
            found.add(canonical(project["name"]))
        found |= _names(project.get("dependencies", []) or [])
        for group in (project.get("optional-dependencies") or {}).values():
            found |= _names(group if isinstance(group, list) else [])
    for group in (data.get("dependency-groups") or {}).values():
        found |= _names(group if isinstance(group, list) else [])
    tool = data.get("tool", {}) if isinstance(data.get("tool"), Mapping) else {}
    poetry = tool.get("poetry", {}) if isinstance(tool.get("poetry"), Mapping) else {}
    found |= {canonical(k) for k in (poetry.get("dependencies") or {}) if k != "python"}
    found |= {canonical(k) for k in (poetry.get("dev-dependencies") or {})}
    for group in (poetry.get("group") or {}).values():
        if isinstance(group, Mapping):
            found |= {canonical(k) for k in (group.get("dependencies") or {})}
    pixi = tool.get("pixi", {}) if isinstance(tool.get("pixi"), Mapping) else {}
    for key in ("dependencies", "pypi-dependencies"):
        found |= {_conda(k) for k in (pixi.get(key) or {})}
    return found


def from_requirements_txt(text: str) -> tuple[set[str], list[str]]:
    """(declared names, files included with `-r` / `-c`, relative to this file)."""
    found: set[str] = set()
    includes: list[str] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r", "--requirement", "-c", "--constraint")):
            parts = line.split(None, 1) if " " in line else [line[:2], line[2:]]
            if len(parts) == 2 and parts[1].strip():
                includes.append(parts[1].strip())
            continue
        if line.startswith(("-e", "--editable")):
            egg = _EGG.search(line)
            if egg:
                found.add(canonical(egg.group(1)))
            continue
        if line.startswith("-"):
            continue
        name = requirement_name(line)
        if name:
            found.add(name)
    return found, includes


def _conda(entry: str) -> str:
    name = entry.split("::", 1)[-1]
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", name)
    base = canonical(match.group(1)) if match else canonical(name)
    return _CONDA_NAMES.get(base, base)


def from_environment_yml(text: str) -> set[str]:
    """Conda and pip entries of `dependencies:`, read line by line (no YAML library needed)."""
    found: set[str] = set()
    inside = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw.startswith((" ", "\t", "-")):
            inside = line.strip().startswith("dependencies:")
            continue
        item = line.strip()
        if inside and item.startswith("-"):
            entry = item[1:].strip().strip("'\"")
            if entry and not entry.endswith(":"):
                if entry.startswith(("-", "git+", "http")):
                    egg = _EGG.search(entry)
                    if egg:
                        found.add(canonical(egg.group(1)))
                    continue
                found.add(_conda(entry.split("=", 1)[0].split("<", 1)[0].split(">", 1)[0]))
    return found


def from_pep723(text: str) -> set[str] | None:
    """Dependencies of a `# /// script` block, None when there is no block."""
    match = _PEP723.search(text)
    if match is None:
        return None
    body = "\n".join(
        line[2:] if line.startswith("# ") else line[1:]
        for line in match.group("body").splitlines()
        if line
    )
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        return set()
    return _names(data.get("dependencies", []) or [])
