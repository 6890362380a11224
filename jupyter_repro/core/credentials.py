"""Well-known credential files: never hashed, never copied into the store, only named.

A cell that reads `~/.netrc` or `~/.aws/credentials` is recorded as having read that path
(the lock must say the notebook depends on it), but nothing of its content leaves it: a
hash of a short secret is as good as the secret to anyone who can guess candidates.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

_NAMES = frozenset(
    {
        ".netrc",
        "_netrc",
        ".pgpass",
        ".git-credentials",
        ".npmrc",
        ".pypirc",
        ".env",
        ".envrc",
        ".boto",
        ".s3cfg",
        ".dockercfg",
        "credentials.db",
        "access_tokens.db",
        "application_default_credentials.json",
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ecdsa_sk",
        "id_ed25519_sk",
    }
)
_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".keystore", ".jks")
# Folders whose every file is a secret or a key: cloud CLIs and ssh.
_FOLDERS = frozenset({".ssh", ".aws", ".azure", ".gnupg", "gcloud", ".kube", ".docker"})


def is_credential_file(path: str | PurePath) -> bool:
    """True for the files that hold secrets by convention, wherever they are.

    Plain string work: it runs for every input of every save.
    """
    parts = os.fspath(path).replace("\\", "/").split("/")
    name = parts[-1]
    if name in _NAMES or name.startswith(".env.") or name.endswith(_SUFFIXES):
        return True
    return not _FOLDERS.isdisjoint(parts[:-1])


# Private keys announce themselves in their first line, whatever the file is called
# (PEM and OpenSSH: "-----BEGIN RSA PRIVATE KEY-----", "... OPENSSH PRIVATE KEY-----";
# PGP: "-----BEGIN PGP PRIVATE KEY BLOCK-----").
KEY_HEAD_BYTES = 4096
_KEY_BEGIN = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")


def looks_like_private_key(head: bytes) -> bool:
    """The first `KEY_HEAD_BYTES` of a file show a private key."""
    return _KEY_BEGIN.search(head[:KEY_HEAD_BYTES]) is not None
