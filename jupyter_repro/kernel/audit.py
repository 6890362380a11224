"""What a running cell touches on disk, seen through `sys.addaudithook`.

One hook per process (hooks can never be removed), switched on by setting the current
cell's `CellAccesses` and off by clearing it: between cells, and once tracking stops, the
hook returns after one global lookup. While a cell runs it records `open` events (path,
access mode from the flags), `sqlite3.connect`, file renames and removals, and child
processes: the project files named on their command line, plus a note naming only the
program (a command line carries passwords and tokens: it is never recorded).

Everything here runs inside user code: it must be cheap, never raise, never recurse.
The extension's own threads are skipped by thread id.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat as stat_module
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_repro.core.journal import AccessMode

_get_ident = threading.get_ident
_stat = os.stat
_getcwd = os.getcwd
_isabs = os.path.isabs
_join = os.path.join
_normpath = os.path.normpath
_ACCESS_MASK = os.O_RDONLY | os.O_WRONLY | os.O_RDWR
_MAIN_THREAD = threading.main_thread().ident
_BETWEEN_LIMIT = 20  # files named per gap between cells; more only repeat the point
_CHILD_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.posix_spawn",
        "os.spawn",
        "os.exec",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
    }
)


class ReadMark:
    """A read file: its stat at the read; the worker fills in the hash."""

    __slots__ = (
        "changed",
        "done",
        "hash",
        "inode",
        "mtime_ns",
        "note",
        "path",
        "readwrite",
        "size",
        "via",
    )

    def __init__(
        self, path: str, via: str, *, size: int, mtime_ns: int, inode: int, readwrite: bool = False
    ) -> None:
        self.path = path  # absolute, normalized
        self.via = via
        self.size = size
        self.mtime_ns = mtime_ns
        self.inode = inode
        self.readwrite = readwrite
        self.hash: str | None = None
        self.changed = False
        self.note: str | None = None
        self.done = False


class CellAccesses:
    """Everything one cell run touched; filled by the hook and the reader wrappers."""

    __slots__ = ("reads", "unattributed", "writes")

    def __init__(self) -> None:
        self.reads: dict[str, ReadMark] = {}
        self.writes: dict[str, str] = {}  # absolute path -> via
        self.unattributed: list[str] = []


class PathFilter:
    """Cheap prefix/suffix tests for what is not data (stdlib, site-packages, caches...)."""

    def __init__(self, project_root: str, extra_ignored: Iterable[str] = ()) -> None:
        self.project_root = project_root
        self.prefixes = tuple(sorted(_system_prefixes() | set(extra_ignored)))
        self.exact: set[str] = set()
        self.fragments = (
            f"{os.sep}.repro{os.sep}",
            f"{os.sep}.ipynb_checkpoints{os.sep}",
            f"{os.sep}__pycache__{os.sep}",
            f"{os.sep}.git{os.sep}",
        )

    def ignored(self, path: str) -> bool:
        return (
            path.startswith(self.prefixes)
            or path in self.exact
            or path.endswith(".pyc")
            or any(fragment in path for fragment in self.fragments)
        )


def _system_prefixes() -> set[str]:
    """Interpreter files, OS pseudo-files, fonts and per-user caches and config."""
    found = {
        "/proc/",
        "/dev/",
        "/sys/",
        "/usr/share/",
        "/etc/",
        "/run/",
        "/var/cache/",
        "/usr/lib/",
        "/usr/local/lib/",
        "/usr/local/share/",
        "/tmp/ipykernel_",
    }
    found.add(os.path.dirname(os.__file__) + os.sep)  # the standard library (no sysconfig import)
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        found.add(os.path.join(prefix, "lib") + os.sep)
    for entry in sys.path:
        if "site-packages" in entry or "dist-packages" in entry:
            found.add(os.path.normpath(entry) + os.sep)
    # This package itself (an editable install lives outside site-packages).
    found.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep)
    home = os.path.expanduser("~")
    for sub in (
        ".cache",
        ".matplotlib",
        ".config",
        ".ipython",
        ".local/share/jupyter",
        ".jupyter",
        ".fonts",
        ".local/share/fonts",
        ".keras",
        ".pyenv",
    ):
        found.add(os.path.join(home, sub) + os.sep)
    for name in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        value = os.environ.get(name)
        if value:
            found.add(os.path.normpath(value) + os.sep)
    return found


class AuditRecorder:
    """The process's one audit hook and the state it writes into."""

    def __init__(self) -> None:
        self.accesses: CellAccesses | None = None  # None: not inside a tracked cell
        # Between tracked cells: files other threads than the kernel's own open (a thread a
        # cell started, still reading), for the next cell to report; None: not tracking.
        self.between: list[str] | None = None
        self.path_filter: PathFilter | None = None
        self.own_threads: set[int] = set()
        self.on_read: Callable[[ReadMark], None] | None = None  # e.g. queue the hash
        self.on_error: Callable[[str], None] | None = None
        self._installed = False

    @contextlib.contextmanager
    def suppressed(self) -> Iterator[None]:
        """The extension's own I/O on the current thread (e.g. inside `%repro`) is not recorded."""
        ident = _get_ident()
        added = ident not in self.own_threads
        self.own_threads.add(ident)
        try:
            yield
        finally:
            if added:
                self.own_threads.discard(ident)

    def install(self) -> None:
        if not self._installed:
            sys.addaudithook(self._hook)
            self._installed = True

    # The hook: one attribute lookup when no cell is tracked, one more between cells.
    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        accesses = self.accesses
        if accesses is None:
            between = self.between
            if between is not None and event == "open":
                try:
                    self._on_open_between(between, args)
                except Exception as exc:  # never into user code
                    self._report(f"file tracking failed between cells: {type(exc).__name__}")
            return
        try:
            if event == "open":
                if _get_ident() not in self.own_threads:
                    self._on_open(accesses, args)
            elif event in _CHILD_EVENTS:
                if _get_ident() not in self.own_threads:
                    self._on_child(accesses, event, args)
            elif event == "sqlite3.connect":
                self._on_sqlite(accesses, args)
            elif event == "os.rename":
                self._on_rename(accesses, args)
            elif event == "os.remove":
                self._on_remove(accesses, args)
        except Exception as exc:  # never into user code
            self._report(f"file tracking failed on a {event} event: {type(exc).__name__}")

    def _report(self, reason: str) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(reason)

    def _on_open(self, accesses: CellAccesses, args: tuple[Any, ...]) -> None:
        target, flags = args[0], args[2]
        if isinstance(target, int):
            return  # an already-open descriptor: its open was seen (or was not a path)
        path = absolute_path(target)
        if path is None or (self.path_filter is not None and self.path_filter.ignored(path)):
            return
        access = flags & _ACCESS_MASK if isinstance(flags, int) else os.O_RDONLY
        if access == os.O_RDONLY:
            self.record_read(accesses, path, "open")
        else:
            if access == os.O_RDWR:
                self.record_read(accesses, path, "open", readwrite=True)
            accesses.writes.setdefault(path, "open")

    def _on_open_between(self, between: list[str], args: tuple[Any, ...]) -> None:
        """An open while no cell runs. The main thread's (completions, inspection, comms:
        the kernel's machinery) and the extension's are not the notebook's; another
        thread's, of a project file, is a thread some cell started, reading on after that
        cell ended."""
        ident = _get_ident()
        if ident == _MAIN_THREAD or ident in self.own_threads or len(between) >= _BETWEEN_LIMIT:
            return
        path = absolute_path(args[0])
        # Only the project's files: outside it, between cells, library threads open their
        # own (tempfile probes /tmp on first use, caches, fonts).
        project = self.path_filter
        if path is None or project is None or not path.startswith(project.project_root + os.sep):
            return
        if not project.ignored(path) and path not in between:
            between.append(path)

    def record_read(
        self, accesses: CellAccesses, path: str, via: str, readwrite: bool = False
    ) -> ReadMark | None:
        """Stat now (what the cell reads), hash later. Repeated reads in a cell stat once."""
        mark = accesses.reads.get(path)
        if mark is not None:
            return mark
        try:
            info = _stat(path)
        except OSError:
            return None  # the open will fail (or it creates the file): nothing was read
        if stat_module.S_ISDIR(info.st_mode):
            return None
        mark = ReadMark(
            path,
            via,
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            inode=info.st_ino,
            readwrite=readwrite,
        )
        accesses.reads[path] = mark
        if self.on_read is not None:
            self.on_read(mark)
        return mark

    def record_path(self, path_like: Any, mode: AccessMode, via: str) -> None:
        """For reader wrappers: a path a C-level library is about to open."""
        accesses = self.accesses
        if accesses is None:
            return
        path = absolute_path(path_like)
        if path is None or (self.path_filter is not None and self.path_filter.ignored(path)):
            return
        if mode in ("read", "readwrite"):
            self.record_read(accesses, path, via, readwrite=mode == "readwrite")
        if mode in ("write", "readwrite"):
            accesses.writes.setdefault(path, via)

    def note(self, reason: str) -> None:
        accesses = self.accesses
        if accesses is not None and reason not in accesses.unattributed:
            accesses.unattributed.append(reason)

    def _on_sqlite(self, accesses: CellAccesses, args: tuple[Any, ...]) -> None:
        database = args[0] if args else None
        text = os.fsdecode(database) if isinstance(database, (str, bytes, os.PathLike)) else ""
        if text.startswith("file:"):
            text = text[5:].split("?", 1)[0]
        if not text or text == ":memory:":
            return
        self.record_path(text, "readwrite", "sqlite3")

    def _on_rename(self, accesses: CellAccesses, args: tuple[Any, ...]) -> None:
        source, destination = absolute_path(args[0]), absolute_path(args[1])
        if source is not None:
            accesses.writes.pop(source, None)
        if destination is not None and not (
            self.path_filter is not None and self.path_filter.ignored(destination)
        ):
            accesses.writes.setdefault(destination, "rename")

    def _on_remove(self, accesses: CellAccesses, args: tuple[Any, ...]) -> None:
        path = absolute_path(args[0])
        if path is not None:
            accesses.writes.pop(path, None)

    def _on_child(self, accesses: CellAccesses, event: str, args: tuple[Any, ...]) -> None:
        argv, cwd = child_argv(event, args)
        if not argv:
            self.note(f"a child process was started ({event}): files it read are not tracked")
            return
        self.note(
            f"child process `{program_name(argv)}` ran: files it read beyond its arguments "
            "are not tracked"
        )
        root = self.path_filter.project_root if self.path_filter is not None else None
        for token in argv[1:]:
            for candidate in argument_paths(token):
                full = _normpath(
                    candidate if _isabs(candidate) else _join(cwd or _getcwd(), candidate)
                )
                if root and in_folder(full, root):
                    self.record_path(full, "read", "subprocess")


def program_name(argv: list[str]) -> str:
    """What a note may say about a command line: the program's file name, nothing else."""
    return os.path.basename(argv[0]) if argv else "?"


def in_folder(path: str, folder: str) -> bool:
    """`path` (absolute, normalized) lies inside `folder`."""
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def child_argv(event: str, args: tuple[Any, ...]) -> tuple[list[str] | None, str | None]:
    """The argument vector of a child-process audit event, and its working directory."""
    if event == "subprocess.Popen":
        raw, cwd = args[1], args[2]
        argv = shlex.split(raw) if isinstance(raw, str) else [os.fsdecode(a) for a in raw]
        if len(argv) >= 3 and argv[1] == "-c" and argv[0].endswith("sh"):
            # shell=True: the command line is the third word, its program the first of it
            argv = split_command(argv[2])
        return argv, os.fsdecode(cwd) if cwd is not None else None
    if event == "os.system":
        return split_command(os.fsdecode(args[0])), None
    if event in ("os.posix_spawn", "os.exec"):
        return [os.fsdecode(a) for a in args[1]], None
    if event == "os.spawn":
        return [os.fsdecode(a) for a in args[2]], None
    return None, None


def split_command(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def argument_paths(token: str) -> list[str]:
    """Words of a command line that may name files: `data.csv`, `--input=data.csv`."""
    if token.startswith("-"):
        return [token.split("=", 1)[1]] if "=" in token else []
    return [token] if token and token not in ("|", ">", "<", "&&", "||", ";") else []


DIRECTORY_LIMIT = 10_000  # files recorded for one directory read or written whole


def data_files(folder: str) -> tuple[list[str], bool]:
    """The data files under `folder` (a dataset written or read whole), in a stable order,
    at most DIRECTORY_LIMIT; True when there were more. Names starting with `.` or `_`
    (`_SUCCESS`, `_common_metadata`, hidden files) are not data."""
    found: list[str] = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "_")):
                continue
            if len(found) >= DIRECTORY_LIMIT:
                return found, True
            found.append(os.path.join(parent, name))
    return found, False


def absolute_path(target: Any) -> str | None:
    """A normalized absolute path for a str/bytes/PathLike, else None (fds, buffers)."""
    if isinstance(target, str):
        text = target
    elif isinstance(target, (bytes, os.PathLike)):
        try:
            text = os.fsdecode(target)
        except (TypeError, ValueError):
            return None
    else:
        return None
    if not text or "://" in text:
        return None
    return _normpath(text if _isabs(text) else _join(_getcwd(), text))


RECORDER = AuditRecorder()
