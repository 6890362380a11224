"""Deterministic mode: seed the global random generators a notebook is likely to use.

Seeds `random` at once, and NumPy's legacy global generator, torch and TensorFlow when
they are imported (or at once if they already are), so the kernel never imports a heavy
library just to seed it. What this cannot make deterministic: `PYTHONHASHSEED` (set or
not when the interpreter started: `jupyter-repro run` starts kernels with it), new-style
generators created without a seed (`np.random.default_rng()`), JAX (explicit keys only),
GPU kernels with non-deterministic algorithms, and work spread over threads or processes.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping
from types import ModuleType

from jupyter_repro.kernel.imports import ImportWatcher

SEED_ENV = "JUPYTER_REPRO_SEED"


def _numpy(module: ModuleType, seed: int) -> None:
    module.random.seed(seed % 2**32)


def _torch(module: ModuleType, seed: int) -> None:
    module.manual_seed(seed)


def _tensorflow(module: ModuleType, seed: int) -> None:
    module.random.set_seed(seed)


SEEDERS: dict[str, Callable[[ModuleType, int], None]] = {
    "numpy": _numpy,
    "torch": _torch,
    "tensorflow": _tensorflow,
}


def seed_from(environ: Mapping[str, str], configured: int | None) -> tuple[int | None, str | None]:
    """The seed to use (the environment wins over the project config), and a problem if any."""
    raw = environ.get(SEED_ENV)
    if raw is None or raw.strip() == "":
        return configured, None
    try:
        return int(raw), None
    except ValueError:
        return configured, f"{SEED_ENV}={raw!r} is not an integer: ignored"


def apply_seed(seed: int, watcher: ImportWatcher) -> None:
    random.seed(seed)
    for name, seeder in SEEDERS.items():
        watcher.watch(name, functools.partial(_seed_module, seeder, seed))


def _seed_module(seeder: Callable[[ModuleType, int], None], seed: int, module: ModuleType) -> None:
    seeder(module, seed)
