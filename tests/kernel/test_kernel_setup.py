"""`jupyter-repro kernel-setup`: the environment's kernel config loads the extension."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.kernel_setup import BEGIN, config_file
from jupyter_repro.cli.main import main


def setup(prefix: Path, *extra: str) -> int:
    return main(["kernel-setup", "--prefix", str(prefix), *extra])


def test_setup_writes_a_delimited_block_and_is_idempotent(tmp_path: Path) -> None:
    assert setup(tmp_path) == 0
    path = config_file(tmp_path)
    first = path.read_text()
    assert first.count(BEGIN) == 1 and "jupyter_repro" in first
    assert setup(tmp_path) == 0
    assert path.read_text() == first


def test_setup_keeps_existing_content_and_remove_restores_it(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    path.parent.mkdir(parents=True)
    original = "c = get_config()\nc.IPKernelApp.matplotlib = 'inline'\n"
    path.write_text(original)
    assert setup(tmp_path) == 0
    text = path.read_text()
    assert text.startswith(original) and BEGIN in text
    assert setup(tmp_path, "--remove") == 0
    assert path.read_text() == original


def test_remove_deletes_a_file_that_held_only_the_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup(tmp_path)
    capsys.readouterr()
    assert setup(tmp_path, "--remove", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["result"] == "removed"
    assert not config_file(tmp_path).exists()
    assert setup(tmp_path, "--remove") == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_a_missing_prefix_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert setup(tmp_path / "nope") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such environment folder" in err


def test_the_config_file_written_by_setup_is_valid_python(tmp_path: Path) -> None:
    setup(tmp_path)
    compile(config_file(tmp_path).read_text(), "ipython_kernel_config.py", "exec")


@pytest.mark.kernel
@pytest.mark.slow
def test_kernels_of_a_set_up_environment_journal_their_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_kernel_factory: Any, project: Path
) -> None:
    """A throwaway environment that sees this one's packages; only its own config loads us."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    site = Path(sysconfig.get_paths()["purelib"])
    (next((env / "lib").glob("python3*")) / "site-packages" / "outer.pth").write_text(
        f"import site; site.addsitedir({str(site)!r})\n"
    )
    spec = tmp_path / "share" / "kernels" / "envkernel"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(env / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "env",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    assert setup(env) == 0

    from tests.kernel.conftest import RealKernel, env_without_repro

    kernel = RealKernel(
        project,
        {**env_without_repro(), "JUPYTER_PATH": str(tmp_path / "share")},
        extension=False,
        kernel_name="envkernel",
    )
    try:
        kernel.execute("x = 40 + 2")
        journal = kernel.runs_after(1)
        assert [r.source for r in journal.runs] == ["x = 40 + 2"]
        assert journal.header.environment["prefix"] == str(env)
    finally:
        kernel.shutdown()
