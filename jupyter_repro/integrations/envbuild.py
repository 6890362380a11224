"""Environments rebuilt from a lock, with uv (its PyPI package or on PATH).

uv is told the package index configuration pip uses here (`pip config list` and the
`PIP_*` variables: index URL, extra index URLs, find-links), so a machine with a private
mirror rebuilds from that mirror. Resolver failures become one-line errors naming the
package and the resolver's reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import ReproError, UsageError

# pip's configuration keys (as `pip config list` prints them) and uv's flags for them.
_PIP_KEYS = {"index-url": "--index-url", "extra-index-url": "--extra-index-url"}
_FIND_LINKS = "find-links"
_CONFIG_LINE = re.compile(r"^(?P<scope>[^.]*)\.(?P<key>[a-z-]+)='(?P<value>.*)'$")


class EnvironmentBuildError(ReproError):
    """A locked distribution cannot be installed; the message names it and why."""


def find_uv() -> str | None:
    """uv's executable: the `uv` PyPI package of this interpreter first, then PATH."""
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def pip_index_options(config_text: str, environ: dict[str, str]) -> list[str]:
    """uv flags for pip's index configuration; variables override files, as in pip."""
    settings: dict[str, str] = {}
    for line in config_text.splitlines():
        match = _CONFIG_LINE.match(line.strip())
        if match and match["key"] in (*_PIP_KEYS, _FIND_LINKS):
            settings[match["key"]] = match["value"]
    for key in (*_PIP_KEYS, _FIND_LINKS):
        variable = "PIP_" + key.upper().replace("-", "_")
        if environ.get(variable):
            settings[key] = environ[variable]
    options: list[str] = []
    for key, flag in _PIP_KEYS.items():
        for value in settings.get(key, "").split():
            options += [flag, value]
    for value in settings.get(_FIND_LINKS, "").split():
        options += ["--find-links", value]
    if options:
        # pip picks the best version across all its indexes; uv's default stops at the first
        # index that knows the name.
        options += ["--index-strategy", "unsafe-best-match"]
    return options


def index_options() -> list[str]:
    """The index flags for uv, from this interpreter's pip configuration."""
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        listed = ""
    return pip_index_options(listed, dict(os.environ))


def resolver_reason(stderr: str) -> str:
    """The resolver's own explanation, on one line.

    uv explains in a paragraph starting `cause:` (older releases `╰─▶`), pip in its
    `ERROR:` lines; the paragraph ends at a blank line or a `hint:`.
    """
    lines = [line.strip() for line in stderr.splitlines()]
    starts = ("cause:", "╰─▶", "Because", "because", "ERROR:")
    first = next((i for i, line in enumerate(lines) if line.startswith(starts)), None)
    if first is None:
        meaningful = [line for line in lines if line and not line.startswith("Using Python")]
        return meaningful[-1] if meaningful else "no reason given"
    paragraph: list[str] = []
    for line in lines[first:]:
        if not line or line.startswith("hint:"):
            break
        paragraph.append(line)
    text = " ".join(paragraph)
    for prefix in ("cause:", "╰─▶", "ERROR:"):
        text = text.removeprefix(prefix)
    return re.sub(r"\s+", " ", text).strip()


def compile_pylock(requirements: str, python: str | None) -> str:
    """A PEP 751 `pylock.toml` for pinned requirements, resolved with uv (wheels and hashes)."""
    uv = find_uv()
    if uv is None:
        raise UsageError("--format pylock needs uv: pip install uv (or put it on PATH)")
    with tempfile.TemporaryDirectory(prefix="jupyter-repro-pylock-") as folder:
        source = Path(folder) / "requirements.txt"
        source.write_text(requirements, encoding="utf-8")
        target = Path(folder) / "pylock.toml"
        command = [uv, "pip", "compile", str(source), "--format", "pylock.toml"]
        command += ["-o", str(target), "--no-header", "--quiet", *index_options()]
        if python:
            command += ["--python-version", python]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EnvironmentBuildError(
                f"cannot lock the environment: {resolver_reason(done.stderr)}"
            )
        return target.read_text(encoding="utf-8")


# What the rerun itself needs in the rebuilt environment beside the locked closure: the
# kernel, and what jupyter-repro's kernel extension imports.
KERNEL_REQUIREMENTS = ("ipykernel", "blake3")
_COMPLETE = ".jupyter-repro-complete"
_RECIPE = 2  # changes when the way environments are built changes: a new cache key


@dataclass(frozen=True)
class BuiltEnvironment:
    """An environment rebuilt from a lock, and whether it came from the cache."""

    path: Path
    python: Path
    cache_hit: bool
    builder: str  # "uv" or "venv+pip"

    def to_json(self) -> dict[str, Any]:
        return {
            "rebuilt_from_lock": True,
            "path": str(self.path),
            "interpreter": str(self.python),
            "cache": "hit" if self.cache_hit else "miss",
            "builder": self.builder,
        }


def _package_source() -> tuple[str, str]:
    """How the running jupyter-repro goes into the environment: ("path", folder) for a
    source checkout (put on the path with a .pth file, as an editable install would),
    ("requirement", spec) for a release from an index or a wheel, or ("copy", folder) for
    an install from a local folder, which no index has: its package is copied in."""
    import jupyter_repro

    package = Path(jupyter_repro.__file__).resolve().parent
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "jupyter_repro").is_dir():
        return "path", str(checkout)
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        installed = distribution("jupyter-repro")
        direct, record = installed.read_text("direct_url.json"), installed.read_text("RECORD")
    except PackageNotFoundError:
        direct, record = None, None
    if direct:
        url = json.loads(direct).get("url", "")
        if url.endswith(".whl"):
            return "requirement", f"jupyter-repro @ {url}"
        # Installed from a folder: the RECORD's hashes tell one such install from another.
        return "copy", f"{package}#{blake3_text(record or '')}"
    return "requirement", f"jupyter-repro=={jupyter_repro.__version__}"


def blake3_text(text: str) -> str:
    from blake3 import blake3

    return blake3(text.encode()).hexdigest()[:16]


def _copy_package(source: str, site: Path) -> None:
    """The installed jupyter_repro package into the environment's site-packages: the
    kernel extension is what the rebuilt environment needs of it."""
    package = Path(source.rsplit("#", 1)[0])
    shutil.copytree(
        package,
        site / "jupyter_repro",
        ignore=shutil.ignore_patterns("labextension", "__pycache__"),
    )


def environment_key(requirements: str, python: str, source: tuple[str, str]) -> str:
    """The cache key: what is installed, for which Python, with which jupyter-repro."""
    from blake3 import blake3

    text = json.dumps([_RECIPE, requirements, python, list(source), list(KERNEL_REQUIREMENTS)])
    return blake3(text.encode()).hexdigest()[:24]


def cache_root() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("jupyter-repro")) / "environments"


def _run_logged(command: list[str], label: str) -> subprocess.CompletedProcess[str]:
    """Run a build step; on a terminal the installer draws its own progress there (uv's
    bar, what is being downloaded and installed), and what it said is kept for the error
    message."""
    from jupyter_repro.integrations.terminal import is_tty, run_drawing

    if not is_tty():
        return subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(f"jupyter-repro: {label}\n")
    return run_drawing(command)


def _python_minor(version: str | None) -> str:
    if not version or version.count(".") < 1:
        raise UsageError("the lock records no Python version: cannot rebuild its environment")
    return ".".join(version.split(".")[:2])


def create_venv(uv: str | None, folder: Path, python: str) -> str:
    """A bare virtual environment for Python `python` (X.Y); the builder's name."""
    if uv is not None:
        done = subprocess.run(
            [uv, "venv", "--quiet", "--python", python, "--no-python-downloads", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EnvironmentBuildError(
                f"Python {python} (the lock's) is not available here: "
                f"{resolver_reason(done.stderr)}"
            )
        return "uv"
    interpreter = shutil.which(f"python{python}")
    if interpreter is None:
        raise EnvironmentBuildError(f"Python {python} (the lock's) is not available here")
    done = subprocess.run(
        [interpreter, "-m", "venv", str(folder)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise EnvironmentBuildError(f"cannot create a venv: {resolver_reason(done.stderr)}")
    return "venv+pip"


def _install(uv: str | None, python: Path, requirements: Path, extra: list[str]) -> None:
    if uv is not None:
        command = [uv, "pip", "install", "--python", str(python), "-r", str(requirements)]
        # Compiled now, once: a kernel importing pandas and matplotlib from sources that
        # were never compiled takes twice as long, on every run where bytecode is not
        # written (PYTHONDONTWRITEBYTECODE, read-only caches). pip compiles by default.
        command += ["--compile-bytecode", *extra, *index_options()]
    else:
        command = [str(python), "-m", "pip", "install", "-r", str(requirements), *extra]
    done = _run_logged(command, "installing the locked environment")
    if done.returncode != 0:
        raise EnvironmentBuildError(
            f"cannot install the locked environment: {resolver_reason(done.stderr)}"
        )


def _site_packages(python: Path) -> Path:
    done = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip())


def build_environment(requirements: str, python_version: str | None) -> BuiltEnvironment:
    """The environment of these pinned requirements, from the cache or built now.

    Built at its final path (console scripts record it) and marked complete last: a
    folder without the mark is an interrupted build, removed and built again; a failed
    build removes its folder.
    """
    python = _python_minor(python_version)
    source = _package_source()
    key = environment_key(requirements, python, source)
    folder = cache_root() / key
    interpreter = folder / "bin" / "python"
    mark = folder / _COMPLETE
    if mark.is_file():
        return BuiltEnvironment(folder, interpreter, True, mark.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    uv = find_uv()
    try:
        builder = create_venv(uv, folder, python)
        requirements_file = folder / "jupyter-repro-requirements.txt"
        requirements_file.write_text(requirements, encoding="utf-8")
        extra = list(KERNEL_REQUIREMENTS)
        if source[0] == "requirement":
            extra.append(source[1])
        _install(uv, interpreter, requirements_file, extra)
        if source[0] == "path":
            site = _site_packages(interpreter)
            (site / "jupyter_repro_source.pth").write_text(source[1] + "\n", encoding="utf-8")
        elif source[0] == "copy":
            _copy_package(source[1], _site_packages(interpreter))
        mark.write_text(builder, encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return BuiltEnvironment(folder, interpreter, False, builder)


@contextmanager
def private_kernel(python: Path) -> Iterator[str]:
    """A kernel spec for `python`, seen only by this process for the run's duration.

    It lives in a temporary folder put first on JUPYTER_PATH: nothing is registered
    with Jupyter, and the folder is gone when the run ends.
    """
    name = f"jupyter-repro-isolated-{os.getpid()}"
    previous = os.environ.get("JUPYTER_PATH")
    with tempfile.TemporaryDirectory(prefix="jupyter-repro-kernel-") as folder:
        spec = Path(folder) / "kernels" / name
        spec.mkdir(parents=True)
        kernel = {
            "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "jupyter-repro (rebuilt from the lock)",
            "language": "python",
        }
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (folder, previous) if p)
        try:
            yield name
        finally:
            if previous is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = previous


def rebuild_for_notebook(notebook: Path) -> tuple[BuiltEnvironment, list[str]]:
    """The environment of a notebook's lock (built or cached) and warnings about it."""
    from jupyter_repro.core.envfiles import environment_pins, requirements_txt
    from jupyter_repro.io.locks import read_lock_for
    from jupyter_repro.io.snapshot import notebook_for

    lock = read_lock_for(notebook_for(notebook))
    if lock is None:
        raise UsageError(
            f"{notebook}: no lock: --isolated rebuilds the environment the lock records"
        )
    warnings = environment_pins(lock).warnings()
    built = build_environment(requirements_txt(lock), lock.environment.python)
    return built, warnings
