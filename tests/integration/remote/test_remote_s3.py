"""An S3 remote, against moto's S3 server on 127.0.0.1 (credentials from the environment)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_repro.io.hashing import hash_file
from tests.integration.remote.test_remote import INPUT, clone, project  # noqa: F401 (fixture)

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def s3_environment() -> Iterator[dict[str, str]]:
    """A moto S3 server with one bucket; the variables a user's shell would hold."""
    import boto3

    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="team-store")
    try:
        yield env
    finally:
        server.stop()


def repro(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["jupyter-repro", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_push_and_pull_through_s3_with_credentials_from_the_environment_only(
    project: Path,  # noqa: F811
    tmp_path: Path,
    s3_environment: dict[str, str],
) -> None:
    assert (
        repro(project, s3_environment, "remote", "add", "s3", "s3://team-store/air").returncode == 0
    )
    pushed = repro(project, s3_environment, "push")
    assert pushed.returncode == 0, pushed.stderr
    copy = clone(project, tmp_path)
    pulled = repro(copy, s3_environment, "pull")
    assert pulled.returncode == 0, pulled.stderr
    assert hash_file(copy / INPUT) == hash_file(project / INPUT)
    written = (project / "pyproject.toml").read_text()
    assert "testing" not in written and "127.0.0.1" not in written
    shutil.rmtree(copy / ".repro")


@pytest.mark.slow
def test_an_s3_endpoint_that_does_not_answer_is_one_line_exit_2(
    project: Path,  # noqa: F811
) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens there
    }
    assert repro(project, env, "remote", "add", "s3", "s3://team-store/air").returncode == 0
    done = repro(project, env, "pull")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unreachable" in done.stderr


def test_credentials_the_store_refuses_are_one_line_exit_2_and_nothing_is_placed(
    project: Path,  # noqa: F811
    tmp_path: Path,
    s3_environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto import settings

    assert (
        repro(project, s3_environment, "remote", "add", "s3", "s3://team-store/air").returncode == 0
    )
    assert repro(project, s3_environment, "push").returncode == 0
    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)  # the server checks keys
    wrong = {**s3_environment, "AWS_ACCESS_KEY_ID": "AKIAWRONG", "AWS_SECRET_ACCESS_KEY": "nope"}
    copy = clone(project, tmp_path)
    for command in (["push"], ["pull"]):
        done = repro(copy if command == ["pull"] else project, wrong, *command)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "refused (the credentials the backend found are not accepted)" in done.stderr
        assert "AKIAWRONG" not in done.stderr and "nope" not in done.stderr
    assert not (copy / INPUT).exists()
