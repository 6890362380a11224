"""Discovering a project's pipeline on disk: locks, and journals of notebooks not locked yet.

Folders are walked for locks (`*.repro.json`) and notebooks; a notebook with a lock is
read from its lock, one without from its newest journal (`io/journals`), one with neither
is not part of the pipeline. Locks are read through `io/locks`, the one reader of lock files.
The facts of now that `status` compares with the locks are gathered here too, hashing
files through the store's stat cache so unchanged files cost a stat.
"""

from __future__ import annotations

import contextlib
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jupyter_repro.core.errors import BadInputError, UsageError
from jupyter_repro.core.lock import PARAMETER_TAGS, code_section, files_sections, parameters
from jupyter_repro.core.lockmodel import Lock, LockedFile
from jupyter_repro.core.pipeline import NotebookNode, Pipeline, PipelineError, build_pipeline
from jupyter_repro.core.pipeline_status import Current, Reason, Recorded, judge
from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.project import (
    LOCK_SUFFIX,
    find_project_root,
    lock_path,
    store_dir,
    walk_project,
)
from jupyter_repro.io.statcache import Stat, StatCache, stat_cache_for

NOTEBOOK_SUFFIXES = (".ipynb",)


@dataclass
class Project:
    """The notebooks found under a project root, their locks, and the graph they form."""

    root: Path
    pipeline: Pipeline
    locks: dict[str, Lock] = field(default_factory=dict)

    def absolute(self, relpath: str) -> Path:
        return self.root / relpath


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{path}: outside the project at {root}") from None


def hashes(files: Mapping[str, LockedFile]) -> dict[str, str | None]:
    return {path: entry.hash for path, entry in files.items()}


def _node_from_lock(relpath: str, lock: Lock) -> NotebookNode:
    return NotebookNode(relpath, hashes(lock.inputs), hashes(lock.outputs), "lock")


def _node_from_journal(root: Path, notebook: Path, relpath: str) -> NotebookNode | None:
    from jupyter_repro.io.journals import choose_journal
    from jupyter_repro.io.notebooks import read_notebook_json

    journal = choose_journal(root, relpath)
    if journal is None:
        return None
    cells = read_notebook_json(notebook).get("cells", [])
    inputs, outputs = files_sections(journal, cells, {})
    return NotebookNode(relpath, hashes(inputs), hashes(outputs), "journal")


def _candidates(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(lock files, notebooks without a lock) under the folders and among the files given."""
    locks: list[Path] = []
    notebooks: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in walk_project(path):
                if found.name.endswith(LOCK_SUFFIX):
                    locks.append(found)
                elif found.suffix in NOTEBOOK_SUFFIXES and not lock_path(found).is_file():
                    notebooks.append(found)
        elif path.is_file():
            beside = path if path.name.endswith(LOCK_SUFFIX) else lock_path(path)
            if beside.is_file():
                locks.append(beside)
            else:
                notebooks.append(path)
        else:
            raise BadInputError.unreadable(path, "no such file or folder")
    return locks, notebooks


def project_root_of(paths: Sequence[Path]) -> Path:
    roots = {find_project_root(path) for path in paths}
    if len(roots) > 1:
        raise UsageError("the paths belong to different projects: " + ", ".join(map(str, roots)))
    return roots.pop().resolve()


def discover(paths: Sequence[Path]) -> Project:
    """The pipeline formed by the notebooks under `paths` (folders, notebooks or locks)."""
    paths = list(paths) or [Path.cwd()]
    root = project_root_of(paths)
    locks_found, unlocked = _candidates(paths)
    nodes: dict[str, NotebookNode] = {}
    locks: dict[str, Lock] = {}
    for lock_file in sorted(set(locks_found)):
        lock = read_lock(lock_file)
        notebook = lock_file.parent / Path(lock.notebook).name
        relpath = _relpath(notebook, root)
        locks[relpath] = lock
        nodes[relpath] = _node_from_lock(relpath, lock)
    named = {path.resolve() for path in paths if path.is_file()}
    for notebook in sorted(set(unlocked)):
        relpath = _relpath(notebook, root)
        node = _node_from_journal(root, notebook, relpath)
        if node is not None:
            nodes[relpath] = node
        elif notebook.resolve() in named:
            raise PipelineError.not_in_project(str(notebook))
    return Project(root, build_pipeline(nodes.values()), locks)


def select(project: Project, names: Sequence[Path]) -> list[str]:
    """Project-relative paths of the notebooks named; PipelineError for one not in it."""
    selected = []
    for name in names:
        notebook = name if name.suffix in NOTEBOOK_SUFFIXES else name.with_suffix(".ipynb")
        try:
            relpath = notebook.resolve().relative_to(project.root).as_posix()
        except ValueError:
            raise PipelineError.not_in_project(str(name)) from None
        if relpath not in project.pipeline.notebooks:
            raise PipelineError.not_in_project(str(name))
        selected.append(relpath)
    return selected


# Facts of now ---------------------------------------------------------------------------


def inside_project(relpath: str) -> bool:
    """A lock's path that names a file of the project (never opened otherwise)."""
    posix = PurePosixPath(relpath)
    return not posix.is_absolute() and ".." not in posix.parts and bool(posix.parts)


class FileHasher:
    """Hashes of project files now, through the store's stat cache; None for a missing file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: StatCache = stat_cache_for(store_dir(root))
        self.known: dict[str, str | None] = {}

    def __call__(self, relpath: str) -> str | None:
        """The file's hash now; None when it is missing, unreadable or outside the project."""
        if not inside_project(relpath):
            return None
        if relpath not in self.known:
            self.known[relpath] = self._hash(self.root / relpath)
        return self.known[relpath]

    def _hash(self, path: Path) -> str | None:
        try:
            stat = Stat.of(path)
            if not path.is_file():
                return None
            return self.cache.hash(path, stat)[1]
        except OSError:
            return None

    def save(self) -> None:
        # A read-only store only costs the next command a few hashes.
        with contextlib.suppress(OSError):
            self.cache.save()


def recorded_facts(lock: Lock) -> Recorded:
    return Recorded(
        code_cells=dict(lock.code.cells),
        parameters=dict(lock.parameters),
        seed=lock.seed,
        inputs=hashes(lock.inputs),
        outputs=hashes(lock.outputs),
        imported=dict(lock.environment.imported),
        python=lock.environment.python,
    )


def notebook_cells(notebook: Path) -> list[dict[str, Any]]:
    """The cells of a notebook, or of a script through jupytext."""
    if notebook.suffix == ".ipynb":
        from jupyter_repro.io.notebooks import read_notebook_json

        return list(read_notebook_json(notebook).get("cells", []))
    from jupyter_repro.io.snapshot import read_cells

    return list(read_cells(notebook).get("cells", []))


@dataclass
class Now:
    """What `status` compares locks with: the environment and files of this moment."""

    root: Path
    seed: int | None
    distributions: Mapping[str, str]
    python: str
    files: FileHasher

    @classmethod
    def of(cls, root: Path) -> Now:
        from jupyter_repro.io.config import load_config
        from jupyter_repro.io.environment import installed_distributions

        return cls(
            root,
            load_config(root).seed,
            installed_distributions(),
            platform.python_version(),
            FileHasher(root),
        )

    def current(self, relpath: str, lock: Lock | None) -> Current:
        notebook = self.root / relpath
        if not notebook.is_file():
            return Current(exists=False)
        cells = notebook_cells(notebook)
        recorded = recorded_facts(lock) if lock else None
        names = {*recorded.inputs, *recorded.outputs} if recorded else set()
        names = {name for name in names if inside_project(name)}
        return Current(
            exists=True,
            code_cells=code_section(cells, None).cells,
            parameter_cells=frozenset(
                i
                for i, cell in enumerate(cells)
                if any(t in PARAMETER_TAGS for t in cell.get("metadata", {}).get("tags", ()))
            ),
            parameters=parameters(cells),
            seed=self.seed,
            files={name: self.files(name) for name in sorted(names)},
            distributions=self.distributions,
            python=self.python,
        )


def own_reasons(project: Project, now: Now) -> dict[str, list[Reason]]:
    """Each notebook's reasons to be stale, before upstream staleness is added."""
    result = {}
    for relpath in project.pipeline.order:
        lock = project.locks.get(relpath)
        recorded = recorded_facts(lock) if lock else None
        result[relpath] = judge(recorded, now.current(relpath, lock))
    now.files.save()
    return result
