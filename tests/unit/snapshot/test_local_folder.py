"""Folder remotes: which URLs name a folder of this machine, and which folder."""

from __future__ import annotations

import os

import pytest

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.localfolder import is_local_url, local_path


def test_file_urls_and_plain_paths_are_folders_of_this_machine() -> None:
    assert is_local_url("file:///srv/store") and is_local_url("/srv/store")
    assert not is_local_url("s3://bucket/store") and not is_local_url("memory://store")


def test_a_file_url_names_its_path_unquoted() -> None:
    assert local_path("file:///srv/team%20store") == "/srv/team store"
    assert local_path("file://localhost/srv/store") == "/srv/store"


def test_a_plain_path_is_made_absolute() -> None:
    assert local_path("store") == os.path.join(os.getcwd(), "store")


def test_a_file_url_of_another_host_is_refused() -> None:
    with pytest.raises(UsageError, match="folder of this machine"):
        local_path("file://fileserver/srv/store")
