"""`jupyter-repro remote add NAME URL` / `remote list`: where `push` and `pull` go.

Remotes are fsspec URLs (file://, memory://, s3://, gs://, az://) kept in the project's
configuration; the first one is the default. Credentials are never accepted in the URL:
each backend finds its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.project import find_project_root

HELP = "add or list the remotes that push and pull use"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "list"), help="add NAME URL, or list")
    parser.add_argument("name", nargs="?", metavar="NAME")
    parser.add_argument("url", nargs="?", metavar="URL", help="fsspec URL, e.g. s3://bucket/path")


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.io.remote import check_url
    from jupyter_repro.io.remotes import add_remote, remotes

    root = find_project_root(Path.cwd())
    if args.action == "add":
        if not args.name or not args.url:
            raise UsageError("remote add needs a NAME and a URL")
        url = args.url
        if "://" not in url:  # a plain folder: store it as a file:// URL, absolute
            url = Path(url).absolute().as_uri()
        check_url(url)
        written = add_remote(root, args.name, url)
        sys.stdout.write(f"remote {args.name}: {url} (in {written.name})\n")
        return 0
    if args.name or args.url:
        raise UsageError("remote list takes no NAME or URL")
    configured = remotes(root)
    if args.format == "json":
        rows = [
            {"name": n, "url": u, "default": i == 0} for i, (n, u) in enumerate(configured.items())
        ]
        sys.stdout.write(json.dumps({"remotes": rows}, indent=2) + "\n")
    elif not configured:
        sys.stdout.write("no remote configured: add one with `jupyter-repro remote add NAME URL`\n")
    else:
        for index, (name, url) in enumerate(configured.items()):
            sys.stdout.write(f"{name}\t{url}{'  (default)' if index == 0 else ''}\n")
    return 0
