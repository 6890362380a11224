"""The one judge of a notebook: its cells, its lock, its pair and one chosen journal.

`Inspector.judge` gathers the evidence from disk and runs the rules. `jupyter-repro check`,
the pytest plugin, pre-commit, `verify`'s pre-checks and the server's status route all
call it; a live session adds an `Overlay` (the cells as the browser has them, the running
kernel's journal) and gets the same findings `check` would give for those cells. An
`Inspector` caches what notebooks of one project share (root, configuration, declared
dependencies, installed distributions), so checking a thousand notebooks reads each
shared file once. Nothing here imports IPython, jupyter_server, papermill, nbconvert or
jsonschema; jupytext only when a declared pair has to be read.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_repro.core.config import Enforcement, ReproConfig
from jupyter_repro.core.credentials import is_credential_file
from jupyter_repro.core.errors import ReproError
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.journal import Journal, kernel_distributions
from jupyter_repro.core.language import is_python, notebook_language
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.core.requirements import KNOWN_MODULE_DISTRIBUTIONS, canonical, from_pep723
from jupyter_repro.core.rules import Cell, Evidence, InputState, PairState, run_rules
from jupyter_repro.core.rules.evidence import recorded_error
from jupyter_repro.core.suppress import suppressed_rules, unknown_rules
from jupyter_repro.io.config import load_config
from jupyter_repro.io.declared import declared_dependencies
from jupyter_repro.io.environment import installed_distributions, module_distributions
from jupyter_repro.io.files import project_file
from jupyter_repro.io.journals import choose_journal
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.project import find_project_root, relative_to_root, store_dir
from jupyter_repro.io.scriptcells import read_script_notebook, script_format, script_pair_cells


@dataclass(frozen=True)
class Overlay:
    """What a live session knows that the files on disk do not."""

    cells: tuple[Cell, ...] | None = None  # the notebook as the browser has it, saved or not
    kernel_id: str | None = None  # the kernel running the notebook
    running_journal: str | None = None  # the journal file that kernel says it writes


@dataclass(frozen=True)
class NotebookReport:
    """The verdict on one notebook. `error` is set when it could not be (fully) read.

    `evidence` is what the rules judged (None when the notebook could not be read), so a
    caller that shows more than findings (the Lab panel) never reads anything again.
    """

    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    enforce: Enforcement = "warn"
    project_relpath: str = ""
    notes: tuple[str, ...] = ()  # things worth saying that are not findings
    evidence: Evidence | None = None
    project_root: Path | None = None
    config: ReproConfig | None = None
    lock_error: str | None = None

    def failing(self) -> list[Finding]:
        """Findings that fail a gate: errors under `warn`, everything under `strict`."""
        if self.enforce == "off":
            return []
        if self.enforce == "strict":
            return list(self.findings)
        return [f for f in self.findings if f.severity == "error"]


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part if isinstance(part, str) else "" for part in source)
    return source if isinstance(source, str) else ""


def cells_of(notebook: Mapping[str, Any]) -> tuple[Cell, ...]:
    cells = []
    for index, raw in enumerate(notebook.get("cells", [])):
        if not isinstance(raw, Mapping):
            continue
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), Mapping) else {}
        tags = metadata.get("tags", []) if isinstance(metadata, Mapping) else []
        count = raw.get("execution_count")
        cells.append(
            Cell(
                index=index,
                cell_type=str(raw.get("cell_type", "")),
                source=_source(raw),
                execution_count=count if type(count) is int else None,
                cell_id=raw.get("id") if isinstance(raw.get("id"), str) else None,
                tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
                recorded_error=recorded_error(raw),
            )
        )
    return tuple(cells)


@functools.lru_cache(maxsize=1)
def system_prefixes() -> tuple[str, ...]:
    """Folders whose files are the environment's, not data: reads there are not inputs."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    prefixes |= {p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)}
    return tuple(sorted(prefixes))


@dataclass
class Inspector:
    """Checks notebooks, caching what notebooks of the same project share."""

    config_override: ReproConfig | None = None
    _roots: dict[Path, Path] = field(default_factory=dict)
    _configs: dict[Path, ReproConfig] = field(default_factory=dict)
    _installed: dict[str, str] | None = None
    _modules: dict[str, str | None] = field(default_factory=dict)

    def project_root(self, folder: Path) -> Path:
        root = self._roots.get(folder)
        if root is None:
            root = self._roots[folder] = find_project_root(folder)
        return root

    def config(self, root: Path) -> ReproConfig:
        if self.config_override is not None:
            return self.config_override
        config = self._configs.get(root)
        if config is None:
            config = self._configs[root] = load_config(root)
        return config

    def installed(self) -> dict[str, str]:
        if self._installed is None:
            self._installed = installed_distributions()
        return self._installed

    def distributions_of(self, modules: Sequence[str]) -> dict[str, str]:
        installed = self.installed()
        for module in modules:
            # Most modules are named like their distribution: no metadata to read for them.
            if module not in self._modules:
                for name in (canonical(module), KNOWN_MODULE_DISTRIBUTIONS.get(module)):
                    if name is not None and canonical(name) in installed:
                        self._modules[module] = canonical(name)
                        break
        unknown = [m for m in modules if m not in self._modules]
        if unknown:
            found = module_distributions(unknown)
            for module in unknown:
                self._modules[module] = found.get(module)
        return {m: d for m in modules if (d := self._modules.get(m)) is not None}

    # ----------------------------------------------------------------------------------
    def inspect(self, path: Path, display: str | None = None) -> NotebookReport:
        """Check one notebook (or paired script) as saved. Bad input becomes the report's
        error; anything else unexpected is a bug of ours and propagates (exit 4)."""
        return self.judge(path, display)

    def judge(
        self, path: Path, display: str | None = None, overlay: Overlay | None = None
    ) -> NotebookReport:
        """THE judge: the notebook's findings from its cells, lock, pair and chosen journal."""
        shown = display or str(path)
        try:
            return self._judge(path, shown, overlay or Overlay())
        except ReproError as exc:
            return NotebookReport(shown, error=exc.message)
        except OSError as exc:
            return NotebookReport(shown, error=f"{shown}: cannot read: {exc.strerror or exc}")

    def _judge(self, path: Path, shown: str, overlay: Overlay) -> NotebookReport:
        notebook_path, notebook = _load(path, tolerate_unreadable=overlay.cells is not None)
        folder = notebook_path.parent.resolve()
        root = self.project_root(folder)
        relpath = relative_to_root(notebook_path, root)
        config = self.config(root).for_notebook(relpath)
        enabled = config.enabled_rules()
        cells = overlay.cells if overlay.cells is not None else cells_of(notebook)
        lock, lock_error = _lock(notebook_path)
        journal = choose_journal(root, relpath, overlay.kernel_id, overlay.running_journal)
        language = notebook_language(notebook.get("metadata") or {})
        look_up_paths = "absolute-path" in enabled and is_python(language)
        evidence = Evidence(
            path=relpath,
            cells=cells,
            language=language,
            journal=journal,
            lock=lock,
            lock_unreadable=lock_error is not None,
            inputs_now=self._inputs_now(root, lock, config) if lock is not None else {},
            installed=self._installed_for(journal) if lock is not None else None,
            pair=self._pair(notebook_path, notebook, config)
            if enabled & {"unpaired", "pair-out-of-sync"}
            else None,
            system_prefixes=system_prefixes(),
            paths_on_disk=_paths_on_disk(cells) if look_up_paths else frozenset(),
            **self.dependency_evidence(cells, root, folder, enabled),
        )
        return NotebookReport(
            shown,
            tuple(run_rules(evidence, config)),
            lock_error,
            config.enforce,
            relpath,
            (*_suppression_notes(cells), *_blind_notes(evidence), *_store_notes(root, lock)),
            evidence,
            root,
            config,
            lock_error,
        )

    def _installed_for(self, journal: Journal | None) -> Mapping[str, str]:
        """The kernel's distributions when its journal knows them, else this interpreter's."""
        return kernel_distributions(journal) or self.installed()

    def _inputs_now(self, root: Path, lock: Lock, config: ReproConfig) -> dict[str, InputState]:
        return {
            relpath: _input_state(root, relpath, entry.size)
            for relpath, entry in lock.inputs.items()
            if not any(fnmatch.fnmatch(relpath, glob) for glob in config.ignore_inputs)
        }

    def dependency_evidence(
        self, cells: Sequence[Cell], root: Path, folder: Path, enabled: frozenset[str]
    ) -> dict[str, Any]:
        """`Evidence` fields for `undeclared-dependency`: declared names, module mapping."""
        if "undeclared-dependency" not in enabled:
            return {}
        stdlib = frozenset(sys.stdlib_module_names)
        modules = sorted({m for c in cells if c.is_code for m in c.scan.names.imports} - stdlib)
        declared = set(declared_dependencies(root, folder))
        for cell in cells:
            if "# /// script" in cell.source:
                declared |= from_pep723(cell.source) or set()
        local = frozenset(m for m in modules if _is_local(m, folder, root))
        return {
            "declared": frozenset(declared),
            "module_distributions": self.distributions_of([m for m in modules if m not in local]),
            "local_modules": local,
            "stdlib_modules": stdlib,
        }

    def _pair(self, notebook: Path, data: Mapping[str, Any], config: ReproConfig) -> PairState:
        from jupyter_repro.io.pairpaths import declared_formats, paired_script

        metadata = data.get("metadata") if isinstance(data.get("metadata"), Mapping) else {}
        metadata = metadata if isinstance(metadata, Mapping) else {}
        declared = declared_formats(metadata) is not None
        if notebook.suffix != ".ipynb":
            return PairState(path=notebook.name, cells=None, declared=False)
        script = paired_script(notebook, metadata)
        if script is None:
            return PairState(path=None, declared=declared)
        root = self.project_root(notebook.parent.resolve())
        shown = relative_to_root(script.path, root)
        try:
            cells = script_pair_cells(script.path, script.fmt, store_dir(root))
        except (OSError, ValueError, ReproError) as exc:
            return PairState(shown, None, declared, str(exc).splitlines()[0] if str(exc) else "")
        return PairState(shown, cells, declared)


def _store_notes(root: Path, lock: Lock | None) -> tuple[str, ...]:
    """Stored copies of locked inputs that are cut short (a stat each, no hashing).

    A copy that is simply absent is not said: a fresh clone has no store (`pull` fills
    it), and `restore` names what it lacks when asked."""
    if lock is None or not any(entry.stored for entry in lock.inputs.values()):
        return ()
    from jupyter_repro.io.store import Store

    store = Store(root)
    return tuple(
        f"the store's copy of {key} is damaged: `jupyter-repro snapshot` "
        "stores it again while the file is unchanged"
        for key, entry in sorted(lock.inputs.items())
        if entry.stored
        and entry.hash
        and store.object_path(entry.hash).exists()
        and not store.object_intact(entry.hash, entry.size)
    )


def _paths_on_disk(cells: Sequence[Cell]) -> frozenset[str]:
    """Which path-like literals not used as paths exist here: looked up, never opened."""
    from jupyter_repro.core.rules.paths import literals_to_look_up

    code = [cell for cell in cells if cell.is_code]
    return frozenset(
        text for text in literals_to_look_up(code) if os.path.lexists(os.path.expanduser(text))
    )


def _blind_notes(evidence: Evidence) -> tuple[str, ...]:
    """Say where `hidden-state` stops seeing: below a cell that may define any name."""
    from jupyter_repro.core.rules.hidden_state import blind_spot

    spot = blind_spot(evidence)
    if spot is None:
        return ()
    cell, count = spot
    return (
        f"cell {cell + 1} may define any name (`from ... import *`, `%run`, `exec`): "
        f"{count} use{'s' if count != 1 else ''} of names below it could not be checked "
        "for hidden state",
    )


def _suppression_notes(cells: Sequence[Cell]) -> tuple[str, ...]:
    """A misspelt rule in a suppression suppresses nothing: say so."""
    notes = []
    for cell in cells:
        if cell.tags or "repro:" in cell.source:
            for rule in unknown_rules(suppressed_rules(cell.source, cell.tags)):
                notes.append(f"cell {cell.index + 1}: unknown rule {rule!r} in a suppression")
    return tuple(notes)


@functools.lru_cache(maxsize=4096)
def _is_local(module: str, folder: Path, root: Path) -> bool:
    for base in {folder, root, root / "src"}:
        if (base / f"{module}.py").is_file() or (base / module / "__init__.py").is_file():
            return True
        if (base / module).is_dir() and any((base / module).glob("*.py")):
            return True
    return False


def _lock(notebook: Path) -> tuple[Lock | None, str | None]:
    """The lock beside the notebook, or the one-line reason it cannot be read."""
    try:
        return read_lock_for(notebook), None
    except ReproError as exc:
        return None, exc.message


def _input_state(root: Path, relpath: str, locked_size: int | None) -> InputState:
    path = project_file(root, relpath)
    if path is None:
        return InputState(None, outside=True)  # named by the lock: reported, never read
    try:
        size = path.stat().st_size
    except OSError:
        return InputState(None)
    if (locked_size is not None and locked_size != size) or is_credential_file(path):
        return InputState(size)  # a different size needs no hash to tell
    try:
        from jupyter_repro.io.statcache import stat_cache_for

        _, digest = stat_cache_for(store_dir(root)).hash(path)
    except OSError:
        return InputState(None)
    return InputState(size, digest)


def _load(path: Path, tolerate_unreadable: bool = False) -> tuple[Path, Mapping[str, Any]]:
    """The notebook to check for `path`: itself, or the notebook a script is paired with.

    With `tolerate_unreadable` (the browser sent the cells), a notebook file that cannot be
    read yet (never saved, mid-write) only loses its metadata."""
    if path.suffix == ".ipynb":
        try:
            return path, read_notebook_json(path)
        except ReproError:
            if not tolerate_unreadable:
                raise
            return path, {}
    beside = path.with_suffix(".ipynb")
    if beside.is_file():
        return beside, read_notebook_json(beside)
    if not path.is_file():
        from jupyter_repro.core.errors import BadInputError

        raise BadInputError.unreadable(path, "no such file")
    return path, read_script_notebook(path, script_format(path, "py:percent"))


def inspect_notebook(path: Path, display: str | None = None) -> NotebookReport:
    """Check one notebook with fresh caches."""
    return Inspector().inspect(path, display)


# Many notebooks: spread over processes, each with its own Inspector -------------------------
_PARALLEL_FROM = 64
_worker_inspector: Inspector | None = None


def _inspect_in_worker(item: tuple[str, str]) -> NotebookReport:
    global _worker_inspector  # noqa: PLW0603 - one Inspector per worker process, for its caches
    if _worker_inspector is None:
        _worker_inspector = Inspector()
    return _worker_inspector.inspect(Path(item[0]), item[1])


def inspect_many(
    items: Sequence[tuple[Path, str]], jobs: int | None = None
) -> list[NotebookReport]:
    """Reports for (path, display name) pairs, in order; in parallel when there are many.

    Parsing is CPU-bound, so a thousand notebooks go to one process per core. The cyclic
    garbage collector is paused meanwhile: syntax trees hold no cycles and the collector
    would otherwise rescan every tree built so far, costing about a third of the time.
    """
    import gc

    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    enabled = gc.isenabled()
    gc.disable()
    try:
        if workers > 1 and len(items) >= _PARALLEL_FROM:
            from concurrent.futures import ProcessPoolExecutor

            work = [(str(path), shown) for path, shown in items]
            chunk = max(1, len(work) // (workers * 8))
            with ProcessPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(_inspect_in_worker, work, chunksize=chunk))
        inspector = Inspector()
        return [inspector.inspect(path, shown) for path, shown in items]
    finally:
        if enabled:
            gc.enable()
