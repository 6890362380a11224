"""The Python environment a kernel runs in, read from disk cheaply.

Listing `*.dist-info` folder names (name and version are in the name) takes about a
millisecond, against 60-250 ms for `importlib.metadata` and over half a second for
`pip freeze`. Everything takes the search path as an argument, so the server can describe
a kernel's environment (which may be another interpreter) from the path the kernel recorded.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+?)\.(?:dist-info|egg-info)$")


def canonical_name(name: str) -> str:
    """PEP 503 normalization: `Scikit_Learn` -> `scikit-learn`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata_dirs(search_path: Sequence[str]) -> Iterable[tuple[Path, str, str]]:
    for entry in search_path:
        folder = Path(entry or ".")
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            match = _DIST_INFO.match(name)
            if match:
                yield folder / name, match.group("name"), match.group("version")


def installed_distributions(search_path: Sequence[str] | None = None) -> dict[str, str]:
    """canonical distribution name -> version. The first on the path wins, as for imports."""
    found: dict[str, str] = {}
    for _, name, version in _metadata_dirs(sys.path if search_path is None else search_path):
        found.setdefault(canonical_name(name), version)
    return found


def _editable_source(dist_dir: Path) -> str | None:
    try:
        data = json.loads((dist_dir / "direct_url.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("dir_info", {}).get("editable"):
        url = str(data.get("url", ""))
        return url.removeprefix("file://")
    return None


def editable_installs(search_path: Sequence[str] | None = None) -> dict[str, str]:
    """canonical distribution name -> source folder, for `pip install -e` installs."""
    result: dict[str, str] = {}
    for dist_dir, name, _ in _metadata_dirs(sys.path if search_path is None else search_path):
        source = _editable_source(dist_dir)
        if source:
            result.setdefault(canonical_name(name), source)
    return result


def _top_level_modules(dist_dir: Path) -> set[str]:
    try:
        text = (dist_dir / "top_level.txt").read_text(encoding="utf-8")
        return {line.strip() for line in text.splitlines() if line.strip()}
    except OSError:
        pass
    modules: set[str] = set()
    try:
        record = (dist_dir / "RECORD").read_text(encoding="utf-8")
    except OSError:
        return modules
    for line in record.splitlines():
        first = line.split(",", 1)[0]
        top = first.split("/", 1)[0]
        if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__"):
            continue
        if "/" in first:
            modules.add(top)
        elif top.endswith(".py"):
            modules.add(top[:-3])
    return modules


def module_distributions(
    modules: Iterable[str], search_path: Sequence[str] | None = None
) -> dict[str, str]:
    """top-level module -> canonical distribution (`sklearn` -> `scikit-learn`).

    Modules of the standard library or of no installed distribution are left out.
    """
    wanted = {m.split(".", 1)[0] for m in modules}
    result: dict[str, str] = {}
    for dist_dir, name, _ in _metadata_dirs(sys.path if search_path is None else search_path):
        if not wanted - result.keys():
            break
        for module in _top_level_modules(dist_dir) & wanted:
            result.setdefault(module, canonical_name(name))
    return result


def distribution_dirs(search_path: Sequence[str]) -> dict[str, Path]:
    """canonical name -> its metadata folder. The first on the path wins, as for imports."""
    found: dict[str, Path] = {}
    for dist_dir, name, _ in _metadata_dirs(search_path):
        found.setdefault(canonical_name(name), dist_dir)
    return found


def requires_of(dist_dir: Path) -> list[str]:
    """A distribution's `Requires-Dist` lines (an egg-info's requires.txt, converted).

    importlib.metadata parses the header as email does: a hand-written reader that stops
    at the first blank line misses the requirements of distributions (matplotlib among
    them) whose License field spans blank lines.
    """
    from importlib.metadata import PathDistribution

    try:
        return list(PathDistribution(dist_dir).requires or ())
    except (OSError, ValueError):
        return []


def install_source(dist_dir: Path) -> dict[str, str | None] | None:
    """Where a distribution was installed from when not from an index, else None.

    PEP 610's `direct_url.json`: `{"kind": "editable"|"local"|"vcs"|"url", "url", "commit"}`.
    """
    try:
        data = json.loads((dist_dir / "direct_url.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _source_of(data) if isinstance(data, dict) else None


def _source_of(data: Mapping[str, Any]) -> dict[str, str | None]:
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        return {"kind": "vcs", "url": f"{vcs.get('vcs', 'git')}+{url}", "commit": commit}
    if isinstance(data.get("dir_info"), dict) and data["dir_info"].get("editable"):
        return {"kind": "editable", "url": url, "commit": None}
    kind = "local" if url.startswith("file:") else "url"
    return {"kind": kind, "url": url, "commit": None}


def marker_environment() -> dict[str, str]:
    """This interpreter's PEP 508 marker environment (as `packaging` computes it, unimported)."""
    info = sys.implementation.version
    version = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def interpreter_summary() -> dict[str, Any]:
    """What describes this interpreter, without any package list."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "executable": sys.executable,
        "prefix": sys.prefix,
        "path": [p for p in sys.path if p],
        "markers": marker_environment(),
    }


def capture_environment(
    env_allowlist: Sequence[str] = (), environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """This interpreter, its distributions, and variable names (values only if allowlisted)."""
    environ = os.environ if environ is None else environ
    summary = interpreter_summary()
    summary["distributions"] = installed_distributions()
    summary["editable"] = editable_installs()
    summary["variables"] = {
        name: (environ[name] if name in env_allowlist else None) for name in sorted(environ)
    }
    return summary
