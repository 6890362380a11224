"""Readers that open files where an audit hook sees nothing, in a real kernel.

One kernel for the module; each test runs one cell and checks the journal line it left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import CellRun
from jupyter_repro.io.hashing import hash_file
from tests.kernel.conftest import RealKernel, env_without_repro

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

pa = pytest.importorskip("pyarrow", reason="pyarrow wheel unavailable")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow wheel unavailable")
pl = pytest.importorskip("polars", reason="polars wheel unavailable")
h5py = pytest.importorskip("h5py", reason="h5py wheel unavailable")


def _data(root: Path) -> None:
    import numpy as np

    data = root / "data"
    (data / "ds").mkdir(parents=True)
    (data / "many").mkdir()
    table = pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    for name in ("pandas.parquet", "arrow.parquet", "file.parquet", "polars.parquet"):
        pq.write_table(table, data / name)
    pq.write_table(table, data / "ds" / "part-0.parquet")
    pq.write_table(table, data / "ds" / "part-1.parquet")
    (data / "ds" / "_SUCCESS").write_text("")
    for i in range(3):
        pq.write_table(table, data / "many" / f"m{i}.parquet")
    for name in ("arrow.csv", "polars.csv", "child.txt", "bang.txt"):
        (data / name).write_text("a,b\n1,x\n2,y\n")
    with h5py.File(data / "t.h5", "w") as handle:
        handle["values"] = np.arange(4)
    with sqlite3.connect(data / "t.db") as connection:
        connection.execute("create table t (a int)")
        connection.execute("insert into t values (1)")
    connection.close()


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealKernel]:
    root = tmp_path_factory.mktemp("readers")
    (root / "pyproject.toml").write_text('[project]\nname = "r"\nversion = "0"\n')
    _data(root)
    started = RealKernel(root, env_without_repro())
    started.count = 0  # type: ignore[attr-defined]
    yield started
    started.shutdown()


def run(kernel: Any, code: str) -> CellRun:
    reply, _ = kernel.execute(code)
    assert reply["content"]["status"] == "ok", reply["content"]
    kernel.count += 1
    return kernel.runs_after(kernel.count).runs[kernel.count - 1]


def reads(run_: CellRun) -> dict[str, str]:
    return {r.path: r.via for r in run_.reads}


def test_pandas_read_parquet_is_recorded_with_the_content_hash(kernel: Any) -> None:
    cell = run(kernel, "import pandas as pd\ndf = pd.read_parquet('data/pandas.parquet')")
    (read,) = [r for r in cell.reads if r.path == "data/pandas.parquet"]
    assert read.via == "pandas.read_parquet"
    assert read.hash == hash_file(kernel.cwd / "data" / "pandas.parquet")


def test_pyarrow_parquet_csv_and_parquet_file_are_recorded(kernel: Any) -> None:
    cell = run(
        kernel,
        "import pyarrow.parquet as pq, pyarrow.csv as pcsv\n"
        "t = pq.read_table('data/arrow.parquet')\n"
        "f = pq.ParquetFile('data/file.parquet')\n"
        "c = pcsv.read_csv('data/arrow.csv')",
    )
    assert reads(cell) == {
        "data/arrow.parquet": "pyarrow.parquet.read_table",
        "data/file.parquet": "pyarrow.parquet.ParquetFile",
        "data/arrow.csv": "pyarrow.csv.read_csv",
    }


def test_a_pyarrow_dataset_directory_records_each_data_file(kernel: Any) -> None:
    cell = run(kernel, "import pyarrow.dataset as ds\nt = ds.dataset('data/ds').to_table()")
    assert reads(cell) == {
        "data/ds/part-0.parquet": "pyarrow.dataset.dataset",
        "data/ds/part-1.parquet": "pyarrow.dataset.dataset",
    }


def test_polars_read_and_scan_with_a_glob_are_recorded(kernel: Any) -> None:
    cell = run(
        kernel,
        "import polars as pl\n"
        "a = pl.read_csv('data/polars.csv')\n"
        "b = pl.read_parquet('data/polars.parquet')\n"
        "c = pl.scan_parquet('data/many/*.parquet').collect()",
    )
    assert reads(cell) == {
        "data/polars.csv": "polars.read_csv",
        "data/polars.parquet": "polars.read_parquet",
        "data/many/m0.parquet": "polars.scan_parquet",
        "data/many/m1.parquet": "polars.scan_parquet",
        "data/many/m2.parquet": "polars.scan_parquet",
    }


def test_h5py_files_are_recorded_with_their_mode(kernel: Any) -> None:
    cell = run(
        kernel,
        "import h5py\n"
        "with h5py.File('data/t.h5', 'r') as f:\n    v = f['values'][:]\n"
        "with h5py.File('out.h5', 'w') as f:\n    f['v'] = v",
    )
    assert reads(cell) == {"data/t.h5": "h5py.File"}
    assert [(w.path, w.via) for w in cell.writes] == [("out.h5", "h5py.File")]
    assert cell.writes[0].hash == hash_file(kernel.cwd / "out.h5")


def test_sqlite_connect_records_the_database(kernel: Any) -> None:
    cell = run(
        kernel,
        "import sqlite3\nrows = sqlite3.connect('data/t.db').execute('select * from t').fetchall()",
    )
    assert reads(cell) == {"data/t.db": "sqlite3"}
    assert cell.reads[0].mode == "readwrite"


def test_child_processes_record_their_file_arguments_and_say_what_is_not_tracked(
    kernel: Any,
) -> None:
    cell = run(
        kernel, "import subprocess\nsubprocess.run(['cat', 'data/child.txt'], capture_output=True)"
    )
    assert reads(cell) == {"data/child.txt": "subprocess"}
    assert any("child process `cat` ran" in note for note in cell.unattributed)
    assert not any("child.txt" in note for note in cell.unattributed)  # no command line

    bang = run(kernel, "!cat data/bang.txt > /dev/null")
    assert reads(bang) == {"data/bang.txt": "shell"}
    assert any("not tracked" in note for note in bang.unattributed)


def test_writers_in_c_record_their_outputs(kernel: Any) -> None:
    cell = run(
        kernel,
        "import pandas as pd, polars as pl\n"
        "pd.DataFrame({'a': [1]}).to_parquet('pandas_out.parquet')\n"
        "pl.DataFrame({'a': [1]}).write_csv('polars_out.csv')",
    )
    assert {(w.path, w.via) for w in cell.writes} == {
        ("pandas_out.parquet", "DataFrame.to_parquet"),
        ("polars_out.csv", "polars.DataFrame.write_csv"),
    }
    assert all(w.hash for w in cell.writes)


def test_a_dataset_written_whole_records_and_hashes_each_data_file(kernel: Any) -> None:
    cell = run(
        kernel,
        "import pyarrow as pa, pyarrow.dataset as ds\n"
        "ds.write_dataset(pa.table({'k': [1, 2], 'v': ['a', 'b']}), 'out/ds', format='parquet',"
        " partitioning=['k'], basename_template='part-{i}.parquet')",
    )
    assert {(w.path, w.via) for w in cell.writes} == {
        ("out/ds/1/part-0.parquet", "pyarrow.dataset.write_dataset"),
        ("out/ds/2/part-0.parquet", "pyarrow.dataset.write_dataset"),
    }
    assert all(w.hash and w.hash.startswith("blake3:") for w in cell.writes)


def test_a_remote_location_is_reported_as_unattributed(kernel: Any) -> None:
    cell = run(
        kernel,
        "import polars as pl\n"
        "try:\n    pl.scan_csv('s3://bucket/data.csv')\nexcept Exception:\n    pass",
    )
    assert cell.reads == ()
    assert any("s3://" in note for note in cell.unattributed)
