"""Coverage of file readers and writers that open files in C, C++ or Rust.

An audit hook sees nothing when pyarrow, polars, h5py or pandas' parquet reader open a
file natively. Their known entry points are wrapped when their module is imported: the
wrapper records the path argument (expanding lists, directories and globs) and calls the
original. What a wrapper cannot resolve to local files (URLs, unknown objects) becomes a
note in the run's `unattributed`, never a silent drop.
"""

from __future__ import annotations

import functools
import glob
import os
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jupyter_repro.kernel.audit import DIRECTORY_LIMIT, RECORDER, data_files

if TYPE_CHECKING:
    from jupyter_repro.core.journal import AccessMode

_MARK = "__jupyter_repro_wrapped__"
_GLOB_CHARS = ("*", "?", "[")

Locate = Callable[[tuple[Any, ...], Mapping[str, Any]], Any]
ModeOf = Callable[[tuple[Any, ...], Mapping[str, Any]], "AccessMode"]


def _argument(position: int, *names: str) -> Locate:
    def locate(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        if len(args) > position:
            return args[position]
        for name in names:
            if name in kwargs:
                return kwargs[name]
        return None

    return locate


def record_target(target: Any, mode: AccessMode, via: str) -> None:
    """Record what a reader/writer was pointed at: path, list of paths, dir, glob or handle."""
    if target is None or RECORDER.accesses is None:
        return
    if isinstance(target, (list, tuple)):
        for item in target[:DIRECTORY_LIMIT]:
            record_target(item, mode, via)
        return
    if isinstance(target, (str, os.PathLike)):
        _record_path_text(os.fsdecode(os.fspath(target)), mode, via)
        return
    name = getattr(target, "name", None) or getattr(target, "path", None)
    if isinstance(name, str) and os.path.isabs(name):
        RECORDER.record_path(name, mode, via)  # an open file object: the open was audited too
        return
    if (
        hasattr(target, "read")
        or hasattr(target, "write")
        or isinstance(target, (bytes, bytearray, memoryview))
    ):
        return  # an in-memory buffer or an already-open stream: no file named here
    if type(target).__module__.split(".", 1)[0] in ("h5py", "pyarrow", "polars"):
        return  # the library's own handle objects, opened through a wrapped entry point
    RECORDER.note(f"{via} was given a {type(target).__name__}: what it read is not tracked")


def _record_path_text(text: str, mode: AccessMode, via: str) -> None:
    if "://" in text and not text.startswith("file://"):
        scheme = text.split("://", 1)[0]
        RECORDER.note(
            f"{via} used a {scheme}:// location ({text[:80]}): remote data is not tracked"
        )
        return
    text = os.path.expanduser(text.removeprefix("file://"))
    if mode != "write" and any(ch in text for ch in _GLOB_CHARS):
        matches = sorted(glob.glob(text, recursive=True))
        if not matches:
            RECORDER.note(f"{via} pattern {text[:80]} matched no file when the cell ran")
        for match in matches[:DIRECTORY_LIMIT]:
            _record_path_text(match, mode, via)
        return
    if mode != "write" and os.path.isdir(text):
        _record_directory(text, mode, via)
        return
    RECORDER.record_path(text, mode, via)


def _record_directory(folder: str, mode: AccessMode, via: str) -> None:
    files, more = data_files(folder)
    for path in files:
        RECORDER.record_path(path, mode, via)
    if more:
        RECORDER.note(
            f"{via} read a directory with more than {DIRECTORY_LIMIT} files: "
            f"only the first {DIRECTORY_LIMIT} are recorded"
        )


def wrap(owner: Any, attr: str, via: str, locate: Locate, mode: AccessMode | ModeOf) -> None:
    """Replace `owner.attr` by a recording wrapper (once; a wrapped callable is left alone)."""
    original = getattr(owner, attr, None)
    if original is None or getattr(original, _MARK, False) or not callable(original):
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if RECORDER.accesses is not None:
            try:
                chosen = mode(args, kwargs) if callable(mode) else mode
                record_target(locate(args, kwargs), chosen, via)
            except Exception as exc:
                RECORDER.note(f"{via}: could not record its file ({type(exc).__name__})")
        return original(*args, **kwargs)

    setattr(wrapper, _MARK, True)
    setattr(owner, attr, wrapper)


def _functions(
    module: ModuleType,
    names: tuple[str, ...],
    mode: AccessMode,
    keywords: tuple[str, ...] = ("source", "path", "where", "file"),
) -> None:
    for name in names:
        wrap(module, name, f"{module.__name__}.{name}", _argument(0, *keywords), mode)


def _methods(
    cls: Any,
    prefix: str,
    names: tuple[str, ...],
    mode: AccessMode,
    keywords: tuple[str, ...] = ("path", "file", "path_or_buf", "where"),
) -> None:
    for name in names:
        wrap(cls, name, f"{prefix}.{name}", _argument(1, *keywords), mode)


def _pandas(pd: ModuleType) -> None:
    _functions(
        pd,
        ("read_parquet", "read_feather", "read_hdf", "read_orc"),
        "read",
        ("path", "path_or_buf"),
    )
    _methods(pd.DataFrame, "DataFrame", ("to_parquet", "to_feather", "to_hdf", "to_orc"), "write")


def _pyarrow_parquet(pq: ModuleType) -> None:
    _functions(pq, ("read_table", "read_pandas", "read_metadata", "read_schema"), "read")
    for name in ("write_table", "write_to_dataset"):
        wrap(pq, name, f"pyarrow.parquet.{name}", _argument(1, "where", "root_path"), "write")
    for cls in ("ParquetFile", "ParquetDataset"):
        if hasattr(pq, cls):
            wrap(
                getattr(pq, cls),
                "__init__",
                f"pyarrow.parquet.{cls}",
                _argument(1, "source", "path_or_paths"),
                "read",
            )
    if hasattr(pq, "ParquetWriter"):
        wrap(
            pq.ParquetWriter,
            "__init__",
            "pyarrow.parquet.ParquetWriter",
            _argument(1, "where"),
            "write",
        )


def _pyarrow_module(
    prefix: str, reads: tuple[str, ...], writes: tuple[str, ...]
) -> Callable[[ModuleType], None]:
    def install(module: ModuleType) -> None:
        _functions(module, reads, "read", ("input_file", "source", "path"))
        for name in writes:
            locate = _argument(1, "output_file", "dest", "where", "base_dir")
            wrap(module, name, f"{prefix}.{name}", locate, "write")

    return install


def _pyarrow(pa: ModuleType) -> None:
    _functions(pa, ("memory_map", "input_stream"), "read", ("path", "source"))
    wrap(pa, "output_stream", "pyarrow.output_stream", _argument(0, "source"), "write")


def _polars(pl: ModuleType) -> None:
    skip = ("read_database", "read_database_uri", "read_clipboard")
    readers = tuple(n for n in dir(pl) if n.startswith(("read_", "scan_")) and n not in skip)
    _functions(pl, readers, "read", ("source", "file", "path"))
    frame_writes = tuple(
        n
        for n in dir(pl.DataFrame)
        if n.startswith("write_") and n not in ("write_database", "write_clipboard")
    )
    _methods(pl.DataFrame, "polars.DataFrame", frame_writes, "write", ("file", "path", "target"))
    lazy_sinks = tuple(n for n in dir(pl.LazyFrame) if n.startswith("sink_"))
    _methods(pl.LazyFrame, "polars.LazyFrame", lazy_sinks, "write", ("path", "target"))


def _h5py_mode(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> AccessMode:
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "r")
    if mode in (None, "r"):
        return "read"
    if mode in ("r+", "a"):
        return "readwrite"
    return "write"


def _h5py(h5py: ModuleType) -> None:
    wrap(h5py.File, "__init__", "h5py.File", _argument(1, "name"), _h5py_mode)


READERS: dict[str, Callable[[ModuleType], None]] = {
    "pandas": _pandas,
    "pyarrow": _pyarrow,
    "pyarrow.parquet": _pyarrow_parquet,
    "pyarrow.csv": _pyarrow_module("pyarrow.csv", ("read_csv", "open_csv"), ("write_csv",)),
    "pyarrow.json": _pyarrow_module("pyarrow.json", ("read_json",), ()),
    "pyarrow.feather": _pyarrow_module(
        "pyarrow.feather", ("read_table", "read_feather"), ("write_feather",)
    ),
    "pyarrow.dataset": _pyarrow_module("pyarrow.dataset", ("dataset",), ("write_dataset",)),
    "pyarrow.orc": _pyarrow_module("pyarrow.orc", ("read_table",), ("write_table",)),
    "polars": _polars,
    "h5py": _h5py,
}
