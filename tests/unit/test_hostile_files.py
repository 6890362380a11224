"""Files that are not what they claim: FIFOs, devices, folders, links in a loop, files that
change while we hash them. Nothing hangs, nothing is read past its size, nothing crashes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from jupyter_repro.core.credentials import is_credential_file
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io import hashing
from jupyter_repro.io.files import (
    NotRegularFileError,
    OutsideProjectError,
    project_file,
    read_bytes,
    read_regular_bytes,
)
from jupyter_repro.io.hashing import hash_bytes, hash_file
from jupyter_repro.io.statcache import StatCache


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "x.ipynb"
    os.mkfifo(path)
    return path


def _finishes(work: object) -> None:
    """Run `work` in a thread; a hang fails the test instead of hanging the suite."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            work()  # type: ignore[operator]
            outcome.append(None)
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(30)
    assert outcome, "still blocked after 30 s"
    if outcome[0] is not None:
        raise outcome[0]


def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo: Path) -> None:
    with pytest.raises(NotRegularFileError, match="FIFO"):
        _finishes(lambda: read_regular_bytes(fifo))
    with pytest.raises(NotRegularFileError):
        _finishes(lambda: hash_file(fifo))


def test_a_fifo_given_as_a_notebook_is_bad_input_named_as_such(fifo: Path) -> None:
    with pytest.raises(BadInputError, match="is a FIFO, not a file"):
        _finishes(lambda: read_bytes(fifo))


def test_dev_zero_is_never_hashed() -> None:
    with pytest.raises(NotRegularFileError, match="device"):
        _finishes(lambda: hash_file(Path("/dev/zero")))


def test_a_folder_is_not_hashed(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFileError, match="directory"):
        hash_file(tmp_path)


def test_a_symlink_loop_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b.ipynb", tmp_path / "a.ipynb")
    os.symlink(tmp_path / "a.ipynb", tmp_path / "b.ipynb")
    with pytest.raises(BadInputError, match="symbolic link loop"):
        read_bytes(tmp_path / "a.ipynb")


def test_files_are_hashed_by_reading_never_through_a_memory_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mapped file truncated by another process is a SIGBUS that kills the server."""
    import blake3

    def no_mmap(*args: object) -> None:
        raise AssertionError("update_mmap used")

    monkeypatch.setattr(blake3.blake3, "update_mmap", no_mmap, raising=False)
    big = tmp_path / "big.bin"
    content = os.urandom(hashing._MULTITHREAD_ABOVE + 12345)
    big.write_bytes(content)
    assert hash_file(big) == hash_bytes(content)


def test_a_file_that_grows_while_hashed_is_read_only_up_to_its_size_at_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"first part\n")
    with pytest.MonkeyPatch.context() as patch:
        real = hashing.read_chunks

        def growing(fd: int, limit: int, chunk: int):  # type: ignore[no-untyped-def]
            with path.open("ab") as handle:
                handle.write(b"appended while hashing\n" * 1000)
            yield from real(fd, limit, chunk)

        patch.setattr(hashing, "read_chunks", growing)
        digest = hash_file(path)
    assert digest == hash_bytes(b"first part\n")


def test_a_file_truncated_while_hashed_gives_a_hash_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(3 << 20))
    with pytest.MonkeyPatch.context() as patch:
        real = hashing.read_chunks

        def truncating(fd: int, limit: int, chunk: int):  # type: ignore[no-untyped-def]
            os.truncate(path, 100)
            yield from real(fd, limit, chunk)

        patch.setattr(hashing, "read_chunks", truncating)
        digest = hash_file(path)
    assert digest.startswith("blake3:")


def test_lock_keys_outside_the_project_name_no_project_file(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    assert project_file(root, "data/a.csv") == root / "data" / "a.csv"
    for key in ("/etc/hostname", "../outside/secret.txt", "data/../../x", "a\x00b", "."):
        assert project_file(root, key) is None, key


def test_the_stat_cache_of_a_store_never_opens_a_file_outside_its_project(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    (root / ".repro").mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    cache = StatCache(root / ".repro" / "statcache.json")
    with pytest.raises(OutsideProjectError):
        cache.hash(outside)
    with pytest.raises(OSError, match="credential"):
        (root / ".netrc").write_text("machine x password y")
        cache.hash(root / ".netrc")


@pytest.mark.parametrize(
    "path",
    [
        "/home/me/.netrc",
        "/home/me/.aws/credentials",
        "/home/me/.ssh/id_ed25519",
        "/home/me/.config/gcloud/application_default_credentials.json",
        "project/.env",
        "project/.env.local",
        "certs/server.key",
    ],
)
def test_well_known_credential_files_are_recognised(path: str) -> None:
    assert is_credential_file(path)


@pytest.mark.parametrize("path", ["data/environment.csv", "notes/ssh.md", "keys.csv", "env.py"])
def test_ordinary_files_are_not_taken_for_credentials(path: str) -> None:
    assert not is_credential_file(path)


@pytest.mark.parametrize(
    "head",
    [
        b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
        b"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n",
        b"-----BEGIN PRIVATE KEY-----\nMIIEvg\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
        b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n",
        b"Bag Attributes\n    localKeyID: 01\n-----BEGIN EC PRIVATE KEY-----\n",
    ],
)
def test_a_private_key_is_recognised_by_its_first_line_whatever_its_name(head: bytes) -> None:
    from jupyter_repro.core.credentials import looks_like_private_key

    assert looks_like_private_key(head)


@pytest.mark.parametrize(
    "head",
    [
        b"-----BEGIN CERTIFICATE-----\nMIID\n",
        b"-----BEGIN PUBLIC KEY-----\nMIIB\n",
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host\n",
        b"a,b\n1,2\n",
    ],
)
def test_public_keys_certificates_and_data_are_not_taken_for_private_keys(head: bytes) -> None:
    from jupyter_repro.core.credentials import looks_like_private_key

    assert not looks_like_private_key(head)
