"""Remote stores: push and pull a project's inputs and snapshots through fsspec."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.cli.main import main
from jupyter_repro.io.hashing import hash_file
from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.store import Store

NOTEBOOK = "analysis.ipynb"
INPUT = "data/measurements.csv"


@pytest.fixture
def project(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with its store filled (its input stored, one snapshot), as saved, and
    no remote configured (each test adds its own)."""
    root = example_project / "air-quality"
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().split("remotes = ")[0])
    lock = read_lock(root / "analysis.repro.json")
    store = Store(root)
    store.ensure()
    digest = lock.inputs[INPUT].hash
    assert digest is not None and store.put_file(root / INPUT, digest)
    store.record(NOTEBOOK, lock, "snapshot")
    monkeypatch.chdir(root)
    return root


def clone(project: Path, where: Path) -> Path:
    """What `git clone` gives: the project without its git-ignored store and data."""
    copy = where / "clone"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".repro"))
    (copy / INPUT).unlink()
    return copy


def cli(*args: str) -> int:
    return main(list(args))


def push_to_folder(project: Path, tmp_path: Path) -> tuple[Path, str]:
    """The project pushed to a folder remote `origin`: (the remote, its input's digest)."""
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    cli("push")
    return remote, hash_file(project / INPUT)


def test_a_fresh_clone_gets_the_inputs_its_lock_names_from_a_file_remote(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = tmp_path / "remote"
    assert cli("remote", "add", "origin", remote.as_uri()) == 0
    assert cli("push") == 0
    digest = hash_file(project / INPUT)
    assert (remote / "objects" / digest[7:9] / digest[9:]).is_file()
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    assert cli("pull", NOTEBOOK) == 0
    assert hash_file(copy / INPUT) == digest
    assert Store(copy).entries(NOTEBOOK), "the snapshot history came along"


def test_a_push_from_a_clone_takes_inputs_the_store_lacks_from_the_working_tree(
    example_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A clone of the project has its lock and data but an empty store: what the lock
    names and the working tree still holds is stored and sent; a changed file is not."""
    root = example_project / "air-quality"
    monkeypatch.chdir(root)
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    locked = read_lock(root / "analysis.repro.json").inputs[INPUT].hash
    assert locked is not None and not Store(root).has(locked)
    assert cli("push", "--remote", "origin") == 0
    assert Store(root).has(locked)
    assert (remote / "objects" / locked[7:9] / locked[9:]).is_file()

    other = example_project.parent / "other"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".repro"))
    (other / INPUT).write_text("edited since the lock was written\n")
    monkeypatch.chdir(other)
    cli("remote", "add", "elsewhere", (tmp_path / "elsewhere").as_uri())
    capsys.readouterr()
    assert cli("push", "--remote", "elsewhere") == 0
    out = capsys.readouterr().out
    assert f"not sent: {INPUT} ({locked}): not in the local store; the working file is not" in out
    assert cli("push", "--remote", "elsewhere", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["not_sent"] == [
        {"object": locked, "input": INPUT, "reason": "the working file is not what was locked"}
    ]
    assert not Store(other).has(locked)
    assert not (tmp_path / "elsewhere" / "objects" / locked[7:9]).exists()


def test_a_second_push_with_nothing_new_sends_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("remote", "add", "origin", (tmp_path / "remote").as_uri())
    cli("push")
    capsys.readouterr()
    assert cli("push", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["objects"], report["history"], report["already_present"]) == (0, 0, 1)


def test_memory_remote_round_trip(project: Path, tmp_path: Path) -> None:
    cli("remote", "add", "mem", f"memory://{tmp_path.name}/store")
    assert cli("push") == 0
    shutil.rmtree(project / ".repro")
    (project / INPUT).unlink()
    assert cli("pull") == 0
    assert (project / INPUT).is_file()


def test_an_interrupted_push_leaves_no_object_under_its_hash(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.io.remote import RemoteStore

    url = f"memory://{tmp_path.name}/store"
    cli("remote", "add", "origin", url)

    def cut(self: Any, source: str, target: str, **kwargs: Any) -> None:
        raise ConnectionResetError("connection reset")

    with monkeypatch.context() as patch:
        patch.setattr("fsspec.implementations.memory.MemoryFileSystem.mv", cut)
        assert cli("push") == 2
    assert RemoteStore("origin", url).objects() == {}
    assert cli("push") == 0
    assert len(RemoteStore("origin", url).objects()) == 1


def refuse_links(patch: pytest.MonkeyPatch) -> None:
    """As on another filesystem: no hard link can be made, every object is copied."""

    def cross_device(source: Any, target: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    patch.setattr("jupyter_repro.io.filecopy.os.link", cross_device)


def test_a_copy_to_a_folder_remote_cut_short_leaves_no_object_under_its_hash(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.io.remote import RemoteStore

    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())

    def cut_short(reader: int, writer: int, size: int) -> None:
        os.write(writer, b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        refuse_links(patch)
        patch.setattr("jupyter_repro.io.filecopy.copy_data", cut_short)
        assert cli("push") == 2
    assert RemoteStore("origin", remote.as_uri()).objects() == {}
    assert [p.name for p in (remote / "objects").rglob("*") if p.is_file()] == []
    assert cli("push") == 0
    assert len(RemoteStore("origin", remote.as_uri()).objects()) == 1


def test_a_folder_remote_on_the_same_filesystem_shares_objects_never_working_copies(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Objects are immutable and named by their hash: the store, the remote and a clone's
    store may share one copy, as a local `git clone` does. The input put in place is a
    copy of its own, so editing it can never change an object. A link to a durable file
    needs no flush."""
    from jupyter_repro.io import durable

    def no_flush(path: str) -> None:
        raise AssertionError(f"{path} flushed: a link is durable already")

    monkeypatch.setattr(durable, "_fsync", no_flush)
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    assert cli("push") == 0
    digest = hash_file(project / INPUT)
    sent = remote / "objects" / digest[7:9] / digest[9:]
    assert sent.stat().st_ino == Store(project).object_path(digest).stat().st_ino
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    assert cli("pull") == 0
    assert Store(copy).object_path(digest).stat().st_ino == sent.stat().st_ino
    placed = (copy / INPUT).stat()
    assert placed.st_nlink == 1 and placed.st_mode & 0o200, "a writable copy of its own"
    (copy / INPUT).write_text("edited after the pull\n")
    assert hash_file(sent) == digest


def test_a_folder_remote_on_another_filesystem_gets_read_only_copies(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    with monkeypatch.context() as patch:
        refuse_links(patch)
        assert cli("push") == 0
        digest = hash_file(project / INPUT)
        sent = remote / "objects" / digest[7:9] / digest[9:]
        assert sent.stat().st_nlink == 1 and sent.stat().st_mode & 0o777 == 0o444
        assert hash_file(sent) == digest
        copy = clone(project, tmp_path)
        monkeypatch.chdir(copy)
        assert cli("pull") == 0
    assert Store(copy).object_path(digest).stat().st_nlink == 1
    assert hash_file(copy / INPUT) == digest


def corrupt_remote_object(remote: Path, digest: str) -> None:
    target = remote / "objects" / digest[7:9] / digest[9:]
    target.chmod(0o644)
    target.write_bytes(b"tampered")


def as_large_objects(patch: pytest.MonkeyPatch) -> list[str]:
    """Make every object count as large, whose working copies are made while it is hashed;
    the objects that went that way."""
    from jupyter_repro.io import workers

    overlapped: list[str] = []
    real = workers.while_doing

    def spy(side: Any, main: Any) -> Any:
        overlapped.append("object")
        return real(side, main)

    patch.setattr("jupyter_repro.io.store._COPY_WHILE_HASHING_ABOVE", -1)
    patch.setattr(workers, "while_doing", spy)
    return overlapped


@pytest.mark.parametrize("linked", [True, False], ids=["linked", "copied"])
def test_a_large_object_is_copied_out_while_it_is_hashed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: bool
) -> None:
    _, digest = push_to_folder(project, tmp_path)
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    with monkeypatch.context() as patch:
        if not linked:
            refuse_links(patch)
        overlapped = as_large_objects(patch)
        assert cli("pull") == 0
    assert overlapped == ["object"]
    assert hash_file(copy / INPUT) == digest and Store(copy).has(digest)
    assert [p.name for p in Store(copy).path.iterdir() if p.name.startswith(".pull-")] == []


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_a_corrupted_remote_object_is_refused_named_and_the_local_copy_kept(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    large: bool,
) -> None:
    """A large object's working copy is made while it is hashed: when the hash says no,
    that copy is thrown away, as a small one is never made."""
    remote, digest = push_to_folder(project, tmp_path)
    corrupt_remote_object(remote, digest)
    copy = clone(project, tmp_path)
    (copy / INPUT).write_text("my local edit\n")
    monkeypatch.chdir(copy)
    capsys.readouterr()
    if large:
        as_large_objects(monkeypatch)
    assert cli("pull", "--force") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and digest in error and "refused" in error
    assert (copy / INPUT).read_text() == "my local edit\n"
    assert not Store(copy).has(digest)
    left = [p.name for p in copy.rglob("*") if p.name.startswith(".") and p.is_file()]
    assert [name for name in left if name.endswith(".tmp") or name.startswith(".pull-")] == []


def test_a_remote_object_swapped_after_it_was_hashed_is_never_linked_in(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull links a folder remote's object after hashing it: the link must be to the
    file that was hashed, not to one renamed over it in between."""
    _, digest = push_to_folder(project, tmp_path)
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    real_link = os.link

    def swap_then_link(source: Any, target: Any) -> None:
        forged = Path(source).with_name("forged")
        forged.write_bytes(b"not the data that was hashed")
        os.replace(forged, source)
        real_link(source, target)

    with monkeypatch.context() as patch:
        patch.setattr("jupyter_repro.io.filecopy.os.link", swap_then_link)
        assert cli("pull") == 2
    assert not Store(copy).has(digest)
    assert not (copy / INPUT).exists()


@pytest.mark.parametrize("how", ["linked", "copied", "large"])
def test_a_remote_object_that_is_a_symbolic_link_is_refused(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    """An object of a shared folder replaced by a link to a file with the same bytes
    elsewhere: the store takes regular files only, never a link that leads out."""
    remote, digest = push_to_folder(project, tmp_path)
    sent = remote / "objects" / digest[7:9] / digest[9:]
    elsewhere = tmp_path / "elsewhere.csv"
    shutil.copyfile(project / INPUT, elsewhere)
    sent.unlink()
    sent.symlink_to(elsewhere)
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    capsys.readouterr()
    with monkeypatch.context() as patch:
        if how == "copied":
            refuse_links(patch)
        if how == "large":
            as_large_objects(patch)
        assert cli("pull") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "symbolic link" in error
    assert not (copy / INPUT).exists()
    objects = Store(copy).objects
    assert not objects.exists() or not [p for p in objects.rglob("*") if p.is_symlink()]


def test_a_changed_input_is_kept_unless_forced(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli("remote", "add", "origin", (tmp_path / "remote").as_uri())
    cli("push")
    digest = hash_file(project / INPUT)
    (project / INPUT).write_text("changed\n")
    assert cli("pull") == 1
    assert "changed here, kept" in capsys.readouterr().out
    assert cli("pull", "--force") == 0
    assert hash_file(project / INPUT) == digest


def test_pull_of_an_unknown_snapshot_is_one_line_exit_2(project: Path, tmp_path: Path) -> None:
    cli("remote", "add", "origin", (tmp_path / "remote").as_uri())
    cli("push")
    done = subprocess.run(
        ["jupyter-repro", "pull", "--snapshot", "abcdef12"],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no snapshot abcdef12" in done.stderr


def test_pull_of_a_snapshot_puts_its_inputs_in_place(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("remote", "add", "origin", (tmp_path / "remote").as_uri())
    cli("push")
    ident = Store(project).entries(NOTEBOOK)[-1].id
    copy = clone(project, tmp_path)
    monkeypatch.chdir(copy)
    assert cli("pull", "--snapshot", ident) == 0
    assert (copy / INPUT).is_file()


def test_an_unreachable_remote_is_one_line_exit_2(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("remote", "add", "origin", (tmp_path / "no-such-folder").as_uri())
    capsys.readouterr()
    assert cli("pull") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unreachable" in error


def test_remote_add_keeps_the_pyproject_as_written_and_refuses_credentials(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = project / "pyproject.toml"
    before = pyproject.read_text()
    assert cli("remote", "add", "team", "s3://bucket/store") == 0
    after = pyproject.read_text()
    assert after.startswith(before.rstrip("\n"))
    assert 'team = "s3://bucket/store"' in after
    assert cli("remote", "add", "leak", "s3://AKIA:secret@bucket/store") == 2
    assert "secret" not in pyproject.read_text()
    assert cli("remote", "add", "team", "s3://other") == 2
    capsys.readouterr()
    assert cli("remote", "add", "shared", "file://fileserver/srv/store") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "a folder of this machine" in error
    assert "fileserver" not in pyproject.read_text()
    assert cli("remote", "list", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)["remotes"]
    assert rows == [{"name": "team", "url": "s3://bucket/store", "default": True}]


def test_the_example_round_trips_through_its_own_file_remote(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What README's "Reproduce on another machine" does, with the example's remote."""
    root = example_project / "air-quality"
    digest = read_lock(root / "analysis.repro.json").inputs[INPUT].hash
    assert digest is not None and Store(root).put_file(root / INPUT, digest)
    monkeypatch.chdir(root)
    assert cli("push") == 0
    assert (root / ".shared-store" / "objects" / digest[7:9] / digest[9:]).is_file()
    shutil.rmtree(root / ".repro")
    (root / INPUT).unlink()
    assert cli("pull") == 0
    assert hash_file(root / INPUT) == digest


def test_a_remote_history_name_that_leaves_the_history_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    cli("push")
    entry = next((remote / "history").glob("*/*.json"))
    forged = remote / "history" / "%2E%2E%2Fescape" / entry.name
    forged.parent.mkdir()
    forged.write_bytes(entry.read_bytes())
    shutil.rmtree(project / ".repro")
    capsys.readouterr()
    assert cli("pull") == 2
    assert "is not a history entry name" in capsys.readouterr().err
    assert not (project / ".repro" / "escape").exists()


def with_second_input(project: Path) -> str:
    """Add a second stored input to the example's lock; its key."""
    from dataclasses import replace

    from jupyter_repro.io.locks import write_lock

    extra = project / "data" / "stations.csv"
    extra.write_text("station,city\nA,Paris\n")
    lock_file = project / "analysis.repro.json"
    lock = read_lock(lock_file)
    digest = hash_file(extra)
    record = replace(lock.inputs[INPUT], hash=digest, size=extra.stat().st_size)
    lock = replace(lock, inputs={**lock.inputs, "data/stations.csv": record})
    write_lock(lock_file, lock)
    assert Store(project).put_file(extra, digest)
    return "data/stations.csv"


def enter_clone(project: Path, where: Path, extra: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone without its inputs (the extra one included), as the working folder."""
    copy = clone(project, where)
    (copy / extra).unlink()
    monkeypatch.chdir(copy)
    return copy


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def test_a_pull_that_cannot_write_one_input_places_none(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    extra = with_second_input(project)
    cli("remote", "add", "origin", (tmp_path / "remote").as_uri())
    assert cli("push") == 0
    copy = enter_clone(project, tmp_path, extra, monkeypatch)
    real = Store.copy_beside

    def disk_full_for_the_extra(self: Store, digest: str, target: Path, **kwargs: Any) -> Path:
        if target.name == "stations.csv":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, digest, target, **kwargs)

    monkeypatch.setattr(Store, "copy_beside", disk_full_for_the_extra)
    capsys.readouterr()
    assert cli("pull") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "No space left" in error
    assert not (copy / INPUT).exists() and not (copy / extra).exists()
    assert leftovers(copy / "data") == []
    monkeypatch.setattr(Store, "copy_beside", real)
    assert cli("pull") == 0
    assert (copy / INPUT).is_file() and (copy / extra).is_file()


def test_a_pull_with_one_corrupt_object_places_no_input(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = with_second_input(project)
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    with monkeypatch.context() as patch:
        refuse_links(patch)  # corrupting a shared object would corrupt the project's too
        assert cli("push") == 0
    corrupt_remote_object(remote, hash_file(project / extra))
    copy = enter_clone(project, tmp_path, extra, monkeypatch)
    assert cli("pull") == 2
    assert not (copy / INPUT).exists() and not (copy / extra).exists()
    assert leftovers(copy / "data") == []
    # The object that arrived intact is kept: the next pull fetches only the rest.
    assert Store(copy).has(hash_file(project / INPUT))
    assert not Store(copy).has(hash_file(project / extra))
    assert [p.name for p in (copy / ".repro").glob(".pull-*")] == []


def test_objects_copied_across_file_systems_are_flushed_together_then_named(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.io import durable

    extra = with_second_input(project)
    remote = tmp_path / "remote"
    cli("remote", "add", "origin", remote.as_uri())
    flushes: list[int] = []
    real = durable.flush_files

    def count(paths: Any) -> None:
        paths = list(paths)
        flushes.append(len(paths))
        real(paths)

    monkeypatch.setattr(durable, "flush_files", count)
    refuse_links(monkeypatch)
    assert cli("push") == 0
    assert flushes == [2]  # both objects, in one flush
    copy = enter_clone(project, tmp_path, extra, monkeypatch)
    assert cli("pull") == 0
    assert flushes == [2, 2]
    assert hash_file(copy / extra) == hash_file(project / extra)
    assert [p.name for p in remote.rglob(".*")] == []


@pytest.mark.parametrize("scheme", ["file", "memory"])
def test_push_and_pull_move_the_largest_objects_first(
    project: Path, tmp_path: Path, scheme: str
) -> None:
    from jupyter_repro.io.remote import RemoteStore

    store = Store(project)
    sizes = {}
    for size in (10, 300_000, 2_000, 70_000, 500, 9_000):
        source = project / f"object-{size}"
        source.write_bytes((b"object of %d bytes;" % size * size)[:size])
        digest = hash_file(source)
        assert store.put_file(source, digest)
        sizes[digest] = size
    by_size = sorted(sizes, key=sizes.__getitem__, reverse=True)
    assert by_size != sorted(sizes)  # the order by name would not pass for it
    url = (tmp_path / "remote").as_uri() if scheme == "file" else f"memory://{tmp_path.name}"
    remote = RemoteStore("origin", url)
    push = remote.plan_push(store, sizes, [])
    assert push.objects == by_size
    remote.push(store, push, lambda _: None)
    assert remote.objects() == sizes  # the listing says each object's size
    clone = Store(tmp_path / "clone")
    assert remote.plan_pull(clone, sizes).objects == by_size
